"""Real server processes for tests: `uvicorn calendar_service.asgi:app` on a free 127.0.0.1 port.

Each server runs in its own session (process group), so `stop()` and `kill()`
reach uvicorn's worker processes too. `ServerPool.stop_all()` (a fixture
teardown) leaves nothing running, whatever the test did. Output goes to a log
file so failures can quote it and a full pipe can never block the server.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing, suppress
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
READY_LINE = "Application startup complete."
ACCESS_LINE = re.compile(r'^INFO: +\S+ - ".*" [1-4][0-9][0-9] ')  # access lines except 5xx


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "SMTP_URL", "REDIS_URL", "PORT", "HOST")}
    env.update(DATABASE_URL=database_url, BASE_URL=base_url, RATE_LIMIT="0", PYTHONUNBUFFERED="1")
    return env


def _group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state not in ("Z", "X"):
            members.append(int(entry.name))
    return members


class Server:
    def __init__(self, database_url: str, log_path: Path, workers: int = 2) -> None:
        self.database_url = database_url
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> "Server":
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "calendar_service.asgi:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                ],
                env=server_env(self.database_url, self.url),
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        """/health answers 200 and every worker finished its startup (so both really serve)."""
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=self.url, timeout=2, trust_env=False) as client:
            while True:
                assert self.proc is not None
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
                healthy = False
                with suppress(httpx.TransportError):
                    healthy = client.get("/health").status_code == 200
                if healthy and self.log().count(READY_LINE) >= self.workers:
                    return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server not ready after {timeout} s:\n{self.log_tail()}")
                time.sleep(0.1)

    @property
    def pgid(self) -> int:
        assert self.proc is not None
        return self.proc.pid  # start_new_session: the leader's pid is the group id

    def kill(self) -> None:
        """SIGKILL the whole process group: the supervisor and every worker, no cleanup."""
        self._signal(signal.SIGKILL)
        self._reap(10)

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL whatever is left; returns only when the group is gone."""
        if self.proc is None:
            return
        if self.proc.poll() is None or _group_members(self.pgid):
            self._signal(signal.SIGTERM)
            try:
                self._reap(15)
            except TimeoutError:
                self._signal(signal.SIGKILL)
                self._reap(10)
        self._reap(10)

    def _signal(self, sig: signal.Signals) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.pgid, sig)

    def _reap(self, timeout: float) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise TimeoutError(f"server {self.pgid} still running") from None
        while _group_members(self.pgid):
            if time.monotonic() > deadline:
                raise TimeoutError(f"server group {self.pgid} still has {_group_members(self.pgid)}")
            time.sleep(0.05)

    @property
    def running(self) -> bool:
        return self.proc is not None and (self.proc.poll() is None or bool(_group_members(self.pgid)))

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def log_excerpt(self, lines: int = 120) -> str:
        """The log without 1xx-4xx access lines (errors, 5xx, tracebacks, lifecycle), first lines first."""
        kept = [line for line in self.log().splitlines() if not ACCESS_LINE.search(line)]
        return "\n".join(kept[:lines] + ([f"... {len(kept) - lines} more line(s)"] if len(kept) > lines else []))


class ServerPool:
    """Starts servers on one database and stops every one of them at teardown."""

    def __init__(self, database_url: str, log_dir: Path) -> None:
        self.database_url = database_url
        self.log_dir = log_dir
        self.servers: list[Server] = []

    def start(self, workers: int = 2) -> Server:
        server = Server(self.database_url, self.log_dir / f"server-{len(self.servers)}.log", workers)
        self.servers.append(server)
        return server.start()

    def stop_all(self) -> None:
        errors = []
        for server in self.servers:
            try:
                server.stop()
            except Exception as exc:  # stop the others anyway, then complain
                errors.append(exc)
        if errors:
            raise errors[0]


def http_client(server: Server) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=server.url,
        # Idle connections are dropped well before uvicorn's 5 s keep-alive timeout: with equal timeouts a
        # request sent on a connection the server is closing fails with "Server disconnected" (a client race).
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=200, keepalive_expiry=2),
        timeout=httpx.Timeout(60),
        trust_env=False,  # never a proxy between us and 127.0.0.1
    )
