"""The Zalo adapter: Zalo updates in, rendered replies out.

Zalo has no buttons, no contact sharing and no documents, so this adapter only renders: a
`Reply`'s choices become numbered lines ("Gõ 1 để: …", `channels/zalo/render.py`, shared with
the outbox's Zalo sender) and the dispatcher maps a typed number back to the choice (it keeps
the last menu on the chat account). Journeys, their rules and their texts live in handlers and
use cases, written once for both channels.

Updates arrive by long polling (the default) or on a webhook served with aiohttp, which
refuses a request whose `X-Bot-Api-Secret-Token` is wrong. Either way each update becomes a
task: many people are served at once, one person's messages are handled in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from bot.dispatch import Dispatcher
from channels.incoming import Incoming
from channels.ordering import PerPersonOrder
from channels.zalo import (
    ZaloBadRequest,
    ZaloClient,
    ZaloError,
    ZaloForbidden,
    ZaloInvalidToken,
    ZaloNetworkError,
    ZaloRetryAfter,
    ZaloUpdate,
    parse_webhook_update,
    verify_webhook_secret,
)
from channels.zalo.render import render
from db.models import Channel
from usecases.settings import ZaloSettings

__all__ = ["ZaloAdapter", "to_incoming"]

log = logging.getLogger(__name__)

# Updates handled at once across all people (as CONCURRENT_UPDATES for Telegram).
CONCURRENT_UPDATES = 64
# The client's own margin over the server-side wait of a long poll, when a stop waits for it.
POLL_STOP_MARGIN_SECONDS = 15.0
# Back-off after a failed poll: doubles from the first value up to the last.
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
# A reply that fails on a network error or 429 is tried this many times in all.
SEND_ATTEMPTS = 3
# On stop, updates being handled get this long to finish before they are cancelled.
STOP_GRACE_SECONDS = 10.0
# getUpdates answers 409 while a webhook is set (the two are mutually exclusive).
CONFLICT = 409
WEBHOOK_PATH = "/zalo"


class ZaloAdapter:
    """Runs the Zalo side of the bot: receive, dispatch, render, reply."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        settings: ZaloSettings,
        *,
        client: ZaloClient | None = None,
        poll_timeout: int | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.settings = settings
        self.client = client or ZaloClient(settings.token, settings.api_url)
        self.poll_timeout = settings.poll_timeout if poll_timeout is None else poll_timeout
        self.backoff_first = BACKOFF_FIRST  # tests shorten it
        self._slots = asyncio.Semaphore(CONCURRENT_UPDATES)
        self._order = PerPersonOrder()
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        self._runner_task: asyncio.Task[None] | None = None
        self._web: web.AppRunner | None = None

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def receiving(self) -> bool:
        """Polling or serving the webhook (for /healthz)."""
        if self.settings.mode == "webhook":
            return self._web is not None
        return self._runner_task is not None and not self._runner_task.done()

    async def start(self) -> None:
        """Begin receiving updates in the background; never raises for a Zalo outage."""
        self._stopping.clear()
        if self.settings.mode == "webhook":
            await self._serve_webhook()
            self._runner_task = asyncio.create_task(self._register_webhook(), name="zalo-hook")
        else:
            self._runner_task = asyncio.create_task(self._poll(), name="zalo-poll")
        log.info("zalo adapter running (%s)", self.settings.mode)

    async def stop(self) -> None:
        """Stop asking for updates, handle what the last poll brings, let updates in hand
        finish (briefly), then close the connection.

        Zalo's getUpdates has no offset: a poll cancelled while it waits stays open on Zalo's
        side and hands the next message to nobody. So the poll in flight is not cancelled; the
        loop sees the stop when it returns (at most `poll_timeout` later)."""
        self._stopping.set()
        if self._runner_task is not None:
            task, self._runner_task = self._runner_task, None
            wait = self.poll_timeout + POLL_STOP_MARGIN_SECONDS
            _, late = await asyncio.wait({task}, timeout=wait)
            for pending in late:
                pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=STOP_GRACE_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self.client.aclose()

    # -- receiving -------------------------------------------------------------------------

    async def _poll(self) -> None:
        """Long-poll for ever; a failure is logged and retried with back-off, never fatal."""
        backoff = self.backoff_first
        await self._quietly(self.client.delete_webhook, "deleteWebhook")
        while not self._stopping.is_set():
            try:
                updates = await self.client.get_updates(timeout=self.poll_timeout)
            except ZaloRetryAfter as exc:
                await self._pause(exc.retry_after)
                continue
            except ZaloInvalidToken:
                log.error("zalo: the bot token was refused (401); retrying in %.0fs", BACKOFF_MAX)
                await self._pause(BACKOFF_MAX)
                continue
            except ZaloError as exc:
                log.warning("zalo: getUpdates failed (%s); retrying in %.0fs", exc, backoff)
                if exc.error_code == CONFLICT:
                    await self._quietly(self.client.delete_webhook, "deleteWebhook")
                await self._pause(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
                continue
            except Exception:
                log.exception("zalo: getUpdates failed unexpectedly; retrying in %.0fs", backoff)
                await self._pause(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
                continue
            backoff = self.backoff_first
            for update in updates:
                self.submit(update)

    async def _serve_webhook(self) -> None:
        app = web.Application()
        path = urlsplit(self.settings.webhook_url).path or WEBHOOK_PATH
        app.router.add_post(path, self._on_webhook)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.settings.webhook_listen, self.settings.webhook_port)
        await site.start()
        self._web = runner

    async def _register_webhook(self) -> None:
        """Tell Zalo where to post, retrying while Zalo is unreachable."""
        backoff = self.backoff_first
        while not self._stopping.is_set():
            try:
                await self.client.set_webhook(
                    self.settings.webhook_url, self.settings.webhook_secret
                )
                return
            except ZaloError as exc:
                log.warning("zalo: setWebhook failed (%s); retrying in %.0fs", exc, backoff)
                await self._pause(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)

    async def _on_webhook(self, request: web.Request) -> web.Response:
        """Answer at once (Zalo should not wait for a database), handle in the background."""
        if not verify_webhook_secret(request.headers, self.settings.webhook_secret):
            log.warning("zalo: webhook request with a wrong secret refused")
            return web.Response(status=403)
        try:
            updates = parse_webhook_update(await request.read())
        except ValueError:
            return web.Response(status=400)
        for update in updates:
            self.submit(update)
        return web.json_response({"ok": True})

    # -- handling --------------------------------------------------------------------------

    def submit(self, update: ZaloUpdate) -> None:
        """Handle an update in its own task; tasks start in arrival order, and each first
        queues on its sender's lock (FIFO), so one person's messages keep their order."""
        if update.is_bot:
            return
        task = asyncio.create_task(self._handle(update), name=f"zalo-{update.message_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, update: ZaloUpdate) -> None:
        try:
            async with self._order.turn(update.user_id or update.chat_id), self._slots:
                replies = await self.dispatcher.handle(
                    to_incoming(update), can_share_contact=False, has_buttons=False
                )
                for reply in replies:
                    for part in render(reply):
                        await self._send(update.chat_id, part)
        except Exception:
            # Ids only: no names or numbers in logs.
            log.exception("zalo: update %s failed", update.message_id)

    async def _send(self, chat_id: str, text: str) -> None:
        """Send one part; a network error or 429 is retried a little, then given up."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                await self.client.send_message(chat_id, text)
                return
            except ZaloRetryAfter as exc:
                wait = exc.retry_after
            except ZaloNetworkError:
                wait = self.backoff_first * 2 ** (attempt - 1)
            except (ZaloForbidden, ZaloBadRequest) as exc:
                log.warning("zalo: reply to chat %s refused (%s)", chat_id, exc.error_code)
                return
            if attempt < SEND_ATTEMPTS:
                await asyncio.sleep(wait)
        log.warning("zalo: reply to chat %s not sent after %d attempts", chat_id, SEND_ATTEMPTS)

    # -- helpers ---------------------------------------------------------------------------

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake at once when the adapter stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    @staticmethod
    async def _quietly(call: Callable[[], Awaitable[object]], name: str) -> None:
        try:
            await call()
        except ZaloError as exc:
            log.warning("zalo: %s failed (%s)", name, exc)


def to_incoming(update: ZaloUpdate) -> Incoming:
    """A Zalo update as the channel-neutral `Incoming`; "/cmd args" is a command."""
    # Images, stickers and voice arrive with no text: they can still answer an awaited input.
    text = (update.text or "").strip()
    command: str | None = None
    args: tuple[str, ...] = ()
    if text.startswith("/") and len(text) > 1:
        head, *rest = text.split()
        command, args = head[1:].partition("@")[0].lower(), tuple(rest)
    return Incoming(
        channel=Channel.ZALO,
        user_id=update.user_id or update.chat_id,
        chat_id=update.chat_id,
        is_group=not update.is_private,
        display_name=update.display_name,
        text=text,
        command=command or None,
        args=args,
        has_media=not text,
    )
