"""The outbox sends over real SMTP (aiosmtpd in the test): once each, and nothing lost while the server is down."""

import email
import socket
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from email.message import Message
from typing import Any

import icalendar
import pytest
from aiosmtpd.controller import Controller
from litestar import Litestar
from litestar.testing import AsyncTestClient

from calendar_service.notifications.sender import SmtpTarget, backoff, send_due
from tests.conftest import FIXED_NOW
from tests.support.factories import EventFactory, outbox_messages, person, register_all


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def target(self) -> SmtpTarget:
        return SmtpTarget.parse(f"smtp://127.0.0.1:{self.port}", "events@calendar.example.org")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


async def registered(client: AsyncTestClient[Litestar], create_event: EventFactory, n: int) -> None:
    event = await create_event(capacity=1)
    await register_all(client, event["slug"], [person(i, name=f"P{i}") for i in range(n)])


async def test_each_message_arrives_once_with_its_invitation(
    app: Litestar, client: AsyncTestClient[Litestar], create_event: EventFactory, smtp: SmtpServer
) -> None:
    await registered(client, create_event, 2)
    sent, failed = await send_due(app.state.session_maker, smtp.target, FIXED_NOW)
    assert (sent, failed) == (2, 0)
    assert await send_due(app.state.session_maker, smtp.target, FIXED_NOW + timedelta(hours=2)) == (0, 0)
    assert sorted(m["To"] for m in smtp.inbox.messages) == ["p0@example.org", "p1@example.org"]
    confirmed = next(m for m in smtp.inbox.messages if m["To"] == "p0@example.org")
    calendar_parts = [p for p in confirmed.walk() if p.get_content_type() == "text/calendar"]
    assert len(calendar_parts) == 1
    assert calendar_parts[0].get_param("method") == "REQUEST"
    invitation = icalendar.Calendar.from_ical(calendar_parts[0].get_payload(decode=True))
    assert str(invitation["METHOD"]) == "REQUEST"
    waitlisted = next(m for m in smtp.inbox.messages if m["To"] == "p1@example.org")
    assert "number 1 on the waiting list" in waitlisted.get_payload(decode=False) or any(
        "number 1 on the waiting list" in (p.get_payload(decode=True) or b"").decode() for p in waitlisted.walk()
    )
    assert len({m["Message-ID"] for m in smtp.inbox.messages}) == 2


async def test_with_the_server_down_messages_stay_queued_and_go_out_when_it_returns(
    app: Litestar,
    client: AsyncTestClient[Litestar],
    create_event: EventFactory,
    smtp: SmtpServer,
    admin_headers: dict[str, str],
) -> None:
    await registered(client, create_event, 1)
    smtp.stop()
    sent, failed = await send_due(app.state.session_maker, smtp.target, FIXED_NOW, smtp_timeout=2)
    assert (sent, failed) == (0, 1)
    queued = await outbox_messages(client, admin_headers)
    assert queued[0]["sent_at"] is None
    assert queued[0]["attempts"] == 1
    assert "Connection" in queued[0]["last_error"] or "refused" in queued[0]["last_error"].lower()
    smtp.start()
    assert await send_due(app.state.session_maker, smtp.target, FIXED_NOW + timedelta(seconds=10)) == (0, 0)
    later = FIXED_NOW + backoff(1)
    assert await send_due(app.state.session_maker, smtp.target, later) == (1, 0)
    assert [m["To"] for m in smtp.inbox.messages] == ["p0@example.org"]
    delivered = await outbox_messages(client, admin_headers)
    assert delivered[0]["sent_at"] is not None


def test_smtp_url_forms() -> None:
    target = SmtpTarget.parse("smtps://user%40x:p%3Ass@mail.example.org?from=events@example.org", "d@x")
    assert (target.host, target.port, target.tls, target.username, target.password, target.sender) == (
        "mail.example.org",
        465,
        True,
        "user@x",
        "p:ss",
        "events@example.org",
    )
    assert SmtpTarget.parse("smtp://mail.example.org:587?starttls=1", "d@x").starttls is True
    with pytest.raises(ValueError, match="SMTP_URL"):
        SmtpTarget.parse("http://mail.example.org", "d@x")
    assert [backoff(n) for n in (1, 2, 3, 10)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(hours=1),
    ]


async def test_a_message_that_cannot_be_built_is_marked_failed_and_the_rest_go_out(
    app: Litestar,
    client: AsyncTestClient[Litestar],
    create_event: EventFactory,
    smtp: SmtpServer,
    admin_headers: dict[str, str],
) -> None:
    """A stored subject with a line break (written before input refused it) must not block the queue behind it."""
    from calendar_service.db.tables import OutboxMessage

    async with app.state.session_maker() as session, session.begin():
        session.add(
            OutboxMessage(
                kind="staff_message",
                recipient="victim@example.org",
                subject="Hello\r\nBcc: attacker@example.org",
                body="x",
                created_at=FIXED_NOW,
                next_attempt_at=FIXED_NOW,
            )
        )
    await registered(client, create_event, 2)  # two confirmations queued after the bad one
    sent, failed = await send_due(app.state.session_maker, smtp.target, FIXED_NOW)
    assert (sent, failed) == (2, 1)
    assert sorted(m["To"] for m in smtp.inbox.messages) == ["p0@example.org", "p1@example.org"]
    assert all("attacker" not in str(m) for m in smtp.inbox.messages)
    bad = [m for m in await outbox_messages(client, admin_headers) if m["recipient"] == "victim@example.org"]
    assert bad[0]["sent_at"] is None and bad[0]["attempts"] == 1
    assert bad[0]["last_error"].startswith("cannot be built, not retried: ValueError")
    later = FIXED_NOW + timedelta(days=1)
    assert await send_due(app.state.session_maker, smtp.target, later) == (0, 0)  # not retried
