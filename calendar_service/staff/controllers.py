"""Staff administration over HTTP: tokens and the audit log (admins only)."""

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from calendar_service.domain.access import ADMIN_ONLY, Staff
from calendar_service.params import RowId, RowIdQuery
from calendar_service.staff.admin import StaffAdminService
from calendar_service.staff.schemas import AuditList, TokenCreate, TokenList, TokenRead


class StaffController(Controller):
    path = "/api/staff"

    @get("/tokens", operation_id="ListTokens", opt=ADMIN_ONLY)
    async def list_tokens(
        self, staff_admin: NamedDependency[StaffAdminService], staff: NamedDependency[Staff]
    ) -> TokenList:
        """Every token (never the secret), with expiry, last use and revocation."""
        return await staff_admin.list_tokens()

    @post("/tokens", operation_id="CreateToken", opt=ADMIN_ONLY)
    async def create_token(
        self,
        data: JSONBody[TokenCreate],
        staff_admin: NamedDependency[StaffAdminService],
        staff: NamedDependency[Staff],
    ) -> TokenRead:
        """A new token; its secret is in this answer only (stored hashed)."""
        return await staff_admin.create_token(data, staff)

    @post("/tokens/{token_id:int}/revoke", operation_id="RevokeToken", opt=ADMIN_ONLY, status_code=HTTP_200_OK)
    async def revoke_token(
        self,
        token_id: RowId,
        staff_admin: NamedDependency[StaffAdminService],
        staff: NamedDependency[Staff],
    ) -> TokenRead:
        """Revoke at once; the token stops working on the next request."""
        return await staff_admin.revoke_token(token_id, staff)

    @get("/audit", operation_id="ListAuditLog", opt=ADMIN_ONLY)
    async def list_audit(
        self,
        staff_admin: NamedDependency[StaffAdminService],
        staff: NamedDependency[Staff],
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
        return await staff_admin.audit_trail(
            staff,
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            calendar=calendar,
            since=since,
            until=until,
            before_id=before_id,
            limit=limit,
        )
