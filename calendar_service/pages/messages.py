"""The page controllers' own sentences, as English messages for the catalog.

The controllers pass these to `confirm_page` and the registrant's pages (`pages/registrant.py`), which
show them in the page's language; a sentence given to those that is not here
(a domain error's wording) is shown as it is.
"""

from calendar_service.pages.text import N_

REGISTRATION_NOT_FOUND = N_("We could not find this registration")
CANCEL_REFUSED = N_("We could not cancel this registration")
ERASE_REFUSED = N_("We could not erase this registration")
CONFIRM_HEADING = N_("Confirm your place")
CONFIRM_REFUSED = N_("We could not confirm this place")
CONFIRMED = N_("Your place is confirmed")
