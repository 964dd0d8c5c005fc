"""The suite's clock: one fixed "now", and a clock a test moves from phase to phase."""

from datetime import UTC, datetime

FIXED_NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


class MovableClock:
    """The app's clock, moved by the test from phase to phase."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now

    def move_to(self, iso: str) -> None:
        self.now = datetime.fromisoformat(iso)
