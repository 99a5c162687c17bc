"""A local Zalo Bot API server for tests, the demo and benchmarks.

It speaks the shapes of https://bot-api.zaloplatforms.com (`/bot<TOKEN>/<method>`, `{"ok": ...}`
envelopes, string ids, millisecond dates) so the real `ZaloClient` runs against it unchanged.
Fake users talk to the bot; what the bot sends is recorded with timestamps for latency
measurements. Faults (5xx, timeouts, 429, a blocked user) and optional rate limits can be
switched on to exercise the sender. Where Zalo's behaviour is undocumented, the choice made
here is listed in channels/zalo/API_NOTES.md.

Each `LocalZalo` holds its own state, so several can run in one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import random
import secrets
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from aiohttp import web

from channels.zalo.client import TEXT_LIMIT, WEBHOOK_SECRET_HEADER, text_length
from localapi.http import LocalServer

__all__ = [
    "BLOCKED_DESCRIPTION",
    "CHAT_NOT_FOUND_DESCRIPTION",
    "POLL_TIMEOUT_DESCRIPTION",
    "SEND_METHODS",
    "TEXT_LENGTH_DESCRIPTION",
    "FailureKind",
    "LocalZalo",
    "ZaloFakeMember",
    "ZaloFakeUser",
    "ZaloInbound",
    "ZaloLocalStats",
    "ZaloSentMessage",
]

FailureKind = Literal["5xx", "timeout", "429", "403"]
_FAILURE_KINDS: frozenset[str] = frozenset({"5xx", "timeout", "429", "403"})

#: Methods that put a message in a chat: these count against rate limits and random faults.
SEND_METHODS: frozenset[str] = frozenset({"sendMessage", "sendPhoto", "sendSticker"})
_CHAT_ACTIONS = frozenset({"typing", "upload_photo"})
_MAX_UPDATES_PER_POLL = 100
_WEBHOOK_POST_TIMEOUT = 10.0

# Error descriptions. Zalo publishes no error table; these follow Telegram's wording, which
# the Zalo Bot API copies, and each one maps to the intended client exception.
BLOCKED_DESCRIPTION = "Forbidden: bot was blocked by the user"
CHAT_NOT_FOUND_DESCRIPTION = "Bad Request: chat not found"
TEXT_LENGTH_DESCRIPTION = f"Bad Request: text must be between 1 and {TEXT_LIMIT} characters"
POLL_TIMEOUT_DESCRIPTION = "Request timeout"


@dataclass(frozen=True, slots=True)
class ZaloSentMessage:
    """A message the bot sent, as the simulated chat received it."""

    message_id: str
    chat_id: str
    text: str | None
    photo_url: str | None
    caption: str | None
    sent_at: float  # the server clock (monotonic by default)
    sticker: str | None = None
    date_ms: int = 0  # wall clock, as Zalo returns it
    seq: int = 0  # order among all messages of this server


@dataclass(slots=True)
class ZaloInbound:
    """A message a fake user sent to the bot, with the times needed to measure latency."""

    message_id: str
    text: str
    created_at: float  # when the user "pressed send" (server clock)
    update: dict[str, Any]
    available_at: float | None = None  # queued for getUpdates, or POSTed to the webhook


@dataclass(slots=True)
class ZaloLocalStats:
    """Counters for benchmarks and assertions."""

    requests: Counter[str] = field(default_factory=Counter)
    messages_sent: int = 0
    chat_actions: int = 0
    rate_limited: int = 0
    injected_failures: int = 0
    refused: int = 0  # 4xx answers other than 429
    updates_queued: int = 0
    updates_delivered: int = 0
    webhook_posts: int = 0
    webhook_failures: int = 0


class _Bucket:
    """Token bucket: `rate` per second, bursts up to max(1, rate)."""

    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, rate: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self.stamp = now

    def wait_needed(self, now: float) -> float:
        """Refill, then say how long until one token is there (0 if one is)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate


def _ok(result: Any = None, *, with_result: bool = True) -> web.Response:
    body: dict[str, Any] = {"ok": True}
    if with_result:
        body["result"] = result
    return web.json_response(body)


def _error(
    code: int,
    description: str,
    *,
    parameters: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code, headers=headers)


def _str_param(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None or isinstance(value, bool | dict | list):
        return ""
    return str(value)


class ZaloFakeUser:
    """A Zalo user chatting privately with the bot; their chat id is their user id."""

    chat_type = "PRIVATE"

    def __init__(self, server: LocalZalo, user_id: str, display_name: str) -> None:
        self._server = server
        self.user_id = user_id
        self.display_name = display_name
        self.inbound: list[ZaloInbound] = []
        self._mark = 0  # server message seq at this user's latest action

    @property
    def chat_id(self) -> str:
        """Private chats use the user's id (chat.id == from.id in Zalo's samples)."""
        return self.user_id

    def send_text(self, text: str) -> ZaloInbound:
        """Type a message to the bot: queued for getUpdates, or POSTed to the webhook."""
        self._mark = self._server._seq
        inbound = self._server._user_sends(self, text)
        self.inbound.append(inbound)
        return inbound

    def messages(self) -> list[ZaloSentMessage]:
        """Everything the bot sent to this chat, oldest first."""
        return self._server.sent(self.chat_id)

    def last(self) -> ZaloSentMessage | None:
        """The bot's latest message to this chat, if any."""
        sent = self._server.sent(self.chat_id)
        return sent[-1] if sent else None

    async def wait_for(
        self,
        match: str | Callable[[ZaloSentMessage], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> ZaloSentMessage:
        """Wait for a bot message to this chat, sent after this user's latest action.

        `match` is a substring of the text or caption, or a predicate.
        """
        if callable(match):
            predicate = match
        else:

            def predicate(message: ZaloSentMessage) -> bool:
                return match in (message.text or "") or match in (message.caption or "")

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for message in self._server.sent(self.chat_id):
                if message.seq > self._mark and predicate(message):
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = [m.text or m.caption or m.sticker for m in self.messages()[-5:]]
                raise TimeoutError(
                    f"no bot message to {self.chat_id} matching {match!r} within {timeout}s; "
                    f"last messages: {seen!r}"
                )
            event = self._server._sent_event
            event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)


class ZaloFakeMember(ZaloFakeUser):
    """A user writing in a group the bot is in: the update's `chat` is the group's id with
    `chat_type: "GROUP"` (API_NOTES.md), and the bot's answers land in the group."""

    chat_type = "GROUP"

    def __init__(self, server: LocalZalo, user: ZaloFakeUser, group_id: str) -> None:
        super().__init__(server, user.user_id, user.display_name)
        self._group_id = group_id

    @property
    def chat_id(self) -> str:
        return self._group_id


class LocalZalo(LocalServer):
    """An in-process Zalo Bot API server on aiohttp.web.

    Rate limits are off unless `enforce_limits`: Zalo publishes none, so the defaults
    (1 message a second per chat, 20 a second overall) are assumptions to tune.
    """

    def __init__(
        self,
        *,
        token: str = "zalo-local-token",
        enforce_limits: bool = False,
        per_chat_per_second: float = 1.0,
        global_per_second: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
        single_update_per_poll: bool = False,
        empty_poll_as_408: bool = True,
        timeout_delay: float = 15.0,
    ) -> None:
        if per_chat_per_second <= 0 or global_per_second <= 0:
            raise ValueError("rates must be positive")
        self.token = token
        self.enforce_limits = enforce_limits
        self.per_chat_per_second = per_chat_per_second
        self.global_per_second = global_per_second
        self.single_update_per_poll = single_update_per_poll
        #: True: an empty long poll answers error 408 "Request timeout", as public clients
        #: observed; False: `{"ok": true, "result": []}`.
        self.empty_poll_as_408 = empty_poll_as_408
        #: How long a request hangs when a "timeout" fault is injected.
        self.timeout_delay = timeout_delay
        self.bot_id = "1000000000000000001"
        self.stats = ZaloLocalStats()
        self._clock = clock
        self._users: dict[str, ZaloFakeUser] = {}
        self._groups: set[str] = set()
        self._blocked: set[str] = set()
        self._sent: list[ZaloSentMessage] = []
        self._sent_by_chat: dict[str, list[ZaloSentMessage]] = {}
        self._seq = 0
        self._id_prefix = secrets.token_hex(4)
        self._id_counter = 0
        self._pending: deque[ZaloInbound] = deque()
        self._wakeup = asyncio.Event()
        self._sent_event = asyncio.Event()
        self._closing = asyncio.Event()
        self._fail_queue: dict[str, deque[str]] = {}
        self._rng = random.Random()
        self._p_5xx = self._p_429 = self._p_timeout = 0.0
        self._global_bucket: _Bucket | None = None
        self._chat_buckets: dict[str, _Bucket] = {}
        self._webhook_url: str | None = None
        self._webhook_secret = ""
        self._webhook_queue: asyncio.Queue[ZaloInbound] = asyncio.Queue()
        self._webhook_task: asyncio.Task[None] | None = None
        self._url: str | None = None
        self._methods: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendSticker": self._send_sticker,
            "sendChatAction": self._send_chat_action,
        }

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (0 picks a free port); `url` is the base URL to give clients."""
        if self._runner is not None:
            raise RuntimeError("LocalZalo is already started")
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._url = await self.listen(app, host, port, shutdown_timeout=2.0)
        self._closing.clear()
        self._webhook_task = asyncio.create_task(self._webhook_worker())

    async def stop(self) -> None:
        """Stop serving; pending long polls and hung requests return at once."""
        self._closing.set()
        self._wakeup.set()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        await self.close_http()

    @property
    def url(self) -> str:
        """Base URL for `ZaloClient(token, base_url=server.url)`."""
        if self._url is None:
            raise RuntimeError("LocalZalo is not started")
        return self._url

    # -- scenario controls -------------------------------------------------------------

    def user(self, user_id: str, display_name: str = "Người dùng Zalo") -> ZaloFakeUser:
        """The fake user with this id, created on first use."""
        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        created = ZaloFakeUser(self, user_id, display_name)
        self._users[user_id] = created
        return created

    def group_member(self, group_id: str, user: ZaloFakeUser) -> ZaloFakeMember:
        """`user` speaking in group `group_id` (made on first use); the bot may send there."""
        self._groups.add(group_id)
        return ZaloFakeMember(self, user, group_id)

    def block(self, user_id: str) -> None:
        """The user blocks the bot: sends to them now fail with 403."""
        self._blocked.add(user_id)

    def unblock(self, user_id: str) -> None:
        """The user allows the bot again."""
        self._blocked.discard(user_id)

    def fail_next(self, method: str, times: int = 1, *, kind: FailureKind = "5xx") -> None:
        """Make the next `times` calls of `method` fail with `kind`, before any other check."""
        if kind not in _FAILURE_KINDS:
            raise ValueError(f"unknown failure kind {kind!r}")
        self._fail_queue.setdefault(method, deque()).extend([kind] * times)

    def set_random_failures(
        self,
        p_5xx: float = 0.0,
        p_429: float = 0.0,
        p_timeout: float = 0.0,
        seed: int | None = None,
    ) -> None:
        """Fail send calls at random with these probabilities (reproducible with `seed`)."""
        if min(p_5xx, p_429, p_timeout) < 0 or p_5xx + p_429 + p_timeout > 1:
            raise ValueError("probabilities must be >= 0 and sum to at most 1")
        self._p_5xx, self._p_429, self._p_timeout = p_5xx, p_429, p_timeout
        self._rng = random.Random(seed)

    def sent(self, chat_id: str | None = None) -> list[ZaloSentMessage]:
        """Messages the bot sent, to one chat or to all, oldest first."""
        if chat_id is None:
            return list(self._sent)
        return list(self._sent_by_chat.get(chat_id, ()))

    @property
    def webhook_url(self) -> str | None:
        """The webhook set by the bot, if any."""
        return self._webhook_url

    # -- inbound -----------------------------------------------------------------------

    def _next_id(self) -> str:
        self._id_counter += 1
        return f"{self._id_prefix}{self._id_counter:012x}"

    def _user_sends(self, user: ZaloFakeUser, text: str) -> ZaloInbound:
        message_id = self._next_id()
        update = {
            "event_name": "message.text.received",
            "message": {
                "message_id": message_id,
                "date": int(time.time() * 1000),
                "text": text,
                "from": {"id": user.user_id, "display_name": user.display_name, "is_bot": False},
                "chat": {"id": user.chat_id, "chat_type": user.chat_type},
            },
        }
        inbound = ZaloInbound(message_id, text, self._clock(), update)
        self.stats.updates_queued += 1
        if self._webhook_url is not None:
            self._webhook_queue.put_nowait(inbound)
        else:
            self._queue_for_polling(inbound)
        return inbound

    def _queue_for_polling(self, inbound: ZaloInbound) -> None:
        inbound.available_at = self._clock()
        self._pending.append(inbound)
        self._wakeup.set()

    async def _webhook_worker(self) -> None:
        """POST updates to the webhook one at a time, so each chat sees them in order."""
        while True:
            inbound = await self._webhook_queue.get()
            url, secret = self._webhook_url, self._webhook_secret
            if url is None or self._session is None:
                self._queue_for_polling(inbound)
                continue
            inbound.available_at = self._clock()
            self.stats.webhook_posts += 1
            try:
                async with self._session.post(
                    url,
                    json=inbound.update,
                    headers={WEBHOOK_SECRET_HEADER: secret},
                    timeout=aiohttp.ClientTimeout(total=_WEBHOOK_POST_TIMEOUT),
                ) as response:
                    delivered = response.status < 300
            except (aiohttp.ClientError, TimeoutError):
                delivered = False
            if delivered:
                self.stats.updates_delivered += 1
            else:
                self.stats.webhook_failures += 1

    # -- HTTP --------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        self.stats.requests[method] += 1
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        handler = self._methods.get(method)
        if handler is None:
            return _error(404, "Not Found")
        try:
            params = await self._read_params(request)
        except ValueError as exc:
            return _error(400, f"Bad Request: {exc}")
        failure = self._injected_failure(method)
        if failure is not None:
            self.stats.injected_failures += 1
            return await self._fail(failure)
        response: web.Response = await handler(params)
        if 400 <= response.status < 500 and response.status != 429:
            self.stats.refused += 1
        return response

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if not request.can_read_body:
            return params
        if request.content_type == "application/x-www-form-urlencoded":
            params.update(await request.post())
            return params
        raw = await request.read()
        if not raw.strip():
            return params
        try:
            body = json.loads(raw)
        except ValueError:
            raise ValueError("can't parse JSON body") from None
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        params.update(body)
        return params

    def _injected_failure(self, method: str) -> str | None:
        queue = self._fail_queue.get(method)
        if queue:
            return queue.popleft()
        if method in SEND_METHODS and (self._p_5xx or self._p_429 or self._p_timeout):
            draw = self._rng.random()
            if draw < self._p_5xx:
                return "5xx"
            if draw < self._p_5xx + self._p_429:
                return "429"
            if draw < self._p_5xx + self._p_429 + self._p_timeout:
                return "timeout"
        return None

    async def _fail(self, kind: str) -> web.Response:
        if kind == "timeout":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.timeout_delay)
            return _error(504, "Gateway Timeout")
        if kind == "429":
            return self._too_many(1.0)
        if kind == "403":
            return _error(403, BLOCKED_DESCRIPTION)
        return _error(500, "Internal Server Error")

    def _too_many(self, wait: float) -> web.Response:
        retry_after = max(1, math.ceil(wait))
        self.stats.rate_limited += 1
        return _error(
            429,
            f"Too Many Requests: retry after {retry_after}",
            parameters={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )

    def _check_chat(self, chat_id: str) -> web.Response | None:
        if not chat_id:
            return _error(400, "Bad Request: chat_id is required")
        if chat_id not in self._users and chat_id not in self._groups:
            return _error(400, CHAT_NOT_FOUND_DESCRIPTION)
        if chat_id in self._blocked:
            return _error(403, BLOCKED_DESCRIPTION)
        return None

    def _rate_limit(self, chat_id: str) -> web.Response | None:
        """With limits on, take a token from the global and the chat bucket, or answer 429."""
        if not self.enforce_limits:
            return None
        now = self._clock()
        if self._global_bucket is None:
            self._global_bucket = _Bucket(self.global_per_second, now)
        chat_bucket = self._chat_buckets.get(chat_id)
        if chat_bucket is None:
            chat_bucket = self._chat_buckets[chat_id] = _Bucket(self.per_chat_per_second, now)
        wait = max(self._global_bucket.wait_needed(now), chat_bucket.wait_needed(now))
        if wait > 0:
            return self._too_many(wait)
        self._global_bucket.tokens -= 1.0
        chat_bucket.tokens -= 1.0
        return None

    def _record(
        self,
        chat_id: str,
        *,
        text: str | None = None,
        photo_url: str | None = None,
        caption: str | None = None,
        sticker: str | None = None,
    ) -> web.Response:
        self._seq += 1
        message = ZaloSentMessage(
            message_id=self._next_id(),
            chat_id=chat_id,
            text=text,
            photo_url=photo_url,
            caption=caption,
            sent_at=self._clock(),
            sticker=sticker,
            date_ms=int(time.time() * 1000),
            seq=self._seq,
        )
        self._sent.append(message)
        self._sent_by_chat.setdefault(chat_id, []).append(message)
        self.stats.messages_sent += 1
        self._sent_event.set()
        return _ok({"message_id": message.message_id, "date": message.date_ms})

    # -- methods -----------------------------------------------------------------------

    async def _get_me(self, params: dict[str, Any]) -> web.Response:
        return _ok(
            {
                "id": self.bot_id,
                "account_name": "bot.local",
                "account_type": "BASIC",
                "can_join_groups": False,
            }
        )

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        if self._webhook_url is not None:
            return _error(409, "Conflict: webhook is active; use deleteWebhook first")
        try:
            timeout = max(0.0, float(params.get("timeout", 30)))
        except (TypeError, ValueError):
            return _error(400, "Bad Request: timeout must be a number")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._pending and not self._closing.is_set():
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            except TimeoutError:
                break
        if not self._pending:
            if self.empty_poll_as_408:
                return _error(408, POLL_TIMEOUT_DESCRIPTION)
            return _ok([])
        count = 1 if self.single_update_per_poll else _MAX_UPDATES_PER_POLL
        batch = [self._pending.popleft() for _ in range(min(count, len(self._pending)))]
        self.stats.updates_delivered += len(batch)
        if self.single_update_per_poll:
            return _ok(batch[0].update)
        return _ok([inbound.update for inbound in batch])

    async def _set_webhook(self, params: dict[str, Any]) -> web.Response:
        url = _str_param(params, "url")
        secret = _str_param(params, "secret_token")
        if not url.startswith(("https://", "http://")):
            return _error(400, "Bad Request: url must be an HTTPS URL")
        if not 8 <= len(secret) <= 256:
            return _error(400, "Bad Request: secret_token must be 8 to 256 characters")
        self._webhook_url, self._webhook_secret = url, secret
        while self._pending:  # updates waiting for getUpdates now go to the webhook
            self._webhook_queue.put_nowait(self._pending.popleft())
        return _ok({"url": url, "updated_at": int(time.time() * 1000)})

    async def _delete_webhook(self, params: dict[str, Any]) -> web.Response:
        self._webhook_url, self._webhook_secret = None, ""
        return _ok({"url": "", "updated_at": int(time.time() * 1000)})

    async def _get_webhook_info(self, params: dict[str, Any]) -> web.Response:
        if self._webhook_url is None:
            return _error(404, "Not Found")
        return _ok({"url": self._webhook_url, "updated_at": int(time.time() * 1000)})

    async def _send_message(self, params: dict[str, Any]) -> web.Response:
        chat_id = _str_param(params, "chat_id")
        refused = self._check_chat(chat_id)
        if refused is not None:
            return refused
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= text_length(text) <= TEXT_LIMIT:
            return _error(400, TEXT_LENGTH_DESCRIPTION)
        limited = self._rate_limit(chat_id)
        if limited is not None:
            return limited
        return self._record(chat_id, text=text)

    async def _send_photo(self, params: dict[str, Any]) -> web.Response:
        chat_id = _str_param(params, "chat_id")
        refused = self._check_chat(chat_id)
        if refused is not None:
            return refused
        photo = _str_param(params, "photo")
        if not photo.startswith(("https://", "http://")):
            return _error(400, "Bad Request: photo must be an image URL")
        caption = params.get("caption")
        if caption is not None and (
            not isinstance(caption, str) or not 1 <= text_length(caption) <= TEXT_LIMIT
        ):
            return _error(
                400, f"Bad Request: caption must be between 1 and {TEXT_LIMIT} characters"
            )
        limited = self._rate_limit(chat_id)
        if limited is not None:
            return limited
        return self._record(chat_id, photo_url=photo, caption=caption)

    async def _send_sticker(self, params: dict[str, Any]) -> web.Response:
        chat_id = _str_param(params, "chat_id")
        refused = self._check_chat(chat_id)
        if refused is not None:
            return refused
        sticker = _str_param(params, "sticker")
        if not sticker:
            return _error(400, "Bad Request: sticker is required")
        limited = self._rate_limit(chat_id)
        if limited is not None:
            return limited
        return self._record(chat_id, sticker=sticker)

    async def _send_chat_action(self, params: dict[str, Any]) -> web.Response:
        chat_id = _str_param(params, "chat_id")
        refused = self._check_chat(chat_id)
        if refused is not None:
            return refused
        if _str_param(params, "action") not in _CHAT_ACTIONS:
            return _error(400, "Bad Request: action must be typing or upload_photo")
        self.stats.chat_actions += 1
        return _ok(with_result=False)
