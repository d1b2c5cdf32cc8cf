"""Search attributes for case lists in the Temporal UI. Never personal data: they are stored
unencrypted and visible to everyone who can list workflows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    SearchAttributeUpdate,
    TypedSearchAttributes,
)

from domain.case import CaseState

CASE_KIND = SearchAttributeKey.for_keyword("CaseKind")
CASE_STAGE = SearchAttributeKey.for_keyword("CaseStage")
CASE_UNIT = SearchAttributeKey.for_keyword("CaseUnit")
CASE_DUE_AT = SearchAttributeKey.for_datetime("CaseDueAt")
CASE_ESCALATION = SearchAttributeKey.for_int("CaseEscalation")

ALL_KEYS: tuple[SearchAttributeKey[Any], ...] = (
    CASE_KIND,
    CASE_STAGE,
    CASE_UNIT,
    CASE_DUE_AT,
    CASE_ESCALATION,
)


def initial(kind: str) -> TypedSearchAttributes:
    pairs: list[SearchAttributePair[Any]] = [SearchAttributePair(CASE_KIND, kind)]
    return TypedSearchAttributes(pairs)


def values(state: CaseState) -> tuple[Any, ...]:
    """What the attributes say of a state: an upsert is needed only when this changes."""
    return (state.stage, state.unit, state.next_due_at, state.escalation_level)


def updates(state: CaseState) -> Sequence[SearchAttributeUpdate[Any]]:
    due = state.next_due_at
    return [
        CASE_STAGE.value_set(state.stage),
        CASE_UNIT.value_set(state.unit) if state.unit else CASE_UNIT.value_unset(),
        CASE_DUE_AT.value_set(due) if due is not None else CASE_DUE_AT.value_unset(),
        CASE_ESCALATION.value_set(state.escalation_level),
    ]
