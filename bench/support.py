"""What every benchmark needs around the server: a free port and an admin token."""

import socket
import subprocess
import sys
from contextlib import closing


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
