"""`backup` and `restore`: a portable file that rebuilds any of our databases row for row, all or nothing."""

import asyncio
import gzip
import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient

from calendar_service.cli.archive import TableCodec, dump_line
from calendar_service.cli.backup import snapshot
from calendar_service.db.migrate import head_revision
from calendar_service.db.tables import StaffToken
from tests.cli.helpers import ainvoke, invoke, table_rows
from tests.cli.test_cli import one_error_line
from tests.conftest import _truncate
from tests.support.factories import FIXTURES_DIR
from tests.support.tokens import make_token

SUMMARY = re.compile(r"^backed up ([\d,]+) rows from (\d+) tables to (.+) \(revision (\w+)\)$")


@pytest.fixture
def clock() -> Callable[[], datetime]:
    """The app's clock for this module: registration for the fixtures' September events is open."""
    return lambda: datetime(2024, 9, 1, 12, 0, tzinfo=UTC)


def lines_of(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def write_lines(path: Path, records: list[dict[str, Any]]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(record) + "\n" for record in records)
    return path


def all_empty(url: str) -> bool:
    return not any(asyncio.run(table_rows(url)).values())


@pytest.fixture
def backup_file(clean_db: str, tmp_path: Path) -> Path:
    """Fixtures and a token in `clean_db`, backed up; the database is left as it is."""
    assert invoke("load-fixtures", "--dir", str(FIXTURES_DIR), database_url=clean_db).returncode == 0
    assert invoke("token", "create", "--role", "admin", "--name", "Ada", database_url=clean_db).returncode == 0
    path = tmp_path / "backup.jsonl.gz"
    result = invoke("backup", str(path), database_url=clean_db)
    assert result.returncode == 0, result.stderr
    return path


async def test_a_backup_restores_into_the_other_database_row_for_row(
    client: AsyncTestClient[Litestar],
    admin_headers: dict[str, str],
    clean_db: str,
    other_database_url: str,
    tmp_path: Path,
) -> None:
    loaded = await ainvoke("load-fixtures", "--dir", str(FIXTURES_DIR), database_url=clean_db)
    assert loaded.returncode == 0, loaded.stderr
    people = [("Zoë Ångström", "zoe@example.org"), ("李小龍", "li@example.org"), ("Ω Omega", "omega@example.org")]
    for number, (name, email) in enumerate(people):
        response = await client.post(
            "/api/events/power-of-the-commons-2024/registrations",
            json={"name": name, "email": email, "consent": True, "attendance_mode": "online"},
            headers={"Idempotency-Key": f"key-{number}"},
        )
        assert response.status_code == 201, response.text
    moved = await client.put(
        "/api/events/diplomado-politica-publica-sociedades-digitales-2024/occurrences/2024-09-12T17:00:00",
        json={"status": "cancelled"},
        headers=admin_headers,
    )
    assert moved.status_code == 200, moved.text
    made = await ainvoke(
        "token", "create", "--role", "reviewer", "--name", "Rev", "--expires-in-days", "9", database_url=clean_db
    )
    assert made.returncode == 0, made.stderr

    path = tmp_path / "site.jsonl.gz"
    backed_up = await ainvoke("backup", str(path), database_url=clean_db)
    assert backed_up.returncode == 0, backed_up.stderr
    summary = SUMMARY.match(backed_up.stdout.strip())
    assert summary, backed_up.stdout
    assert summary[4] == head_revision()
    restored = await ainvoke("restore", str(path), database_url=other_database_url)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith(f"restored {summary[1]} rows into {summary[2]} tables of ")

    source, copy = await table_rows(clean_db), await table_rows(other_database_url)
    assert copy == source
    assert int(summary[1].replace(",", "")) == sum(len(rows) for rows in source.values())
    for table in ("registration", "outbox_message", "idempotency_record", "occurrence_override", "audit_entry"):
        assert source[table], f"the round trip should cover {table}"
    assert {row["name"] for row in copy["registration"]} == {name for name, _ in people}

    # New rows get fresh ids after a restore (PostgreSQL sequences were moved past the restored ones).
    newer = await ainvoke("token", "create", "--role", "admin", "--name", "After", database_url=other_database_url)
    assert newer.returncode == 0, newer.stderr
    assert f"token #{max(row['id'] for row in source['staff_token']) + 1} 'After'" in newer.stdout


def test_the_file_is_gzipped_json_lines_with_a_header_and_an_end(backup_file: Path) -> None:
    records = lines_of(backup_file)
    header, rows, end = records[0], records[1:-1], records[-1]
    assert header["format"] == "calendar-service-backup"
    assert header["version"] == 1
    assert header["revision"] == head_revision()
    assert header["tables"]["calendar"] == 1
    assert next(iter(header["tables"])) == "calendar"
    assert end == {"end": True, "rows": len(rows)}
    assert sum(header["tables"].values()) == len(rows)
    token = next(row["row"] for row in rows if row["table"] == "staff_token")
    assert token["created_at"].endswith("+00:00")  # instants keep their offset
    event = next(row["row"] for row in rows if row["table"] == "event")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", event["start_local"])  # wall-clock times stay naive
    assert isinstance(event["tags"], list)


def test_restore_into_a_database_with_data_refuses_and_changes_nothing(backup_file: Path, clean_db: str) -> None:
    before = asyncio.run(table_rows(clean_db))
    result = invoke("restore", str(backup_file), database_url=clean_db)
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert "is not empty" in line and "calendar" in line and "nothing was restored" in line
    assert asyncio.run(table_rows(clean_db)) == before


def test_a_backup_from_another_revision_is_refused(backup_file: Path, clean_db: str, tmp_path: Path) -> None:
    records = lines_of(backup_file)
    records[0]["revision"] = "0001"
    asyncio.run(_truncate(clean_db))
    result = invoke("restore", str(write_lines(tmp_path / "old.gz", records)), database_url=clean_db)
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert "revision 0001" in line and f"revision {head_revision()}" in line
    assert all_empty(clean_db)


def _cut(data: bytes, records: list[dict[str, Any]], tmp: Path) -> bytes:
    return data[: len(data) // 2]


def _garbage(data: bytes, records: list[dict[str, Any]], tmp: Path) -> bytes:
    return data[:200] + bytes(reversed(data[200:400])) + data[400:]


def _rewritten(change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> Callable[..., bytes]:
    def damage(data: bytes, records: list[dict[str, Any]], tmp: Path) -> bytes:
        return write_lines(tmp / "rewritten.gz", change([dict(r) for r in records])).read_bytes()

    return damage


def _bad_time(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    event = next(r for r in records if r.get("table") == "event")
    event["row"] = {**event["row"], "start_local": "next Tuesday"}
    return records


DAMAGE = {
    "cut in half": (_cut, "cut short"),
    "scrambled bytes": (_garbage, "nothing was restored"),
    "not gzip": (lambda data, records, tmp: b'{"format": "calendar-service-backup"}\n', "damaged"),
    "no end marker": (_rewritten(lambda records: records[:-1]), "no end marker"),
    "a row missing": (_rewritten(lambda records: records[:5] + records[6:-1] + [records[-1]]), "incomplete"),
    "a bad time": (_rewritten(_bad_time), "start_local"),
    "an unknown column": (
        _rewritten(lambda records: [records[0], {**records[1], "row": {**records[1]["row"], "colour": 1}}]),
        "unknown column(s) colour",
    ),
    "not a backup": (_rewritten(lambda records: [{"hello": "world"}]), "not a calendar-service backup"),
}


def test_a_damaged_backup_restores_nothing(backup_file: Path, clean_db: str, tmp_path: Path) -> None:
    data, records = backup_file.read_bytes(), lines_of(backup_file)
    asyncio.run(_truncate(clean_db))
    for name, (damage, words) in DAMAGE.items():
        broken = tmp_path / f"{name.replace(' ', '-')}.gz"
        broken.write_bytes(damage(data, records, tmp_path))
        result = invoke("restore", str(broken), database_url=clean_db)
        assert result.returncode == 1, (name, result)
        assert words in one_error_line(result.stderr), name
        assert all_empty(clean_db), f"{name}: the restore must be all or nothing"
    assert invoke("restore", str(backup_file), database_url=clean_db).returncode == 0  # the target is still fine


def test_backup_does_not_overwrite_a_file_unless_forced(backup_file: Path, clean_db: str) -> None:
    before = backup_file.read_bytes()
    refused = invoke("backup", str(backup_file), database_url=clean_db)
    assert refused.returncode == 1
    assert "--force" in one_error_line(refused.stderr)
    assert backup_file.read_bytes() == before
    forced = invoke("backup", str(backup_file), "--force", database_url=clean_db)
    assert forced.returncode == 0, forced.stderr
    assert [p.name for p in backup_file.parent.iterdir()] == [backup_file.name]  # no partial file left behind


def test_values_survive_the_file_exactly() -> None:
    table = sa.Table(
        "sample",
        sa.MetaData(),
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True)),
        sa.Column("local", sa.DateTime()),
        sa.Column("day", sa.Date()),
        sa.Column("blob", sa.LargeBinary()),
        sa.Column("money", sa.Numeric(12, 2)),
        sa.Column("ratio", sa.Float()),
        sa.Column("ident", sa.Uuid()),
        sa.Column("wait", sa.Interval()),
        sa.Column("doc", sa.JSON()),
        sa.Column("flag", sa.Boolean()),
        sa.Column("missing", sa.String(10)),
    )
    values = {
        "id": 2**62 + 1,
        "at": datetime(2024, 10, 27, 0, 30, 0, 123456, tzinfo=timezone(timedelta(hours=2))),
        "local": datetime(2024, 10, 27, 2, 30),
        "day": date(2024, 2, 29),
        "blob": bytes(range(256)),
        "money": Decimal("1234567890.10"),
        "ratio": 0.1 + 0.2,
        "ident": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "wait": timedelta(days=-1, seconds=5, microseconds=7),
        "doc": {"names": ["Zoë", "李"], "n": 10**30, "nested": {"x": None}},
        "flag": False,
        "missing": None,
    }
    codec = TableCodec(table)
    row = SimpleNamespace(_mapping={table.columns[name]: value for name, value in values.items()})
    line = dump_line({"table": "sample", "row": codec.encode(row)})  # type: ignore[arg-type]
    decoded = codec.decode(json.loads(line)["row"])
    assert decoded == values
    assert decoded["local"].tzinfo is None
    assert decoded["at"].utcoffset() == timedelta(hours=2)


async def test_the_backup_reads_one_snapshot_while_the_service_keeps_writing(clean_db: str) -> None:
    count = sa.select(sa.func.count()).select_from(StaffToken)
    async with snapshot(clean_db) as conn:
        before = await conn.scalar(count)
        await make_token(clean_db, "admin")  # another connection commits meanwhile (not blocked on SQLite either)
        during = await conn.scalar(count)
    assert before == during == 0
    assert len((await table_rows(clean_db))["staff_token"]) == 1
