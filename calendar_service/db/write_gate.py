"""The SQLite write gate: writers queue in order instead of polling SQLite's lock.

SQLite has one writer at a time. A writer that finds the lock taken waits in
SQLite's busy handler, which sleeps 1, 2, 5 … 100 ms between tries: under
contention most of the time went to sleeping. So units of work queue here
first, and meet the SQLite lock only when it is (almost always) free:

- within a process, on an `asyncio.Lock` (FIFO, no thread, no polling);
- across processes (`uvicorn --workers N`), on an exclusive `flock` of a file
  beside the database (`<db>.write-gate`). The kernel wakes the next waiter as
  soon as the holder lets go. An uncontended `flock` is taken at once; a
  contended one is waited for in a worker thread, so the event loop runs on.

The gate is an optimisation, not the guarantee: BEGIN IMMEDIATE and SQLite's
own lock still decide, so a writer that bypasses the gate (another program,
the command line) is safe, merely slower. A flock dies with its process, so a
killed worker never leaves the gate shut.
"""

import asyncio
import contextlib
import fcntl
import logging
import os
from pathlib import Path
from types import TracebackType

import anyio.to_thread

log = logging.getLogger(__name__)


class WriteGate:
    def __init__(self, lock_path: Path | None = None) -> None:
        self._local = asyncio.Lock()
        self._fd: int | None = None
        if lock_path is not None:
            try:
                self._fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:  # a read-only folder: in-process only; SQLite's lock still decides
                log.warning("write gate %s unavailable (%s): other processes wait in SQLite itself", lock_path, exc)

    @classmethod
    def for_database(cls, database: str | None) -> "WriteGate":
        """A gate for a SQLite file (shared with every process using it); in-process only for `:memory:`."""
        if not database or database == ":memory:" or database.startswith("file:"):
            return cls()
        return cls(Path(f"{database}.write-gate"))

    async def acquire(self) -> None:
        await self._local.acquire()
        if self._fd is None:
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                # Not abandoned on cancel: the thread's flock must be known to be held, then let go.
                await anyio.to_thread.run_sync(fcntl.flock, self._fd, fcntl.LOCK_EX)
            except BaseException:
                fcntl.flock(self._fd, fcntl.LOCK_UN)  # harmless if the wait itself failed
                self._local.release()
                raise
        except BaseException:
            self._local.release()
            raise

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._local.release()

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
