"""Find a PostgreSQL for the suite: the machine's, or a throwaway cluster we start and stop.

Order: $TEST_POSTGRES_URL, then postgresql://postgres@127.0.0.1:5432/test, then
a private cluster made with initdb/pg_ctl in a temporary directory (stopped
at exit). Each test session gets its own freshly created database.
"""

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from contextlib import closing

import psycopg

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _answers(url: str) -> bool:
    try:
        with closing(psycopg.connect(url, connect_timeout=3)):
            return True
    except psycopg.Error:
        return False


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _throwaway_cluster() -> str | None:
    initdbs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or (
        [shutil.which("initdb")] if shutil.which("initdb") else []
    )
    if not initdbs or not initdbs[-1]:
        return None
    bindir = os.path.dirname(initdbs[-1])
    root = tempfile.mkdtemp(prefix="cs-pg-")
    run_as: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return None
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    port = _free_port()
    data = os.path.join(root, "data")
    try:
        subprocess.run(
            [*run_as, f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            [
                *run_as,
                f"{bindir}/pg_ctl",
                "-D",
                data,
                "-l",
                os.path.join(root, "log"),
                "-w",
                "-o",
                f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    except (subprocess.SubprocessError, OSError):
        return None

    def stop() -> None:
        subprocess.run(
            [*run_as, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True, check=False
        )
        shutil.rmtree(root, ignore_errors=True)

    atexit.register(stop)
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    return url if _answers(url) else None


def find_server() -> str | None:
    """A libpq URL of a server we may create databases on, or None."""
    for url in (os.environ.get("TEST_POSTGRES_URL"), DEFAULT_URL):
        if url and _answers(url):
            return url
    return _throwaway_cluster()


def create_database(server_url: str) -> tuple[str, str]:
    """Create a fresh database; returns (its libpq URL, its name)."""
    name = f"cs_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with closing(psycopg.connect(server_url, autocommit=True)) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}", name


def drop_database(server_url: str, name: str) -> None:
    with closing(psycopg.connect(server_url, autocommit=True)) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
