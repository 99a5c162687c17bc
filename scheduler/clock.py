"""APScheduler decides *when* to look; the database holds what is due (DESIGN §4)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

__all__ = ["build_scheduler"]


def build_scheduler(tz: ZoneInfo) -> AsyncIOScheduler:
    # coalesce: a job missed while the process was down runs once, not once per missed tick.
    return AsyncIOScheduler(
        timezone=tz, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
    )
