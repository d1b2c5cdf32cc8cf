"""The public notice (公示): published for 7 days; an objection sends the case back to
investigation or to community review (民主评议), and a new notice follows."""

from __future__ import annotations

from domain.actors import require_role
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.relief import rules
from domain.relief.commands import (
    PublishAssistanceNotice,
    RecordCommunityReview,
    RecordNoticeObjection,
)
from domain.relief.common import FRONT_LINE, INVESTIGATORS, require_stage, start, stop_clocks
from domain.relief.events import CommunityReviewRecorded, NoticeObjected, NoticePublished
from domain.relief.state import ReliefState, Stage


def publish(
    state: ReliefState, command: PublishAssistanceNotice, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.INVESTIGATED,), "publishing the notice")
    require_role(ctx.actor, FRONT_LINE, "publishing the notice")
    if state.notice_exempt:
        raise DomainError("not_publicised", "特困 cases of minors are never publicised")
    if state.verification is None:
        raise DomainError("not_verified", "the verification centre has not replied yet")
    return [
        NoticePublished(notice_no=state.notices + 1, by=ctx.actor.user_id, at=ctx.now),
        *stop_clocks(state, ["tekun_investigation"], "investigation complete: notice"),
        start(rules.PUBLIC_NOTICE, ctx),
    ]


def object_to_notice(
    state: ReliefState, command: RecordNoticeObjection, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.NOTICE,), "recording an objection")
    require_role(ctx.actor, FRONT_LINE, "recording an objection")
    return [
        NoticeObjected(
            notice_no=state.notices, summary=command.summary, route=command.route, at=ctx.now
        ),
        *stop_clocks(state, ["public_notice"], "objection: the notice is withdrawn"),
    ]


def community_review(
    state: ReliefState, command: RecordCommunityReview, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.COMMUNITY_REVIEW,), "recording the community review")
    require_role(ctx.actor, INVESTIGATORS, "recording the community review")
    return [CommunityReviewRecorded(findings=command.findings, by=ctx.actor.user_id, at=ctx.now)]
