"""A form's problems all at once, through the same checks the API runs one at a time."""

from calendar_service.domain.registration import form_problems
from calendar_service.errors import InvalidInput

QUESTIONS = [
    {"key": "diet", "label": "Dietary needs", "type": "choice", "options": ["none", "vegan"], "required": True},
    {"key": "travel", "label": "Travel?", "type": "yes_no"},
]


def fields(problems: list[InvalidInput]) -> list[str]:
    return [p.field for p in problems]


def test_every_problem_is_found_in_form_order() -> None:
    found = form_problems(
        QUESTIONS, "hybrid", name=" ", email="nope", consent=False, attendance_mode=None, answers={"diet": "meat"}
    )
    assert fields(found) == ["name", "email", "attendance_mode", "answers.diet", "consent"]


def test_a_good_form_has_no_problem() -> None:
    assert (
        form_problems(
            QUESTIONS,
            "in_person",
            name="Ana",
            email="ana@example.org",
            consent=True,
            attendance_mode=None,
            answers={"diet": "vegan", "travel": True},
        )
        == []
    )


def test_unknown_answers_and_a_mode_the_event_does_not_offer_are_problems_too() -> None:
    found = form_problems(
        QUESTIONS,
        "online",
        name="Ana",
        email="ana@example.org",
        consent=True,
        attendance_mode="in_person",
        answers={"diet": "none", "shoe": "42"},
    )
    assert fields(found) == ["attendance_mode", "answers.shoe"]
