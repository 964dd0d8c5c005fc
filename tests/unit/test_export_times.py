"""Export times: the cached (local, UTC) cells equal a direct conversion, in every zone and format."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_service.domain.timezones import available_zones, get_zone
from calendar_service.exports.keyset import Times

ZONES = sorted(available_zones())
INSTANTS = st.datetimes(min_value=datetime(1975, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.replace(tzinfo=UTC)
)


@settings(derandomize=True, database=None, deadline=None, max_examples=400)
@given(st.sampled_from(ZONES), st.lists(INSTANTS, min_size=1, max_size=20), st.integers(0, 3))
def test_cells_match_a_direct_conversion(zone_name: str, instants: list[datetime], spread: int) -> None:
    zone = get_zone(zone_name)
    # neighbours a second and a minute apart share or miss the cache
    instants = [i + timedelta(seconds=s) for i in instants for s in (0, 1, 59, 60 * spread)]
    csv, json, xlsx = Times(zone, "csv"), Times(zone, "json"), Times(zone, "xlsx")
    for instant in instants:
        stored = instant.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLite's text, read raw
        local = instant.astimezone(zone)
        expected_csv = (local.strftime("%Y-%m-%d %H:%M:%S"), instant.strftime("%Y-%m-%dT%H:%M:%SZ"))
        assert csv.pair(stored) == expected_csv
        assert csv.pair(instant) == expected_csv  # an aware datetime (PostgreSQL)
        assert json.pair(stored) == (local.replace(microsecond=0).isoformat(), instant.strftime("%Y-%m-%dT%H:%M:%SZ"))
        assert xlsx.pair(stored) == (
            local.replace(tzinfo=None, microsecond=0),
            instant.replace(tzinfo=None, microsecond=0),
        )
    assert csv.pair(None) == (None, None)
