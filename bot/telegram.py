"""The Telegram adapter: PTB updates in, rendered replies out.

Two PTB handlers cover every journey (a message, a button press): each turns the update into a
channel-neutral `Incoming`, lets the dispatcher pick the route, and renders the replies with
Telegram's own means (inline buttons, the contact button, documents, edits in place).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ChatType, MessageLimit
from telegram.error import BadRequest
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
from db.models import Channel
from texts import common as T
from usecases.messages import Choice, Reply

__all__ = ["TelegramAdapter", "keyboard"]

log = logging.getLogger(__name__)


class TelegramAdapter:
    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        # Updates run concurrently (a 500-learner check-in burst), but one person's messages
        # are handled in order: a code then /lichhoc must not race.
        self._order = PerPersonOrder()

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.on_message))
        application.add_error_handler(self.on_error)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or update.effective_user is None:
            return
        async with self._order.turn(str(update.effective_user.id)):
            replies = await self.dispatcher.handle(to_incoming(update, context.bot.username))
        for reply in replies:
            await send(message, reply)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        async with self._order.turn(str(query.from_user.id)):
            replies = await self.dispatcher.handle(to_incoming(update, context.bot.username))
        toast = next((r.toast for r in replies if r.toast), None)
        await query.answer(text=toast)
        message = query.message if isinstance(query.message, Message) else None
        for reply in replies:
            if reply.edit and message is not None:
                await edit(message, reply)
            elif message is not None:
                await send(message, reply)
            elif not reply.toast:
                await context.bot.send_message(query.from_user.id, reply.text)

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
        is_group=chat.type in (ChatType.GROUP, ChatType.SUPERGROUP),
        display_name=user.full_name,
    )
    query = update.callback_query
    if query is not None:  # a button's data is a command line without the slash
        command, *args = (query.data or "").split() or [""]
        return replace(base, command=command, args=tuple(args), pressed=True)
    message = update.effective_message
    assert message is not None
    text = message.text or message.caption or ""
    command, args = None, ()
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


async def send(message: Message, reply: Reply) -> None:
    """Send a reply in the chat of `message`; a long text goes as several messages."""
    if reply.photo is not None:
        await message.reply_photo(reply.photo, caption=reply.text[:1024])
        return
    if reply.document is not None:
        await message.reply_document(
            reply.document.data, filename=reply.document.filename, caption=reply.text[:1024]
        )
        return
    parts = split_text(reply.text, MessageLimit.MAX_TEXT_LENGTH)
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        await message.get_bot().send_message(
            message.chat_id, part, reply_markup=keyboard(reply) if last else None
        )


async def edit(message: Message, reply: Reply) -> None:
    markup = inline_keyboard(reply.choices) if reply.choices else None
    try:
        await message.edit_text(reply.text[: MessageLimit.MAX_TEXT_LENGTH], reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message:  # pressing the same button twice is harmless
            raise
