"""One transaction per request that can neither leak nor lie.

- `provide_db_session` is a generator dependency: Litestar runs the code after
  `yield` once the handler returned and the response object is built, but
  *before* anything is sent. A failed commit raises there and the exception
  handlers answer with an error, so a client never hears "created" for a row
  that was not written. (advanced-alchemy's autocommit handler swallows
  commit errors: shared/notes/stack-check.md §2b.) A handler error is thrown
  into the generator and rolls back.
- Litestar does not clean up a generator dependency when a *later* dependency
  raises (e.g. a bad staff token after the session was opened); that left a
  SQLite write lock held until garbage collection. So the session is also
  kept in the request scope, and `TransactionMiddleware` closes it in a
  `finally` — closing rolls back anything uncommitted and frees the lock.
- On SQLite, write units of work first pass the write gate
  (`db/write_gate.py`: FIFO in the process, a flock across processes) rather
  than SQLite's sleeping busy handler. PostgreSQL needs no gate: its row
  locks queue waiters themselves.
"""

from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.db.write_gate import WriteGate

SESSION_KEY = "_calendar_db_session"
READ_SESSION_KEY = "_calendar_read_session"
GATE_KEY = "_calendar_write_gate"


async def provide_db_session(request: Request[Any, Any, State]) -> AsyncGenerator[AsyncSession, None]:
    gate: WriteGate | None = request.app.state.write_gate
    if gate is not None:
        await gate.acquire()
        request.scope["state"][GATE_KEY] = gate  # released by the middleware, whatever happens
    session: AsyncSession = request.app.state.session_maker()
    request.scope["state"][SESSION_KEY] = session
    try:
        yield session
    except BaseException:
        await session.rollback()
        raise
    else:
        await session.commit()
    # The unit of work is over: free the connection and the write gate now, not after the body is
    # sent (a streamed export may take minutes and reads on its own read-only session).
    await _release(request.scope["state"])


async def _release(state: dict[str, Any]) -> None:
    session: AsyncSession | None = state.pop(SESSION_KEY, None)
    if session is not None:
        await session.close()
    gate: WriteGate | None = state.pop(GATE_KEY, None)
    if gate is not None:
        gate.release()


def provide_read_session(request: Request[Any, Any, State]) -> AsyncSession:
    """For handlers that only read (feeds, pages): autocommit reads, nothing to commit; closed by the middleware.

    No sub-dependencies and no write lock: a feed poll costs one indexed read on it.
    """
    session: AsyncSession = request.app.state.read_session_maker()
    request.scope["state"][READ_SESSION_KEY] = session
    return session


class TransactionMiddleware(ASGIMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        try:
            await next_app(scope, receive, send)
        finally:
            state = scope.get("state", {})
            read_session: AsyncSession | None = state.pop(READ_SESSION_KEY, None)
            if read_session is not None:
                await read_session.close()
            await _release(state)
