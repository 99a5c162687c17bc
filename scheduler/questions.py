"""The daily digest of questions that waited too long (DESIGN §4: APScheduler decides when to
look, the database holds what is due; a second run the same day plans nothing new)."""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from db.database import Database
from usecases import questions
from usecases.clock import Clock
from usecases.settings import Settings

__all__ = ["DIGEST_JOB_ID", "register", "run_digest"]

DIGEST_JOB_ID = "questions:digest"

log = logging.getLogger(__name__)


async def run_digest(db: Database, clock: Clock, settings: Settings) -> int:
    planned = await questions.plan_digest(db.uow(), now=clock.now(), settings=settings)
    log.info("question digest: %d notices planned", planned)
    return planned


def register(scheduler: AsyncIOScheduler, db: Database, clock: Clock, settings: Settings) -> None:
    """Add the daily digest at `questions.digest_at`, in the centre's time zone."""
    at = settings.questions.digest_at
    scheduler.add_job(
        run_digest,
        CronTrigger(hour=at.hour, minute=at.minute, timezone=settings.timezone),
        args=(db, clock, settings),
        id=DIGEST_JOB_ID,
        name="question digest",
        replace_existing=True,
    )
