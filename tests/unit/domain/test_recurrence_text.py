"""A rule in words, in English and Spanish: the frames, Babel's names and dates, and the fallback."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_service.domain.recurrence_text import describe

MEXICO = ZoneInfo("America/Mexico_City")
THURSDAY = datetime(2024, 9, 5, 17, 0, tzinfo=MEXICO)  # the Diplomado's first session
CUSTOM_EN = "Repeats on a custom schedule"
CUSTOM_ES = "Se repite según un calendario especial"

CASES = [
    # rule, English, Spanish
    ("FREQ=DAILY", "Every day", "Cada día"),
    ("FREQ=DAILY;INTERVAL=3", "Every 3 days", "Cada 3 días"),
    ("FREQ=DAILY;COUNT=5", "Every day, 5 times", "Cada día, 5 veces"),
    (
        "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
        "Every Monday, Tuesday, Wednesday, Thursday, and Friday",
        "Cada lunes, martes, miércoles, jueves y viernes",
    ),
    ("FREQ=WEEKLY", "Every Thursday", "Cada jueves"),
    (
        "FREQ=WEEKLY;BYDAY=TH;UNTIL=20241220T005959Z",
        "Every Thursday until December 19, 2024",
        "Cada jueves hasta el 19 de diciembre de 2024",
    ),
    (
        "RRULE:FREQ=WEEKLY;BYDAY=TH;UNTIL=20241219",
        "Every Thursday until December 19, 2024",
        "Cada jueves hasta el 19 de diciembre de 2024",
    ),
    ("FREQ=WEEKLY;BYDAY=WE,MO", "Every Monday and Wednesday", "Cada lunes y miércoles"),
    (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=8",
        "Every 2 weeks on Thursday, 8 times",
        "Cada 2 semanas, los jueves, 8 veces",
    ),
    ("FREQ=WEEKLY;BYDAY=TH;WKST=SU", "Every Thursday", "Cada jueves"),
    ("FREQ=MONTHLY", "Every month on day 5", "Cada mes, el día 5"),
    ("FREQ=MONTHLY;BYMONTHDAY=15;INTERVAL=2", "Every 2 months on day 15", "Cada 2 meses, el día 15"),
    ("FREQ=MONTHLY;BYMONTHDAY=-1", "Every month on its last day", "Cada mes, el último día"),
    ("FREQ=MONTHLY;BYDAY=2TU", "Every month on the second Tuesday", "Cada mes, el segundo martes"),
    (
        "FREQ=MONTHLY;BYDAY=-1FR;COUNT=6",
        "Every month on the last Friday, 6 times",
        "Cada mes, el último viernes, 6 veces",
    ),
    ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=3", "Every month on the third Tuesday", "Cada mes, el tercer martes"),
    ("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO", "Every 3 months on the first Monday", "Cada 3 meses, el primer lunes"),
    ("FREQ=YEARLY", "Every year on September 5", "Cada año, el 5 de septiembre"),
    (
        "FREQ=YEARLY;INTERVAL=2;UNTIL=20300906T000000Z",
        "Every 2 years on September 5 until September 5, 2030",
        "Cada 2 años, el 5 de septiembre hasta el 5 de septiembre de 2030",
    ),
    # What the frames cannot say faithfully
    ("FREQ=HOURLY;INTERVAL=6", CUSTOM_EN, CUSTOM_ES),
    ("FREQ=YEARLY;BYMONTH=3,9;BYDAY=1MO", CUSTOM_EN, CUSTOM_ES),
    ("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1,-1", CUSTOM_EN, CUSTOM_ES),
    ("FREQ=MONTHLY;BYDAY=2TU,4TU", CUSTOM_EN, CUSTOM_ES),
    ("FREQ=MONTHLY;BYDAY=9TU", CUSTOM_EN, CUSTOM_ES),
    ("FREQ=WEEKLY;BYDAY=XX", CUSTOM_EN, CUSTOM_ES),
    ("FREQ=WEEKLY;INTERVAL=0", CUSTOM_EN, CUSTOM_ES),
    ("FREQ=WEEKLY;COUNT=3;UNTIL=20241219", CUSTOM_EN, CUSTOM_ES),
    ("not a rule", CUSTOM_EN, CUSTOM_ES),
    ("", CUSTOM_EN, CUSTOM_ES),
]


@pytest.mark.parametrize(("rule", "english", "spanish"), CASES, ids=[case[0] or "empty" for case in CASES])
def test_a_rule_reads_as_one_sentence_in_each_language(rule: str, english: str, spanish: str) -> None:
    assert describe(rule, THURSDAY, "en") == english
    assert describe(rule, THURSDAY, "es") == spanish


def test_until_is_read_in_the_events_zone_not_in_utc() -> None:
    """00:59 UTC on 20 December is still the evening of the 19th in Mexico City, already the 20th in Tokyo."""
    rule = "FREQ=WEEKLY;UNTIL=20241220T005959Z"
    assert describe(rule, THURSDAY, "en").endswith("December 19, 2024")
    tokyo = datetime(2024, 9, 6, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert describe(rule, tokyo, "en") == "Every Friday until December 20, 2024"


def test_an_unknown_locale_reads_english() -> None:
    assert describe("FREQ=WEEKLY", THURSDAY, "fr") == "Every Thursday"
