"""Wiring: the one place that knows every part. Builds the database, the channels, the
dispatcher and the scheduler, runs them in one asyncio loop, and takes them down in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, Defaults

from bot import health
from bot.config import setting_of
from bot.dispatch import Dispatcher
from bot.startup import listening, open_database, single_process, telegram_step, zalo_step
from bot.telegram import TelegramAdapter, TelegramApp
from bot.zalo import ZaloAdapter
from channels.telegram_http import AiohttpRequest
from db.database import Database
from handlers.base import Services
from handlers.routes import ROUTES
from localapi.telegram import LocalTelegram
from localapi.zalo import LocalZalo
from scheduler import attendance as attendance_jobs
from scheduler import backup as backup_jobs
from scheduler import lecturers as lecturer_jobs
from scheduler import questions as question_jobs
from scheduler import reports as report_jobs
from scheduler import units as unit_jobs
from scheduler.clock import build_scheduler
from scheduler.dispatcher import Sender, SenderKey
from scheduler.jobs import centre_senders, start_notice_delivery
from usecases import identity
from usecases.clock import Clock, SystemClock
from usecases.identity import Actor
from usecases.settings import CentreSettings, Settings
from web.console import Console
from web.server import start_web_server

__all__ = ["Runtime", "run"]

log = logging.getLogger(__name__)

# Updates handled at once; one person's updates stay in order (see TelegramAdapter).
CONCURRENT_UPDATES = 64


@dataclass
class CentreBots:
    """One centre's bots in the running process: each its own token, update handling and send
    budget (issue 21)."""

    key: str
    centre_id: int
    settings: Settings  # the installation's, seen from this centre (`Settings.for_centre`)
    dispatcher: Dispatcher
    telegram: TelegramApp
    outbox_bot: Bot
    zalo: ZaloAdapter | None = None
    local_telegram: LocalTelegram | None = None
    local_zalo: LocalZalo | None = None


@dataclass
class Runtime:
    """What a running bot is made of; the demo and end-to-end tests look inside it. The
    single-centre fields are the first centre's."""

    settings: Settings
    db: Database
    services: Services
    dispatcher: Dispatcher
    telegram: TelegramApp
    scheduler: AsyncIOScheduler
    local_telegram: LocalTelegram | None = None
    zalo: ZaloAdapter | None = None
    local_zalo: LocalZalo | None = None
    extras: dict[str, object] = field(default_factory=dict)
    centres: list[CentreBots] = field(default_factory=list)


async def run(
    settings: Settings,
    stop: asyncio.Event,
    *,
    clock: Clock | None = None,
    on_ready: Callable[[Runtime], Awaitable[None]] | None = None,
) -> None:
    clock = clock or SystemClock()
    async with AsyncExitStack() as stack:
        # Failures up to "running" are StartupErrors: one line, no traceback (bot/startup.py).
        stack.enter_context(single_process(settings.database_url))
        db = await stack.enter_async_context(open_database(settings.database_url))
        scheduler = build_scheduler(settings.timezone)
        centres = [
            await start_centre(stack, db, clock, settings.for_centre(c), c, index)
            for index, c in enumerate(settings.centre_list)
        ]
        question_jobs.register(scheduler, db, clock, settings)
        attendance_jobs.register(scheduler, db, clock, settings)
        report_jobs.register(scheduler, db, clock, settings)
        backup_jobs.register(scheduler, clock, settings)
        unit_jobs.register(scheduler, db, clock, settings)
        senders: dict[SenderKey, Sender] = {}
        for c in centres:
            senders |= centre_senders(stack, c.centre_id, c.settings, c.outbox_bot)
        notices = await start_notice_delivery(
            stack, db=db, clock=clock, settings=settings, scheduler=scheduler, senders=senders
        )
        lecturer_jobs.register(scheduler, db, clock, settings, wake=notices.wake)

        def after_handle(actor: Actor) -> None:
            notices.wake()
            if actor.is_staff:  # they may have moved, cancelled or announced a session
                lecturer_jobs.plan_soon(scheduler)

        for c in centres:
            c.dispatcher.after_handle = after_handle
        notices.on_result = health.count_send
        health.register_outbox_watch(scheduler, db, clock, settings, alert=staff_alert(centres))
        scheduler.start()
        stack.callback(scheduler.shutdown, wait=False)
        await health.start_health_server(
            stack, settings, db, clock, checks=receiving_checks(centres, scheduler)
        )
        # The staff web console, in this process: its actions wake the same notice dispatcher.
        await start_web_server(stack, Console(db, clock, settings, wake=notices.wake))

        first = centres[0]
        runtime = Runtime(
            first.settings, db, first.dispatcher.services, first.dispatcher, first.telegram,
            scheduler, first.local_telegram, first.zalo, first.local_zalo, centres=centres,
        )  # fmt: skip
        runtime.extras["notices"] = notices
        for c in centres:
            name, mode = c.telegram.bot.username, c.settings.telegram.mode
            log.info("bot @%s running (%s) for %s", name, mode, c.key)
        if on_ready is not None:
            await on_ready(runtime)
        await stop.wait()
        log.info("stopping")


async def start_centre(
    stack: AsyncExitStack,
    db: Database,
    clock: Clock,
    settings: Settings,
    centre: CentreSettings,
    index: int,
) -> CentreBots:
    """Make the centre and its staff in the database, then start its Telegram bot (and Zalo
    bot, when it has one); the built-in simulators stand in for both in the demo."""
    centre_id = await identity.configured_centre(db.uow(), settings, centre)
    await identity.sync_staff(db.uow(), centre_id, settings.telegram.staff_ids)
    settings, local, local_zalo = await simulators(stack, settings, index)
    services = Services(db=db, clock=clock, settings=settings, centre_id=centre_id)
    dispatcher = Dispatcher(services, ROUTES)
    application = await start_telegram(stack, dispatcher, settings, centre)
    zalo = await start_zalo(stack, dispatcher, settings, centre)
    outbox_bot = build_outbox_bot(settings)
    await outbox_bot.initialize()
    stack.push_async_callback(outbox_bot.shutdown)
    return CentreBots(
        centre.key, centre_id, settings, dispatcher, application, outbox_bot, zalo, local,
        local_zalo,
    )  # fmt: skip


async def simulators(
    stack: AsyncExitStack, settings: Settings, index: int
) -> tuple[Settings, LocalTelegram | None, LocalZalo | None]:
    """With no token (the demo), a local Telegram and a local Zalo for the centre."""
    if not settings.local_simulator:
        return settings, None, None
    local = LocalTelegram(token=f"{123456 + index}:LOCAL", bot_username=local_username(index))
    await local.start()
    stack.push_async_callback(local.stop)
    settings = replace(
        settings, telegram=replace(settings.telegram, token=local.token, api_url=local.url)
    )
    if settings.zalo.token:
        return settings, local, None
    local_zalo = LocalZalo()
    await local_zalo.start()
    stack.push_async_callback(local_zalo.stop)
    local_at = replace(settings.zalo, token=local_zalo.token, api_url=local_zalo.url)
    return replace(settings, zalo=local_at), local, local_zalo


async def start_telegram(
    stack: AsyncExitStack, dispatcher: Dispatcher, settings: Settings, centre: CentreSettings
) -> TelegramApp:
    """The centre's Telegram bot, taking updates; every failure a one-line StartupError."""
    requests = (AiohttpRequest(connection_pool_size=CONCURRENT_UPDATES),
                AiohttpRequest(connection_pool_size=1))  # fmt: skip
    application = build_telegram(settings, requests)
    TelegramAdapter(dispatcher).register(application)
    tg = settings.telegram
    token_key = setting_of(settings, centre, "telegram_token")
    # A getMe that fails leaves PTB uninitialised, so its shutdown would not close these.
    for request in requests:
        stack.push_async_callback(request.shutdown)
    await telegram_step(application.initialize, tg.api_url, tg.token, token_key)
    stack.push_async_callback(application.shutdown)
    dispatcher.services = replace(dispatcher.services, bot_username=application.bot.username or "")
    commands = [BotCommand(r.command, r.description) for r in ROUTES if r.description]
    province = {r.command for r in ROUTES if r.province}
    everyone = [c for c in commands if c.command not in province]
    await telegram_step(lambda: application.bot.set_my_commands(everyone), tg.api_url, tg.token)
    if centre.province:  # the school's staff also see its province commands in their menu
        await staff_menus(application, tg.staff_ids, commands)
    await application.start()
    stack.push_async_callback(application.stop)
    address = f"{tg.webhook_listen}:{tg.webhook_port}"
    with listening("Telegram", address, "telegram.webhook_port / SLL_TELEGRAM_WEBHOOK_PORT"):
        await telegram_step(lambda: start_updates(application, settings), tg.api_url, tg.token)
    assert application.updater is not None  # built with one (start_updates uses it)
    stack.push_async_callback(application.updater.stop)
    return application


async def start_zalo(
    stack: AsyncExitStack, dispatcher: Dispatcher, settings: Settings, centre: CentreSettings
) -> ZaloAdapter | None:
    """The centre's Zalo bot, when it has a token."""
    if not settings.zalo.token:
        return None
    zalo = ZaloAdapter(dispatcher, settings.zalo)
    await zalo_step(zalo.client, setting_of(settings, centre, "zalo_token"))
    zl = settings.zalo
    with listening("Zalo", f"{zl.webhook_listen}:{zl.webhook_port}",
                   "zalo.webhook_port / SLL_ZALO_WEBHOOK_PORT"):  # fmt: skip
        await zalo.start()
    stack.push_async_callback(zalo.stop)
    return zalo


async def staff_menus(
    application: TelegramApp, staff_ids: tuple[int, ...], commands: list[BotCommand]
) -> None:
    """Each staff member's own command menu (Telegram's per-chat scope); a chat the bot has
    not met yet is refused by Telegram, and then keeps the common menu."""
    for staff_id in staff_ids:
        try:
            await application.bot.set_my_commands(commands, scope=BotCommandScopeChat(staff_id))
        except TelegramError as exc:
            log.info("menu for staff %s not set: %s", staff_id, exc)


def local_username(index: int) -> str:
    """The demo bot's name; with several centres, each centre's simulated bot its own."""
    return "so_lien_lac_bot" if index == 0 else f"so_lien_lac_{index + 1}_bot"


def receiving_checks(
    centres: list[CentreBots], scheduler: AsyncIOScheduler
) -> dict[str, Callable[[], bool]]:
    """What /healthz reports beside the database: each bot taking updates, the scheduler. With
    several centres a check is named for its centre (`telegram:hoa-vang`)."""
    checks: dict[str, Callable[[], bool]] = {"scheduler": lambda: bool(scheduler.running)}
    for c in centres:
        suffix = f":{c.key}" if len(centres) > 1 else ""
        checks[f"telegram{suffix}"] = _polling(c.telegram)
        if c.zalo is not None:
            checks[f"zalo{suffix}"] = _receiving(c.zalo)
    return checks


def _polling(application: TelegramApp) -> Callable[[], bool]:
    return lambda: bool(application.updater and application.updater.running)


def _receiving(zalo: ZaloAdapter) -> Callable[[], bool]:
    return lambda: zalo.receiving


def staff_alert(centres: list[CentreBots]) -> Callable[[str], Awaitable[None]]:
    """Tell every centre's staff directly, each through their centre's bot (not through the
    outbox, which may be what is stuck)."""

    async def alert(text: str) -> None:
        for c in centres:
            for staff_id in c.settings.telegram.staff_ids:
                try:
                    await c.telegram.bot.send_message(staff_id, text)
                except TelegramError as exc:
                    log.warning("staff alert to %s not sent: %s", staff_id, exc)

    return alert


def build_telegram(
    settings: Settings, requests: tuple[AiohttpRequest, AiohttpRequest]
) -> TelegramApp:
    """`requests`: for calls, and for getUpdates."""
    tg = settings.telegram
    return (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(f"{tg.api_url}/bot")
        .base_file_url(f"{tg.api_url}/file/bot")
        .defaults(Defaults(tzinfo=settings.timezone))
        .concurrent_updates(CONCURRENT_UPDATES)
        # aiohttp rather than PTB's default httpx: httpx's connection pool spent more CPU
        # choosing a connection than the bot spent on a check-in (bench.checkin_burst).
        .request(requests[0])
        .get_updates_request(requests[1])
        .build()
    )


def build_outbox_bot(settings: Settings) -> Bot:
    """The same bot as the application's, with its own connection pool: a broadcast never
    queues people's replies behind it."""
    tg = settings.telegram
    return Bot(
        tg.token,
        base_url=f"{tg.api_url}/bot",
        base_file_url=f"{tg.api_url}/file/bot",
        request=AiohttpRequest(),
    )


async def start_updates(application: TelegramApp, settings: Settings) -> None:
    tg = settings.telegram
    assert application.updater is not None
    if tg.mode == "webhook":
        await application.updater.start_webhook(
            listen=tg.webhook_listen,
            port=tg.webhook_port,
            url_path=tg.webhook_path,
            webhook_url=tg.webhook_url,
            secret_token=tg.webhook_secret or None,
        )
    else:
        await application.updater.start_polling(timeout=10)
