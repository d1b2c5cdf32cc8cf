"""Economic verification (家庭经济状况核对) and the home investigation: the two checks before a
notice. The centre's replies may come late, twice, or for a request already superseded."""

from __future__ import annotations

from domain.actors import SYSTEM, Role, require_role
from domain.clocks import Rung
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.relief import rules
from domain.relief.commands import (
    AcknowledgeVerificationRequest,
    RecordHomeInvestigation,
    RecordVerificationFailure,
    RecordVerificationReply,
    ResendVerificationRequest,
)
from domain.relief.common import (
    CENTRE,
    INVESTIGATORS,
    request_verification,
    require_stage,
    start,
    stop_clocks,
)
from domain.relief.events import (
    HomeInvestigationRecorded,
    NoticeWaived,
    VerificationAcknowledged,
    VerificationReplyRecorded,
    VerificationRequestFailed,
)
from domain.relief.evolve import fold
from domain.relief.state import ReliefState, RequestStatus, Stage, VerificationRequest


def _request(state: ReliefState, key: str) -> VerificationRequest:
    request = state.requests.get(key)
    if request is None:
        raise DomainError("unknown_request", f"this case sent no verification request {key!r}")
    return request


def _require_system(ctx: DecisionContext, doing: str) -> None:
    if ctx.actor != SYSTEM:
        raise DomainError("role_not_allowed", f"only the case itself records {doing}")


def acknowledge(
    state: ReliefState, command: AcknowledgeVerificationRequest, ctx: DecisionContext
) -> list[Event]:
    _require_system(ctx, "the centre's receipt")
    request = _request(state, command.request_key)
    if request.status is not RequestStatus.REQUESTED:
        raise DomainError(
            "already_acknowledged", f"request {request.key} is already {request.status.value}"
        )
    return [
        VerificationAcknowledged(request_key=request.key, centre_ref=command.centre_ref, at=ctx.now)
    ]


def record_failure(
    state: ReliefState, command: RecordVerificationFailure, ctx: DecisionContext
) -> list[Event]:
    _require_system(ctx, "a failed request")
    request = _request(state, command.request_key)
    if request.status not in (RequestStatus.REQUESTED, RequestStatus.ACKNOWLEDGED):
        raise DomainError("not_pending", f"request {request.key} is {request.status.value}")
    return [VerificationRequestFailed(request_key=request.key, error=command.error, at=ctx.now)]


def record_reply(
    state: ReliefState, command: RecordVerificationReply, ctx: DecisionContext
) -> list[Event]:
    require_role(ctx.actor, CENTRE, "recording the verification centre's reply")
    request = _request(state, command.request_key)
    if state.verification is not None:
        if state.verification.request_key == request.key:
            raise DomainError(
                "duplicate_reply",
                f"the reply to {request.key} was recorded already "
                f"(reply {state.verification.reply_id}); this one changes nothing",
            )
        raise DomainError(
            "already_verified",
            f"the case was verified by the reply to {state.verification.request_key}",
        )
    clock = state.clocks.get("verification_reply")
    late = clock is not None and clock.reached >= Rung.L1_DUE
    events: list[Event] = [
        VerificationReplyRecorded(
            request_key=request.key,
            reply_id=command.reply_id,
            verified_income_fen=command.verified_income_fen,
            verified_assets_fen=command.verified_assets_fen,
            findings=command.findings,
            late=late,
            at=ctx.now,
        ),
        *stop_clocks(state, ["verification_reply"], "the centre replied"),
    ]
    return [*events, *_assessment_complete(state, events, ctx)]


def resend(
    state: ReliefState, command: ResendVerificationRequest, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.VERIFICATION, Stage.FOLLOW_UP), "re-sending a verification request")
    require_role(ctx.actor, [Role.SUPERVISOR], "re-sending a verification request")
    if state.verification is not None:
        raise DomainError("already_verified", "the centre has replied; nothing to re-send")
    if not state.requests:
        raise DomainError("not_requested", "no verification was requested yet")
    return request_verification(state, ctx)


def investigate(
    state: ReliefState, command: RecordHomeInvestigation, ctx: DecisionContext
) -> list[Event]:
    require_stage(
        state, (Stage.VERIFICATION, Stage.INVESTIGATION), "recording a home investigation"
    )
    require_role(ctx.actor, INVESTIGATORS, "recording a home investigation")
    events: list[Event] = [
        HomeInvestigationRecorded(
            findings=command.findings,
            recommendation=command.recommendation,
            by=ctx.actor.user_id,
            at=ctx.now,
        )
    ]
    return [*events, *_assessment_complete(state, events, ctx)]


def _assessment_complete(
    state: ReliefState, events: list[Event], ctx: DecisionContext
) -> list[Event]:
    """特困 cases of minors skip the notice: once verified and investigated, they are decided."""
    after = fold(state, events)
    if after.stage != Stage.INVESTIGATED or not after.notice_exempt:
        return []
    return [
        NoticeWaived(reason="未成年人特困供养案件，不予公示", at=ctx.now),
        *stop_clocks(after, ["tekun_investigation"], "investigation complete"),
        start(rules.DECISION, ctx),
    ]
