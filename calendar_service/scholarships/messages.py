"""The text of every message an applicant receives. Pure: values in, Message out."""

from calendar_service.notifications.messages import Message


def _links(status_url: str, page_url: str) -> str:
    return (
        f"\n\nSee your application in a browser: {page_url}\n(for programs: {status_url})\n"
        "This link is personal: anyone who has it can read and answer for your application."
    )


def draft_saved(*, name: str, email: str, title: str, status_url: str, page_url: str, deadline: str) -> Message:
    text = (
        f"Hello {name},\n\nyour scholarship application for “{title}” is saved as a draft. "
        f"Finish and submit it at {page_url} before {deadline} (or with PATCH {status_url} and "
        f"POST {status_url}/submit); a draft that is not submitted is not reviewed."
    )
    return Message(
        "scholarship_draft", email, f"Draft saved: scholarship for {title}", text + _links(status_url, page_url)
    )


def received(*, name: str, email: str, title: str, status_url: str, page_url: str, requested: str) -> Message:
    text = (
        f"Hello {name},\n\nwe received your scholarship application for “{title}” (requested: {requested}). "
        "Reviewers will read it after the deadline; we will write when there is a decision."
    )
    return Message("scholarship_received", email, f"Application received: {title}", text + _links(status_url, page_url))


def awarded(
    *, name: str, email: str, title: str, status_url: str, page_url: str, amounts: str, answer_by: str
) -> Message:
    renewal = "\n\nThis email carries a new personal link; the one from your application keeps working too."
    text = (
        f"Hello {name},\n\nwe are glad to offer you a scholarship for “{title}”: {amounts}.\n\n"
        f"Please answer by {answer_by} (UTC) at {page_url}, or with the API:\n"
        f"  accept:  POST {status_url}/accept\n"
        f"  decline: POST {status_url}/decline\n\n"
        "Accepting confirms your place at the event; the invitation follows. If you do not answer in time, "
        f"the offer lapses and the money goes to another applicant.{renewal}"
    )
    return Message("scholarship_awarded", email, f"Scholarship offered: {title}", text + _links(status_url, page_url))


def declined(*, name: str, email: str, title: str) -> Message:
    text = f"Hello {name},\n\nyou declined the scholarship for “{title}”. Thank you for telling us in time."
    return Message("scholarship_declined", email, f"Scholarship declined: {title}", text)


def expired(*, name: str, email: str, title: str) -> Message:
    text = (
        f"Hello {name},\n\nthe scholarship offered to you for “{title}” was not accepted in time and has lapsed; "
        "its money goes to another applicant."
    )
    return Message("scholarship_expired", email, f"Scholarship offer lapsed: {title}", text)


def not_awarded(*, name: str, email: str, title: str) -> Message:
    text = (
        f"Hello {name},\n\nthank you for applying for a scholarship for “{title}”. We received many more "
        "applications than we can fund and are sorry that we cannot offer you a scholarship this time."
    )
    return Message("scholarship_not_awarded", email, f"Scholarship decision: {title}", text)
