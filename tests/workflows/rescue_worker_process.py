"""A case worker in a process of its own, so a test can kill it mid-case (SIGKILL).

python -m tests.workflows.rescue_worker_process ADDRESS DATABASE_URL TASK_QUEUE LATENCY_MS
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from activities.identity import FakePoliceIdentitySystem
from store.db import make_engine
from store.ledger import Ledger
from tests.servers import session_key_ring
from workers.client import connect
from workers.worker import build_worker


async def main(address: str, database_url: str, task_queue: str, latency_ms: int) -> None:
    client = await connect(address, key_ring=session_key_ring())  # inherited from the test
    police = FakePoliceIdentitySystem(latency=timedelta(milliseconds=latency_ms))
    worker = build_worker(
        client, Ledger(make_engine(database_url)), task_queue, identity_system=police
    )
    async with worker:
        print("ready", flush=True)
        await asyncio.Event().wait()  # until killed


if __name__ == "__main__":
    address, url, queue, latency = sys.argv[1:5]
    asyncio.run(main(address, url, queue, int(latency)))
