"""Attendee exports: read back with csv, openpyxl and json and compared with the registrations API;
formula cells neutralised, four scripts and emoji intact, scoped to the organizer's calendars, audited."""

import csv
import io
import json
from typing import Any

import openpyxl
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.factories import register_all, staff_registrations

QUESTIONS = [
    {"key": "diet", "label": "Dietary needs", "type": "choice", "options": ["none", "vegetarian", "halal"]},
    {"key": "access", "label": "Accessibility", "type": "multi_choice", "options": ["ramp", "captions", "sign"]},
    {"key": "affiliation", "label": "Affiliation", "type": "text"},
]
PEOPLE = [
    ("Ama Mensah", "ama@example.org", {"diet": "halal", "access": ["ramp", "captions"], "affiliation": "DRIF"}),
    ("ليلى حداد", "layla@example.org", {"diet": "none", "affiliation": '=HYPERLINK("http://evil","x")'}),
    ("प्रिया शर्मा", "priya@example.org", {"diet": "vegetarian", "affiliation": "+1 555"}),
    ("王小明", "wang@example.org", {"affiliation": "@SUM(A1:A9)"}),
    ("Zoë 🎉 Núñez", "zoe@example.org", {"affiliation": "-2+3"}),
    ("=cmd|' /C calc'!A0", "evil@example.org", {"affiliation": "\tTabbed"}),
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


async def seed(client: AsyncTestClient[Litestar], create_event: Any, capacity: int = 4) -> str:
    event = await create_event(
        title="DRIF 2024", timezone="Africa/Accra", capacity=capacity, registration={"questions": QUESTIONS}
    )
    bodies = [{"name": name, "email": email, "consent": True, "answers": answers} for name, email, answers in PEOPLE]
    await register_all(client, event["slug"], bodies)
    return str(event["slug"])


async def staff_view(client: AsyncTestClient[Litestar], slug: str, headers: dict[str, str]) -> dict[int, Any]:
    listed = await staff_registrations(client, slug, headers)
    return {item["id"]: item for item in listed["items"]}


async def test_csv_export_matches_the_registrations_with_scripts_intact_and_formulas_neutralised(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], token_factory: Any, create_event: Any
) -> None:
    slug = await seed(client, create_event)
    organizer = await token_factory("organizer", ["test-cal"])
    response = await client.get(f"/api/staff/events/{slug}/attendees", headers=organizer)  # BOM by default
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert f'filename="{slug}-attendees-2024-06-01.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in response.content, "RFC 4180 line endings"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    expected = await staff_view(client, slug, admin_headers)
    assert len(rows) == len(expected) == len(PEOPLE)
    header = list(rows[0].keys())
    assert "registered_at (Africa/Accra)" in header and "registered_at (UTC)" in header
    assert header[-3:] == ["Dietary needs", "Accessibility", "Affiliation"]
    for row in rows:
        truth = expected[int(row["id"])]
        assert row["status"] == truth["status"] and row["email"] == truth["email"]
        assert row["waitlist_position"] == (str(truth["waitlist_position"]) if truth["waitlist_position"] else "")
        assert row["registered_at (UTC)"] == truth["created_at"] == "2024-06-01T12:00:00Z"
        assert row["registered_at (Africa/Accra)"] == "2024-06-01 12:00:00"  # Accra is UTC+0 all year
        for cell in row.values():
            assert not cell.startswith(FORMULA_STARTS), f"formula-like cell left as is: {cell!r}"
        name = truth["name"]
        assert row["name"] == ("'" + name if name.startswith(FORMULA_STARTS) else name)
    by_email = {row["email"]: row for row in rows}
    assert by_email["layla@example.org"]["name"] == "ليلى حداد"
    assert by_email["priya@example.org"]["name"] == "प्रिया शर्मा"
    assert by_email["wang@example.org"]["name"] == "王小明"
    assert by_email["zoe@example.org"]["name"] == "Zoë 🎉 Núñez"
    assert by_email["ama@example.org"]["Accessibility"] == "ramp; captions"
    assert by_email["layla@example.org"]["Affiliation"] == '\'=HYPERLINK("http://evil","x")'
    assert by_email["wang@example.org"]["Affiliation"] == "'@SUM(A1:A9)"
    assert [r["status"] for r in rows].count("waitlisted") == 2
    assert sorted(r["waitlist_position"] for r in rows if r["status"] == "waitlisted") == ["1", "2"]


async def test_xlsx_export_reads_back_with_real_dates_and_no_formula(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], create_event: Any
) -> None:
    slug = await seed(client, create_event)
    response = await client.get(f"/api/staff/events/{slug}/attendees", headers=admin_headers, params={"format": "xlsx"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header, body = values[0], values[1:]
    assert len(body) == len(PEOPLE)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
    names = {r[header.index("email")]: r[header.index("name")] for r in body}
    assert names["layla@example.org"] == "ليلى حداد" and names["wang@example.org"] == "王小明"
    assert names["evil@example.org"].startswith("'=")
    registered = body[0][header.index("registered_at (UTC)")]
    assert registered.isoformat() == "2024-06-01T12:00:00"
    truth = await staff_view(client, slug, admin_headers)
    assert {r[header.index("id")]: r[header.index("status")] for r in body} == {
        i: t["status"] for i, t in truth.items()
    }


async def test_json_export_keeps_types_and_answers_and_filters_by_status_and_mode(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], create_event: Any
) -> None:
    slug = await seed(client, create_event)
    everything = await client.get(
        f"/api/staff/events/{slug}/attendees", headers=admin_headers, params={"format": "json"}
    )
    items = json.loads(everything.content)["items"]
    assert len(items) == len(PEOPLE)
    ama = next(i for i in items if i["email"] == "ama@example.org")
    assert ama["answers"] == {"diet": "halal", "access": ["ramp", "captions"], "affiliation": "DRIF"}
    assert ama["scholarship"] is False and ama["waitlist_position"] is None
    assert ama["registered_at"] == "2024-06-01T12:00:00+00:00" and ama["registered_at_utc"] == "2024-06-01T12:00:00Z"
    evil = next(i for i in items if i["email"] == "evil@example.org")
    assert evil["name"] == "=cmd|' /C calc'!A0", "JSON is data for programs: kept exactly"
    waiting = await client.get(
        f"/api/staff/events/{slug}/attendees",
        headers=admin_headers,
        params={"format": "json", "status": "waitlisted"},
    )
    waitlisted = json.loads(waiting.content)["items"]
    assert [i["waitlist_position"] for i in waitlisted] == [1, 2]
    online = await client.get(
        f"/api/staff/events/{slug}/attendees", headers=admin_headers, params={"format": "json", "mode": "online"}
    )
    assert json.loads(online.content)["items"] == []
    bad = await client.get(f"/api/staff/events/{slug}/attendees", headers=admin_headers, params={"format": "pdf"})
    assert bad.status_code == 422 and "format" in bad.json()["detail"]


async def test_an_organizer_of_another_calendar_cannot_export_and_every_export_is_audited(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], token_factory: Any, create_event: Any
) -> None:
    slug = await seed(client, create_event)
    outsider = await token_factory("organizer", ["other-cal"])
    refused = await client.get(f"/api/staff/events/{slug}/attendees", headers=outsider)
    assert refused.status_code == 403
    insider = await token_factory("organizer", ["test-cal"])
    assert (await client.get(f"/api/staff/events/{slug}/attendees", headers=insider)).status_code == 200
    entries = (await client.get("/api/staff/audit", headers=admin_headers, params={"action": "export"})).json()
    assert len(entries["items"]) == 1
    entry = entries["items"][0]
    assert entry["action"] == "export.attendees" and entry["target_id"] == slug
    assert entry["actor_role"] == "organizer" and entry["detail"]["rows"] == len(PEOPLE)


async def test_csv_without_bom_on_request(
    client: AsyncTestClient[Litestar], admin_headers: dict[str, str], create_event: Any
) -> None:
    slug = await seed(client, create_event)
    response = await client.get(f"/api/staff/events/{slug}/attendees", headers=admin_headers, params={"bom": "false"})
    assert response.status_code == 200, response.text
    assert not response.content.startswith(b"\xef\xbb\xbf") and response.content.startswith(b"id,")
