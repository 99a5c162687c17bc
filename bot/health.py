"""Health you can see: `/healthz` and `/metrics` (Prometheus text format) on their own port,
and one alert to staff when the outbox stops moving.

The counters are prometheus_client's, kept in this process's own registry; the outbox figures
are read from the database at each scrape, so several bot processes report the same outbox.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from typing import TypeVar

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from db.database import Database
from texts import health as texts
from usecases import health
from usecases.clock import Clock
from usecases.settings import Settings

__all__ = [
    "REGISTRY",
    "count_send",
    "observe_update",
    "register_outbox_watch",
    "start_health_server",
]

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()
UPDATES = Histogram(
    "sll_update_seconds",
    "Handled updates (people's messages and button presses) and how long each took.",
    ["channel"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SENDS = Counter(
    "sll_sends",
    "Outbox sends by channel and outcome (delivered, retryafter, tryagain, unreachable, rejected).",
    ["channel", "outcome"],
    registry=REGISTRY,
)
OUTBOX_WATCH_JOB = "health:outbox"
T = TypeVar("T")
DB_TIMEOUT_SECONDS = 5


def observe_update(channel: str, started: float) -> None:
    UPDATES.labels(channel).observe(time.perf_counter() - started)


def count_send(channel: str, result: object) -> None:
    """Count one send by its result's kind: delivered, retryafter, tryagain, unreachable…"""
    SENDS.labels(channel, type(result).__name__.lower()).inc()


async def start_health_server(
    stack: AsyncExitStack,
    settings: Settings,
    db: Database,
    clock: Clock,
    checks: Mapping[str, Callable[[], bool]],
) -> None:
    """Serve /healthz and /metrics on [health] listen:port (port 0: not at all)."""
    cfg = settings.health
    if not cfg.port:
        return

    async def healthz(_request: web.Request) -> web.Response:
        report = {name: "ok" if check() else "down" for name, check in checks.items()}
        try:
            await _with_timeout(health.ping(db.uow()))
            report["database"] = "ok"
        except Exception as exc:  # any failure to reach it is the answer, not an error
            report["database"] = f"down: {type(exc).__name__}"
        healthy = all(value == "ok" for value in report.values())
        return web.Response(
            text=json.dumps(report, ensure_ascii=False, sort_keys=True),
            status=200 if healthy else 503,
            content_type="application/json",
        )

    async def metrics(_request: web.Request) -> web.Response:
        outbox = await _with_timeout(health.outbox_health(db.uow(), clock.now()))
        body = generate_latest(REGISTRY) + generate_latest(_OutboxCollector.registry(outbox))
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    try:
        await web.TCPSite(runner, cfg.listen, cfg.port).start()
    except OSError as exc:
        # Health is for watching the bot, never a reason for it to stop serving people.
        log.warning("health endpoint not started on %s:%s: %s", cfg.listen, cfg.port, exc)
        return
    log.info("health on http://%s:%s/healthz and /metrics", cfg.listen, cfg.port)


class _OutboxCollector:
    def __init__(self, outbox: health.OutboxHealth) -> None:
        self.outbox = outbox

    @classmethod
    def registry(cls, outbox: health.OutboxHealth) -> CollectorRegistry:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(cls(outbox))
        return registry

    def collect(self) -> list[GaugeMetricFamily]:
        rows = GaugeMetricFamily(
            "sll_outbox_notifications", "Outbox rows by status.", labels=["status"]
        )
        for status, count in sorted(self.outbox.by_status.items()):
            rows.add_metric([status], count)
        oldest = GaugeMetricFamily(
            "sll_outbox_oldest_due_seconds",
            "How long the oldest notice that is due has waited (0: none waiting).",
            value=self.outbox.oldest_due_seconds,
        )
        return [rows, oldest]


def register_outbox_watch(
    scheduler: AsyncIOScheduler,
    db: Database,
    clock: Clock,
    settings: Settings,
    alert: Callable[[str], Awaitable[None]],
) -> health.StaleWatch:
    """Every minute: tell staff once when a due notice has waited past the limit. The alert
    goes straight to staff, not through the outbox that is stuck."""
    watch = health.StaleWatch(settings.health.outbox_alert_minutes * 60)

    async def look() -> None:
        outbox = await health.outbox_health(db.uow(), clock.now())
        if watch.crossed(outbox):
            log.warning("outbox stale: oldest due %.0f s", outbox.oldest_due_seconds)
            minutes = int(outbox.oldest_due_seconds // 60)
            await alert(texts.OUTBOX_STALE.format(minutes=minutes, pending=outbox.waiting))

    scheduler.add_job(look, "interval", minutes=1, id=OUTBOX_WATCH_JOB, replace_existing=True)
    return watch


async def _with_timeout(work: Awaitable[T]) -> T:
    return await asyncio.wait_for(work, DB_TIMEOUT_SECONDS)
