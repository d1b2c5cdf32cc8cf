"""Every case workflow, by lifecycle kind."""

from __future__ import annotations

from workflows.relief import ReliefCaseWorkflow
from workflows.rescue import RescueCaseWorkflow, WeatherEpisodeWorkflow
from workflows.runtime import CaseWorkflow
from workflows.socialorg import SocialOrgCaseWorkflow

WORKFLOWS: dict[str, type[CaseWorkflow]] = {
    "rescue": RescueCaseWorkflow,
    "relief": ReliefCaseWorkflow,
    "weather": WeatherEpisodeWorkflow,
    "social_org": SocialOrgCaseWorkflow,
}
# The registered workflow type names, for clients that start cases by name.
WORKFLOW_NAMES: dict[str, str] = {
    "rescue": "RescueCase",
    "relief": "ReliefCase",
    "weather": "WeatherEpisode",
    "social_org": "SocialOrgCase",
}
