"""The feed header `domain.ics` writes: every TEXT property escaped, the X-WR-* ones too (RFC 5545 3.3.11)."""

import pytest

from calendar_service.domain.ics import FeedHeader, assemble
from tests.support import parsers

TRICKY = "Events, forums; courses\\workshops\nand more"
ESCAPED = "Events\\, forums\\; courses\\\\workshops\\nand more"


def header_lines(name: str, description: str = "") -> list[str]:
    return parsers.unfolded_lines(assemble(FeedHeader(name=name, description=description), [], []))


def test_calendar_description_with_a_comma_is_escaped() -> None:
    lines = header_lines("Global advocacy", "Events, forums and courses")
    assert "X-WR-CALDESC:Events\\, forums and courses" in lines
    assert "DESCRIPTION:Events\\, forums and courses" in lines


@pytest.mark.parametrize("prop", ["X-WR-CALDESC", "DESCRIPTION"])
def test_description_escapes_backslash_semicolon_comma_and_newline(prop: str) -> None:
    assert f"{prop}:{ESCAPED}" in header_lines("Name", TRICKY)


@pytest.mark.parametrize("prop", ["X-WR-CALNAME", "NAME"])
def test_calendar_name_escapes_backslash_semicolon_comma_and_newline(prop: str) -> None:
    assert f"{prop}:{ESCAPED}" in header_lines(TRICKY)


@pytest.mark.parametrize("prop", ["X-WR-CALDESC", "DESCRIPTION", "X-WR-CALNAME", "NAME"])
def test_independent_parsers_read_back_the_original_text(prop: str) -> None:
    body = assemble(FeedHeader(name=TRICKY, description=TRICKY), [], [])
    assert parsers.calendar_text(body, prop) == {"icalendar": TRICKY, "vobject": TRICKY}


def test_plain_text_is_unchanged() -> None:
    lines = header_lines("Wiki Week Brussels", "Community events of Wikimedia Belgium")
    assert "X-WR-CALNAME:Wiki Week Brussels" in lines
    assert "X-WR-CALDESC:Community events of Wikimedia Belgium" in lines


def test_no_description_writes_neither_description_property() -> None:
    lines = header_lines("Name")
    assert not [line for line in lines if line.startswith(("DESCRIPTION", "X-WR-CALDESC"))]
