"""axe-core (pinned in tests/js/package.json) run inside the page: zero violations of WCAG 2.0/2.1/2.2 A and AA
and of axe's best practices, each violation printed with its rule, help link and the elements it found.

The script is evaluated through the DevTools protocol rather than added as a <script>, so a
Content-Security-Policy that forbids inline scripts does not stop it.
"""

import functools
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.conftest import IN_CI

AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
PHONE_WIDTH = 390
DESKTOP_WIDTH = 1280


@functools.cache
def axe_source() -> str:
    if not AXE.exists():
        message = f"axe-core not installed at {AXE} (`make install-dev` runs npm ci in tests/js)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html'][:200]}")
            summary = node.get("failureSummary") or ""
            lines.extend(f"        {line.strip()}" for line in summary.splitlines() if line.strip())
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )
    return list(result["violations"])


def assert_accessible(page: Page, what: str) -> None:
    """No axe violation on the page as it is now, at desktop and at phone width, and no sideways scrolling."""
    for width in (DESKTOP_WIDTH, PHONE_WIDTH):
        page.set_viewport_size({"width": width, "height": 900})
        violations = axe_violations(page)
        assert not violations, f"{what} at {width} px ({page.url}):\n{describe(violations)}"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{what} scrolls sideways by {overflow} px at {PHONE_WIDTH} px ({page.url})"
    page.set_viewport_size({"width": DESKTOP_WIDTH, "height": 900})


def screenshot(page: Page, folder: Path | None, name: str) -> None:
    """Full-page pictures at desktop and phone width, when a folder is given (to look at; never committed)."""
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for width in (DESKTOP_WIDTH, PHONE_WIDTH):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": DESKTOP_WIDTH, "height": 900})
