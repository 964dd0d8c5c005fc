"""Who may do what: pure decisions on a staff member's role and scope.

Roles: `admin` (everything), `organizer` (events; scoped to the calendars
listed on the token, or all calendars when the list is empty), `reviewer`
(scholarships only).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from calendar_service.errors import Forbidden

ROLES = ("admin", "organizer", "reviewer")

# What each staff endpoint declares (`opt=`); the staff dependency refuses an endpoint that declares nothing.
ADMIN_ONLY = {"roles": ("admin",)}
ORGANIZERS = {"roles": ("organizer",)}
# Public writes (no staff token): rate-limited per client address (RATE_LIMIT, per minute).
PUBLIC_WRITE = {"rate_limited": True}  # admins and organizers (then scoped to their calendars)
REVIEWERS = {"roles": ("reviewer",)}  # admins and reviewers


@dataclass(frozen=True, slots=True)
class Staff:
    id: int
    name: str
    role: str
    calendars: tuple[str, ...] = ()


def may_edit_calendar(staff: Staff | None, calendar_slug: str) -> bool:
    """Whether this caller may edit (and so see the staff-only fields of) the calendar's events."""
    if staff is None:
        return False
    return staff.role == "admin" or (
        staff.role == "organizer" and (not staff.calendars or calendar_slug in staff.calendars)
    )


def require_calendar_editor(staff: Staff, calendar_slug: str) -> None:
    if staff.role == "admin":
        return
    if staff.role == "organizer" and (not staff.calendars or calendar_slug in staff.calendars):
        return
    if staff.role == "organizer":
        raise Forbidden(f"your organizer token is limited to calendars {', '.join(staff.calendars)}")
    raise Forbidden(f"role '{staff.role}' may not edit events; an admin or organizer token is needed")


def require_calendar_creator(staff: Staff) -> None:
    """Admins, and organizers whose token is not limited to some calendars (a limited one could not
    edit the calendar it made)."""
    if staff.role == "admin" or (staff.role == "organizer" and not staff.calendars):
        return
    if staff.role == "organizer":
        raise Forbidden(
            f"your organizer token is limited to calendars {', '.join(staff.calendars)}; creating a calendar "
            "needs an admin token or an organizer token for all calendars"
        )
    raise Forbidden(f"role '{staff.role}' may not create calendars; an admin or organizer token is needed")


def require_admin(staff: Staff, action: str) -> None:
    if staff.role != "admin":
        raise Forbidden(f"only an admin may {action}; your token's role is '{staff.role}'")


def require_role(staff: Staff, roles: Sequence[str]) -> None:
    """An endpoint's declared roles; admin may do everything."""
    if staff.role == "admin" or staff.role in roles:
        return
    wanted = " or ".join(sorted({"admin", *roles}))
    raise Forbidden(f"this needs a token with role {wanted}; yours is '{staff.role}'")


def valid_role(role: str, calendars: Sequence[str]) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if calendars and role != "organizer":
        raise ValueError("only organizer tokens can be limited to calendars")
