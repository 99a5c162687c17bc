"""A small, faithful Telegram Bot API server for tests, the demo and benchmarks.

The real python-telegram-bot ``Application``/``Bot`` talks to it over HTTP, so the whole stack
(request encoding, error mapping, polling, webhooks, retries) is exercised instead of mocked::

    server = LocalTelegram()
    await server.start()
    app = (ApplicationBuilder().token(server.token)
           .base_url(f"{server.url}/bot").base_file_url(f"{server.url}/file/bot").build())
    lan = server.user(1001, "Lan", phone="+84912345678")
    lan.send_start("invite-abc")
    reply = await lan.wait_for("Chào")

Bot API: ``/bot<token>/<method>`` (GET or POST; JSON, urlencoded or multipart bodies, method names
case-insensitive) and file downloads at ``/file/bot<token>/<file_path>``. Answers use Telegram's
shapes: ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": ...}``
(429 adds ``"parameters": {"retry_after": N}``). Supported methods: getMe, getUpdates, setWebhook,
deleteWebhook, getWebhookInfo, sendMessage, editMessageText, editMessageReplyMarkup,
deleteMessage, answerCallbackQuery, sendDocument, sendPhoto, sendChatAction, setMyCommands,
getMyCommands, deleteMyCommands, getFile, getChat, close, logOut.

Control API for drivers in another process (JSON in, JSON out, ``{"ok": false, "description"}``
with status 400/404 on errors):

* ``POST /_control/users`` ``{"user_id", "first_name"?, "last_name"?, "username"?, "phone"?}``
  creates (or returns) a user -> ``{"ok": true, "user_id"}``
* ``POST /_control/users/{user_id}/text`` ``{"text"}``
* ``POST /_control/users/{user_id}/command`` ``{"command", "args"?: [str]}``
* ``POST /_control/users/{user_id}/contact`` ``{"phone"?, "own"?: bool}``
* ``POST /_control/users/{user_id}/location`` ``{"latitude", "longitude"}``
* ``POST /_control/users/{user_id}/press`` ``{"button", "message_id"?}``
  each answers ``{"ok": true, "update_id"}``
* ``GET /_control/chats/{chat_id}/messages`` -> ``{"ok": true, "result": [message, ...]}``
  where a message is ``SentMessage.to_json()``; filter client-side on ``seq`` to see new ones.
* ``GET /_control/stats`` -> request and error counters.

Deliberate simplifications: Markdown/MarkdownV2 text is stored as sent (only HTML is parsed);
webhook updates are POSTed over up to ``max_connections`` connections at once, one update
of a chat at a time; inline-mode, media groups, polls and payments are absent.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import math
import random
import re
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from aiohttp import web

from localapi.http import LocalServer

__all__ = [
    "CallbackAnswer",
    "FakeGroup",
    "FakeMember",
    "FakeUser",
    "LocalTelegram",
    "SentMessage",
    "Stats",
    "UpdateRecord",
]

# "400" refuses a file as Telegram does one over its size limit (a request error, not a
# network one: sending it again gets the same answer).
FailureKind = Literal["5xx", "timeout", "429", "403", "400"]
Predicate = str | Callable[["SentMessage"], bool]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
GLOBAL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
MAX_UPLOAD = 50 * 1024 * 1024

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_BLOCKED = "Forbidden: bot was blocked by the user"
_NOT_STARTED = "Forbidden: bot can't initiate conversation with a user"
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_TEXT_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class _ApiError(Exception):
    """A Bot API error answer; raised anywhere inside a method and turned into JSON once."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def response(self) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return web.json_response(body, status=self.code)


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


def _too_many(retry_after: int) -> _ApiError:
    return _ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def _utf16_len(text: str) -> int:
    """Telegram measures offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------------------------
# HTML parse mode: Telegram rejects unknown tags and unbalanced markup, so do we; the bot team
# learns about a stray "<br>" here instead of in production.

_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_ATTR_RE = re.compile(r"""([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ENTITY_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);")
_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def _parse_html(raw: str) -> tuple[str, list[dict[str, Any]]]:
    """Strip Telegram-HTML to plain text plus MessageEntity dicts (UTF-16 offsets)."""
    out: list[str] = []
    pos = 0
    stack: list[tuple[str, int, str | None, dict[str, Any]]] = []
    entities: list[dict[str, Any]] = []
    i = 0

    def byte_offset(index: int) -> int:
        return len(raw[:index].encode())

    while i < len(raw):
        ch = raw[i]
        if ch == "<":
            m = _TAG_RE.match(raw, i)
            if m is None:
                raise _bad(
                    f"can't parse entities: Unsupported start tag at byte offset {byte_offset(i)}"
                )
            name = m.group(2).lower()
            if m.group(1):
                if not stack or stack[-1][0] != name:
                    expected = f'expected "</{stack[-1][0]}>", ' if stack else ""
                    raise _bad(
                        f"can't parse entities: Unmatched end tag at byte offset "
                        f'{byte_offset(i)}, {expected}found "</{name}>"'
                    )
                _tag, start, opened_type, opened_extra = stack.pop()
                if opened_type is not None and pos > start:
                    entity = {"type": opened_type, "offset": start, "length": pos - start}
                    entities.append({**entity, **opened_extra})
            else:
                if name not in _HTML_TAGS:
                    raise _bad(
                        f'can\'t parse entities: Unsupported start tag "{name}" at byte offset '
                        f"{byte_offset(i)}"
                    )
                attrs = {
                    a.group(1).lower(): next((g for g in a.group(2, 3, 4) if g is not None), "")
                    for a in _ATTR_RE.finditer(m.group(3))
                }
                etype: str | None = _HTML_TAGS[name]
                extra: dict[str, Any] = {}
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise _bad('can\'t parse entities: Tag "span" must have class "tg-spoiler"')
                if name == "a":
                    if attrs.get("href"):
                        extra["url"] = attrs["href"]
                    else:
                        etype = None
                if name == "blockquote" and "expandable" in attrs:
                    etype = "expandable_blockquote"
                if name == "tg-emoji":
                    if not attrs.get("emoji-id"):
                        raise _bad('can\'t parse entities: Tag "tg-emoji" must have "emoji-id"')
                    extra["custom_emoji_id"] = attrs["emoji-id"]
                if name == "code" and stack and stack[-1][0] == "pre":
                    lang = attrs.get("class", "")
                    if lang.startswith("language-"):
                        stack[-1][3]["language"] = lang.removeprefix("language-")
                    etype = None
                stack.append((name, pos, etype, extra))
            i = m.end()
            continue
        if ch == "&":
            m = _ENTITY_RE.match(raw, i)
            if m is not None:
                value = html.unescape(m.group(0))
                out.append(value)
                pos += _utf16_len(value)
                i = m.end()
                continue
        out.append(ch)
        pos += _utf16_len(ch)
        i += 1
    if stack:
        raise _bad(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1][0]}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities the way Telegram's clients mark them."""
    return [
        {
            "type": "bot_command",
            "offset": _utf16_len(text[: m.start()]),
            "length": _utf16_len(m.group(0)),
        }
        for m in _TEXT_COMMAND_RE.finditer(text)
    ]


def _window_wait(window: deque[float], now: float, span: float, limit: int) -> float:
    """Seconds until a sliding window of ``span`` seconds has room for one more event."""
    while window and window[0] <= now - span:
        window.popleft()
    if len(window) < limit:
        return 0.0
    return window[-limit] + span - now


class _Pulse:
    """Wakes every current waiter at once; waiters re-check their condition afterwards."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(seconds, 0.0))


class _Params:
    """Request parameters from JSON, urlencoded or multipart bodies, typed on access.

    PTB sends strings raw and every other value JSON-encoded in form fields, while JSON bodies
    carry native values; the accessors accept both.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def get_raw(self, name: str) -> Any:
        return self._data.get(name)

    def get_str(self, name: str) -> str | None:
        value = self._data.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, web.FileField):
            raise _bad(f"{name} must be a string")
        if isinstance(value, bool):
            return "true" if value else "false"
        return json.dumps(value) if isinstance(value, dict | list) else str(value)

    def get_int(self, name: str) -> int | None:
        value = self._data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return int(value.strip())
        raise _bad(f"invalid {name} specified")

    def get_float(self, name: str) -> float | None:
        value = self._data.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _bad(f"invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        value = self._data.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def get_json(self, name: str) -> Any:
        value = self._data.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise _bad(f"can't parse {name} JSON object") from None
        return value

    def get_file(self, name: str) -> web.FileField | str | None:
        value = self._data.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = self._data.get(value.removeprefix("attach://"))
        if value is None or isinstance(value, str | web.FileField):
            return value
        raise _bad(f"wrong type of the {name} field")


# --------------------------------------------------------------------------------------------
# Records


@dataclass(eq=False)
class SentMessage:
    """A message the bot sent, kept current: edits update it and push the old text to history."""

    message_id: int
    chat_id: int
    text: str | None
    raw_text: str | None = None
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    document: tuple[str, bytes] | None = None
    photo: bytes | None = None
    file_id: str | None = None
    sent_at: float = 0.0
    edited_at: float | None = None
    deleted_at: float | None = None
    edit_history: list[str] = field(default_factory=list)
    in_reply_to: int | None = None
    date: int = 0
    edit_date: int | None = None
    method: str = "sendMessage"
    seq: int = 0

    def buttons(self) -> list[tuple[str, str | None]]:
        """Inline buttons as (text, callback_data), row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [(b.get("text", ""), b.get("callback_data")) for row in rows for b in row]

    def reply_buttons(self) -> list[str]:
        """Texts of a reply keyboard (the buttons under the input field)."""
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [b if isinstance(b, str) else b.get("text", "") for row in rows for b in row]

    @property
    def keyboard_requests_contact(self) -> bool:
        rows = (self.reply_markup or {}).get("keyboard") or []
        return any(isinstance(b, dict) and b.get("request_contact") for row in rows for b in row)

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "text": self.text,
            "caption": self.caption,
            "reply_markup": self.reply_markup,
            "buttons": [list(b) for b in self.buttons()],
            "document": (
                {"filename": self.document[0], "size": len(self.document[1])}
                if self.document
                else None
            ),
            "has_photo": self.photo is not None,
            "sent_at": self.sent_at,
            "edited_at": self.edited_at,
            "deleted": self.deleted,
            "edit_history": self.edit_history,
            "in_reply_to": self.in_reply_to,
            "seq": self.seq,
        }


@dataclass(eq=False)
class UpdateRecord:
    """One update a user caused, with the times a benchmark needs."""

    update_id: int
    chat_id: int
    user_id: int
    kind: str
    payload: dict[str, Any]
    available_at: float
    delivered_at: float | None = None
    answered_at: float | None = None
    seq: int = 0

    @property
    def latency(self) -> float | None:
        """Seconds from availability to the bot's first answer in that chat."""
        return None if self.answered_at is None else self.answered_at - self.available_at


@dataclass(eq=False)
class CallbackAnswer:
    """An answerCallbackQuery call, tied to the button press it answered."""

    callback_query_id: str
    update_id: int
    chat_id: int
    data: str | None
    text: str | None
    show_alert: bool
    url: str | None
    available_at: float
    answered_at: float


@dataclass
class Stats:
    """Counters a benchmark or a flaky test can look at."""

    requests: Counter[str] = field(default_factory=Counter)
    errors: Counter[int] = field(default_factory=Counter)
    answered_429: int = 0
    injected: Counter[str] = field(default_factory=Counter)
    webhook_deliveries: int = 0
    webhook_errors: int = 0


@dataclass(eq=False)
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    filename: str | None
    mime_type: str | None

    def document_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.filename:
            doc["file_name"] = self.filename
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc

    def photo_json(self) -> list[dict[str, Any]]:
        # The server does not decode images; one size with a nominal resolution is enough.
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": len(self.data),
                "width": 1280,
                "height": 960,
            }
        ]


@dataclass(eq=False)
class _Chat:
    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    blocked: bool = False
    started: bool = True
    next_message_id: int = 1
    messages: list[SentMessage] = field(default_factory=list)
    user_message_ids: set[int] = field(default_factory=set)
    unanswered: deque[UpdateRecord] = field(default_factory=deque)
    window: deque[float] = field(default_factory=deque)
    last_action_seq: int = 0

    def take_message_id(self) -> int:
        self.next_message_id += 1
        return self.next_message_id - 1

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "last_name", "username"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    def find(self, message_id: int | None) -> SentMessage | None:
        for msg in self.messages:
            if msg.message_id == message_id and not msg.deleted:
                return msg
        return None


# --------------------------------------------------------------------------------------------
# People


class _ChatView:
    """One chat as a test sees it: the bot's messages there, and waiting for the next one."""

    def __init__(self, server: LocalTelegram, chat: _Chat) -> None:
        self._server = server
        self._chat = chat

    @property
    def chat_id(self) -> int:
        return self._chat.id

    def messages(self) -> list[SentMessage]:
        """Bot messages in this chat, oldest first, deleted ones included (see .deleted)."""
        return list(self._chat.messages)

    def last(self) -> SentMessage | None:
        alive = [m for m in self._chat.messages if not m.deleted]
        return alive[-1] if alive else None

    async def wait_for(
        self,
        match: Predicate,
        timeout: float = 5.0,  # noqa: ASYNC109 - a plain deadline is the point of this helper
        *,
        since_last_action: bool = True,
    ) -> SentMessage:
        """Wait for a bot message (sent or edited after this chat's last user action) matching
        a substring of its text/caption or a predicate; AssertionError on timeout."""
        after = self._chat.last_action_seq if since_last_action else -1
        return await self._server._wait_for(self._chat, match, timeout, after)


class _Actor(_ChatView):
    """Somebody typing into one chat; shared by private-chat users and group members."""

    def __init__(self, server: LocalTelegram, user: FakeUser, chat: _Chat) -> None:
        super().__init__(server, chat)
        self._user = user

    def send_text(self, text: str) -> int:
        """Type a message; leading /commands get bot_command entities as clients add them."""
        fields: dict[str, Any] = {"text": text}
        entities = _command_entities(text)
        if entities:
            fields["entities"] = entities
        return self._server._user_message(self._chat, self._user, fields)

    def send_command(self, command: str, *args: str) -> int:
        text = "/" + command.lstrip("/")
        length = _utf16_len(text)
        if args:
            text += " " + " ".join(args)
        entity = {"type": "bot_command", "offset": 0, "length": length}
        return self._server._user_message(
            self._chat, self._user, {"text": text, "entities": [entity]}
        )

    def send_start(self, payload: str | None = None) -> int:
        """What a deep link t.me/<bot>?start=<payload> produces."""
        return self.send_command("start", payload) if payload else self.send_command("start")

    def share_contact(
        self,
        phone: str | None = None,
        *,
        own: bool = True,
        first_name: str | None = None,
        user_id: int | None = None,
    ) -> int:
        """Share a contact card: one's own (user_id set) or someone else's (user_id given/none)."""
        user = self._user
        phone = phone if phone is not None else user.phone
        if phone is None:
            raise ValueError(f"user {user.user_id} has no phone; pass one")
        contact: dict[str, Any] = {"phone_number": phone}
        if own:
            contact["first_name"] = user.first_name
            if user.last_name:
                contact["last_name"] = user.last_name
            contact["user_id"] = user.user_id
        else:
            contact["first_name"] = first_name or "Liên hệ"
            if user_id is not None:
                contact["user_id"] = user_id
        return self._server._user_message(self._chat, user, {"contact": contact})

    def send_location(self, latitude: float, longitude: float) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        return self._server._user_message(self._chat, self._user, {"location": location})

    def send_document(
        self,
        filename: str,
        data: bytes,
        mime: str = "application/octet-stream",
        caption: str | None = None,
    ) -> int:
        """Upload a file; the bot fetches it back through getFile and /file/bot<token>/..."""
        stored = self._server._store_file(data, filename, mime, folder="documents")
        fields: dict[str, Any] = {"document": stored.document_json()}
        if caption:
            fields["caption"] = caption
        return self._server._user_message(self._chat, self._user, fields)

    def send_photo(self, data: bytes, caption: str | None = None) -> int:
        """Send a picture from the gallery, with an optional caption (as Telegram clients do)."""
        stored = self._server._store_file(data, "photo.jpg", "image/jpeg", folder="photos")
        fields: dict[str, Any] = {"photo": stored.photo_json()}
        if caption:
            fields["caption"] = caption
        return self._server._user_message(self._chat, self._user, fields)

    def press(self, label_or_data: str, *, message: SentMessage | None = None) -> int:
        """Press an inline button (by its text or callback_data) on the newest bot message."""
        return self._server._press(self._chat, self._user, label_or_data, message)


class FakeUser(_Actor):
    """A person in their private chat with the bot (chat id == user id, like Telegram)."""

    def __init__(
        self,
        server: LocalTelegram,
        chat: _Chat,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        phone: str | None,
    ) -> None:
        self.user_id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.phone = phone
        super().__init__(server, self, chat)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        data["language_code"] = "vi"
        return data

    def __repr__(self) -> str:
        return f"FakeUser({self.user_id}, {self.first_name!r})"


class FakeMember(_Actor):
    """A user speaking inside a group."""

    def __repr__(self) -> str:
        return f"FakeMember({self._user.user_id} in {self._chat.id})"


class FakeGroup(_ChatView):
    """A group chat (negative id); members act through ``group.member(user)``."""

    @property
    def title(self) -> str:
        return self._chat.title or ""

    def member(self, user: FakeUser) -> FakeMember:
        return FakeMember(self._server, user, self._chat)

    def __repr__(self) -> str:
        return f"FakeGroup({self._chat.id}, {self._chat.title!r})"


# --------------------------------------------------------------------------------------------
# The server


class LocalTelegram(LocalServer):
    """A Bot API server on aiohttp plus the people who talk to the bot. No global state: run
    as many as you like in one process, each on its own port."""

    def __init__(
        self,
        *,
        token: str = "123456:LOCAL",
        bot_username: str = "so_lien_lac_bot",
        enforce_limits: bool = False,
        clock: Callable[[], float] = time.monotonic,
        timeout_hold: float = 30.0,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.enforce_limits = enforce_limits
        self.timeout_hold = timeout_hold
        self.stats = Stats()
        self.updates: list[UpdateRecord] = []
        self.answered_callback_queries: list[CallbackAnswer] = []
        self._clock = clock
        prefix = token.split(":", 1)[0]
        self._bot_id = int(prefix) if prefix.isdigit() else 1
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, FakeUser] = {}
        self._groups: dict[int, FakeGroup] = {}
        self._sent: list[SentMessage] = []
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._queue: list[UpdateRecord] = []
        self._callbacks: dict[str, tuple[UpdateRecord, str | None, bool]] = {}
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._global_window: deque[float] = deque()
        self._injected: dict[str, deque[tuple[FailureKind, int]]] = {}
        self._random: tuple[random.Random, float, float, float, frozenset[str]] | None = None
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(10_000)
        self._seq = 0
        self._poll_generation = 0
        self._allowed_updates: list[str] = []
        self._webhook: dict[str, Any] | None = None
        self._webhook_error: tuple[int, str] | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._updates_pulse = _Pulse()
        self._messages_pulse = _Pulse()
        self.url = ""
        self._methods: dict[str, Callable[[_Params], Any]] = {
            name.lower(): getattr(self, f"_m_{name}")
            for name in (
                "getMe",
                "getUpdates",
                "setWebhook",
                "deleteWebhook",
                "getWebhookInfo",
                "sendMessage",
                "editMessageText",
                "editMessageReplyMarkup",
                "deleteMessage",
                "answerCallbackQuery",
                "sendDocument",
                "sendPhoto",
                "sendChatAction",
                "setMyCommands",
                "getMyCommands",
                "deleteMyCommands",
                "getFile",
                "getChat",
                "close",
                "logOut",
            )
        }
        self._canonical = {
            name.lower(): name
            for name in (fn.__name__.removeprefix("_m_") for fn in self._methods.values())
        }

    # ---- lifecycle ------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (0 picks a free port); ``url`` is set afterwards."""
        app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_post("/_control/users", self._control_create_user)
        app.router.add_post("/_control/users/{user_id}/{action}", self._control_action)
        app.router.add_get("/_control/chats/{chat_id}/messages", self._control_messages)
        app.router.add_get("/_control/stats", self._control_stats)
        # Fresh primitives so a server can be restarted under another event loop.
        self._stopping = asyncio.Event()
        self._updates_pulse = _Pulse()
        self._messages_pulse = _Pulse()
        self.url = await self.listen(app, host, port, shutdown_timeout=0.5)
        if self._webhook is not None:
            self._start_webhook_delivery()

    async def stop(self) -> None:
        """Stop quickly: pending long polls answer [], held "timeout" requests are dropped."""
        self._stopping.set()
        self._updates_pulse.fire()
        self._messages_pulse.fire()
        await self._stop_webhook_delivery()
        await self.close_http()

    # ---- people ---------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        phone: str | None = None,
        *,
        started: bool = True,
    ) -> FakeUser:
        """Create (or return) a user and their private chat. ``started=False`` makes sends
        fail with 403 until the user writes to the bot, as for a user who never pressed Start."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        if user_id in self._users:
            return self._users[user_id]
        name = first_name or f"Người dùng {user_id}"
        chat = _Chat(
            user_id,
            "private",
            first_name=name,
            last_name=last_name,
            username=username,
            started=started,
        )
        self._chats[user_id] = chat
        user = FakeUser(self, chat, user_id, name, last_name, username, phone)
        self._users[user_id] = user
        return user

    def group(self, chat_id: int, title: str) -> FakeGroup:
        """Create (or return) a group; ids below -10**12 are supergroups, like Telegram's."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if chat_id in self._groups:
            return self._groups[chat_id]
        kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
        chat = _Chat(chat_id, kind, title=title)
        self._chats[chat_id] = chat
        self._groups[chat_id] = FakeGroup(self, chat)
        return self._groups[chat_id]

    def block(self, user_id: int) -> None:
        """The user blocked the bot: sends to their chat answer 403 until they write again."""
        self._chats[user_id].blocked = True

    def unblock(self, user_id: int) -> None:
        self._chats[user_id].blocked = False

    # ---- failure injection ----------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        kind: FailureKind = "5xx",
        retry_after: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail the given way."""
        name = self._method_name(method)
        self._injected.setdefault(name, deque()).extend([(kind, retry_after)] * times)

    def set_random_failures(
        self,
        *,
        p_5xx: float = 0,
        p_429: float = 0,
        p_timeout: float = 0,
        seed: int | None = None,
        methods: Iterable[str] = ("sendMessage",),
    ) -> None:
        """Fail calls of ``methods`` at random (seeded for reproducible benches); all zero
        probabilities switch it off."""
        names = frozenset(self._method_name(m) for m in methods)
        if p_5xx + p_429 + p_timeout <= 0:
            self._random = None
        else:
            self._random = (random.Random(seed), p_5xx, p_429, p_timeout, names)

    def _method_name(self, method: str) -> str:
        try:
            return self._canonical[method.lower()]
        except KeyError:
            raise ValueError(f"unknown Bot API method {method!r}") from None

    # ---- records --------------------------------------------------------------------------

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Everything the bot sent (optionally to one chat), in order, edits applied."""
        if chat_id is None:
            return list(self._sent)
        return [m for m in self._sent if m.chat_id == chat_id]

    # ---- internals: users acting ----------------------------------------------------------

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _user_message(self, chat: _Chat, user: FakeUser, fields: dict[str, Any]) -> int:
        message_id = chat.take_message_id()
        chat.user_message_ids.add(message_id)
        message = {
            "message_id": message_id,
            "from": user.as_json(),
            "chat": chat.as_json(),
            "date": int(time.time()),
            **fields,
        }
        return self._enqueue(chat, user, "message", message)

    def _enqueue(self, chat: _Chat, user: FakeUser, kind: str, payload: dict[str, Any]) -> int:
        if chat.type == "private":
            chat.blocked = False
            chat.started = True
        update_id = next(self._update_ids)
        seq = self._next_seq()
        chat.last_action_seq = seq
        record = UpdateRecord(
            update_id=update_id,
            chat_id=chat.id,
            user_id=user.user_id,
            kind=kind,
            payload={"update_id": update_id, kind: payload},
            available_at=self._clock(),
            seq=seq,
        )
        self.updates.append(record)
        self._queue.append(record)
        chat.unanswered.append(record)
        self._updates_pulse.fire()
        return update_id

    def _press(self, chat: _Chat, user: FakeUser, wanted: str, message: SentMessage | None) -> int:
        if message is not None and message.chat_id != chat.id:
            raise AssertionError(f"message {message.message_id} is not in chat {chat.id}")
        candidates = [message] if message is not None else list(reversed(chat.messages))
        for msg in candidates:
            if msg.deleted:
                continue
            buttons = msg.buttons()
            hit = next((b for b in buttons if b[0] == wanted), None) or next(
                (b for b in buttons if b[1] == wanted), None
            )
            if hit is None or hit[1] is None:
                continue
            query_id = str(next(self._ids) + 7_000_000_000)
            query = {
                "id": query_id,
                "from": user.as_json(),
                "message": self._message_json(msg),
                "chat_instance": str(abs(chat.id) * 31 + self._bot_id),
                "data": hit[1],
            }
            update_id = self._enqueue(chat, user, "callback_query", query)
            self._callbacks[query_id] = (self.updates[-1], hit[1], False)
            return update_id
        shown = [
            f"#{m.message_id} {(m.text or m.caption or '')[:40]!r}: {m.buttons()}"
            for m in reversed(chat.messages)
            if not m.deleted and m.buttons()
        ][:5]
        raise AssertionError(
            f"no inline button {wanted!r} in chat {chat.id}; buttons on recent bot messages: "
            + ("; ".join(shown) if shown else "none")
        )

    async def _wait_for(
        self, chat: _Chat, match: Predicate, seconds: float, after_seq: int
    ) -> SentMessage:
        def ok(msg: SentMessage) -> bool:
            if msg.deleted or msg.seq <= after_seq:
                return False
            if isinstance(match, str):
                return match in (msg.text or "") or match in (msg.caption or "")
            return bool(match(msg))

        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            found = next((m for m in chat.messages if ok(m)), None)
            if found is not None:
                return found
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or self._stopping.is_set():
                seen = [
                    (m.message_id, m.text or m.caption) for m in chat.messages if m.seq > after_seq
                ]
                raise AssertionError(
                    f"no bot message in chat {chat.id} matched {match!r} within {seconds}s; "
                    f"messages since the last action: {seen}"
                )
            await self._messages_pulse.wait(remaining)

    def _store_file(
        self, data: bytes, filename: str | None, mime: str | None, folder: str
    ) -> _StoredFile:
        n = next(self._ids)
        suffix = ""
        if filename and "." in filename:
            suffix = "." + filename.rsplit(".", 1)[1]
        stored = _StoredFile(
            file_id=f"LOCAL-{folder}-{n}-{self._bot_id}",
            file_unique_id=f"U{n}",
            file_path=f"{folder}/file_{n}{suffix}",
            data=data,
            filename=filename,
            mime_type=mime,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    # ---- internals: HTTP ------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        name = self._canonical.get(method.lower())
        self.stats.requests[name or "<unknown>"] += 1
        try:
            if request.match_info["token"] != self.token:
                raise _ApiError(401, "Unauthorized")
            if name is None:
                raise _ApiError(404, "Not Found")
            params = _Params(await self._read_params(request))
            failure = self._take_failure(name)
            if failure is not None:
                return await self._inject(request, *failure)
            result = await self._methods[name.lower()](params)
        except _ApiError as exc:
            self.stats.errors[exc.code] += 1
            if exc.code == 429:
                self.stats.answered_429 += 1
            return exc.response()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        data: dict[str, Any] = dict(request.query)
        if request.method != "POST" or not request.can_read_body:
            return data
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError:
                raise _bad("can't parse JSON body") from None
            if not isinstance(body, dict):
                raise _bad("JSON body must be an object")
            data.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            data.update((await request.post()).items())
        return data

    def _take_failure(self, name: str) -> tuple[FailureKind, int] | None:
        queued = self._injected.get(name)
        if queued:
            return queued.popleft()
        if self._random is not None:
            rng, p_5xx, p_429, p_timeout, names = self._random
            if name in names:
                roll = rng.random()
                if roll < p_5xx:
                    return ("5xx", 1)
                if roll < p_5xx + p_429:
                    return ("429", 1)
                if roll < p_5xx + p_429 + p_timeout:
                    return ("timeout", 1)
        return None

    async def _inject(
        self, request: web.Request, kind: FailureKind, retry_after: int
    ) -> web.StreamResponse:
        self.stats.injected[kind] += 1
        if kind == "timeout":
            # Hold longer than the client waits, then drop the connection with no answer.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.timeout_hold)
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=504)
        error = {
            "5xx": _ApiError(502, "Bad Gateway"),
            "429": _too_many(retry_after),
            "403": _ApiError(403, _BLOCKED),
            "400": _bad("file is too big"),
        }[kind]
        raise error

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _ApiError(401, "Unauthorized").response()
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None:
            return _ApiError(404, "Not Found").response()
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    # ---- internals: control API -----------------------------------------------------------

    @staticmethod
    def _control_error(status: int, description: str) -> web.Response:
        return web.json_response({"ok": False, "description": description}, status=status)

    async def _control_body(self, request: web.Request) -> dict[str, Any]:
        if not request.can_read_body:
            return {}
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("body must be a JSON object")
        return body

    async def _control_create_user(self, request: web.Request) -> web.Response:
        try:
            body = await self._control_body(request)
            user = self.user(
                int(body["user_id"]),
                body.get("first_name"),
                body.get("last_name"),
                body.get("username"),
                body.get("phone"),
            )
        except (KeyError, ValueError, TypeError) as exc:
            return self._control_error(400, f"bad request: {exc}")
        return web.json_response({"ok": True, "user_id": user.user_id})

    async def _control_action(self, request: web.Request) -> web.Response:
        try:
            user = self._users[int(request.match_info["user_id"])]
        except (KeyError, ValueError):
            return self._control_error(404, "unknown user")
        action = request.match_info["action"]
        try:
            body = await self._control_body(request)
            if action == "text":
                update_id = user.send_text(str(body["text"]))
            elif action == "command":
                update_id = user.send_command(
                    str(body["command"]), *[str(a) for a in body.get("args", [])]
                )
            elif action == "contact":
                update_id = user.share_contact(body.get("phone"), own=bool(body.get("own", True)))
            elif action == "location":
                update_id = user.send_location(float(body["latitude"]), float(body["longitude"]))
            elif action == "press":
                message = None
                if body.get("message_id") is not None:
                    message = self._chats[user.chat_id].find(int(body["message_id"]))
                update_id = user.press(str(body["button"]), message=message)
            else:
                return self._control_error(404, f"unknown action {action!r}")
        except (KeyError, ValueError, TypeError, AssertionError) as exc:
            return self._control_error(400, f"bad request: {exc}")
        return web.json_response({"ok": True, "update_id": update_id})

    async def _control_messages(self, request: web.Request) -> web.Response:
        try:
            chat_id = int(request.match_info["chat_id"])
        except ValueError:
            return self._control_error(400, "bad chat id")
        if chat_id not in self._chats:
            return self._control_error(404, "unknown chat")
        return web.json_response(
            {"ok": True, "result": [m.to_json() for m in self._chats[chat_id].messages]}
        )

    async def _control_stats(self, request: web.Request) -> web.Response:
        s = self.stats
        return web.json_response(
            {
                "ok": True,
                "result": {
                    "requests": dict(s.requests),
                    "errors": {str(k): v for k, v in s.errors.items()},
                    "answered_429": s.answered_429,
                    "injected": dict(s.injected),
                    "webhook_deliveries": s.webhook_deliveries,
                    "webhook_errors": s.webhook_errors,
                    "sent": len(self._sent),
                    "updates": len(self.updates),
                },
            }
        )

    # ---- internals: shared pieces of methods ----------------------------------------------

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self._bot_id,
            "is_bot": True,
            "first_name": "Sổ Liên Lạc",
            "username": self.bot_username,
        }

    def _chat(self, params: _Params) -> _Chat:
        raw = params.get_raw("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        try:
            chat_id = params.get_int("chat_id")
        except _ApiError:
            raise _bad("chat not found") from None
        chat = self._chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise _bad("chat not found")
        return chat

    @staticmethod
    def _check_reachable(chat: _Chat) -> None:
        if chat.blocked:
            raise _ApiError(403, _BLOCKED)
        if not chat.started:
            raise _ApiError(403, _NOT_STARTED)

    def _check_limits(self, chat: _Chat, *, counts_global: bool) -> None:
        """Sliding-window flood control; a refused call takes no slot."""
        now = self._clock()
        span, limit = (60.0, GROUP_PER_MINUTE) if chat.id < 0 else (1.0, 1)
        wait = _window_wait(chat.window, now, span, limit)
        if counts_global:
            wait = max(wait, _window_wait(self._global_window, now, 1.0, GLOBAL_PER_SECOND))
        if self.enforce_limits and wait > 0:
            raise _too_many(max(1, math.ceil(wait)))
        chat.window.append(now)
        if counts_global:
            self._global_window.append(now)

    @staticmethod
    def _markup(params: _Params, *, inline_only: bool = False) -> dict[str, Any] | None:
        markup = params.get_json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            for row in rows:
                for button in row:
                    if not isinstance(button, dict) or not button.get("text"):
                        raise _bad("BUTTON_TEXT_INVALID")
                    if not any(key in button for key in _INLINE_ACTIONS):
                        raise _bad("text buttons are unallowed in the inline keyboard")
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                        raise _bad("BUTTON_DATA_INVALID")
            return markup
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad("can't parse reply keyboard markup JSON object")
            return markup
        if markup.get("remove_keyboard") or markup.get("force_reply"):
            return markup
        raise _bad("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _render(
        params: _Params, key: str, entities_key: str
    ) -> tuple[str, str, str | None, list[dict[str, Any]]]:
        raw = params.get_str(key) or ""
        mode = params.get_str("parse_mode") or None
        if mode is not None and mode.lower() == "html":
            text, entities = _parse_html(raw)
        elif mode is None:
            text, entities = raw, params.get_json(entities_key) or []
        elif mode.lower() in ("markdown", "markdownv2"):
            text, entities = raw, []
        else:
            raise _bad(f"unsupported parse_mode {mode}")
        return text, raw, mode, entities

    def _attribute_answer(self, chat: _Chat, now: float) -> int | None:
        """Tie a bot message to the oldest delivered, not yet answered update in the chat."""
        while chat.unanswered:
            record = chat.unanswered[0]
            if record.answered_at is not None:
                chat.unanswered.popleft()
                continue
            if record.delivered_at is None:
                return None
            record.answered_at = now
            chat.unanswered.popleft()
            return record.update_id
        return None

    def _new_message(self, chat: _Chat, method: str, **fields: Any) -> SentMessage:
        now = self._clock()
        msg = SentMessage(
            message_id=chat.take_message_id(),
            chat_id=chat.id,
            sent_at=now,
            date=int(time.time()),
            method=method,
            seq=self._next_seq(),
            in_reply_to=self._attribute_answer(chat, now),
            **fields,
        )
        chat.messages.append(msg)
        self._sent.append(msg)
        self._messages_pulse.fire()
        return msg

    def _message_json(self, msg: SentMessage) -> dict[str, Any]:
        chat = self._chats[msg.chat_id]
        data: dict[str, Any] = {
            "message_id": msg.message_id,
            "from": self._bot_user(),
            "chat": chat.as_json(),
            "date": msg.date,
        }
        if msg.edit_date is not None:
            data["edit_date"] = msg.edit_date
        if msg.text is not None:
            data["text"] = msg.text
            if msg.entities:
                data["entities"] = msg.entities
        stored = self._files.get(msg.file_id or "")
        if stored is not None and msg.document is not None:
            data["document"] = stored.document_json()
        if stored is not None and msg.photo is not None:
            data["photo"] = stored.photo_json()
        if msg.caption:
            data["caption"] = msg.caption
            if msg.entities and msg.text is None:
                data["caption_entities"] = msg.entities
        if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
            data["reply_markup"] = {"inline_keyboard": msg.reply_markup["inline_keyboard"]}
        return data

    # ---- Bot API methods ------------------------------------------------------------------

    async def _m_getMe(self, params: _Params) -> dict[str, Any]:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_getUpdates(self, params: _Params) -> list[dict[str, Any]]:
        if self._webhook is not None:
            raise _ApiError(409, _WEBHOOK_CONFLICT)
        offset = params.get_int("offset")
        limit = min(max(params.get_int("limit") or 100, 1), 100)
        timeout = max(params.get_int("timeout") or 0, 0)
        allowed = params.get_json("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed]
        if offset is not None:
            if offset < 0:
                del self._queue[: max(len(self._queue) + offset, 0)]
            else:
                self._queue = [r for r in self._queue if r.update_id >= offset]
        # A newer getUpdates ends an older one with 409, as on Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_pulse.fire()
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if generation != self._poll_generation:
                raise _ApiError(409, _POLL_CONFLICT)
            if self._webhook is not None:
                return []
            batch = [
                r
                for r in self._queue
                if not self._allowed_updates or r.kind in self._allowed_updates
            ][:limit]
            remaining = deadline - asyncio.get_running_loop().time()
            if batch or remaining <= 0 or self._stopping.is_set():
                now = self._clock()
                for record in batch:
                    if record.delivered_at is None:
                        record.delivered_at = now
                return [r.payload for r in batch]
            await self._updates_pulse.wait(remaining)

    async def _m_setWebhook(self, params: _Params) -> bool:
        url = params.get_str("url") or ""
        if not url:
            await self._drop_webhook(params.get_bool("drop_pending_updates"))
            return True
        if not url.startswith(("http://", "https://")):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get_str("secret_token")
        if secret is not None and not _SECRET_RE.match(secret):
            raise _bad("secret token contains unallowed characters")
        if params.get_bool("drop_pending_updates"):
            self._queue.clear()
        allowed = params.get_json("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed]
        self._webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": params.get_int("max_connections") or 40,
        }
        self._webhook_error = None
        self._updates_pulse.fire()  # a waiting getUpdates returns
        self._start_webhook_delivery()
        return True

    async def _m_deleteWebhook(self, params: _Params) -> bool:
        await self._drop_webhook(params.get_bool("drop_pending_updates"))
        return True

    async def _drop_webhook(self, drop_pending: bool) -> None:
        self._webhook = None
        await self._stop_webhook_delivery()
        if drop_pending:
            self._queue.clear()

    async def _m_getWebhookInfo(self, params: _Params) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self._webhook["url"] if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self._webhook:
            info["max_connections"] = self._webhook["max_connections"]
            info["ip_address"] = "127.0.0.1"
            if self._allowed_updates:
                info["allowed_updates"] = self._allowed_updates
        if self._webhook_error:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    async def _m_sendMessage(self, params: _Params) -> dict[str, Any]:
        chat = self._chat(params)
        text, raw, mode, entities = self._render(params, "text", "entities")
        if not text.strip():
            raise _bad("message text is empty")
        if _utf16_len(text) > MAX_TEXT:
            raise _bad("message is too long")
        markup = self._markup(params)
        self._check_reachable(chat)
        self._check_limits(chat, counts_global=True)
        msg = self._new_message(
            chat,
            "sendMessage",
            text=text,
            raw_text=raw,
            parse_mode=mode,
            entities=entities,
            reply_markup=markup,
        )
        return self._message_json(msg)

    def _edit_target(self, params: _Params) -> tuple[_Chat, SentMessage]:
        if params.get_str("inline_message_id"):
            raise _bad("inline messages are not supported by the local server")
        chat = self._chat(params)
        message_id = params.get_int("message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        msg = chat.find(message_id)
        if msg is None:
            if message_id in chat.user_message_ids:
                raise _bad("message can't be edited")
            raise _bad("message to edit not found")
        return chat, msg

    def _mark_edited(self, chat: _Chat, msg: SentMessage) -> None:
        now = self._clock()
        msg.edited_at = now
        msg.edit_date = int(time.time())
        msg.seq = self._next_seq()
        self._attribute_answer(chat, now)
        self._messages_pulse.fire()

    async def _m_editMessageText(self, params: _Params) -> dict[str, Any]:
        chat, msg = self._edit_target(params)
        if msg.text is None:
            raise _bad("there is no text in the message to edit")
        text, raw, mode, entities = self._render(params, "text", "entities")
        if not text.strip():
            raise _bad("message text is empty")
        if _utf16_len(text) > MAX_TEXT:
            raise _bad("message is too long")
        markup = self._markup(params, inline_only=True)
        old_inline = (
            msg.reply_markup
            if msg.reply_markup and "inline_keyboard" in (msg.reply_markup)
            else None
        )
        if text == msg.text and entities == msg.entities and markup == old_inline:
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
        self._check_reachable(chat)
        self._check_limits(chat, counts_global=False)
        msg.edit_history.append(msg.text)
        msg.text, msg.raw_text, msg.parse_mode, msg.entities = text, raw, mode, entities
        # Telegram drops the inline keyboard when an edit does not repeat it.
        if markup is not None or old_inline is not None:
            msg.reply_markup = markup
        self._mark_edited(chat, msg)
        return self._message_json(msg)

    async def _m_editMessageReplyMarkup(self, params: _Params) -> dict[str, Any]:
        chat, msg = self._edit_target(params)
        markup = self._markup(params, inline_only=True)
        old_inline = (
            msg.reply_markup
            if msg.reply_markup and "inline_keyboard" in (msg.reply_markup)
            else None
        )
        if markup == old_inline:
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
        self._check_reachable(chat)
        msg.reply_markup = markup
        self._mark_edited(chat, msg)
        return self._message_json(msg)

    async def _m_deleteMessage(self, params: _Params) -> bool:
        chat = self._chat(params)
        message_id = params.get_int("message_id")
        msg = chat.find(message_id)
        if msg is not None:
            msg.deleted_at = self._clock()
            msg.seq = self._next_seq()
            self._messages_pulse.fire()
            return True
        if message_id in chat.user_message_ids:
            chat.user_message_ids.discard(message_id)
            return True
        raise _bad("message to delete not found")

    async def _m_answerCallbackQuery(self, params: _Params) -> bool:
        query_id = params.get_str("callback_query_id") or ""
        entry = self._callbacks.get(query_id)
        if entry is None or entry[2]:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        record, data, _ = entry
        self._callbacks[query_id] = (record, data, True)
        now = self._clock()
        if record.answered_at is None:
            record.answered_at = now
        self.answered_callback_queries.append(
            CallbackAnswer(
                callback_query_id=query_id,
                update_id=record.update_id,
                chat_id=record.chat_id,
                data=data,
                text=params.get_str("text"),
                show_alert=params.get_bool("show_alert"),
                url=params.get_str("url"),
                available_at=record.available_at,
                answered_at=now,
            )
        )
        self._messages_pulse.fire()
        return True

    async def _send_file(
        self, params: _Params, method: str, key: str, folder: str
    ) -> dict[str, Any]:
        chat = self._chat(params)
        source = params.get_file(key)
        if source is None or source == "":
            raise _bad(f"there is no {key} in the request")
        if isinstance(source, web.FileField):
            data = source.file.read()
            if not data:
                raise _bad("file must be non-empty")
            stored = self._store_file(data, source.filename, source.content_type, folder)
        else:
            known = self._files.get(source)
            if known is None:
                raise _bad("wrong file identifier/HTTP URL specified")
            stored = known
        caption, raw, mode, entities = self._render(params, "caption", "caption_entities")
        if _utf16_len(caption) > MAX_CAPTION:
            raise _bad("message caption is too long")
        markup = self._markup(params)
        self._check_reachable(chat)
        self._check_limits(chat, counts_global=True)
        fields: dict[str, Any] = {
            "text": None,
            "caption": caption or None,
            "raw_text": raw or None,
            "parse_mode": mode,
            "entities": entities,
            "reply_markup": markup,
            "file_id": stored.file_id,
        }
        if key == "document":
            fields["document"] = (stored.filename or "document", stored.data)
        else:
            fields["photo"] = stored.data
        msg = self._new_message(chat, method, **fields)
        return self._message_json(msg)

    async def _m_sendDocument(self, params: _Params) -> dict[str, Any]:
        return await self._send_file(params, "sendDocument", "document", "documents")

    async def _m_sendPhoto(self, params: _Params) -> dict[str, Any]:
        return await self._send_file(params, "sendPhoto", "photo", "photos")

    async def _m_sendChatAction(self, params: _Params) -> bool:
        chat = self._chat(params)
        if params.get_str("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self._check_reachable(chat)
        return True

    @staticmethod
    def _commands_key(params: _Params) -> tuple[str, str]:
        scope = params.get_json("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get_str("language_code") or ""

    async def _m_setMyCommands(self, params: _Params) -> bool:
        commands = params.get_json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("can't parse commands JSON object")
        clean: list[dict[str, str]] = []
        for item in commands:
            if not isinstance(item, dict) or not _COMMAND_RE.match(str(item.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            description = str(item.get("description", ""))
            if not 1 <= len(description) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": str(item["command"]), "description": description})
        self._commands[self._commands_key(params)] = clean
        return True

    async def _m_getMyCommands(self, params: _Params) -> list[dict[str, str]]:
        return list(self._commands.get(self._commands_key(params), []))

    async def _m_deleteMyCommands(self, params: _Params) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    async def _m_getFile(self, params: _Params) -> dict[str, Any]:
        stored = self._files.get(params.get_str("file_id") or "")
        if stored is None:
            raise _bad("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    async def _m_getChat(self, params: _Params) -> dict[str, Any]:
        chat = self._chat(params)
        return {
            **chat.as_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _m_close(self, params: _Params) -> bool:
        return True

    async def _m_logOut(self, params: _Params) -> bool:
        return True

    # ---- webhook delivery -----------------------------------------------------------------

    def _start_webhook_delivery(self) -> None:
        if self._session is None:
            return  # started later by start()
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_loop())

    async def _stop_webhook_delivery(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_loop(self) -> None:
        """POST pending updates to the webhook over up to ``max_connections`` connections at
        once, as Telegram does (one update of a chat at a time, in order); failures are retried
        with backoff and reported through getWebhookInfo."""
        connections = self._webhook["max_connections"] if self._webhook else 1
        in_flight: dict[int, int] = {}  # update id -> its chat
        await asyncio.gather(*(self._deliver_worker(in_flight) for _ in range(connections)))

    def _next_to_deliver(self, in_flight: dict[int, int]) -> UpdateRecord | None:
        """The oldest update the webhook takes that is not being POSTed and whose chat has no
        update being POSTed; updates it does not take are dropped when nothing else is left."""
        busy = set(in_flight.values())
        for record in self._queue:
            if record.update_id in in_flight or record.chat_id in busy:
                busy.add(record.chat_id)  # a later update of that chat waits its turn
                continue
            if not self._allowed_updates or record.kind in self._allowed_updates:
                return record
        self._queue = [r for r in self._queue if r.update_id in in_flight or r.chat_id in busy]
        return None

    async def _deliver_worker(self, in_flight: dict[int, int]) -> None:
        backoff = 0.1
        while self._webhook is not None and not self._stopping.is_set():
            record = self._next_to_deliver(in_flight)
            if record is None:
                await self._updates_pulse.wait(1.0)
                continue
            if record.delivered_at is None:
                record.delivered_at = self._clock()
            in_flight[record.update_id] = record.chat_id
            try:
                ok, error = await self._post_update(self._webhook, record)
            finally:
                del in_flight[record.update_id]
            if ok:
                self.stats.webhook_deliveries += 1
                self._queue = [r for r in self._queue if r is not record]
                self._updates_pulse.fire()  # the chat's next update may go now
                backoff = 0.1
                continue
            self.stats.webhook_errors += 1
            self._webhook_error = (int(time.time()), error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), backoff)
            backoff = min(backoff * 2, 2.0)

    async def _post_update(self, hook: dict[str, Any], record: UpdateRecord) -> tuple[bool, str]:
        headers = {"Content-Type": "application/json"}
        if hook["secret_token"]:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        assert self._session is not None
        try:
            async with self._session.post(
                hook["url"],
                data=json.dumps(record.payload),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=10),
            ) as response:
                ok = 200 <= response.status < 300
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            ok, error = False, f"Connection failed: {exc.__class__.__name__}"
        return ok, error
