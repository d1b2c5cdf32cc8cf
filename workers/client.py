"""The Temporal client every process uses: pydantic payloads sealed by the payload key ring,
and OpenTelemetry tracing; a worker's client may carry a runtime that serves SDK metrics."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from workers.codec import PayloadKeyRing, data_converter


async def connect(
    address: str,
    namespace: str = "default",
    *,
    key_ring: PayloadKeyRing,
    lazy: bool = False,
    runtime: Runtime | None = None,
) -> Client:
    """Connect with the project's data converter; the interceptor also reaches the worker."""
    return await Client.connect(
        address,
        namespace=namespace,
        data_converter=data_converter(key_ring),
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
