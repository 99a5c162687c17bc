"""Issue 18's jobs: the one reminder to unit leaders who have not acknowledged a class's
results, and the attendance rules evaluated over closed sessions.

APScheduler only decides when to look; the outbox key (class and leader) makes the reminder
once, however often this runs or restarts.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from db.database import Database
from render.units import parent_xlsx
from usecases import units
from usecases.clock import Clock
from usecases.settings import Settings

__all__ = [
    "ACK_REMINDER_JOB_ID",
    "PARENTS_JOB_ID",
    "RULES_JOB_ID",
    "register",
    "run_ack_reminders",
    "run_attendance_rules",
    "run_parent_summaries",
]

ACK_REMINDER_JOB_ID = "units:ack-reminders"
# Office hours, so the leader can answer at once; and once at start, to catch up.
REMIND_HOUR, REMIND_MINUTE = 8, 30

RULES_JOB_ID = "units:attendance-rules"

PARENTS_JOB_ID = "units:parent-summaries"

log = logging.getLogger(__name__)


async def run_parent_summaries(db: Database, clock: Clock, settings: Settings) -> int:
    sent = await units.plan_parent_summaries(db.uow(), now=clock.now(), render=parent_xlsx)
    if sent:
        log.info("parent unit summaries planned: %d", sent)
    return sent


async def run_attendance_rules(db: Database, clock: Clock, settings: Settings) -> int:
    told = await units.evaluate_rules(db.uow(), now=clock.now(), settings=settings)
    if told:
        log.info("attendance rules: %d notices planned", told)
    return told


async def run_ack_reminders(db: Database, clock: Clock, settings: Settings) -> int:
    planned = await units.plan_ack_reminders(db.uow(), now=clock.now(), settings=settings)
    if planned:
        log.info("acknowledgment reminders planned: %d", planned)
    return planned


def register(scheduler: AsyncIOScheduler, db: Database, clock: Clock, settings: Settings) -> None:
    # A parent unit's summary follows publishing within this span; once, by its key.
    scheduler.add_job(
        run_parent_summaries,
        "interval",
        seconds=settings.units.check_every_seconds,
        args=(db, clock, settings),
        id=PARENTS_JOB_ID,
        name="summaries to parent units' leaders",
        replace_existing=True,
        next_run_time=datetime.now(UTC),
    )
    # Sessions close on their own job; the rules look at them this often, and once at start.
    scheduler.add_job(
        run_attendance_rules,
        "interval",
        seconds=settings.units.check_every_seconds,
        args=(db, clock, settings),
        id=RULES_JOB_ID,
        name="attendance rules: tell each crossing once",
        replace_existing=True,
        next_run_time=datetime.now(UTC),
    )
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
