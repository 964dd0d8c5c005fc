"""Staff administration over HTTP: tokens and the audit log (admins only)."""

from datetime import datetime

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.domain.access import ADMIN_ONLY, Staff
from calendar_service.domain.windows import parse_bound
from calendar_service.params import RowId, RowIdQuery
from calendar_service.staff.audit import AuditLog
from calendar_service.staff.schemas import AuditList, TokenCreate, TokenList, TokenRead
from calendar_service.staff.tokens import TokenService, token_read


class StaffController(Controller):
    path = "/api/staff"

    @get("/tokens", operation_id="ListTokens", opt=ADMIN_ONLY)
    async def list_tokens(self, db_session: NamedDependency[AsyncSession], staff: NamedDependency[Staff]) -> TokenList:
        """Every token (never the secret), with expiry, last use and revocation."""
        return TokenList(items=[token_read(row) for row in await TokenService(db_session).list()])

    @post("/tokens", operation_id="CreateToken", opt=ADMIN_ONLY)
    async def create_token(
        self,
        data: JSONBody[TokenCreate],
        db_session: NamedDependency[AsyncSession],
        staff: NamedDependency[Staff],
        now: NamedDependency[datetime],
    ) -> TokenRead:
        """A new token; its secret is in this answer only (stored hashed)."""
        row, secret = await TokenService(db_session).create(
            name=data.name,
            role=data.role,
            calendars=data.calendars,
            now=now,
            expires_in_days=data.expires_in_days,
            email=data.email,
        )
        read = token_read(row)
        AuditLog(db_session, now).record(staff, "token.create", "staff_token", row.id, after=read)
        return token_read(row, secret)

    @post("/tokens/{token_id:int}/revoke", operation_id="RevokeToken", opt=ADMIN_ONLY, status_code=HTTP_200_OK)
    async def revoke_token(
        self,
        token_id: RowId,
        db_session: NamedDependency[AsyncSession],
        staff: NamedDependency[Staff],
        now: NamedDependency[datetime],
    ) -> TokenRead:
        """Revoke at once; the token stops working on the next request."""
        row = await TokenService(db_session).revoke(token_id, now)
        AuditLog(db_session, now).record(
            staff, "token.revoke", "staff_token", token_id, detail={"name": row.name, "role": row.role}
        )
        return token_read(row)

    @get("/audit", operation_id="ListAuditLog", opt=ADMIN_ONLY)
    async def list_audit(
        self,
        db_session: NamedDependency[AsyncSession],
        staff: NamedDependency[Staff],
        now: NamedDependency[datetime],
        actor: FromQuery[str | None] = None,
        action: FromQuery[str | None] = None,
        target_type: FromQuery[str | None] = None,
        target_id: FromQuery[str | None] = None,
        calendar: FromQuery[str | None] = None,
        since: FromQuery[str | None] = None,
        until: FromQuery[str | None] = None,
        before_id: RowIdQuery = None,
        limit: FromQuery[int] = 100,
    ) -> AuditList:
        """Newest first; filter by actor (name or token id), action (prefix like `event`), target, calendar, time."""
        return await AuditLog(db_session, now).list(
            staff,
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            calendar=calendar,
            since=parse_bound(since, None, "since") if since else None,
            until=parse_bound(until, None, "until") if until else None,
            before_id=before_id,
            limit=limit,
        )
