"""`calendar-service export …` and `retention` on both databases: files read back, refusals in one line."""

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.cli.helpers import ainvoke
from tests.support.factories import register_all


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


def xlsx_rows(path: Path) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    return list(sheet.iter_rows(min_row=2, values_only=True))


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def seed(client: AsyncTestClient[Litestar], create_event: Any) -> str:
    event = await create_event(title="DRIF 2024", timezone="Africa/Accra", capacity=2)
    people = [("ليلى", "l@example.org"), ("王小明", "w@example.org"), ("=1+1", "x@example.org")]
    await register_all(
        client, event["slug"], [{"name": name, "email": email, "consent": True} for name, email in people]
    )
    return str(event["slug"])


async def test_export_attendees_writes_csv_and_xlsx_files_that_read_back(
    client: AsyncTestClient[Litestar], create_event: Any, clean_db: str, tmp_path: Path, admin_headers: dict[str, str]
) -> None:
    slug = await seed(client, create_event)
    out = tmp_path / "attendees.csv"
    result = await ainvoke("export", "attendees", slug, "--out", str(out), "--bom", database_url=clean_db)
    assert result.returncode == 0, result.stderr
    assert result.last_line.startswith(f"exported 3 attendees of {slug}")
    rows = list(csv.DictReader(io.StringIO(read_text(out), newline="")))
    assert [r["name"] for r in rows] == ["ليلى", "王小明", "'=1+1"]
    assert [r["status"] for r in rows] == ["confirmed", "confirmed", "waitlisted"]

    xlsx = tmp_path / "attendees.xlsx"
    result = await ainvoke("export", "attendees", slug, "--out", str(xlsx), "--format", "xlsx", database_url=clean_db)
    assert result.returncode == 0, result.stderr
    assert [row[1] for row in xlsx_rows(xlsx)] == ["ليلى", "王小明", "'=1+1"]
    audit = (await client.get("/api/staff/audit", headers=admin_headers, params={"action": "export"})).json()
    assert [e["actor_name"] for e in audit["items"]] == ["command line", "command line"]

    again = await ainvoke("export", "attendees", slug, "--out", str(out), database_url=clean_db)
    assert again.returncode == 1 and "exists" in again.stderr and again.stderr.count("\n") == 1
    missing = await ainvoke(
        "export", "attendees", "no-such-event", "--out", str(tmp_path / "x.csv"), database_url=clean_db
    )
    assert missing.returncode == 2 and "no event 'no-such-event'" in missing.stderr
    assert files_in(tmp_path) == ["attendees.csv", "attendees.xlsx"], "nothing partial left behind"


async def test_retention_dry_run_reports_and_changes_nothing(
    client: AsyncTestClient[Litestar], create_event: Any, clean_db: str
) -> None:
    await seed(client, create_event)
    # The event (October 2024) ended long before today, so with --days 1 it is past retention.
    preview = await ainvoke("retention", "--days", "1", "--dry-run", database_url=clean_db)
    assert preview.returncode == 0, preview.stderr
    assert preview.last_line.startswith("would erase 3 registrations and 0 applications of 1 events")
    done = await ainvoke("retention", "--days", "1", database_url=clean_db)
    assert done.last_line.startswith("erased 3 registrations")
    nothing = await ainvoke("retention", "--days", "1", database_url=clean_db)
    assert nothing.last_line.startswith("erased 0 registrations")
    refused = await ainvoke("retention", database_url=clean_db)
    assert refused.returncode == 2 and "RETENTION_DAYS" in refused.stderr
