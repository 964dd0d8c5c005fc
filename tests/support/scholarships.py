"""Builders for scholarship tests: a program, an applicant, the forum it belongs to, and the calls around them."""

import re
from typing import Any

import httpx

from tests.support.factories import EventFactory, outbox_messages


def program_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "budget": {"amount": "5000.00", "currency": "USD"},
        "opens_at": "2024-05-15T00:00:00",
        "closes_at": "2024-06-10T23:59:00",
        "award_items": ["travel", "lodging"],
        "criteria": [
            {"key": "relevance", "label": "Relevance to digital rights", "weight": 2, "min": 0, "max": 10},
            {"key": "impact", "label": "Impact back home", "weight": 1, "min": 1, "max": 5},
        ],
        "reviews_per_application": 2,
        "regional_targets": {"Africa": 0.4},
        "accept_within_days": 7,
        "max_per_item": {"travel": "2000.00"},
        "reserved_seats": 3,
        "questions": [{"key": "first_time", "label": "First time at DRIF?", "type": "yes_no", "required": True}],
    }
    body.update(overrides)
    return body


def applicant(name: str, country: str, requested: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "email": f"{name.split()[0].lower()}@example.org",
        "country": country,
        "affiliation": "Community network",
        "motivation": f"{name} works on digital inclusion.",
        "contribution": "A session on community networks.",
        "requested": requested,
        "answers": {"first_time": True},
        "consent": True,
        **extra,
    }


async def forum(create_event: EventFactory, **overrides: Any) -> dict[str, Any]:
    body = {
        "title": "Digital Rights and Inclusion Forum 2024",
        "timezone": "Africa/Accra",
        "start": "2024-09-10T09:00:00",
        "end": "2024-09-12T17:00:00",
        "capacity": 10,
        "location": {"name": "Accra International Conference Centre", "city": "Accra", "country": "GH"},
    }
    body.update(overrides)
    return await create_event(**body)


async def put_program(http: httpx.AsyncClient, slug: str, headers: dict[str, str], **overrides: Any) -> Any:
    return await http.put(
        f"/api/staff/events/{slug}/scholarship-program", json=program_body(**overrides), headers=headers
    )


async def apply(http: httpx.AsyncClient, slug: str, body: dict[str, Any]) -> Any:
    return await http.post(f"/api/events/{slug}/scholarship-applications", json=body)


async def award_token(http: httpx.AsyncClient, admin: dict[str, str], email: str) -> str:
    """The personal link from the newest award email (an award renews the applicant's link)."""
    messages = await outbox_messages(http, admin, recipient=email)
    award = next(m for m in messages if m["kind"] == "scholarship_awarded")
    found = re.search(r"/api/scholarship-applications/([\w-]+)/accept", award["body"])
    assert found, award["body"]
    return found.group(1)


async def budget(http: httpx.AsyncClient, slug: str, admin: dict[str, str]) -> dict[str, Any]:
    response = await http.get(f"/api/staff/events/{slug}/scholarship-program/budget", headers=admin)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def review(http: httpx.AsyncClient, application_id: int, headers: dict[str, str], **body: Any) -> Any:
    return await http.post(f"/api/staff/scholarship-applications/{application_id}/reviews", json=body, headers=headers)
