"""The Temporal client every process uses: pydantic payloads and OpenTelemetry tracing."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig


async def connect(
    address: str,
    namespace: str = "default",
    *,
    lazy: bool = False,
    runtime: Runtime | None = None,
) -> Client:
    """Connect with the project's data converter; the interceptor also reaches the worker."""
    return await Client.connect(
        address,
        namespace=namespace,
        data_converter=pydantic_data_converter,
        interceptors=[TracingInterceptor()],
        lazy=lazy,
        runtime=runtime,
    )


def metrics_runtime(host: str, port: int) -> Runtime:
    """A Temporal runtime whose SDK metrics (polls, task latencies, slots, sticky cache...)
    are served for Prometheus at http://host:port/metrics; one per worker process."""
    return Runtime(
        telemetry=TelemetryConfig(
            metrics=PrometheusConfig(
                bind_address=f"{host}:{port}",
                counters_total_suffix=True,
                durations_as_seconds=True,
            ),
            global_tags={"service": "casework-worker"},
        )
    )
