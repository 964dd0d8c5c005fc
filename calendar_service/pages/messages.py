"""The page controllers' own sentences, as English messages for the catalog.

The controllers pass these to `confirm_page` / `registered_page`, which show them in the page's
language; a sentence given to those that is not here (a domain error's wording) is shown as it is.
"""

from calendar_service.pages.text import N_

REGISTRATION_NOT_FOUND = N_("We could not find this registration")
CANCEL_REFUSED = N_("We could not cancel this registration")
CANCELLED = N_("Thank you for telling us; your place goes to the next person on the waiting list.")
CONFIRM_HEADING = N_("Confirm your place")
CONFIRM_REFUSED = N_("We could not confirm this place")
CONFIRMED = N_("Your place is confirmed")

_OUTCOME_MESSAGES = {
    "waitlisted": N_("We will write as soon as a place is yours."),
    "pending_confirmation": N_("We sent you an email: confirm with its link before the deadline it gives."),
    "confirmed": N_("The invitation is in your email."),
}


def outcome_message(status: str) -> str:
    """What the page says under the outcome of registering, by the registration's status ("" for none)."""
    return _OUTCOME_MESSAGES.get(status, "")
