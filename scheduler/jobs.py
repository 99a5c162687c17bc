"""The scheduler's jobs for notices: wake the dispatcher at the next due time and on a
periodic safety tick, and plan upcoming reminders. APScheduler holds no state that matters:
every job only looks at the database again."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram import Bot

from channels.ratelimit import RateLimiter
from channels.telegram_sender import TelegramSender
from channels.zalo import ZaloClient
from channels.zalo_sender import ZaloSender
from db.database import Database
from db.models import Channel
from scheduler.dispatcher import NoticeDispatcher, Sender, SenderKey
from usecases import notices
from usecases.clock import Clock
from usecases.settings import Settings

__all__ = ["centre_senders", "register_notice_jobs", "start_notice_delivery"]

log = logging.getLogger(__name__)

NEXT_DUE_JOB = "notices.next_due"
TICK_JOB = "notices.tick"
PLAN_JOB = "notices.plan_reminders"
PLAN_EVERY_MINUTES = 30


def register_notice_jobs(
    scheduler: AsyncIOScheduler,
    dispatcher: NoticeDispatcher,
    db: Database,
    settings: Settings,
    clock: Clock,
) -> None:
    async def wake() -> None:  # a coroutine, so APScheduler runs it in the event loop
        dispatcher.wake()

    async def plan() -> None:
        added = await notices.plan_upcoming_reminders(db.uow(), settings=settings, now=clock.now())
        if added:
            log.info("planned %d reminders", added)
            dispatcher.wake()

    def at_next_due(when: datetime) -> None:
        # The clock may be shifted (demo, tests): wait the same span of real time.
        delay = max((when - clock.now()).total_seconds(), 0.0)
        run_date = datetime.now(UTC) + timedelta(seconds=delay)
        scheduler.add_job(wake, "date", run_date=run_date, id=NEXT_DUE_JOB, replace_existing=True)

    scheduler.add_job(
        wake, "interval", seconds=settings.notices.safety_tick_seconds, id=TICK_JOB,
        replace_existing=True,
    )  # fmt: skip
    scheduler.add_job(
        plan, "interval", minutes=PLAN_EVERY_MINUTES, id=PLAN_JOB, replace_existing=True,
        next_run_time=datetime.now(UTC),
    )  # fmt: skip
    dispatcher.on_next_due = at_next_due


def telegram_limiter(settings: Settings) -> RateLimiter:
    tg = settings.telegram
    return RateLimiter(
        per_second=tg.per_second,
        per_chat_per_second=tg.per_chat_per_second,
        per_group_per_minute=tg.per_group_per_minute,
    )


def centre_senders(
    stack: AsyncExitStack, centre_id: int, settings: Settings, telegram_bot: Bot | None
) -> dict[SenderKey, Sender]:
    """One centre's senders, each with its bot's own budget: Telegram through the given,
    initialized Bot; Zalo when the centre has a token."""
    senders: dict[SenderKey, Sender] = {}
    if telegram_bot is not None:
        senders[(centre_id, Channel.TELEGRAM)] = TelegramSender(
            telegram_bot, telegram_limiter(settings)
        )
    if settings.zalo.token:
        client = ZaloClient(settings.zalo.token, settings.zalo.api_url)
        stack.push_async_callback(client.aclose)
        limiter = RateLimiter(
            per_second=settings.zalo.per_second,
            per_chat_per_second=settings.zalo.per_chat_per_second,
        )
        senders[(centre_id, Channel.ZALO)] = ZaloSender(client, limiter)
    return senders


async def start_notice_delivery(
    stack: AsyncExitStack,
    *,
    db: Database,
    clock: Clock,
    settings: Settings,
    scheduler: AsyncIOScheduler,
    senders: Mapping[SenderKey, Sender],
) -> NoticeDispatcher:
    """Build the dispatcher over every centre's senders, register its jobs, start it; stopped
    (claims given back) when the stack closes."""
    dispatcher = NoticeDispatcher(db, clock, settings, senders)
    register_notice_jobs(scheduler, dispatcher, db, settings, clock)
    await dispatcher.start()
    stack.push_async_callback(dispatcher.stop)
    return dispatcher
