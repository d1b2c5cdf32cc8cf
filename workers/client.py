"""The Temporal client every process uses: pydantic payloads and OpenTelemetry tracing."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.contrib.pydantic import pydantic_data_converter


async def connect(address: str, namespace: str = "default", *, lazy: bool = False) -> Client:
    """Connect with the project's data converter; the interceptor also reaches the worker."""
    return await Client.connect(
        address,
        namespace=namespace,
        data_converter=pydantic_data_converter,
        interceptors=[TracingInterceptor()],
        lazy=lazy,
    )
