"""Closing sessions whose time has come (absent marks, one alert per unit leader).

APScheduler only decides when to look; which sessions are due is read from the database each
time, so a bot that was down closes what it missed on its first run after start."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from db.database import Database
from usecases import attendance
from usecases.clock import Clock
from usecases.settings import Settings

__all__ = ["CLOSE_EVERY_SECONDS", "CLOSE_JOB_ID", "register", "run_close"]

CLOSE_JOB_ID = "attendance:close"
CLOSE_EVERY_SECONDS = 60  # a unit leader hears of an absence within a minute of the close

log = logging.getLogger(__name__)


async def run_close(db: Database, clock: Clock, settings: Settings) -> int:
    reports = await attendance.close_due_sessions(db.uow(), now=clock.now(), settings=settings)
    for r in reports:
        if r.closed_now:  # ids and counts only, never names
            log.info(
                "session %s closed: %d marked absent, %d unit alerts",
                r.session_id,
                r.marked_absent,
                r.alerts,
            )
    return sum(r.closed_now for r in reports)


def register(scheduler: AsyncIOScheduler, db: Database, clock: Clock, settings: Settings) -> None:
    """Look for sessions to close every minute, and once right at start."""
    scheduler.add_job(
        run_close,
        "interval",
        seconds=CLOSE_EVERY_SECONDS,
        args=(db, clock, settings),
        id=CLOSE_JOB_ID,
        name="close attendance of ended sessions",
        replace_existing=True,
        next_run_time=datetime.now(UTC),
    )
