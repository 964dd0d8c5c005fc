"""The outbox worker: claims due messages, sends them over SMTP, retries with backoff.

At-least-once, made as close to exactly-once as SMTP allows:
- a batch is *claimed* first (its next attempt pushed past the send timeout,
  committed), so two workers or processes never send the same message;
- each message is marked sent right after the SMTP server accepted it;
- its Message-ID is derived from the outbox id, so a duplicate after a crash
  between "accepted" and "marked" is recognisable by the receiver.
A failed send keeps the message queued with exponential backoff (1 min,
2, 4 … up to 1 h); nothing is ever dropped. A message that cannot even be
built (a header the email library refuses) is marked failed with its reason
and not retried; the messages after it still go out.
"""

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from calendar_service.db.tables import OutboxMessage

CLAIM_FOR = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    host: str
    port: int
    username: str | None
    password: str | None
    tls: bool  # implicit TLS (smtps://)
    starttls: bool
    sender: str

    @classmethod
    def parse(cls, url: str, default_sender: str) -> "SmtpTarget":
        """smtp://[user:pass@]host[:port][?starttls=1&from=events@example.org], or smtps://…"""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:pass@host:587?starttls=1 or smtps://host:465")
        query = parse_qs(parts.query)
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
            starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
            sender=query.get("from", [default_sender])[0],
        )


def build_email(message: OutboxMessage, sender: str, domain: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = f"<outbox-{message.id}@{domain}>"
    email.set_content(message.body)
    if message.ics:
        method = message.ics_method or "PUBLISH"
        # iMIP (RFC 6047): the part's method= must equal the calendar's METHOD, or Outlook rejects it.
        email.add_alternative(
            message.ics.encode(),
            maintype="text",
            subtype="calendar",
            params={"method": method, "charset": "utf-8"},
            filename="invite.ics",
        )
    return email


def _send_sync(target: SmtpTarget, email: EmailMessage, timeout: float) -> None:
    context = ssl.create_default_context()
    if target.tls:
        client: smtplib.SMTP = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(target.host, target.port, timeout=timeout)
    with client:
        if target.starttls:
            client.starttls(context=context)
        if target.username:
            client.login(target.username, target.password or "")
        client.send_message(email)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


async def send_due(
    session_maker: async_sessionmaker[AsyncSession],
    target: SmtpTarget,
    now: datetime,
    batch: int = 50,
    smtp_timeout: float = 20.0,
) -> tuple[int, int]:
    """Send what is due now; returns (sent, failed)."""
    async with session_maker() as session, session.begin():
        due = (
            select(col(OutboxMessage.id))
            .where(
                col(OutboxMessage.sent_at).is_(None),
                col(OutboxMessage.next_attempt_at) <= now,
            )
            .order_by(col(OutboxMessage.id))
            .limit(batch)
        )
        if session.bind.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list((await session.scalars(due)).all())
        if ids:
            await session.execute(
                update(OutboxMessage).where(col(OutboxMessage.id).in_(ids)).values(next_attempt_at=now + CLAIM_FOR)
            )
    sent = failed = 0
    domain = target.sender.rpartition("@")[2] or "calendar-service"
    for message_id in ids:
        async with session_maker() as session, session.begin():
            message = await session.get_one(OutboxMessage, message_id)
            try:
                email = build_email(message, target.sender, domain)
            except (ValueError, TypeError) as exc:
                # It can never be sent as it is (e.g. a line break in a header): say why, stop retrying it,
                # and go on with the next message instead of failing the whole pass.
                message.attempts += 1
                message.last_error = f"cannot be built, not retried: {type(exc).__name__}: {exc}"[:1000]
                message.next_attempt_at = None
                failed += 1
                continue
            try:
                await asyncio.to_thread(_send_sync, target, email, smtp_timeout)
            except (OSError, smtplib.SMTPException) as exc:
                message.attempts += 1
                message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
                message.next_attempt_at = now + backoff(message.attempts)
                failed += 1
            else:
                message.attempts += 1
                message.sent_at = now
                message.last_error = None
                sent += 1
    return sent, failed
