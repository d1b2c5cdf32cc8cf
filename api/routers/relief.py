"""Social assistance beyond the generic command door: the verification centre's callback, and
a case's money (entitlement, back-payments, recoveries, fines) for people to read."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api import availability
from api.deps import ActorDep, ReaderDep, ServicesDep
from api.gateway import CaseNotFound, CommandPending, CommandRefused
from api.scope import readable_case
from domain.actors import Role, require_role
from domain.relief import RELIEF
from domain.relief.money import Segment
from domain.relief.state import ReliefState
from store.queries import get_case
from store.replay import state_as_of

router = APIRouter(prefix="/relief", tags=["relief"])

CASE_ID = r"^REL-[0-9]{4}-[0-9]+$"
# A repeated or superseded delivery, or one for a case that has ended (withdrawn), is not an
# error for the centre: it is told so, and nothing changes; it need not deliver again.
ALREADY_TAKEN = frozenset({"duplicate_reply", "already_verified", "case_closed"})


class VerificationReplyIn(BaseModel):
    """The centre's reply to one request, named by the request's idempotency key."""

    case_id: Annotated[str, Field(pattern=CASE_ID)]
    request_key: str = Field(min_length=1, max_length=100)
    reply_id: str = Field(min_length=1, max_length=100)
    verified_income_fen: int = Field(ge=0)
    verified_assets_fen: int = Field(default=0, ge=0)
    findings: list[Annotated[str, Field(max_length=500)]] = Field(default_factory=list)


class ReplyOutcome(BaseModel):
    case_id: str
    status: Literal["recorded", "duplicate_reply", "already_verified", "case_closed", "pending"]
    version: int | None = None
    message: str = ""


@router.post(
    "/verification-replies",
    response_model=ReplyOutcome,
    responses={202: {"model": ReplyOutcome}, 403: {}, 404: {}, 409: {}},
)
async def deliver_verification_reply(
    reply: VerificationReplyIn, actor: ActorDep, services: ServicesDep
) -> Any:
    """The verification centre delivers a reply (token role `integration`); a repeat is 200."""
    require_role(actor, [Role.INTEGRATION, Role.SUPERVISOR], "delivering a verification reply")
    async with availability.postgresql():
        if await get_case(services.engine, reply.case_id) is None:
            raise CaseNotFound(reply.case_id)
    command = {"type": "RecordVerificationReply", **reply.model_dump(exclude={"case_id"})}
    try:
        async with availability.temporal():
            result = await services.gateway.send(reply.case_id, actor, command)
    except CommandRefused as refused:
        if refused.code not in ALREADY_TAKEN:
            raise
        return ReplyOutcome(case_id=reply.case_id, status=refused.code, message=refused.message)
    except CommandPending:
        body = ReplyOutcome(
            case_id=reply.case_id,
            status="pending",
            message="taken by the case; recorded as soon as the ledger answers again",
        )
        return JSONResponse(status_code=status.HTTP_202_ACCEPTED, content=body.model_dump())
    return ReplyOutcome(case_id=reply.case_id, status="recorded", version=result.version)


class Settlement(BaseModel):
    decision_no: int
    reason: str
    total_fen: int = Field(description="Above zero a back-payment (补发), below a recovery (追回)")


class Money(BaseModel):
    """A case's money as its ledger says: what is due each month from when, and what to settle."""

    case_id: str
    programme: str | None
    entitlement: list[Segment]
    settlements: list[Settlement]
    back_payments_fen: int
    recoveries_fen: int
    fines_fen: int


@router.get("/{case_id}/money", response_model=Money, responses={404: {}})
async def read_money(case_id: str, services: ServicesDep, reader: ReaderDep) -> Money:
    """Entitlement schedule, back-payments, recoveries and fines, folded from the ledger."""
    if not case_id.startswith(f"{RELIEF.id_prefix}-"):
        raise CaseNotFound(case_id)
    async with availability.postgresql():
        await readable_case(services, reader, case_id)  # another unit's case: 404
        state, version = await state_as_of(services.ledger, RELIEF, case_id)
    if version == 0 or not isinstance(state, ReliefState):
        raise CaseNotFound(case_id)
    settlements = [Settlement(**s.model_dump()) for s in state.settlements]
    return Money(
        case_id=case_id,
        programme=state.programme.value if state.programme else None,
        entitlement=list(state.entitlement),
        settlements=settlements,
        back_payments_fen=sum(s.total_fen for s in settlements if s.total_fen > 0),
        recoveries_fen=sum(s.total_fen for s in settlements if s.total_fen < 0),
        fines_fen=state.fines_fen,
    )
