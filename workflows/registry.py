"""Every case workflow, by lifecycle kind."""

from __future__ import annotations

from workflows.rescue import RescueCaseWorkflow
from workflows.runtime import CaseWorkflow

WORKFLOWS: dict[str, type[CaseWorkflow]] = {"rescue": RescueCaseWorkflow}
# The registered workflow type names, for clients that start cases by name.
WORKFLOW_NAMES: dict[str, str] = {"rescue": "RescueCase"}
