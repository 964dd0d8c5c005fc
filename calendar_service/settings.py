"""One typed settings object, read from the environment once."""

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


def normalize_database_url(url: str) -> str:
    """Accept the URLs people paste and pick the async driver we ship."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


@dataclass(frozen=True)
class Settings:
    database_url: str
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = "http://127.0.0.1:8000"
    rate_limit: int = 60
    smtp_url: str | None = None
    redis_url: str | None = None
    max_body_bytes: int = 1_000_000
    uid_domain: str = "calendar-service"
    organizer_email: str | None = None
    check_migrations: bool = True
    # Personal data of registrations and applications is erased this many days after an event ends
    # (`calendar-service retention`); None: only when the command is given --days.
    retention_days: int | None = None
    # Signs the CSRF cookie of the pages' forms (web/security.py). Empty: a random one per process,
    # which `calendar-service serve` shares with its workers; with other servers and several
    # processes, set CSRF_SECRET or a form from one process is refused by another.
    csrf_secret: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        data_dir = Path(env.get("CALENDAR_DATA_DIR", "var"))
        port = int(env.get("PORT", "8000"))
        host = env.get("HOST", "127.0.0.1")
        return cls(
            database_url=normalize_database_url(
                env.get("DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'calendar.db'}"
            ),
            host=host,
            port=port,
            base_url=env.get("BASE_URL", f"http://{host}:{port}").rstrip("/"),
            rate_limit=int(env.get("RATE_LIMIT", "60")),
            smtp_url=env.get("SMTP_URL") or None,
            redis_url=env.get("REDIS_URL") or None,
            uid_domain=env.get("UID_DOMAIN", "calendar-service"),
            organizer_email=env.get("ORGANIZER_EMAIL") or None,
            retention_days=int(env["RETENTION_DAYS"]) if env.get("RETENTION_DAYS") else None,
            csrf_secret=env.get("CSRF_SECRET", ""),
        )


@functools.cache
def get_settings() -> Settings:
    return Settings.from_env()
