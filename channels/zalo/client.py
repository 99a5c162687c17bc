"""A small async client for the Zalo Bot Platform API (https://bot-api.zaloplatforms.com).

The API is shaped like Telegram's Bot API (`/bot<TOKEN>/<method>`, JSON POST, `{"ok": ...}`
envelopes) but is far smaller: text, photo by URL, sticker, typing, long polling or a
webhook. No buttons, no contact sharing, no documents. What was verified about it, and
where, is in API_NOTES.md beside this file.

Everything here is plain data in and out, so the Zalo adapter, the outbox sender and the
local simulator (`localapi.zalo`) can share it without touching Telegram.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

import httpx

from channels.splitting import split_text as _split_text
from channels.splitting import text_length
from channels.zalo.errors import (
    ZaloBadRequest,
    ZaloError,
    ZaloNetworkError,
    classify_error,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "TEXT_LIMIT",
    "WEBHOOK_SECRET_HEADER",
    "ZaloBotInfo",
    "ZaloClient",
    "ZaloSent",
    "ZaloUpdate",
    "parse_update",
    "parse_updates_result",
    "parse_webhook_update",
    "split_text",
    "text_length",
    "verify_webhook_secret",
]

_LOGGER = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
#: sendMessage text and sendPhoto caption: 1 to 2,000 characters (official docs).
TEXT_LIMIT = 2000
#: Header in which Zalo echoes the `secret_token` given to setWebhook.
WEBHOOK_SECRET_HEADER = "X-Bot-Api-Secret-Token"
#: getUpdates answers `error_code` 408 when the long poll ends with nothing to deliver.
_POLL_TIMEOUT_CODE = 408
# Timestamps at or above this are milliseconds (Zalo's documented unit); below, seconds.
_MILLISECONDS_THRESHOLD = 100_000_000_000


# ---------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ZaloUpdate:
    """One inbound event, flattened: ids are strings, `date` is an aware UTC datetime."""

    event_name: str
    message_id: str
    user_id: str
    display_name: str
    chat_id: str
    chat_type: str  # "PRIVATE" or "GROUP"
    text: str | None
    date: datetime
    is_bot: bool = False
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def is_private(self) -> bool:
        """True for a 1:1 chat, where `chat_id` equals `user_id`."""
        return self.chat_type == "PRIVATE"


@dataclass(frozen=True, slots=True)
class ZaloSent:
    """What Zalo returns for an accepted message; `message_id` is None if Zalo omitted it."""

    message_id: str | None
    date: datetime


@dataclass(frozen=True, slots=True)
class ZaloBotInfo:
    """getMe: the bot's own account, mainly to check that the token works."""

    id: str
    account_name: str
    account_type: str
    can_join_groups: bool
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)


# ---------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------


def _to_datetime(value: Any) -> datetime:
    """Zalo dates are epoch milliseconds; accept seconds too, and 'now' when absent."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return datetime.now(UTC)
    try:
        number = float(value)
    except ValueError:
        return datetime.now(UTC)
    if abs(number) >= _MILLISECONDS_THRESHOLD:
        number /= 1000.0
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return datetime.now(UTC)


def _id(value: Any) -> str:
    """Ids are strings on Zalo; coerce numbers so a JSON quirk never splits one chat in two."""
    if value is None or isinstance(value, bool):
        return ""
    return str(value).strip()


def _mapping(value: object) -> Mapping[str, Any]:
    """A JSON object, or an empty one for anything else (a missing or malformed field)."""
    return value if isinstance(value, Mapping) else {}


def parse_update(data: Mapping[str, Any]) -> ZaloUpdate | None:
    """Parse one update object `{event_name, message}`; None when it carries no message."""
    message = data.get("message")
    if not isinstance(message, Mapping):
        return None
    sender = _mapping(message.get("from"))
    chat = _mapping(message.get("chat"))
    user_id = _id(sender.get("id"))
    chat_id = _id(chat.get("id")) or user_id
    if not chat_id:
        return None
    # display_name is what the SDKs read; the copied docs sample shows first_name, openclaw name.
    display_name = next(
        (
            str(sender[key])
            for key in ("display_name", "name", "first_name")
            if sender.get(key) not in (None, "")
        ),
        "",
    )
    text = message.get("text")
    return ZaloUpdate(
        event_name=str(data.get("event_name") or ""),
        message_id=_id(message.get("message_id")),
        user_id=user_id,
        display_name=display_name,
        chat_id=chat_id,
        chat_type=str(chat.get("chat_type") or "PRIVATE").upper(),
        text=text if isinstance(text, str) else None,
        date=_to_datetime(message.get("date")),
        is_bot=sender.get("is_bot") is True,
        raw=dict(data),
    )


def parse_updates_result(result: Any) -> list[ZaloUpdate]:
    """Accept what getUpdates puts in `result`: one update, a list of them, or nothing."""
    if isinstance(result, Mapping):
        items: list[Any] = [result]
    elif isinstance(result, list):
        items = result
    else:
        return []
    updates: list[ZaloUpdate] = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        update = parse_update(item)
        if update is None:
            _LOGGER.debug("zalo: skipped update without message: %s", item.get("event_name"))
            continue
        updates.append(update)
    return updates


def parse_webhook_update(body: bytes | str | Mapping[str, Any] | list[Any]) -> list[ZaloUpdate]:
    """Parse a webhook POST body, bare (`{event_name, message}`) or wrapped in `{ok, result}`.

    Raises ValueError when the body is not JSON, so the receiver can answer 400.
    """
    data: Any = body
    if isinstance(body, bytes | str):
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ValueError("webhook body is not JSON") from exc
    if isinstance(data, Mapping) and "result" in data and "message" not in data:
        data = data["result"]
    return parse_updates_result(data)


def verify_webhook_secret(headers: Mapping[str, str], expected: str) -> bool:
    """Constant-time check of the X-Bot-Api-Secret-Token header; False if none was set."""
    if not expected:
        return False
    received = headers.get(WEBHOOK_SECRET_HEADER)
    if received is None:
        wanted = WEBHOOK_SECRET_HEADER.lower()
        received = next((v for k, v in headers.items() if k.lower() == wanted), None)
    if received is None:
        return False
    return hmac.compare_digest(received.encode("utf-8"), expected.encode("utf-8"))


# ---------------------------------------------------------------------------------------
# Splitting long texts
# ---------------------------------------------------------------------------------------


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split a notice into messages that fit Zalo's 2,000 characters, cut at line breaks.

    The logic is `channels.splitting.split_text`, shared with Telegram; only the limit is Zalo's.
    """
    return _split_text(text, limit)


# ---------------------------------------------------------------------------------------
# Client
# ---------------------------------------------------------------------------------------


class ZaloClient:
    """Async client for one bot token; safe to share between tasks.

    Errors surface as `channels.zalo.errors` exceptions. The token sits in the URL path,
    so it never appears in our messages; keep the `httpx` logger at WARNING in production,
    because at INFO it logs request URLs.
    """

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not token:
            raise ValueError("a Zalo bot token is required")
        self._token = token
        self._timeout = timeout
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=timeout,
            transport=transport,
            headers={"Content-Type": "application/json"},
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    # -- transport ---------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "<TOKEN>")

    async def _call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        read_timeout: float | None = None,
    ) -> Any:
        """POST `params` as JSON to `method` and return `result`, or raise a ZaloError."""
        timeout = httpx.Timeout(self._timeout, read=read_timeout or self._timeout)
        try:
            response = await self._http.post(
                f"/bot{self._token}/{method}", json=dict(params or {}), timeout=timeout
            )
        except httpx.TimeoutException as exc:
            raise ZaloNetworkError(f"{method}: timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            detail = self._redact(str(exc)) or type(exc).__name__
            raise ZaloNetworkError(f"{method}: {detail}") from None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, Mapping):
            if response.status_code >= 500:
                raise ZaloNetworkError(f"{method}: HTTP {response.status_code}", None)
            raise ZaloError(f"{method}: unreadable answer (HTTP {response.status_code})")
        if payload.get("ok") is True and response.status_code < 300:
            return payload.get("result")
        error = classify_error(response.status_code, payload, headers=response.headers)
        error.description = self._redact(error.description)
        error.args = (error.description,)
        raise error

    # -- methods -----------------------------------------------------------------------

    async def get_me(self) -> ZaloBotInfo:
        """Check the token; returns the bot's id and account name."""
        result = await self._call("getMe")
        data = dict(result) if isinstance(result, Mapping) else {}
        return ZaloBotInfo(
            id=_id(data.get("id")),
            account_name=str(data.get("account_name") or ""),
            account_type=str(data.get("account_type") or ""),
            can_join_groups=data.get("can_join_groups") is True,
            raw=data,
        )

    async def get_updates(self, timeout: int = 30) -> list[ZaloUpdate]:  # noqa: ASYNC109
        """Long-poll once; [] when the poll ends empty (Zalo's 408 or an empty result).

        Zalo has no offset: an update is handed out once. `timeout` is the server-side
        wait, sent as a string as the docs' parameter table says.
        """
        try:
            result = await self._call(
                "getUpdates",
                {"timeout": str(timeout)},
                read_timeout=timeout + self._timeout,
            )
        except ZaloNetworkError as exc:
            if exc.error_code == _POLL_TIMEOUT_CODE:
                return []
            raise
        return parse_updates_result(result)

    async def send_message(self, chat_id: str, text: str) -> ZaloSent:
        """Send plain text (1-2,000 characters; use split_text for longer notices)."""
        return self._sent(await self._call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(
        self, chat_id: str, photo_url: str, caption: str | None = None
    ) -> ZaloSent:
        """Send a photo that Zalo fetches from a public URL (there is no upload)."""
        params: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption
        return self._sent(await self._call("sendPhoto", params))

    async def send_sticker(self, chat_id: str, sticker: str) -> ZaloSent:
        """Send a sticker by its id from stickers.zaloapp.com."""
        return self._sent(await self._call("sendSticker", {"chat_id": chat_id, "sticker": sticker}))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        """Show "typing…" (Zalo also names `upload_photo`, marked as coming soon)."""
        await self._call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        """Register an HTTPS webhook; Zalo echoes `secret_token` (8-256 chars) in a header."""
        result = await self._call("setWebhook", {"url": url, "secret_token": secret_token})
        return dict(result) if isinstance(result, Mapping) else {}

    async def delete_webhook(self) -> dict[str, Any]:
        """Remove the webhook, which getUpdates needs (the two are mutually exclusive)."""
        result = await self._call("deleteWebhook")
        return dict(result) if isinstance(result, Mapping) else {}

    async def get_webhook_info(self) -> dict[str, Any]:
        """Current webhook as `{"url": ..., "updated_at": ...}`; url "" when none is set.

        A public client saw Zalo answer 404 when no webhook is registered.
        """
        try:
            result = await self._call("getWebhookInfo")
        except ZaloBadRequest as exc:
            if exc.error_code == 404:
                return {"url": ""}
            raise
        return dict(result) if isinstance(result, Mapping) else {"url": ""}

    @staticmethod
    def _sent(result: Any) -> ZaloSent:
        data = result if isinstance(result, Mapping) else {}
        message_id = _id(data.get("message_id")) or None
        return ZaloSent(message_id=message_id, date=_to_datetime(data.get("date")))
