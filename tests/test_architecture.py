"""Imports run one way: app -> areas -> db -> domain. The domain stays pure."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "calendar_service"
# email_validator: syntax and normalisation only (no DNS when check_deliverability=False).
PURE_ALLOWED = {"calendar_service", "dateutil", "pytz", "tzdata", "icalendar", "email_validator"}
FRAMEWORKS = {"litestar", "sqlalchemy", "sqlmodel", "advanced_alchemy", "msgspec", "alembic", "uvicorn", "httpx"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def module_files(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


@pytest.mark.parametrize("path", module_files("domain"), ids=lambda p: p.name)
def test_domain_imports_only_stdlib_and_time_libraries(path: Path) -> None:
    import sys

    for name in imports_of(path):
        top = name.split(".")[0]
        assert top not in FRAMEWORKS, f"{path.name} imports {name}"
        assert top in PURE_ALLOWED or top in sys.stdlib_module_names, f"{path.name} imports {name}"
        if top == "calendar_service":
            assert name.startswith(("calendar_service.domain", "calendar_service.errors")), f"{path.name}: {name}"


@pytest.mark.parametrize("path", module_files("db"), ids=lambda p: p.name)
def test_db_layer_does_not_import_http_or_areas(path: Path) -> None:
    for name in imports_of(path):
        assert not name.startswith("litestar"), f"{path.name} imports {name}"
        for area in ("events", "calendars", "staff", "web", "cli", "app"):
            assert not name.startswith(f"calendar_service.{area}"), f"{path.name} imports {name}"


def test_no_area_imports_the_app_or_web_shell() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name in ("web", "cli") or path.name in ("app.py", "asgi.py"):
            continue
        for name in imports_of(path):
            assert not name.startswith(("calendar_service.app", "calendar_service.web", "calendar_service.cli")), (
                f"{path.relative_to(PACKAGE)} imports {name}"
            )
