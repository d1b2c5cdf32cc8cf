"""Traces: the interceptor spans updates and activities, and the ledger keeps the trace id."""

from __future__ import annotations

from datetime import UTC, datetime

from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.testing import WorkflowEnvironment

from api.gateway import CaseGateway
from domain.rescue import RESCUE
from store.ledger import Ledger
from tests.factories import OPERATOR, report, rescue_case_id
from workers.telemetry import build_tracer_provider
from workers.worker import build_worker


async def test_ledger_rows_carry_the_trace_of_the_command(
    dev_env: WorkflowEnvironment, ledger: Ledger, task_queue: str
) -> None:
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    config = dev_env.client.config()
    config["interceptors"] = [TracingInterceptor(provider.get_tracer("test"))]
    client = Client(**config)
    case_id = rescue_case_id()
    async with build_worker(client, ledger, task_queue):
        await CaseGateway(client, task_queue).open_case(
            RESCUE, case_id, OPERATOR, report(), datetime.now(UTC)
        )

    names = {s.name for s in spans.get_finished_spans()}
    assert "RunActivity:ledger.append" in names
    assert any(
        n.startswith("StartUpdateWithStartWorkflow") or n.startswith("HandleUpdate") for n in names
    ), names
    (event,) = await ledger.read_stream(case_id)
    trace_ids = {format(s.context.trace_id, "032x") for s in spans.get_finished_spans()}
    assert event.trace_id in trace_ids


def test_otlp_exporter_only_when_an_endpoint_is_set() -> None:
    def exporters(provider: TracerProvider) -> list[object]:
        processors = provider._active_span_processor._span_processors  # no public accessor
        return [getattr(p, "span_exporter", None) for p in processors]

    quiet = build_tracer_provider("casework-worker", {})
    exporting = build_tracer_provider(
        "casework-worker", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317"}
    )
    assert exporters(quiet) == []
    assert [type(e) for e in exporters(exporting)] == [OTLPSpanExporter]
    assert exporting.resource.attributes["service.name"] == "casework-worker"
