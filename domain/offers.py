"""Which commands a case accepts now: the decider's own answer, asked with blank commands.

The workbench offers staff only the commands a case would take in its present stage. Rather
than keep a second table of "command -> stages" beside each decider (two truths that drift),
the decider is asked directly: each command type is decided once with a *blank* command (built
without validation, so it holds only its defaults). Every decider checks the stage before it
reads a command's fields, so a blank command is refused on stage alone exactly when a real one
would be; anything past the stage check (events, a data refusal, or the blank's missing field
being read) means the stage admits the command. A role refusal on the way says the case takes
the command, but from someone else. `tests/domain/test_offers.py` holds the deciders to it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.case import CaseState
from domain.errors import DomainError
from domain.lifecycle import Lifecycle
from domain.messages import Command, DecisionContext

# Refusals that say "not in this stage" (or not any more): the command is not on offer.
STAGE_CODES = frozenset({"wrong_stage", "case_closed", "in_liquidation"})
# Refusals that say "there is nothing here to act on" (no draft waits, no service is open).
NOTHING_CODES = frozenset({"no_such_draft", "no_such_service", "no_such_clock"})
NOT_ON_OFFER = STAGE_CODES | NOTHING_CODES
ROLE_CODES = frozenset({"role_not_allowed"})


class CommandOffers(BaseModel):
    """What a case takes now: from the asking actor, and only from someone in another role."""

    model_config = ConfigDict(frozen=True)

    yours: tuple[str, ...]
    other_roles: tuple[str, ...]

    @property
    def all(self) -> frozenset[str]:
        return frozenset(self.yours) | frozenset(self.other_roles)


def blank(command_type: type[Command], state: CaseState) -> Command:
    """A command holding only its defaults; a clock command names a clock the case runs."""
    fields: dict[str, Any] = {}
    if "clock" in command_type.model_fields and state.clocks:
        fields["clock"] = min(state.clocks)
    return command_type.model_construct(**fields)


def offered_commands(
    lifecycle: Lifecycle[Any], state: CaseState, ctx: DecisionContext
) -> CommandOffers:
    """The command types the case's decider does not refuse on stage alone, in union order."""
    yours: list[str] = []
    other_roles: list[str] = []
    for command_type in lifecycle.command_types:
        name = command_type.model_fields["type"].default
        if "clock" in command_type.model_fields and not state.clocks:
            continue  # a clock command acts on a running clock, and none runs
        try:
            lifecycle.decide(state, blank(command_type, state), ctx)
        except DomainError as refused:
            if refused.code in NOT_ON_OFFER:
                continue
            (other_roles if refused.code in ROLE_CODES else yours).append(name)
        except Exception:  # the blank's absent field was read: past the stage check
            yours.append(name)
        else:
            yours.append(name)
    return CommandOffers(yours=tuple(yours), other_roles=tuple(other_roles))
