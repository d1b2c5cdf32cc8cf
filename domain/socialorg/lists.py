"""The lists (活动异常名录, 严重违法失信名单) and zombie organisations (僵尸型社会组织, 民发〔2021〕63号)."""

from __future__ import annotations

from domain.actors import require_role
from domain.calendar import end_of_day, local_date
from domain.case import ClockStarted
from domain.errors import DomainError
from domain.messages import DecisionContext, Event
from domain.socialorg import org_rules, rules, timers
from domain.socialorg.commands import ExitKind, RemoveFromAbnormalList
from domain.socialorg.common import DECIDERS, require_stage, stop
from domain.socialorg.dates import add_years
from domain.socialorg.events import OrgDelisted, OrgListed, RevocationProposed, ZombieFlagged
from domain.socialorg.state import OrgList, SocialOrgState, Stage


def remove_from_abnormal_list(
    state: SocialOrgState, command: RemoveFromAbnormalList, ctx: DecisionContext
) -> list[Event]:
    require_stage(state, (Stage.REGISTERED,), "removing from the abnormal-activity list")
    require_role(ctx.actor, DECIDERS, "removing from the abnormal-activity list")
    if OrgList.ABNORMAL_ACTIVITY not in state.lists:
        raise DomainError("not_listed", "the organisation is not on the abnormal-activity list")
    return [
        OrgDelisted(listing=OrgList.ABNORMAL_ACTIVITY, reason=command.reason, at=ctx.now),
        *stop(state, [timers.ABNORMAL_TO_SERIOUS], "removed from the list"),
    ]


def list_abnormal(state: SocialOrgState, reason: str, ctx: DecisionContext) -> list[Event]:
    """Onto the abnormal-activity list, and the 2-year timer to the serious-dishonesty list."""
    if state.lists:
        return []  # already on a list: the earlier listing's clock keeps running
    # 2 years from the listing day (not counted), over at 24:00 of the last day (民事诉讼法 Art 85)
    last_day = add_years(local_date(ctx.now), rules.ABNORMAL_TO_SERIOUS_YEARS)
    moves_on = end_of_day(last_day) if ctx.statutory_periods else timers.start_of_day(last_day)
    rule = "社会组织信用信息管理办法: 2 years on the abnormal-activity list → serious dishonesty [local]"
    return [
        OrgListed(listing=OrgList.ABNORMAL_ACTIVITY, reason=reason, at=ctx.now),
        ClockStarted(clock=timers.timer(timers.ABNORMAL_TO_SERIOUS, rule, ctx.now, moves_on)),
    ]


def flag_zombie(state: SocialOrgState, grounds: str, ctx: DecisionContext) -> list[Event]:
    """A zombie organisation: flagged, and a revocation proposal drafted for an approver."""
    events: list[Event] = []
    if not state.zombie:
        events.append(ZombieFlagged(grounds=grounds, at=ctx.now))
    if state.revocation is None:
        source = org_rules.article(org_rules.REVOCATION, state.org_type)
        events.append(
            RevocationProposed(
                kind=ExitKind.REVOCATION,
                grounds=[f"僵尸型社会组织: {grounds}", f"撤销登记: {source}"],
                proposed_by=ctx.actor.user_id,
                at=ctx.now,
            )
        )
    return events


def on_two_years_listed(state: SocialOrgState, ctx: DecisionContext) -> list[Event]:
    if OrgList.ABNORMAL_ACTIVITY not in state.lists:
        return []
    reason = "2 years on the abnormal-activity list (列入活动异常名录满2年)"
    return [
        OrgDelisted(listing=OrgList.ABNORMAL_ACTIVITY, reason=reason, at=ctx.now),
        OrgListed(listing=OrgList.SERIOUS_DISHONESTY, reason=reason, at=ctx.now),
    ]


def on_first_activity_due(state: SocialOrgState, ctx: DecisionContext) -> list[Event]:
    if state.activity_seen:
        return []
    if ctx.statutory_periods and not org_rules.no_activity_ground_applies(state.org_type):
        return []  # a timer armed before the rule was per type: not a ground for this type
    return flag_zombie(state, "no activity for 1 year after registration (社团条例 Art 29)", ctx)
