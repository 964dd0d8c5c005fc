from datetime import UTC, datetime

from calendar_service.domain.retention import fold, past_retention

QUESTIONS = [
    {"key": "diet", "type": "choice"},
    {"key": "access", "type": "multi_choice"},
    {"key": "first_time", "type": "yes_no"},
    {"key": "affiliation", "type": "text"},
]


def test_closed_answers_status_and_mode_are_counted_and_free_text_is_not() -> None:
    totals = fold(
        QUESTIONS,
        [
            ("confirmed", "in_person", {"diet": "halal", "access": ["ramp", "captions"], "first_time": True}),
            ("attended", "in_person", {"diet": "halal", "access": [], "first_time": False, "affiliation": "DRIF"}),
            ("cancelled", "online", {"affiliation": "Ama's NGO"}),
        ],
    )
    assert totals == {
        ("_status", "confirmed"): 1,
        ("_status", "attended"): 1,
        ("_status", "cancelled"): 1,
        ("_mode", "in_person"): 2,
        ("_mode", "online"): 1,
        ("diet", "halal"): 2,
        ("access", "ramp"): 1,
        ("access", "captions"): 1,
        ("first_time", "yes"): 1,
        ("first_time", "no"): 1,
    }
    assert not any(key == "affiliation" for key, _ in totals)


def test_only_events_ended_longer_ago_than_the_retention_are_past_it() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert past_retention(datetime(2024, 12, 31, tzinfo=UTC), 365, now)
    assert not past_retention(datetime(2025, 1, 2, tzinfo=UTC), 365, now)
    assert not past_retention(None, 1, now), "an open-ended series never ends"
