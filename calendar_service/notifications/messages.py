"""The text of every message a registrant receives. Pure: values in, Message out."""

from calendar_service.notifications.outbox import Message

__all__ = ["Message"]


def _footer(manage_url: str) -> str:
    # The registrant's page has the same path as the API resource, without /api (web/public.py).
    page = manage_url.replace("/api/registrations/", "/registrations/", 1)
    return (
        f"\n\nSee or cancel your registration: {page}\n"
        f"For programs, the same as JSON: {manage_url} (POST to it followed by /cancel cancels)."
    )


def registration_message(
    *,
    status: str,
    name: str,
    email: str,
    title: str,
    when: str,
    page_url: str,
    manage_url: str,
    position: int | None,
    ics: bytes | None,
) -> Message:
    if status == "confirmed":
        subject = f"Confirmed: {title}"
        text = f"Hello {name},\n\nyour place at “{title}” ({when}) is confirmed. The invitation is attached."
        return Message("confirmed", email, subject, text + f"\n\n{page_url}" + _footer(manage_url), ics, "REQUEST")
    if status == "waitlisted":
        subject = f"Waiting list: {title}"
        text = (
            f"Hello {name},\n\n“{title}” ({when}) is full. You are number {position} on the waiting list; "
            "we will write as soon as a place is yours."
        )
        return Message("waitlisted", email, subject, text + f"\n\n{page_url}" + _footer(manage_url))
    subject = f"Please confirm: {title}"
    text = f"Hello {name},\n\nplease confirm your registration for “{title}” ({when})."
    return Message("confirmation_link", email, subject, text + _footer(manage_url))


def confirm_message(
    *, name: str, email: str, title: str, when: str, confirm_url: str, deadline: str, manage_url: str | None = None
) -> Message:
    text = (
        f"Hello {name},\n\na place at “{title}” ({when}) is held for you until {deadline} (UTC). "
        f"Please confirm it here:\n\n{confirm_url}\n\nIf you do not confirm in time, the place goes to the next "
        "person on the waiting list."
    )
    footer = _footer(manage_url) if manage_url else ""
    return Message("confirmation_link", email, f"Please confirm: {title}", text + footer)


def lapsed_message(*, name: str, email: str, title: str, page_url: str) -> Message:
    text = (
        f"Hello {name},\n\nthe place we held for you at “{title}” was not confirmed in time and has been "
        f"released. You are welcome to register again: {page_url}"
    )
    return Message("lapsed", email, f"Place released: {title}", text)


def promoted_message(*, name: str, email: str, title: str, when: str, page_url: str, ics: bytes) -> Message:
    text = (
        f"Hello {name},\n\na place at “{title}” ({when}) has become free and it is yours: "
        "your registration is confirmed. The invitation is attached.\n\n"
        "To see or cancel your registration, use the link in our first email to you."
    )
    return Message("promoted", email, f"You have a place: {title}", text + f"\n\n{page_url}", ics, "REQUEST")


def cancelled_message(*, name: str, email: str, title: str, when: str, page_url: str, ics: bytes | None) -> Message:
    text = f"Hello {name},\n\nyour registration for “{title}” ({when}) is cancelled."
    return Message("cancelled", email, f"Cancelled: {title}", text + f"\n\n{page_url}", ics, "CANCEL" if ics else None)


def event_changed_message(
    *, name: str, email: str, title: str, when: str, page_url: str, ics: bytes, cancelled: bool
) -> Message:
    if cancelled:
        text = f"Hello {name},\n\nwe are sorry: “{title}” ({when}) is cancelled. Your calendar entry is removed."
        return Message("event_cancelled", email, f"Cancelled: {title}", text + f"\n\n{page_url}", ics, "CANCEL")
    text = f"Hello {name},\n\n“{title}” has changed; it is now {when}. The attached update keeps your calendar right."
    return Message("event_changed", email, f"Changed: {title}", text + f"\n\n{page_url}", ics, "REQUEST")


def confirmed_message(*, name: str, email: str, title: str, when: str, page_url: str, ics: bytes) -> Message:
    text = (
        f"Hello {name},\n\nthank you: your place at “{title}” ({when}) is confirmed. The invitation is attached.\n\n"
        "To see or cancel your registration, use the link in our first email to you."
    )
    return Message("confirmed", email, f"Confirmed: {title}", text + f"\n\n{page_url}", ics, "REQUEST")


def link_message(*, name: str, email: str, title: str, status: str, manage_url: str, feed_url: str) -> Message:
    """A new manage link on request: links are stored only as hashes, so the first one cannot be sent
    again; it keeps working (asking for a link with someone's address must not lock them out)."""
    text = (
        f"Hello {name},\n\nhere is a new link to your registration for “{title}” (now: {status.replace('_', ' ')}).\n"
        f"The link from your first email keeps working; a link sent before this one does not.\n\n"
        f"Your personal calendar feed: {feed_url}"
    )
    return Message("registration_link", email, f"Your registration link: {title}", text + _footer(manage_url))
