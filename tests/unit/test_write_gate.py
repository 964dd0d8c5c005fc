"""The SQLite write gate: one holder at a time across processes, waiters woken in turn, nothing leaked on cancel."""

import asyncio
import multiprocessing
import time
from pathlib import Path

import pytest

from calendar_service.db.write_gate import WriteGate

pytestmark = pytest.mark.anyio


def _hold_for(path: str, seconds: float, started: "multiprocessing.synchronize.Event") -> None:
    async def hold() -> None:
        gate = WriteGate.for_database(path)
        async with gate:
            started.set()
            await asyncio.sleep(seconds)
        gate.close()

    asyncio.run(hold())


def _read(path: str) -> int:
    return int(Path(path).read_text() or "0")


def _write(path: str, value: int) -> None:
    Path(path).write_text(str(value))


def _files(folder: Path) -> list[Path]:
    return list(folder.iterdir())


def _append_in_turns(path: str, log: str, rounds: int) -> None:
    """Read-modify-write of a shared file under the gate: any overlap loses an increment."""

    async def work() -> None:
        gate = WriteGate.for_database(path)
        for _ in range(rounds):
            async with gate:
                value = _read(log)
                await asyncio.sleep(0)  # let the other tasks of this process try to enter
                _write(log, value + 1)
        gate.close()

    async def tasks() -> None:
        await asyncio.gather(*(work() for _ in range(3)))

    asyncio.run(tasks())


async def test_a_second_process_waits_until_the_first_lets_go(tmp_path: Path) -> None:
    database = str(tmp_path / "calendar.db")
    started = multiprocessing.get_context("spawn").Event()
    holder = multiprocessing.get_context("spawn").Process(target=_hold_for, args=(database, 0.5, started))
    holder.start()
    try:
        assert started.wait(30)
        gate = WriteGate.for_database(database)
        t0 = time.monotonic()
        async with gate:
            waited = time.monotonic() - t0
        gate.close()
    finally:
        holder.join(30)
    assert waited > 0.2  # it was shut while the other process held it
    assert (tmp_path / "calendar.db.write-gate").exists()


async def test_tasks_in_several_processes_never_overlap(tmp_path: Path) -> None:
    database, log = str(tmp_path / "calendar.db"), tmp_path / "counter"
    log.write_text("0")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_in_turns, args=(database, str(log), 40)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert int(log.read_text()) == 3 * 3 * 40


async def test_a_waiter_cancelled_in_the_queue_leaves_the_gate_usable(tmp_path: Path) -> None:
    database = str(tmp_path / "calendar.db")
    started = multiprocessing.get_context("spawn").Event()
    holder = multiprocessing.get_context("spawn").Process(target=_hold_for, args=(database, 0.5, started))
    holder.start()
    gate = WriteGate.for_database(database)
    try:
        assert started.wait(30)
        waiter = asyncio.create_task(gate.acquire())
        await asyncio.sleep(0.1)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        holder.join(30)
        await asyncio.wait_for(gate.acquire(), 5)  # neither this process's lock nor the flock leaked
        gate.release()
        other = WriteGate.for_database(database)
        await asyncio.wait_for(other.acquire(), 5)  # nor is it still held for another opener
        other.release()
        other.close()
    finally:
        gate.close()
        holder.join(30)


async def test_an_in_memory_database_gets_an_in_process_gate_only(tmp_path: Path) -> None:
    gate = WriteGate.for_database(":memory:")
    async with gate:
        assert not _files(tmp_path)
    gate.close()


async def test_a_folder_it_cannot_write_leaves_an_in_process_gate(tmp_path: Path) -> None:
    gate = WriteGate.for_database(str(tmp_path / "missing-folder" / "calendar.db"))  # cannot create the lock file
    async with gate:
        waiting = asyncio.create_task(gate.acquire())
        await asyncio.sleep(0.05)
        assert not waiting.done()  # still one holder at a time within the process
    await asyncio.wait_for(waiting, 5)
    gate.release()
    gate.close()
