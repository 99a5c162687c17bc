"""The one reminder to unit leaders who have not acknowledged a class's results (issue 18).

APScheduler only decides when to look; the outbox key (class and leader) makes the reminder
once, however often this runs or restarts.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from db.database import Database
from usecases import units
from usecases.clock import Clock
from usecases.settings import Settings

__all__ = ["ACK_REMINDER_JOB_ID", "register", "run_ack_reminders"]

ACK_REMINDER_JOB_ID = "units:ack-reminders"
# Office hours, so the leader can answer at once; and once at start, to catch up.
REMIND_HOUR, REMIND_MINUTE = 8, 30

log = logging.getLogger(__name__)


async def run_ack_reminders(db: Database, clock: Clock, settings: Settings) -> int:
    planned = await units.plan_ack_reminders(db.uow(), now=clock.now(), settings=settings)
    if planned:
        log.info("acknowledgment reminders planned: %d", planned)
    return planned


def register(scheduler: AsyncIOScheduler, db: Database, clock: Clock, settings: Settings) -> None:
    scheduler.add_job(
        run_ack_reminders,
        "cron",
        hour=REMIND_HOUR,
        minute=REMIND_MINUTE,
        args=(db, clock, settings),
        id=ACK_REMINDER_JOB_ID,
        name="remind unit leaders to acknowledge results",
        replace_existing=True,
        next_run_time=datetime.now(UTC),
    )
