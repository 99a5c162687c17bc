"""Statistics to staff at each period's end, and the daily check that plans surveys.

APScheduler only decides when to look. What was sent is in the outbox, under keys that name
the period (or the class and leader), so a run repeated after a restart sends nothing twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from db.database import Database
from render import province as province_render
from render.stats import period_report
from usecases import identity, province, stats, survey
from usecases.clock import Clock
from usecases.settings import Settings
from usecases.stats import PeriodKind

__all__ = [
    "PERIOD_JOB_ID",
    "SURVEY_JOB_ID",
    "periods_ending",
    "register",
    "run_period_reports",
    "run_survey_check",
]

PERIOD_JOB_ID = "reports:period-end"
SURVEY_JOB_ID = "reports:surveys"
# A period's report goes out on the first morning after it ends, when its last day is in.
REPORT_HOUR, REPORT_MINUTE = 7, 0
SURVEY_HOUR, SURVEY_MINUTE = 8, 0  # office hours: the leader can answer at once
QUARTER_STARTS = (1, 4, 7, 10)

log = logging.getLogger(__name__)


def periods_ending(today: datetime) -> list[stats.Period]:
    """The periods that ended just before `today` (a first of the month): always the month,
    the quarter in January/April/July/October, and the year in January."""
    day = today.date()
    kinds = [PeriodKind.MONTH]
    if day.month in QUARTER_STARTS:
        kinds.append(PeriodKind.QUARTER)
    if day.month == 1:
        kinds.append(PeriodKind.YEAR)
    return [stats.previous_period(kind, day) for kind in kinds]


async def run_period_reports(db: Database, clock: Clock, settings: Settings) -> int:
    """Each centre's staff get their own centre's figures."""
    now = clock.now()
    added = 0
    periods = periods_ending(now.astimezone(settings.timezone))
    for centre in settings.centre_list:
        centre_id = await identity.configured_centre(db.uow(), settings, centre)
        for period in periods:
            count = await stats.send_period_stats(
                db.uow(),
                centre_id=centre_id,
                period=period,
                now=now,
                tz=settings.timezone,
                render=period_report,
            )
            log.info("statistics for %s, %s: %d notices", centre.key, period.key, count)
            added += count
    for period in periods:
        # The provincial school's staff also get the province's figures (issue 21), once.
        count = await province.send_province_report(
            db.uow(), period=period, now=now, tz=settings.timezone,
            render=province_render.period_report,
        )  # fmt: skip
        if count:
            log.info("province statistics for %s: %d notices enqueued", period.key, count)
        added += count
    return added


async def run_survey_check(db: Database, clock: Clock, settings: Settings) -> int:
    planned = await survey.plan_surveys(
        db.uow(), now=clock.now(), after_days=settings.survey_after_days, tz=settings.timezone
    )
    if planned:
        log.info("surveys planned: %d", planned)
    return planned


def register(scheduler: AsyncIOScheduler, db: Database, clock: Clock, settings: Settings) -> None:
    """Monthly (and so quarterly and yearly) reports on the 1st at 7h00; the survey check
    daily at 8h00 and once at start, so a bot that was down catches up."""
    scheduler.add_job(
        run_period_reports,
        "cron",
        day=1,
        hour=REPORT_HOUR,
        minute=REPORT_MINUTE,
        args=(db, clock, settings),
        id=PERIOD_JOB_ID,
        name="statistics to staff at each period's end",
        replace_existing=True,
    )
    scheduler.add_job(
        run_survey_check,
        "cron",
        hour=SURVEY_HOUR,
        minute=SURVEY_MINUTE,
        args=(db, clock, settings),
        id=SURVEY_JOB_ID,
        name="plan evaluation surveys after courses",
        replace_existing=True,
        next_run_time=datetime.now(UTC),
    )
