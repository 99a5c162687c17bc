"""The Telegram adapter: PTB updates in, rendered replies out.

Two PTB handlers cover every journey (a message, a button press): each turns the update into a
channel-neutral `Incoming`, lets the dispatcher pick the route, and renders the replies with
Telegram's own means (inline buttons, the contact button, documents, edits in place).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import Any, TypeAlias, TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ChatType, MessageLimit
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.dispatch import Dispatcher
from channels.incoming import Incoming
from channels.ordering import PerPersonOrder
from channels.splitting import split_text
from channels.telegram_sender import retry_after_seconds
from db.models import Channel
from texts import common as T
from usecases.messages import Choice, Reply

__all__ = ["TelegramAdapter", "keyboard"]

# PTB's Application is generic in its bot, context, data and job-queue types; the bot builds
# it with PTB's defaults and never relies on them.
TelegramApp: TypeAlias = Application[Any, Any, Any, Any, Any, Any]

log = logging.getLogger(__name__)
T_ = TypeVar("T_")

# A reply is tried this many times in all (as the Zalo adapter's replies).
SEND_ATTEMPTS = 3
# A 429 asking for a longer wait than this is not waited for: the person has moved on.
RETRY_AFTER_MAX_SECONDS = 30.0
NETWORK_PAUSE_SECONDS = 1.0


class TelegramAdapter:
    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        # Updates run concurrently (a 500-learner check-in burst), but one person's messages
        # are handled in order: a code then /lichhoc must not race.
        self._order = PerPersonOrder()

    def register(self, application: TelegramApp) -> None:
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.on_message))
        application.add_error_handler(self.on_error)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or update.effective_user is None:
            return
        async with self._order.turn(str(update.effective_user.id)):
            replies = await self.dispatcher.handle(to_incoming(update, context.bot.username))
        for reply in replies:  # each one tried: a refused file does not stop the next reply
            await send(message, reply)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        async with self._order.turn(str(query.from_user.id)):
            replies = await self.dispatcher.handle(to_incoming(update, context.bot.username))
        toast = next((r.toast for r in replies if r.toast), None)
        try:
            await _patiently(lambda: query.answer(text=toast))
        except TelegramError as exc:
            # Only the spinner on the button is lost; the press was handled, its replies go.
            log.warning("answering button press %s failed (%s)", update.update_id, exc)
        message = query.message if isinstance(query.message, Message) else None
        for reply in replies:
            if reply.edit and message is not None:
                await edit(message, reply)
            elif message is not None:
                await send(message, reply)
            elif not reply.toast:
                user_id, text = query.from_user.id, reply.text
                await _try(partial(context.bot.send_message, user_id, text), "reply")

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Ids only: no names or numbers in logs.
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update %s failed", update_id, exc_info=context.error)


def to_incoming(update: Update, bot_username: str | None) -> Incoming:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    base = Incoming(
        channel=Channel.TELEGRAM,
        user_id=str(user.id),
        chat_id=str(chat.id),
        is_group=chat.type != ChatType.PRIVATE,  # groups, supergroups, channels: not a person
        display_name=user.full_name,
    )
    query = update.callback_query
    if query is not None:  # a button's data is a command line without the slash
        button, *words = (query.data or "").split() or [""]
        return replace(base, command=button, args=tuple(words), pressed=True)
    message = update.effective_message
    assert message is not None
    text = message.text or message.caption or ""
    command: str | None = None
    args: tuple[str, ...] = ()
    if text.startswith("/"):
        head, *rest = text.split()
        name, _, mention = head[1:].partition("@")
        if not mention or mention.lower() == (bot_username or "").lower():
            command, args = name.lower(), tuple(rest)
    contact, location = message.contact, message.location
    return replace(
        base,
        text=text,
        command=command,
        args=args,
        contact_phone=contact.phone_number if contact else None,
        contact_is_own=bool(contact and contact.user_id == user.id),
        location=(location.latitude, location.longitude) if location else None,
        has_media=not (text or contact or location),
        captioned_media=bool(message.caption) and not message.text,
    )


def keyboard(
    reply: Reply,
) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if reply.ask_contact:
        button = KeyboardButton(T.SHARE_PHONE_BUTTON, request_contact=True)
        return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    if reply.choices:
        return inline_keyboard(reply.choices)
    return None


def inline_keyboard(choices: tuple[tuple[Choice, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(c.label, callback_data=c.data) for c in row] for row in choices]
    )


async def _patiently(call: Callable[[], Awaitable[T_]]) -> T_:
    """One Bot API call, again after Telegram's `retry_after` on a 429 (the outbox may be
    sending to this chat right now) or a short pause after a network error that surely did
    not deliver (5xx, refused connection); a time-out is not repeated, it may have gone."""
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            return await call()
        except RetryAfter as exc:
            wait = retry_after_seconds(exc.retry_after)
            if attempt == SEND_ATTEMPTS or wait > RETRY_AFTER_MAX_SECONDS:
                raise
        except (BadRequest, TimedOut):
            raise
        except NetworkError:
            if attempt == SEND_ATTEMPTS:
                raise
            wait = NETWORK_PAUSE_SECONDS * attempt
        await asyncio.sleep(wait)
    raise AssertionError("unreachable")


async def _try(call: Callable[[], Awaitable[object]], what: str) -> bool:
    """`_patiently`, logging instead of raising: one reply that cannot go does not stop
    the next ones. Ids only in the log."""
    try:
        await _patiently(call)
        return True
    except TelegramError as exc:
        log.warning("%s not sent (%s: %s)", what, type(exc).__name__, exc.message)
        return False


async def send(message: Message, reply: Reply) -> None:
    """Send a reply in the chat of `message`; a long text goes as several messages. A file
    that does not go is replaced by a note saying so, so no text promises it."""
    bot, chat_id = message.get_bot(), message.chat_id
    caption = reply.text[: MessageLimit.CAPTION_LENGTH]
    if reply.photo is not None:
        photo = reply.photo
        await _try(lambda: bot.send_photo(chat_id, photo, caption=caption), "photo")
        return
    if reply.document is not None:
        document = reply.document
        if not await _try(
            lambda: bot.send_document(
                chat_id, document.data, filename=document.filename, caption=caption
            ),
            "document",
        ):
            note = T.FILE_NOT_SENT.format(filename=document.filename)
            await _try(lambda: bot.send_message(chat_id, note), "file note")
        return
    parts = split_text(reply.text, MessageLimit.MAX_TEXT_LENGTH)
    for i, part in enumerate(parts):
        markup = keyboard(reply) if i == len(parts) - 1 else None
        await _try(partial(bot.send_message, chat_id, part, reply_markup=markup), "reply")


async def edit(message: Message, reply: Reply) -> None:
    markup = inline_keyboard(reply.choices) if reply.choices else None
    text = reply.text[: MessageLimit.MAX_TEXT_LENGTH]
    try:
        await _patiently(lambda: message.edit_text(text, reply_markup=markup))
    except BadRequest as exc:
        if "not modified" not in exc.message:  # pressing the same button twice is harmless
            log.warning("edit not made (%s)", exc.message)
    except TelegramError as exc:
        log.warning("edit not made (%s: %s)", type(exc).__name__, exc.message)
