"""A case worker in a process of its own that dies (SIGKILL) right after the ledger committed
an append holding a given event type, before the activity could report its result.

python -m tests.api.crashing_worker_process ADDRESS DATABASE_URL TASK_QUEUE EVENT_TYPE
(EVENT_TYPE "-": never crash, an ordinary worker that can be killed from outside)
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

from store.db import make_engine
from store.ledger import Ledger
from store.models import AppendResult
from tests.servers import session_key_ring
from workers.client import connect
from workers.worker import build_worker


class CrashAfterCommit(Ledger):
    """The real ledger; the process is killed once an append with `event_type` committed."""

    def __init__(self, url: str, event_type: str) -> None:
        super().__init__(make_engine(url))
        self._event_type = event_type

    async def append(self, *args: Any, **kwargs: Any) -> AppendResult:
        result = await super().append(*args, **kwargs)
        events = kwargs.get("new_events", args[2] if len(args) > 2 else [])
        if any(e.type == self._event_type for e in events):
            os.kill(os.getpid(), signal.SIGKILL)  # committed; the result never leaves
        return result


async def main(address: str, database_url: str, task_queue: str, event_type: str) -> None:
    client = await connect(address, key_ring=session_key_ring())  # inherited from the test
    async with build_worker(client, CrashAfterCommit(database_url, event_type), task_queue):
        print("ready", flush=True)
        await asyncio.Event().wait()  # until killed


if __name__ == "__main__":
    address, url, queue, event_type = sys.argv[1:5]
    asyncio.run(main(address, url, queue, event_type))
