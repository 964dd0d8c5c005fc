"""Places and the waiting list (domain/capacity.py) and the registration settings they read."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_service.domain.capacity import (
    FULL,
    Decision,
    Places,
    Tally,
    admitted,
    promoted,
    waiting_reason,
)
from calendar_service.domain.registration import RegistrationSettings
from calendar_service.errors import Conflict

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=300)
AUTOMATIC = RegistrationSettings()
CONFIRMING = RegistrationSettings(requires_confirmation=True, confirmation_hours=12)
OFFERING = RegistrationSettings(promotion="offer", offer_hours=6, confirmation_hours=12)
NO_WAITLIST = RegistrationSettings(waitlist=False)


@pytest.mark.parametrize(
    ("places", "mode", "free"),
    [
        (Places(capacity=None), "in_person", None),
        (Places(capacity=10, taken=3), "in_person", 7),
        (Places(capacity=10, taken=3, reserved=2), "in_person", 5),
        (Places(capacity=10, taken=8, reserved=2), "in_person", 0),
        (Places(capacity=10, taken=9, reserved=2), "in_person", 0),  # never below zero
        (Places(capacity=0), "in_person", 0),
        (Places(capacity=10, taken=10, online_capacity=None), "online", None),
        (Places(capacity=10, taken=10, online_capacity=5, online_taken=2), "online", 3),
        (Places(capacity=None, online_capacity=5, online_taken=7), "online", 0),
        (Places(capacity=1, reserved=5, online_capacity=5), "online", 5),  # reserved places are in-person only
    ],
)
def test_free_places_leave_out_the_taken_and_the_reserved(places: Places, mode: str, free: int | None) -> None:
    assert places.free(mode) == free
    assert places.has_room(mode) == (free is None or free > 0)


@pytest.mark.parametrize(
    ("places", "mode", "pool"),
    [
        (Places(capacity=10, taken=10, reserved=2), "in_person", "reserved"),
        (Places(capacity=10, taken=3, reserved=0), "in_person", "public"),
        (Places(capacity=10, taken=10, reserved=0), "in_person", None),
        (Places(capacity=None), "in_person", "public"),
        (Places(capacity=10, reserved=2, online_capacity=1, online_taken=1), "online", None),
        (Places(capacity=10, reserved=2, online_capacity=2, online_taken=1), "online", "public"),
    ],
)
def test_a_scholarship_recipient_takes_a_reserved_place_first(places: Places, mode: str, pool: str | None) -> None:
    assert places.recipient_pool(mode) == pool


@pytest.mark.parametrize(
    ("rules", "seat", "expected"),
    [
        (AUTOMATIC, True, Decision(True, "confirmed")),
        (AUTOMATIC, False, Decision(False, "waitlisted")),
        (CONFIRMING, True, Decision(True, "pending_confirmation", NOW + timedelta(hours=12))),
        (CONFIRMING, False, Decision(False, "waitlisted")),
        (OFFERING, True, Decision(True, "confirmed")),  # offers concern promotions, not new places
    ],
)
def test_a_new_registration_is_confirmed_held_or_waitlisted(
    rules: RegistrationSettings, seat: bool, expected: Decision
) -> None:
    assert admitted(seat, rules, NOW) == expected


@pytest.mark.parametrize(
    ("rules", "confirmed_before", "expected"),
    [
        (AUTOMATIC, False, Decision(True, "confirmed")),
        (AUTOMATIC, True, Decision(True, "confirmed")),
        (CONFIRMING, False, Decision(True, "pending_confirmation", NOW + timedelta(hours=12))),
        (CONFIRMING, True, Decision(True, "confirmed")),
        (OFFERING, False, Decision(True, "pending_confirmation", NOW + timedelta(hours=6))),
        (OFFERING, True, Decision(True, "pending_confirmation", NOW + timedelta(hours=6))),
        (
            RegistrationSettings.of({"promotion": "offer"}),
            False,
            Decision(True, "pending_confirmation", NOW + timedelta(hours=48)),
        ),
    ],
)
def test_a_promotion_confirms_or_holds_the_place_until_a_deadline(
    rules: RegistrationSettings, confirmed_before: bool, expected: Decision
) -> None:
    assert promoted(rules, confirmed_before, NOW) == expected


def test_a_batch_fills_the_free_places_in_order_then_waitlists() -> None:
    tally = Tally(Places(capacity=5, taken=2, reserved=1))
    decisions = [tally.admit("in_person", AUTOMATIC, NOW) for _ in range(4)]
    assert [d.status for d in decisions] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert (tally.in_person, tally.online) == (2, 0)


def test_a_full_event_without_a_waiting_list_refuses_and_counts_nothing() -> None:
    tally = Tally(Places(capacity=1))
    assert tally.admit("in_person", NO_WAITLIST, NOW).seat
    with pytest.raises(Conflict) as refused:
        tally.admit("in_person", NO_WAITLIST, NOW)
    assert refused.value.message == FULL
    assert tally.in_person == 1
    assert tally.admit("online", NO_WAITLIST, NOW).seat, "online places are not the in-person ones"


@pytest.mark.parametrize(
    ("mode", "places", "position", "reason"),
    [
        ("in_person", Places(capacity=5, taken=5), 1, "all 5 in-person places are taken (5/5)"),
        (
            "in_person",
            Places(capacity=5, taken=5),
            3,
            "all 5 in-person places are taken (5/5); 2 ahead on the waiting list",
        ),
        (
            "in_person",
            Places(capacity=5, taken=3, reserved=2),
            1,
            "all 3 public in-person places are taken (3/5, 2 more kept for scholarship recipients)",
        ),
        (
            "in_person",
            Places(capacity=5, taken=2),
            1,
            "an in-person place is free; promotion runs on the next cancellation or capacity change",
        ),
        (
            "online",
            Places(capacity=5, online_capacity=2, online_taken=2),
            2,
            "all 2 online places are taken (2/2); 1 ahead on the waiting list",
        ),
        (
            "online",
            Places(capacity=0, taken=0, online_capacity=None),
            None,
            "an online place is free; promotion runs on the next cancellation or capacity change",
        ),
    ],
)
def test_staff_are_told_why_someone_waits(mode: str, places: Places, position: int | None, reason: str) -> None:
    assert waiting_reason(mode, places, position) == reason


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (None, RegistrationSettings()),
        ({}, RegistrationSettings(waitlist=True, confirmation_hours=48, offer_hours=48, promotion="automatic")),
        (
            {
                "opens_at": "2026-03-01T09:00",
                "closes_at": None,
                "requires_confirmation": True,
                "online_capacity": 40,
                "confirmation_hours": 24,
                "promotion": "offer",
                "offer_hours": 12,
                "waitlist": False,
                "questions": [{"key": "diet", "label": "Diet", "type": "choice", "options": ["vegan"]}],
                "completion_percent": 75,
            },
            RegistrationSettings(
                opens_at="2026-03-01T09:00",
                requires_confirmation=True,
                online_capacity=40,
                confirmation_hours=24,
                promotion="offer",
                offer_hours=12,
                waitlist=False,
                questions=({"key": "diet", "label": "Diet", "type": "choice", "options": ["vegan"]},),
                completion_percent=75,
            ),
        ),
        ({"opens_at": "", "online_capacity": 0, "promotion": "automatic"}, RegistrationSettings(online_capacity=0)),
        ({"someday": "a key this version does not know"}, RegistrationSettings()),
    ],
)
def test_the_stored_settings_are_read_once_with_the_old_defaults(
    stored: dict[str, object] | None, expected: RegistrationSettings
) -> None:
    assert RegistrationSettings.of(stored) == expected


@pytest.mark.parametrize(
    ("stored", "holds", "offers"),
    [({}, False, False), ({"requires_confirmation": True}, True, False), ({"promotion": "offer"}, True, True)],
)
def test_places_can_be_held_when_confirmation_or_offers_are_on(
    stored: dict[str, object], holds: bool, offers: bool
) -> None:
    rules = RegistrationSettings.of(stored)
    assert (rules.holds_places, rules.offers) == (holds, offers)


limits = st.one_of(st.none(), st.integers(min_value=0, max_value=30))
counters = st.integers(min_value=0, max_value=40)
places_strategy = st.builds(
    Places, capacity=limits, taken=counters, reserved=counters, online_capacity=limits, online_taken=counters
)
requests = st.lists(st.sampled_from(["in_person", "online"]), max_size=80)


@PROPERTY
@given(places=places_strategy, modes=requests, waitlist=st.booleans())
def test_a_batch_never_hands_out_more_places_than_are_free(places: Places, modes: list[str], waitlist: bool) -> None:
    tally = Tally(places)
    rules = RegistrationSettings(waitlist=waitlist)
    decisions: list[Decision | None] = []
    for mode in modes:
        try:
            decisions.append(tally.admit(mode, rules, NOW))
        except Conflict:
            assert not waitlist
            decisions.append(None)
    for mode, counted in (("in_person", tally.in_person), ("online", tally.online)):
        wanted = modes.count(mode)
        free = places.free(mode)
        assert counted == (wanted if free is None else min(wanted, free))
        seats = sum(1 for m, d in zip(modes, decisions, strict=True) if m == mode and d is not None and d.seat)
        assert seats == counted
    if places.capacity is not None:
        assert places.taken + places.reserved + tally.in_person <= max(places.capacity, places.taken + places.reserved)
    # first come, first served: once a mode is full, nobody later in that mode gets a place
    for mode in ("in_person", "online"):
        granted = [d is not None and d.seat for m, d in zip(modes, decisions, strict=True) if m == mode]
        assert granted == sorted(granted, reverse=True)


@PROPERTY
@given(places=places_strategy, modes=requests)
def test_online_places_are_decided_independently_of_in_person_ones(places: Places, modes: list[str]) -> None:
    for mode in ("in_person", "online"):
        mixed, alone = Tally(places), Tally(places)
        in_mixed = []
        for wanted in modes:
            granted = mixed.take(wanted)
            if wanted == mode:
                in_mixed.append(granted)
        assert in_mixed == [alone.take(mode) for wanted in modes if wanted == mode]
