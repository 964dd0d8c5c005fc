"""The layout, enforced: every module lives in a known room, imports run one way, the domain stays pure.

Rooms, from the top: the entry points (`app`, `asgi`, `cli`) -> `web` (routing glue, shared
dependencies, error rendering) -> the areas -> `notifications` and `db` -> the shared bottom
(`domain`, `errors`, `wire`, `params`, `settings`, `clock`). Areas are ranked among themselves;
an area may import only areas of a lower rank, so there is never an import cycle between areas.
A module never reaches into another module's private names (`x._name`).
"""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "calendar_service"
# email_validator: syntax and normalisation only (no DNS when check_deliverability=False).
# babel: CLDR data and formatting (day and month names, lists, dates), no I/O beyond its own data files.
PURE_ALLOWED = {"calendar_service", "dateutil", "pytz", "tzdata", "icalendar", "email_validator", "babel"}
FRAMEWORKS = {"litestar", "sqlalchemy", "sqlmodel", "advanced_alchemy", "msgspec", "alembic", "uvicorn", "httpx"}

# Higher imports lower, never the reverse. Areas of equal rank do not import each other.
RANKS = {
    "app": 90,
    "asgi": 91,
    "cli": 90,
    "web": 80,
    "scholarships": 60,
    "exports": 50,
    "pages": 50,
    "feeds": 40,
    "registrations": 40,
    "events": 30,
    "calendars": 20,
    "staff": 10,
    "notifications": 5,
    "db": 4,
    "settings": 3,
    "clock": 3,
    "params": 2,
    "wire": 2,
    "domain": 1,
    "errors": 0,
    "__init__": 0,
}
AREAS = {"scholarships", "exports", "pages", "feeds", "registrations", "events", "calendars", "staff"}
# Public names of other libraries that happen to start with an underscore.
PUBLIC_UNDERSCORE = {"_mapping", "_asdict", "_replace", "_fields"}
# db/sqlite_driver.py adapts aiosqlite's connection thread from the inside (one hop per statement):
# the one place allowed to use another library's private members, explained there.
PRIVATE_ACCESS_ALLOWED = {Path("db/sqlite_driver.py")}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.relative_to(PACKAGE).parts)


def module_files(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


def room_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def target_room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "calendar_service" and len(parts) > 1 else None


def rel(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def test_every_module_lives_in_a_known_room() -> None:
    unknown = sorted({room_of(p) for p in package_files()} - RANKS.keys())
    assert not unknown, f"new rooms {unknown}: give them a rank in tests/test_architecture.py and docs/architecture.md"


@pytest.mark.parametrize("path", package_files(), ids=rel)
def test_imports_run_downwards(path: Path) -> None:
    room = room_of(path)
    for name in imports_of(path):
        target = target_room(name)
        if target is None or target == room:
            continue
        assert RANKS[target] < RANKS[room], f"{rel(path)} ({room}) imports {name} ({target}): the arrow runs upwards"


@pytest.mark.parametrize("path", module_files("domain"), ids=rel)
def test_domain_imports_only_stdlib_and_time_libraries(path: Path) -> None:
    for name in imports_of(path):
        top = name.split(".")[0]
        assert top not in FRAMEWORKS, f"{rel(path)} imports {name}"
        assert top in PURE_ALLOWED or top in sys.stdlib_module_names, f"{rel(path)} imports {name}"
        if top == "calendar_service":
            assert name.startswith(("calendar_service.domain", "calendar_service.errors")), f"{rel(path)}: {name}"


@pytest.mark.parametrize("path", module_files("db") + module_files("notifications"), ids=rel)
def test_db_and_notifications_know_no_http_and_no_area(path: Path) -> None:
    for name in imports_of(path):
        assert not name.startswith("litestar"), f"{rel(path)} imports {name}"
        assert target_room(name) not in AREAS, f"{rel(path)} imports {name}"


def _private_reaches(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("calendar_service"):
            found += [f"line {node.lineno}: from {node.module} import {a.name}" for a in node.names if _private(a.name)]
        elif isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in PUBLIC_UNDERSCORE:
            own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if not own:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@pytest.mark.parametrize("path", package_files(), ids=rel)
def test_no_module_reaches_into_another_objects_private_names(path: Path) -> None:
    if path.relative_to(PACKAGE) in PRIVATE_ACCESS_ALLOWED:
        return
    reaches = _private_reaches(path)
    assert not reaches, f"{rel(path)} uses private names of other objects: {reaches}"


def test_the_rules_can_fail(tmp_path: Path) -> None:
    """The checks above find what they look for (so a passing run means something)."""
    sample = tmp_path / "sample.py"
    sample.write_text("from calendar_service.x import _hidden\nvalue = core._lock(1)\nok = self._mine\n")
    assert [r.split(":")[0] for r in _private_reaches(sample)] == ["line 1", "line 2"]
    assert RANKS["events"] < RANKS["registrations"] < RANKS["scholarships"]
