"""What waits for a second pair of eyes on a case: drafts, requests and proposals of one person
that another must approve or decide (DOMAIN.md, "Four eyes": maker ≠ checker)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.case import CaseState
from domain.relief.state import ReliefState
from domain.relief.state import Stage as ReliefStage
from domain.rescue.state import RescueState
from domain.socialorg.state import SocialOrgState
from domain.socialorg.state import Stage as OrgStage


class PendingReview(BaseModel):
    """One thing awaiting a checker: the commands that settle it and who took part in making it."""

    model_config = ConfigDict(frozen=True)

    subject: str  # what waits, as a stable key: plan, stay_extension, decision, appeal, …
    commands: tuple[str, ...]  # the commands that settle it (approve, return, refuse, decide)
    makers: tuple[str, ...]  # user ids who may not be its checker

    def open_to(self, user_id: str) -> bool:
        return user_id not in self.makers


def _rescue(state: RescueState) -> list[PendingReview]:
    found = []
    if (draft := state.draft_plan) is not None:
        found.append(
            PendingReview(
                subject="plan",
                commands=("ApproveIndividualPlan", "ReturnIndividualPlan"),
                makers=(draft.drafted_by,),
            )
        )
    if (request := state.stay_extension_request) is not None:
        found.append(
            PendingReview(
                subject="stay_extension",
                commands=("ApproveStayExtension", "RefuseStayExtension"),
                makers=(request.requested_by,),
            )
        )
    return found


def _relief(state: ReliefState) -> list[PendingReview]:
    found = []
    if state.stage == ReliefStage.DECIDING and state.investigated_by:
        found.append(
            PendingReview(
                subject="decision",
                commands=("ApproveAssistance", "RefuseAssistance"),
                makers=(state.investigated_by,),
            )
        )
    if (appeal := state.open_appeal) is not None and (d := state.decision(appeal.decision_no)):
        found.append(
            PendingReview(
                subject="appeal", commands=("DecideAssistanceAppeal",), makers=d.participants
            )
        )
    if (correction := state.open_correction) is not None:
        found.append(
            PendingReview(
                subject="correction", commands=("DecideCorrection",), makers=(correction.opened_by,)
            )
        )
    return found


def _social_org(state: SocialOrgState) -> list[PendingReview]:
    found = []
    if state.stage == OrgStage.UNDER_REVIEW and state.application_received_by:
        found.append(
            PendingReview(
                subject="registration",
                commands=("RegisterOrganisation", "RefuseOrgRegistration"),
                makers=(state.application_received_by,),
            )
        )
    if (draft := state.revocation) is not None:
        found.append(
            PendingReview(
                subject="revocation", commands=("DecideRevocation",), makers=(draft.proposed_by,)
            )
        )
    if (grading := state.grading) is not None and grading.objection is not None:
        found.append(
            PendingReview(
                subject="grade",
                commands=("DecideGradeObjection",),
                makers=(grading.proposed_by or "",),
            )
        )
    return found


_BY_KIND: dict[str, Callable[[Any], list[PendingReview]]] = {
    "rescue": _rescue,
    "relief": _relief,
    "social_org": _social_org,
}


def pending_reviews(kind: str, state: CaseState) -> list[PendingReview]:
    """Everything on the case that waits for someone other than its makers."""
    finder = _BY_KIND.get(kind)
    return finder(state) if finder is not None else []
