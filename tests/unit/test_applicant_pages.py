"""The scholarship form's fields as the API's body, the visitor's zone, and refusals mapped to fields (pure)."""

from calendar_service.errors import Conflict, InvalidInput
from calendar_service.pages.i18n import Say
from calendar_service.scholarships.applicant_pages import (
    body_from_form,
    countries,
    field_id,
    missing,
    refusal_errors,
    viewer_zone,
    wants_submit,
)
from calendar_service.scholarships.schemas import CallRead

CALL = CallRead(
    event="drif",
    event_title="DRIF",
    timezone="Africa/Accra",
    state="open",
    currency="USD",
    award_items=["travel", "lodging"],
    questions=[{"key": "first_time", "label": "First time?", "type": "yes_no", "required": True}],
)


def test_the_form_becomes_the_api_body() -> None:
    form = {
        "name": [" Ama "],
        "email": ["ama@example.org"],
        "country": ["gh"],
        "requested.travel": ["1500.00"],
        "requested.lodging": [""],
        "requested.visa": ["99"],  # not an item of the program: not sent
        "answers.first_time": ["no"],
        "consent": ["yes"],
        "action": ["submit"],
    }
    body = body_from_form(form, CALL)
    assert body["name"] == "Ama" and body["requested"] == {"travel": "1500.00"}
    assert body["answers"] == {"first_time": False} and body["consent"] is True
    assert body["would_attend_without_support"] is False and body["share_with_partners"] is False
    comma = body_from_form({"requested.travel": ["1500,5"], "requested.lodging": ["1,500"]}, CALL)
    assert comma["requested"] == {"travel": "1500.5", "lodging": "1,500"}, "a decimal comma, not a thousands one"
    assert wants_submit(form) and not wants_submit({"action": ["draft"]}) and not wants_submit({})


def test_empty_fields_are_reported_together_and_submit_asks_for_more() -> None:
    body = body_from_form({}, CALL)
    assert set(missing(body, CALL, submit=False)) == {"name", "email", "country", "consent"}
    on_submit = missing(body, CALL, submit=True)
    assert set(on_submit) == {"name", "email", "country", "consent", "motivation", "requested", "answers.first_time"}
    assert Say("es")(on_submit["answers.first_time"]) == "Responda la pregunta «First time?»."


def test_a_refusal_lands_at_its_field_in_the_page_language() -> None:
    over = refusal_errors(InvalidInput("requested.travel: at most 2,000.00 USD", "requested.travel"), CALL)
    assert list(over) == ["requested.travel"] and field_id("requested.travel") == "f-req-travel"
    duplicate = refusal_errors(Conflict("email: an application with this email already exists", "email"), CALL)
    assert "already exists" in str(duplicate["email"])
    closed = refusal_errors(Conflict("closes_at: the deadline was …", "closes_at"), CALL)
    assert list(closed) == [""] and Say("es")(closed[""]).startswith("La fecha límite")
    other = refusal_errors(InvalidInput("currency: this program pays in USD", "currency"), CALL)
    assert str(other[""]) == "this program pays in USD", "an unknown field's refusal is shown above the form"


def test_the_visitors_zone_and_the_countries() -> None:
    assert viewer_zone("Asia/Tokyo", "Europe/Paris") == "Asia/Tokyo"
    assert viewer_zone("Not/AZone", "Europe/Paris") == "Europe/Paris"
    assert viewer_zone("../../etc/passwd", None) == ""
    spanish = dict(countries("es"))
    assert spanish["DE"] == "Alemania" and spanish["GH"] == "Ghana"
    names = [name for _, name in countries("es")]
    assert names.index("Ecuador") < names.index("Egipto") < names.index("Zimbabue"), "sorted in the language"
