"""Paths as they may be logged: every token route loses its token, nothing else changes."""

import pytest

from calendar_service.domain.redaction import REDACTED, redact_path

T = "Xk3_-q9ZyWmA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tUv"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/api/registrations/{T}", f"/api/registrations/{REDACTED}"),
        (f"/api/registrations/{T}/cancel", f"/api/registrations/{REDACTED}/cancel"),
        (f"/api/registrations/confirm/{T}", f"/api/registrations/confirm/{REDACTED}"),
        (f"/registrations/{T}", f"/registrations/{REDACTED}"),
        (f"/registrations/{T}/cancel?lang=es", f"/registrations/{REDACTED}/cancel?lang=es"),
        (f"/registrations/confirm/{T}", f"/registrations/confirm/{REDACTED}"),
        (f"/feeds/{T}.ics", f"/feeds/{REDACTED}.ics"),
        (f"/feeds/{T}", f"/feeds/{REDACTED}"),
        (f"/api/scholarship-applications/{T}/accept", f"/api/scholarship-applications/{REDACTED}/accept"),
        (f"/applications/{T}", f"/applications/{REDACTED}"),
        (f"/events/x?token={T}&lang=es", f"/events/x?token={REDACTED}&lang=es"),
    ],
)
def test_token_routes_are_redacted(path: str, logged: str) -> None:
    assert redact_path(path) == logged
    assert T not in redact_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "/events/drif-2024",
        "/calendars/global-advocacy.ics",
        "/registrations/link",
        "/api/events/drif-2024/registrations",
        "/api/staff/events/drif-2024/attendees?format=csv",
        "/health",
    ],
)
def test_other_paths_are_left_alone(path: str) -> None:
    assert redact_path(path) == path
