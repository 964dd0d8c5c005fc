from datetime import UTC, datetime

from calendar_service.domain.attendance import completed, programme
from calendar_service.domain.values import Override, Timing

NOW = datetime(2024, 10, 1, tzinfo=UTC)


def weekly(rrule: str = "FREQ=WEEKLY;BYDAY=TH;COUNT=16", overrides: tuple[Override, ...] = ()) -> Timing:
    return Timing(
        zone="America/Mexico_City",
        start=datetime(2024, 9, 5, 17, 0),
        end=datetime(2024, 9, 5, 19, 0),
        all_day=False,
        start_fold=0,
        end_fold=0,
        rrule=rrule,
        exdates=(),
        rdates=(),
        overrides=overrides,
    )


def test_a_sixteen_week_diplomado_needs_thirteen_sessions_at_eighty_percent() -> None:
    plan = programme(weekly(), 80, NOW)
    assert len(plan.sessions) == 16
    assert plan.sessions[0] == datetime(2024, 9, 5, 17, 0) and plan.sessions[-1] == datetime(2024, 12, 19, 17, 0)
    assert plan.needed == 13
    assert completed(plan.sessions[:13], plan) is True
    assert completed(plan.sessions[:12], plan) is False
    assert completed([*plan.sessions[:12], plan.sessions[0]], plan) is False, "the same session twice counts once"


def test_a_cancelled_session_does_not_count_and_unknown_sessions_are_ignored() -> None:
    cancelled = Override(original=datetime(2024, 9, 12, 17, 0), status="cancelled")
    plan = programme(weekly(overrides=(cancelled,)), 50, NOW)
    assert len(plan.sessions) == 15 and datetime(2024, 9, 12, 17, 0) not in plan.sessions
    assert plan.needed == 8
    assert completed([datetime(2024, 9, 12, 17, 0)] * 3 + [datetime(2030, 1, 1)], plan) is False


def test_no_threshold_means_no_verdict_and_open_series_count_sessions_begun() -> None:
    assert completed([], programme(weekly(), None, NOW)) is None
    open_plan = programme(weekly("FREQ=WEEKLY;BYDAY=TH"), 100, NOW)
    # Thursdays 5, 12, 19, 26 September have begun by 1 October.
    assert len(open_plan.sessions) == 4 and open_plan.needed == 4
