"""What waits for a second pair of eyes: each lifecycle's drafts, with their makers, and the
commands that settle them on offer to a checker (never to the maker)."""

from __future__ import annotations

from datetime import date

from domain.messages import DecisionContext
from domain.offers import offered_commands
from domain.relief import RELIEF
from domain.rescue import RESCUE
from domain.reviews import pending_reviews
from domain.socialorg import SOCIAL_ORG
from tests.domain import relief_support as relief
from tests.domain import rescue_story as rescue
from tests.domain import socialorg_support as org


def test_a_drafted_plan_waits_for_an_approver_other_than_its_author() -> None:
    state = rescue.in_stay().then(rescue.plan(rescue.service(due=date(2026, 3, 20)))).state
    [review] = pending_reviews("rescue", state)
    assert (review.subject, review.makers) == ("plan", (rescue.CASEWORKER.user_id,))
    assert not review.open_to(rescue.CASEWORKER.user_id)
    checker = DecisionContext(rescue.NOW, rescue.APPROVER, rescue.CALENDAR)
    assert set(review.commands) <= set(offered_commands(RESCUE, state, checker).yours)
    approved = rescue.Given(state).then(rescue.ApproveIndividualPlan(version=1)).state
    assert pending_reviews("rescue", approved) == []


def test_a_relief_decision_waits_for_someone_other_than_the_investigator() -> None:
    story = relief.deciding()
    [review] = pending_reviews("relief", story.state)
    assert review.subject == "decision"
    assert review.makers == (relief.CASEWORKER.user_id,)
    checker = DecisionContext(story.now, relief.APPROVER, relief.CALENDAR)
    assert set(review.commands) <= set(offered_commands(RELIEF, story.state, checker).yours)


def test_a_registration_file_waits_for_someone_other_than_who_received_it() -> None:
    case = org.Org(org.DEFAULT_REGISTRATION)
    case.send(org.application())
    [review] = pending_reviews("social_org", case.state)
    assert review.subject == "registration"
    assert review.makers == (org.OPERATOR.user_id,)
    checker = DecisionContext(case.now, org.APPROVER, org.CALENDAR)
    assert set(review.commands) <= set(offered_commands(SOCIAL_ORG, case.state, checker).yours)
    case.send(org.registration())
    assert pending_reviews("social_org", case.state) == []
