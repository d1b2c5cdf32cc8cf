"""A worker process for the end-to-end benchmark: casework's own, or the bare baseline's.

    python bench/e2e/worker.py casework|bare --task-queue Q   (TEMPORAL_ADDRESS, DATABASE_URL)

Run by path, so that PYTHONPATH alone says which checkout's casework it runs.
BENCH_WORKER_PROFILE=DIR writes the process's cProfile statistics to DIR/<kind>.prof at exit.

Prints `ready` once it polls, runs until SIGTERM. A process of its own, so its CPU is counted
apart from the API's and the driver's.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal

import asyncpg
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker


async def bare(task_queue: str, stop: asyncio.Event) -> None:
    from bench.e2e.bare import BareActivities, BareCase

    client = await Client.connect(
        os.environ["TEMPORAL_ADDRESS"], data_converter=pydantic_data_converter
    )
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=1, max_size=10)
    activities = BareActivities(pool)
    worker = Worker(
        client, task_queue=task_queue, workflows=[BareCase], activities=[activities.insert]
    )
    async with worker:
        print("ready", flush=True)
        await stop.wait()
    await pool.close()


async def casework(stop: asyncio.Event) -> None:
    from casework.settings import get_settings
    from casework.stack import run_worker

    started = asyncio.get_running_loop().call_later(1.0, lambda: print("ready", flush=True))
    try:
        await run_worker(get_settings(), stop)
    finally:
        started.cancel()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("casework", "bare"))
    parser.add_argument("--task-queue", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if args.kind == "bare":
        await bare(args.task_queue, stop)
    else:
        os.environ["CASEWORK_TASK_QUEUE"] = args.task_queue
        await casework(stop)


if __name__ == "__main__":
    profile_to = os.environ.get("BENCH_WORKER_PROFILE")  # a directory: cProfile stats per kind
    if profile_to:
        import cProfile
        import sys

        profiler = cProfile.Profile()
        profiler.enable()
        try:
            asyncio.run(main())
        finally:
            profiler.disable()
            profiler.dump_stats(os.path.join(profile_to, f"{sys.argv[1]}.prof"))
    else:
        asyncio.run(main())
