"""A time-skipping server of a test module's own, and moving its clock to a Shanghai date.

The social-organisation tests move time years ahead; on the session's shared server that would
shift every later test's clock, and other tests' leftover workflows (activities retried without
end) would slow every skip down. A module overrides `skipping_env` with `own_skipping_server()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.testing import WorkflowEnvironment

from domain.calendar import SHANGHAI, local_date
from tests.servers import binary, converter, register_search_attributes


@asynccontextmanager
async def own_skipping_server() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=converter(),
        interceptors=[TracingInterceptor()],
    )
    await register_search_attributes(env.client)
    try:
        yield env
    finally:
        await env.shutdown()


async def sleep_until(env: WorkflowEnvironment, when: datetime) -> None:
    """Skip the server's time forward to `when` (time only ever moves forward)."""
    now = await env.get_current_time()
    if when > now:
        await env.sleep(when - now)


def next_date(now: datetime, month: int, day: int, hour: int = 10) -> datetime:
    """The next `month`-`day` at `hour` Shanghai time after `now`."""
    year = local_date(now).year
    candidate = datetime(year, month, day, hour, tzinfo=SHANGHAI)
    return candidate if candidate > now else candidate.replace(year=year + 1)
