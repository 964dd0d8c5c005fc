"""The scholarship applicant pages' own sentences, as English messages for the catalog.

They live here, under `pages/`, so that `make i18n` extracts them with the other pages' messages;
`scholarships/applicant_pages.py` shows them in the page's language.
"""

from calendar_service.pages.text import N_

# Sentences of the page's own for the fields a refusal names (the domain's wording is the API's).
FIELD_MESSAGES = {
    "name": N_("Enter your name."),
    "email": N_("Enter an email address, such as name@example.org."),
    "country": N_("Choose the country you live in."),
    "consent": N_("Tick the box to agree that we store these details: we cannot take an application without it."),
    "motivation": N_("Tell the reviewers why you want to attend."),
    "requested": N_("Ask for at least one of the items this program covers."),
}
DUPLICATE_EMAIL = N_(
    "An application with this email already exists for this program; use the link you were given when you applied."
)
AMOUNT = N_("Enter an amount such as 1500.00, no more than the limit shown.")
ANSWER_NEEDED = N_("Answer the question “%(question)s”.")
NOT_OPEN = N_("Applications are not open yet.")
CLOSED = N_("The deadline for applications has passed; no applications or changes are taken after it.")
NOT_A_DRAFT = N_("This application is already submitted; it cannot be changed.")

NOT_FOUND = N_("We could not find this application")
ANSWER_REFUSED = N_("We could not record your answer")
NOTICES = {
    "draft": N_("Your draft is saved. Come back with the link below to finish it before the deadline."),
    "submitted": N_("Your application is submitted. Keep the link below to follow it and to answer an award."),
}
