"""Applying for a scholarship in the browser: the form's fields as the API's body, and the pages.

The form posts ordinary HTML fields; they become the same `ApplicationCreate` / `ApplicationUpdate`
the JSON API takes and go through the same `ApplicationService`, so a person applying on the page
is decided exactly like an API client. Before that, the fields a person most often leaves empty
(name, email, country, consent; motivation, an amount and required questions when submitting)
are all reported at once; the service still decides everything else, and its refusal (one at a
time) is shown next to the field it names, in the page's language when the field has a sentence
of its own here.
"""

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from babel import Locale

from calendar_service.domain.locale import DEFAULT
from calendar_service.domain.scholarships.regions import REGIONS
from calendar_service.errors import DomainError, InvalidInput, http_status
from calendar_service.pages import scholarship_messages as say
from calendar_service.pages.i18n import render
from calendar_service.pages.registration import body_from_form as registration_body
from calendar_service.pages.text import Text
from calendar_service.scholarships.schemas import ApplicationCreate, ApplicationRead, ApplicationUpdate, CallRead

T = TypeVar("T")
DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
TEXT_FIELDS = ("name", "email", "country", "affiliation", "motivation", "contribution")
FIELD_MESSAGES = say.FIELD_MESSAGES
SUMMARY_ONLY = {"opens_at": say.NOT_OPEN, "closes_at": say.CLOSED, "status": say.NOT_A_DRAFT}
NOT_FOUND, ANSWER_REFUSED, NOTICES = say.NOT_FOUND, say.ANSWER_REFUSED, say.NOTICES


@dataclass(slots=True)
class ApplyForm:
    """What the form shows: the values typed so far and, after a refusal, the errors by field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Text] = field(default_factory=dict)  # field ("" for the form) -> sentence

    def error(self, name: str) -> Text:
        return self.errors.get(name, Text(""))


def body_from_form(form: Mapping[str, Sequence[str]], call: CallRead) -> dict[str, Any]:
    """The form's fields as the JSON body of POST /api/events/{slug}/scholarship-applications."""

    def one(name: str) -> str:
        values = form.get(name) or []
        return values[-1] if values else ""

    body: dict[str, Any] = {key: one(key).strip() for key in TEXT_FIELDS}
    body["requested"] = {item: decimal_point(one(f"requested.{item}")) for item in call.award_items}
    body["requested"] = {item: amount for item, amount in body["requested"].items() if amount}
    body["would_attend_without_support"] = one("would_attend_without_support") == "yes"
    body["answers"] = registration_body(form, call.questions)["answers"]
    body["consent"] = one("consent") == "yes"
    body["share_with_partners"] = one("share_with_partners") == "yes"
    return body


def decimal_point(typed: str) -> str:
    """An amount as the API reads it: "1500,50" (a decimal comma, as Spanish writes it) is "1500.50".

    Only a comma followed by one or two digits is a decimal comma; "1,500" stays as typed (and is
    refused with the hint to write "1500.00"), since it may mean fifteen hundred.
    """
    amount = typed.strip()
    return amount.replace(",", ".") if DECIMAL_COMMA.fullmatch(amount) else amount


def wants_submit(form: Mapping[str, Sequence[str]]) -> bool:
    """Which button was pressed: "Submit" (`action=submit`) or "Save as draft" (anything else)."""
    return (form.get("action") or [""])[-1] == "submit"


def missing(body: Mapping[str, Any], call: CallRead, submit: bool) -> dict[str, Text]:
    """The empty fields a person most often misses, all at once (the service decides the rest)."""
    empty = [key for key in ("name", "email", "country") if not body.get(key)]
    if not body.get("consent"):
        empty.append("consent")
    if submit:
        empty += [key for key in ("motivation", "requested") if not body.get(key)]
    found = {key: Text(FIELD_MESSAGES[key]) for key in empty}
    if submit:
        answers = body.get("answers", {})
        for question in call.questions:
            if question.get("required") and answers.get(question["key"]) in (None, "", []):
                found[f"answers.{question['key']}"] = answer_needed(question)
    return found


def as_create(body: dict[str, Any], draft: bool) -> ApplicationCreate:
    return _convert({**body, "draft": draft}, ApplicationCreate)


def as_update(body: dict[str, Any]) -> ApplicationUpdate:
    return _convert(body, ApplicationUpdate)


def _convert(body: dict[str, Any], kind: type[T]) -> T:
    """The form's fields through the API's own schema; its refusal names the field like the API does."""
    try:
        return msgspec.convert(body, kind)
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).partition(" - at `")
        name = where.rstrip("`").removeprefix("$.") or ""
        raise InvalidInput(f"{name}: {message}", name) from None


def answer_needed(question: Mapping[str, Any]) -> Text:
    return Text(say.ANSWER_NEEDED, {"question": str(question.get("label") or question["key"])})


def refusal_errors(refusal: DomainError, call: CallRead) -> dict[str, Text]:
    """The service's refusal as the error of the field it names ("" for the form as a whole)."""
    name = refusal.field or ""
    if name in SUMMARY_ONLY:
        return {"": Text(SUMMARY_ONLY[name])}
    if name == "email" and http_status(refusal) == 409:
        return {name: Text(say.DUPLICATE_EMAIL)}
    if name in FIELD_MESSAGES:
        return {name: Text(FIELD_MESSAGES[name])}
    if name.startswith("requested."):
        return {name: Text(say.AMOUNT)}
    questions = {f"answers.{q['key']}": q for q in call.questions}
    if name in questions and "needs an answer" in refusal.message:
        return {name: answer_needed(questions[name])}
    prefix = f"{name}: "
    wording = refusal.message.removeprefix(prefix) if name else refusal.message
    return {name if name in known_fields() or name.startswith("answers.") else "": Text(wording)}


def known_fields() -> set[str]:
    return {*TEXT_FIELDS, "consent", "requested", "would_attend_without_support", "share_with_partners"}


def form_values(read: ApplicationRead) -> dict[str, Any]:
    """A saved draft as the form's values."""
    return {
        **{key: getattr(read, key) for key in TEXT_FIELDS},
        "requested": dict(read.requested),
        "would_attend_without_support": read.would_attend_without_support,
        "answers": dict(read.answers),
        "consent": read.consent,
        "share_with_partners": read.share_with_partners,
    }


def countries(locale: str) -> list[tuple[str, str]]:
    """(code, name) of every country an application may name, in the page's language, in its order."""
    names = Locale.parse(locale).territories
    pairs = [(code, str(names.get(code, code))) for code in REGIONS]
    return sorted(pairs, key=lambda pair: _sort_key(pair[1]))


def _sort_key(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))


def viewer_zone(param: str | None, cookie: str | None) -> str:
    """The visitor's zone from `?tz=` or the `tz` cookie, when it names a real zone ("" otherwise)."""
    for candidate in (param, cookie):
        if candidate and len(candidate) <= 64:
            try:
                ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
            return candidate
    return ""


def field_id(name: str) -> str:
    """The id of the control a field's error points at (the summary links to it)."""
    if name.startswith("requested."):
        return "f-req-" + name.removeprefix("requested.")
    if name.startswith("answers."):
        return "q-" + name.removeprefix("answers.")
    return "f-" + name.replace("_", "-") if name else "apply-form"


def apply_page(call: CallRead, form: ApplyForm, viewer: str = "", locale: str = DEFAULT) -> bytes:
    return render(
        "apply.html",
        locale,
        call=call,
        form=form,
        viewer_zone=viewer,
        countries=countries(locale),
        field_id=field_id,
        action=f"/events/{call.event}/apply",
    )


def application_page(
    read: ApplicationRead,
    call: CallRead,
    base_url: str,
    form: ApplyForm | None = None,
    notice: str = "",
    viewer: str = "",
    locale: str = DEFAULT,
) -> bytes:
    """The applicant's own page: the status, the draft's form, the award and its answer."""
    return render(
        "application.html",
        locale,
        a=read,
        call=call,
        form=form or ApplyForm(values=form_values(read)),
        notice=notice,
        viewer_zone=viewer,
        countries=countries(locale),
        field_id=field_id,
        page_url=f"{base_url}/applications/{read.token}",
        action=f"/applications/{read.token}",
    )


def confirm_answer_page(read: ApplicationRead, answer: str, viewer: str = "", locale: str = DEFAULT) -> bytes:
    """ "Are you sure?" before accepting or declining an award (`answer`: "accept" or "decline")."""
    return render(
        "application_confirm.html",
        locale,
        a=read,
        answer=answer,
        viewer_zone=viewer,
        back=f"/applications/{read.token}",
        action=f"/applications/{read.token}/{answer}",
    )
