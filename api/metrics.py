"""The API's Prometheus metrics: commands by type and outcome, refusals by code, command
latency; and, at scrape time, the domain's figures read from the ledger (store/metrics_queries).

One registry per process (not prometheus_client's default one, so that nothing else a library
registers there is exposed by accident).
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Iterator
from typing import Any, TypeVar

from fastapi.responses import Response
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from api.gateway import CaseNotFound, CommandRefused
from api.problems import ServiceUnavailable
from domain.clocks import Rung
from domain.errors import DomainError
from domain.registry import LIFECYCLES
from store.metrics_queries import DomainFigures

T = TypeVar("T")

_KIND_BY_PREFIX = {lc.id_prefix: lc.kind for lc in LIFECYCLES.values()}
_RUNG_NAMES = {str(int(r)): r.name for r in Rung}


class DomainCollector(Collector):
    """Yields the figures of the latest scrape's read (set just before each exposition)."""

    def __init__(self) -> None:
        self.figures = DomainFigures()
        self.dependencies: dict[str, bool] = {}

    def collect(self) -> Iterator[Metric]:
        f = self.figures
        open_cases = GaugeMetricFamily(
            "casework_open_cases", "Open cases by lifecycle and stage", labels=["kind", "stage"]
        )
        for (kind, stage), n in sorted(f.open_cases.items()):
            open_cases.add_metric([kind, stage], n)
        yield open_cases
        escalations = CounterMetricFamily(
            "casework_escalations",
            "Clock rungs reached (ClockEscalated events) by lifecycle and rung",
            labels=["kind", "rung"],
        )
        for (prefix, rung), n in sorted(f.escalations.items()):
            escalations.add_metric(
                [_KIND_BY_PREFIX.get(prefix, prefix), _RUNG_NAMES.get(rung, rung)], n
            )
        yield escalations
        rows = GaugeMetricFamily(
            "casework_notifications",
            "Outbox rows by channel and status (pending, delivered, dead)",
            labels=["channel", "status"],
        )
        delivered = CounterMetricFamily(
            "casework_notification_deliveries",
            "Notifications delivered, by channel",
            labels=["channel"],
        )
        failures = CounterMetricFamily(
            "casework_notification_failures",
            "Failed delivery attempts, by channel",
            labels=["channel"],
        )
        channels = sorted({c for c, _ in f.notifications} | set(f.failed_attempts))
        for (channel, status), n in sorted(f.notifications.items()):
            rows.add_metric([channel, status], n)
        for channel in channels:
            delivered.add_metric([channel], f.notifications.get((channel, "delivered"), 0))
            failures.add_metric([channel], f.failed_attempts.get(channel, 0))
        yield rows
        yield delivered
        yield failures
        up = GaugeMetricFamily(
            "casework_external_system_up",
            "1 when the system answered on its last contact (0: down), by system",
            labels=["system"],
        )
        systems = dict(self.dependencies)
        if f.verification_up is not None:
            systems["verification_centre"] = f.verification_up
        for system, ok in sorted(systems.items()):
            up.add_metric([system], 1.0 if ok else 0.0)
        yield up


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "casework_commands",
            "Commands received, by command type and outcome",
            ["type", "outcome"],
            registry=self.registry,
        )
        self.refusals = Counter(
            "casework_refusals",
            "Commands refused by the case's rules or who-may-act rules, by code",
            ["code"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "casework_command_seconds",
            "Time from receiving a command to answering it, by command type",
            ["type"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.domain = DomainCollector()
        self.registry.register(self.domain)

    async def observed(self, command_type: str, answer: Awaitable[T]) -> T:
        """Await a command's answer, counting its outcome and timing it."""
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await answer
            outcome = _outcome_of(result)
            if outcome == "refused" and isinstance(result, Response):
                self.refusals.labels(_code_of(result)).inc()
            return result
        except (CommandRefused, DomainError) as refused:
            outcome = "refused"
            self.refusals.labels(refused.code).inc()
            raise
        except ServiceUnavailable:
            outcome = "unavailable"
            raise
        except CaseNotFound:
            outcome = "not_found"
            raise
        finally:
            self.commands.labels(command_type, outcome).inc()
            self.latency.labels(command_type).observe(time.perf_counter() - started)


def _outcome_of(result: Any) -> str:
    """What an answer says of its command; refusals come back as answers from the front door
    (`api.idempotency`, which keeps them for retries) as well as raised."""
    if isinstance(result, Response):
        if result.status_code == 202:
            return "pending"
        if result.status_code in (403, 409, 422):
            return "refused"
        if result.status_code >= 500:
            return "unavailable"
    return "accepted"


def _code_of(answer: Response) -> str:
    try:
        return str(json.loads(bytes(answer.body)).get("code", "refused"))
    except ValueError:
        return "refused"


METRICS = ApiMetrics()
