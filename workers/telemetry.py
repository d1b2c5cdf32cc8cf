"""OpenTelemetry: spans for every workflow, update and activity; exported over OTLP when
OTEL_EXPORTER_OTLP_ENDPOINT is set, otherwise kept in-process (ids still go into the ledger)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_configured = False


def build_tracer_provider(service_name: str, env: Mapping[str, str]) -> TracerProvider:
    """A provider named after the service; with an OTLP exporter when an endpoint is set."""
    provider = TracerProvider(
        resource=Resource.create({"service.name": env.get("OTEL_SERVICE_NAME", service_name)})
    )
    endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    if endpoint:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return provider


def configure_tracing(service_name: str) -> None:
    """Install the process's tracer provider once."""
    global _configured
    if _configured:
        return
    _configured = True
    trace.set_tracer_provider(build_tracer_provider(service_name, os.environ))
