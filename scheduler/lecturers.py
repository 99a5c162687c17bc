"""Lecturers' notices (issue 17): what changed in their sessions, their reminders, the summary
after each session, learners' rating prompts, and the morning ratings digest. Every run reads
the database again and plans only what is missing (idempotency keys)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from db.database import Database
from usecases import lecturers
from usecases.clock import Clock
from usecases.settings import Settings

__all__ = ["PLAN_JOB_ID", "plan_soon", "register", "run_plan"]

PLAN_JOB_ID = "lecturers:plan"

log = logging.getLogger(__name__)


async def run_plan(
    db: Database, clock: Clock, settings: Settings, wake: Callable[[], None] = lambda: None
) -> int:
    """Plan what is missing; `wake` the notice dispatcher when something was added, so a
    change reaches the lecturer at once rather than at the dispatcher's next look."""
    now = clock.now()
    told = await lecturers.plan_lecturer_notices(db.uow(), settings=settings, now=now)
    after = await lecturers.plan_after_sessions(db.uow(), settings=settings, now=now)
    if told or after:  # counts only, never names
        log.info("lecturers: %d schedule notices, %d after-session notices", told, after)
        wake()
    return told + after


def register(
    scheduler: AsyncIOScheduler,
    db: Database,
    clock: Clock,
    settings: Settings,
    wake: Callable[[], None] = lambda: None,
) -> None:
    scheduler.add_job(
        run_plan,
        "interval",
        seconds=settings.lecturers.plan_every_seconds,
        args=(db, clock, settings, wake),
        id=PLAN_JOB_ID,
        name="lecturers' notices",
        replace_existing=True,
        next_run_time=datetime.now(UTC),
    )


def plan_soon(scheduler: AsyncIOScheduler) -> None:
    """Run the plan now (staff may just have moved, cancelled or announced a session); the
    job runs one at a time, so this never plans twice at once."""
    job = scheduler.get_job(PLAN_JOB_ID)
    if job is not None:
        job.modify(next_run_time=datetime.now(UTC))
