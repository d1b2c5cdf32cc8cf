"""A dispatcher in a process of its own, so a test can kill it mid-delivery (SIGKILL).

python -m tests.workers.dispatcher_process DATABASE_URL WEBHOOK_SECRET
"""

from __future__ import annotations

import asyncio
import sys

from activities.channels import InboxChannel, WebhookChannel
from store.db import make_engine
from workers.dispatcher import Dispatcher


async def main(database_url: str, secret: str) -> None:
    channels = {"webhook": WebhookChannel(secret), "inbox": InboxChannel()}
    dispatcher = Dispatcher(make_engine(database_url), channels, poll_interval=0.05, lanes=1)
    print("ready", flush=True)
    await dispatcher.run(asyncio.Event())  # until killed


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
