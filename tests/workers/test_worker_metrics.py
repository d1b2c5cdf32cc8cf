"""A worker's Temporal SDK runtime metrics, served for Prometheus by the SDK's own endpoint,
scraped and parsed after the worker ran a case."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway
from domain.rescue import RESCUE
from store.ledger import Ledger
from tests.factories import OPERATOR, report, rescue_case_id
from tests.servers import session_key_ring
from tests.workers.receivers import free_port
from workers.client import connect, metrics_runtime
from workers.worker import build_worker

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
# Family names as prometheus_client's parser gives them (counters without `_total`).
WANTED = {
    "temporal_request",
    "temporal_workflow_task_execution_latency",
    "temporal_activity_execution_latency",
}


async def test_a_worker_serves_temporal_sdk_metrics(
    dev_env: WorkflowEnvironment, ledger: Ledger, task_queue: str
) -> None:
    port = free_port()
    address = dev_env.client.service_client.config.target_host
    client = await connect(
        address, key_ring=session_key_ring(), runtime=metrics_runtime("127.0.0.1", port)
    )
    async with build_worker(client, ledger, task_queue):
        gateway = CaseGateway(client, task_queue)
        await gateway.open_case(RESCUE, rescue_case_id(), OPERATOR, report(), datetime.now(UTC))
        names: set[str] = set()
        async with httpx.AsyncClient() as http, asyncio.timeout(60):
            while not names >= WANTED:  # the SDK records as the worker works
                text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
                families = list(text_string_to_metric_families(text))
                names = {f.name for f in families}
                await asyncio.sleep(0.1)
    assert any(name.startswith("temporal_worker_task_slots") for name in names), sorted(names)
    # The Grafana dashboard asks for series the SDK really exports (failure counters appear
    # only after a failure, so they are checked by their family's siblings).
    sampled = {sample.name for family in families for sample in family.samples}
    dashboard = (DEPLOY / "grafana" / "dashboards" / "casework.json").read_text()
    wanted = set(re.findall(r"temporal_[a-z_]+", dashboard)) - {
        "temporal_request_failure_total",
        "temporal_activity_execution_failed_total",
    }
    assert wanted <= sampled, sorted(wanted - sampled)
