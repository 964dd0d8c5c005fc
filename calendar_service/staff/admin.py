"""Staff administration: tokens and the audit trail, each change audited in its own unit of work."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from calendar_service.domain.access import Staff
from calendar_service.domain.windows import parse_bound
from calendar_service.staff.audit import AuditLog
from calendar_service.staff.schemas import AuditList, TokenCreate, TokenList, TokenRead
from calendar_service.staff.tokens import TokenService, token_read


class StaffAdminService:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.tokens = TokenService(session)
        self.audit = AuditLog(session, now)
        self.now = now

    async def list_tokens(self) -> TokenList:
        """Every token (never the secret), with expiry, last use and revocation."""
        return TokenList(items=[token_read(row) for row in await self.tokens.list()])

    async def create_token(self, data: TokenCreate, staff: Staff) -> TokenRead:
        """The new token's secret is in this answer only; the audit entry never holds it."""
        row, secret = await self.tokens.create(
            name=data.name,
            role=data.role,
            calendars=data.calendars,
            now=self.now,
            expires_in_days=data.expires_in_days,
            email=data.email,
        )
        self.audit.record(staff, "token.create", "staff_token", row.id, after=token_read(row))
        return token_read(row, secret)

    async def revoke_token(self, token_id: int, staff: Staff) -> TokenRead:
        row = await self.tokens.revoke(token_id, self.now)
        self.audit.record(staff, "token.revoke", "staff_token", token_id, detail={"name": row.name, "role": row.role})
        return token_read(row)

    async def audit_trail(
        self,
        staff: Staff,
        *,
        actor: str | None,
        action: str | None,
        target_type: str | None,
        target_id: str | None,
        calendar: str | None,
        since: str | None,
        until: str | None,
        before_id: int | None,
        limit: int,
    ) -> AuditList:
        """Newest first; `since`/`until` are read like the API's other time bounds."""
        return await self.audit.list(
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
