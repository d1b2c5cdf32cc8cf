"""Identity and family tracing (寻亲): police checks, the search notice, DNA, the prompts."""

from __future__ import annotations

from typing import assert_never

from domain.actors import require_role
from domain.case import ClockEscalated, EscalateClock
from domain.clocks import Rung
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.rescue import rules
from domain.rescue.commands_care import (
    PublishFamilySearchNotice,
    RecordDnaCollected,
    RecordIdentityEstablished,
    RecordPoliceIdentityAnswer,
    RequestDnaCollection,
    RequestIdentityCheck,
)
from domain.rescue.events_care import (
    DnaCollected,
    DnaCollectionRequested,
    FamilySearchNoticePublished,
    IdentityEstablished,
    LongTermPlacementPrompted,
    OffSiteCareDecisionPrompted,
    PoliceIdentityConfirmed,
    PoliceIdentityNotFound,
)
from domain.rescue.guards import FRONT_LINE, require_stage, require_system, start, stop_clocks
from domain.rescue.state import IN_CARE, RescueState, Stage
from domain.rescue.street import TRACING_CLOCKS, request_identity_check, start_tracing

IdentityCommand = (
    RequestIdentityCheck
    | RecordPoliceIdentityAnswer
    | PublishFamilySearchNotice
    | RequestDnaCollection
    | RecordDnaCollected
    | RecordIdentityEstablished
)
TRACING_STAGES = (Stage.INTAKE, *IN_CARE)


def _require_tracing(state: RescueState, doing: str) -> None:
    require_stage(state, TRACING_STAGES, doing)
    if not state.tracing:
        raise DomainError("not_tracing", f"{doing} is for an unidentified person being traced")


def decide_identity(
    state: RescueState, command: IdentityCommand, ctx: DecisionContext
) -> list[Event]:
    now = ctx.now
    match command:
        case RequestIdentityCheck():
            require_stage(state, TRACING_STAGES, "requesting an identity check")
            require_role(ctx.actor, FRONT_LINE, "requesting an identity check")
            if state.identified:
                raise DomainError("already_identified", "the person's identity is established")
            if state.pending_identity_check is not None:
                raise DomainError(
                    "identity_check_pending", "an identity check is already waiting for its answer"
                )
            return request_identity_check(state, command.id_number, ctx)
        case RecordPoliceIdentityAnswer():
            require_system(ctx.actor, "the police system's answer")
            if state.closed or state.pending_identity_check != command.request_id:
                raise DomainError(
                    "stale_identity_answer", f"no identity check {command.request_id} is waiting"
                )
            answered = stop_clocks(state, [rules.IDENTITY_CHECK_ANSWER.name], "answered")
            if command.found:
                return [
                    PoliceIdentityConfirmed(
                        request_id=command.request_id, hukou=command.hukou, at=now
                    ),
                    *answered,
                    *stop_clocks(state, TRACING_CLOCKS, "identity confirmed by the police"),
                ]
            events: list[Event] = [
                PoliceIdentityNotFound(request_id=command.request_id, at=now),
                *answered,
            ]
            if not state.tracing and state.stage in TRACING_STAGES:
                events.extend(start_tracing(state.entered_at or now, ctx))
            return events
        case PublishFamilySearchNotice():
            _require_tracing(state, "publishing the family-search notice")
            require_role(ctx.actor, FRONT_LINE, "publishing the family-search notice")
            if state.family_search_published:
                raise DomainError("already_done", "the family-search notice is already out")
            return [
                FamilySearchNoticePublished(channels=command.channels, at=now),
                *stop_clocks(state, [rules.FAMILY_SEARCH_NOTICE.name], "notice published"),
            ]
        case RequestDnaCollection():
            _require_tracing(state, "requesting DNA collection")
            require_role(ctx.actor, FRONT_LINE, "requesting DNA collection")
            if state.dna_requested:
                raise DomainError("already_done", "DNA collection was already requested")
            return [
                DnaCollectionRequested(police_unit=command.police_unit, at=now),
                *stop_clocks(state, [rules.DNA_REQUEST.name], "DNA collection requested"),
                start(
                    rules.DNA_COLLECTION
                    if ctx.statutory_periods
                    else rules.DNA_COLLECTION_EXACT_DAYS,
                    ctx,
                ),
            ]
        case RecordDnaCollected():
            _require_tracing(state, "recording the DNA collection")
            require_role(ctx.actor, FRONT_LINE, "recording the DNA collection")
            if not state.dna_requested or state.dna_collected:
                raise DomainError("wrong_step", "DNA is collected once, after the request")
            return [
                DnaCollected(at=now),
                *stop_clocks(state, [rules.DNA_COLLECTION.name], "DNA collected"),
            ]
        case RecordIdentityEstablished():
            require_stage(state, TRACING_STAGES, "recording the identity")
            require_role(ctx.actor, FRONT_LINE, "recording the identity")
            if state.identified:
                raise DomainError("already_identified", "the person's identity is established")
            return [
                IdentityEstablished(method=command.method, hukou=command.hukou, at=now),
                *stop_clocks(
                    state,
                    [*TRACING_CLOCKS, rules.IDENTITY_CHECK_ANSWER.name],
                    "identity established",
                ),
            ]
        case _:
            assert_never(command)


def placement_prompts(
    command: EscalateClock, escalated: list[Event], ctx: DecisionContext
) -> list[Event]:
    """When an unidentified person's 10 days or 3 months run out, ask staff to decide."""
    due = any(isinstance(e, ClockEscalated) and e.rung is Rung.L1_DUE for e in escalated)
    if not due:
        return []
    if command.clock == rules.UNIDENTIFIED_PLACEMENT.name:
        return [OffSiteCareDecisionPrompted(at=ctx.now)]
    if command.clock == rules.LONG_TERM_PLACEMENT.name:
        return [LongTermPlacementPrompted(at=ctx.now)]
    return []
