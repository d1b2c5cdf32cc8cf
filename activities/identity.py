"""Identity checks against the police population system (公安人口信息系统), behind an adapter.

The real system is external, slow at times and sometimes down. `PoliceIdentitySystem` is the
adapter a real client implements; `FakePoliceIdentitySystem` stands in for it by default, with
configurable latency, failure rate and outage windows. The activity turns "unavailable" into a
retryable failure: the workflow retries with back-off and escalates an overdue answer on its
own clock, while the case keeps working (先行救助).

Personal data (the ID number) travels in the query only; nothing here logs it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict
from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

IDENTITY_CHECK = "rescue.identity_check"
UNAVAILABLE = "IdentitySystemUnavailable"
HEARTBEAT_EVERY = timedelta(seconds=1)


class IdentityQuery(BaseModel):
    """One identity check; `request_id` ties the answer to the case's request."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    request_id: str
    id_number: str


class IdentityAnswer(BaseModel):
    model_config = ConfigDict(frozen=True)

    request_id: str
    found: bool
    hukou: str | None = None  # 户籍 as the population system records it


class IdentitySystemUnavailable(Exception):
    """The population system did not answer (outage, timeout, error): try again later."""


class PoliceIdentitySystem(Protocol):
    """What casework needs from the police population system."""

    async def check(self, query: IdentityQuery) -> IdentityAnswer: ...


@dataclass(frozen=True)
class OutageWindow:
    """A planned or simulated outage, [start, end) in real time."""

    start: datetime
    end: datetime

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def checksum_valid(id_number: str) -> bool:
    """GB 11643: the 18th character checks the first 17 digits."""
    if len(id_number) != 18 or not id_number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(id_number[:17], _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11] == id_number[17].upper()


def parse_outages(spec: str) -> list[OutageWindow]:
    """`start/end,start/end` in ISO 8601 (e.g. from CASEWORK_IDENTITY_FAKE_OUTAGES)."""
    windows = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        start, _, end = part.partition("/")
        first, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
        if first.tzinfo is None or last.tzinfo is None:
            raise ValueError(f"outage window {part!r} needs time zones")
        windows.append(OutageWindow(first, last))
    return windows


class FakePoliceIdentitySystem:
    """A stand-in for the population system with latency, failures and outages injected.

    Whom it knows: the `registry` (ID number → 户籍) when given, else every ID number whose
    GB 11643 checksum is valid (its 户籍 named after the number's region code).
    """

    def __init__(
        self,
        *,
        latency: timedelta = timedelta(0),
        failure_rate: float = 0.0,
        outages: Sequence[OutageWindow] = (),
        registry: Mapping[str, str] | None = None,
        seed: int | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not 0.0 <= failure_rate <= 1.0:
            raise ValueError("failure_rate is a probability")
        self._latency = latency
        self._failure_rate = failure_rate
        self.outages = tuple(outages)  # public: a test or an operator may end an outage
        self._registry = dict(registry) if registry is not None else None
        self._random = random.Random(seed)
        self._clock = clock
        self._sleep = sleep
        self.calls = 0

    async def check(self, query: IdentityQuery) -> IdentityAnswer:
        self.calls += 1
        if any(w.covers(self._clock()) for w in self.outages):
            raise IdentitySystemUnavailable("the population system is in an outage window")
        if self._failure_rate and self._random.random() < self._failure_rate:
            raise IdentitySystemUnavailable("the population system failed to answer")
        if self._latency > timedelta(0):
            await self._sleep(self._latency.total_seconds())
        hukou = self._lookup(query.id_number)
        return IdentityAnswer(request_id=query.request_id, found=hukou is not None, hukou=hukou)

    def _lookup(self, id_number: str) -> str | None:
        if self._registry is not None:
            return self._registry.get(id_number)
        return f"行政区划 {id_number[:6]}" if checksum_valid(id_number) else None


class IdentityActivities:
    def __init__(self, system: PoliceIdentitySystem) -> None:
        self._system = system

    @activity.defn(name=IDENTITY_CHECK)
    async def check(self, query: IdentityQuery) -> IdentityAnswer:
        """Ask the population system once; an unavailable system is retried by the workflow.

        Heartbeats while waiting, so a worker that dies mid-call is noticed quickly.
        """
        asking = asyncio.ensure_future(self._system.check(query))
        try:
            while not asking.done():
                activity.heartbeat()
                await asyncio.wait({asking}, timeout=HEARTBEAT_EVERY.total_seconds())
            answer = asking.result()
        except IdentitySystemUnavailable as down:
            activity.logger.info(
                "identity check unavailable",
                extra={"case_id": query.case_id, "attempt": activity.info().attempt},
            )
            # Benign: an outage is expected and retried; it need not flood the worker's log.
            raise ApplicationError(
                str(down), type=UNAVAILABLE, category=ApplicationErrorCategory.BENIGN
            ) from None
        finally:
            asking.cancel()
        activity.logger.info(
            "identity check answered", extra={"case_id": query.case_id, "found": answer.found}
        )
        return answer
