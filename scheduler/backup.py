"""The nightly backup: a verified copy of the database, then the old copies pruned.

It runs in a thread (a file copy or pg_dump), so the bot goes on answering meanwhile."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from db import backup
from usecases.clock import Clock
from usecases.settings import Settings

__all__ = ["BACKUP_JOB_ID", "backup_dir", "register", "run_backup"]

BACKUP_JOB_ID = "backup:daily"

log = logging.getLogger(__name__)


def backup_dir(settings: Settings) -> Path:
    if settings.backup.dir:
        return Path(settings.backup.dir)
    return backup.default_backup_dir(settings.database_url)


async def run_backup(settings: Settings, clock: Clock) -> Path | None:
    keep = backup.Retention(settings.backup.keep_daily, settings.backup.keep_weekly)
    folder = backup_dir(settings)
    now = clock.now().astimezone(settings.timezone).replace(tzinfo=None)
    try:
        made = await asyncio.to_thread(backup.make_backup, settings.database_url, folder, now)
    except backup.BackupError as exc:
        log.error("backup failed: %s", exc)
        return None
    removed = await asyncio.to_thread(backup.prune, folder, keep)
    log.info("backup %s made, %d old copies removed", made.name, len(removed))
    return made


def register(scheduler: AsyncIOScheduler, clock: Clock, settings: Settings) -> None:
    if not settings.backup.enabled:
        return

    async def job() -> None:
        await run_backup(settings, clock)

    at = settings.backup.at
    scheduler.add_job(
        job, "cron", hour=at.hour, minute=at.minute, id=BACKUP_JOB_ID, replace_existing=True
    )
