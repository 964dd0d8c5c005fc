"""What every benchmark (and `fuzz/api.py`) needs around the server: a fresh migrated database, a free
port, an admin token, and a wait until the server answers."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import httpx

from calendar_service.db.migrate import upgrade
from calendar_service.settings import normalize_database_url


@dataclass(frozen=True)
class Service:
    """Where a server under test will run: its database (migrated), address, environment, admin token."""

    workdir: Path
    database_url: str
    port: int
    base: str
    env: dict[str, str]
    token: str


def fresh_service(prefix: str) -> Service:
    """SQLite in a new temp dir unless DATABASE_URL is set; RATE_LIMIT off (all load comes from one address)."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    database_url = normalize_database_url(os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'service.db'}")
    upgrade(database_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": database_url, "BASE_URL": base, "RATE_LIMIT": "0"}
    return Service(workdir, database_url, port, base, env, admin_token(env))


def wait_until_healthy(base: str, attempts: int = 300) -> None:
    for _ in range(attempts):
        try:
            if httpx.get(f"{base}/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def admin_token(env: dict[str, str]) -> str:
    """A new admin token from the command line (its last line of output), for the database in `env`."""
    out = subprocess.run(
        [sys.executable, "-m", "calendar_service.cli.main", "token", "create", "--role", "admin", "--name", "bench"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]
