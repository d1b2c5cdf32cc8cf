"""The Temporal client every process uses: pydantic payloads sealed by the payload key ring,
and OpenTelemetry tracing."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor

from workers.codec import PayloadKeyRing, data_converter


async def connect(
    address: str, namespace: str = "default", *, key_ring: PayloadKeyRing, lazy: bool = False
) -> Client:
    """Connect with the project's data converter; the interceptor also reaches the worker."""
    return await Client.connect(
        address,
        namespace=namespace,
        data_converter=data_converter(key_ring),
        interceptors=[TracingInterceptor()],
        lazy=lazy,
    )
