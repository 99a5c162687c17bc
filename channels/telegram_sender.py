"""Sending outbox notices on Telegram through PTB's `Bot`, under the rate limiter, and saying
what happened in the outbox's own terms (`usecases.delivery` results)."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from channels.ratelimit import RateLimiter
from channels.splitting import split_text
from db.models import Channel
from usecases import delivery as D
from usecases.messages import Choice, Document

__all__ = ["TelegramSender", "retry_after_seconds"]

log = logging.getLogger(__name__)
CAPTION_LIMIT = 1024
# PTB reports an HTTP 413 (an upload over the limit) as a NetworkError with Telegram's words.
TOO_LARGE = ("too large", "too big")


def retry_after_seconds(value: timedelta | float | int) -> float:
    """PTB 22 gives a timedelta with PTB_TIMEDELTA=true, else an int: accept both."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    channel = Channel.TELEGRAM

    def __init__(self, bot: Bot, limiter: RateLimiter) -> None:
        self.bot = bot
        self.limiter = limiter

    async def send(
        self,
        chat_id: str,
        text: str,
        choices: tuple[tuple[Choice, ...], ...] = (),
        document: Document | None = None,
    ) -> D.SendResult:
        is_group = chat_id.startswith("-")
        markup = (
            InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(c.label, callback_data=c.data) for c in row]
                    for row in choices
                ]
            )
            if choices
            else None
        )
        try:
            if document is not None:
                # One request per row, so a retried file never repeats a text: a file's words
                # are its caption (use cases keep them short; a long summary is its own row).
                caption = split_text(text, CAPTION_LIMIT)[0] if text else None
                async with self.limiter.slot(chat_id, is_group=is_group):
                    message = await self.bot.send_document(
                        chat_id,
                        document.data,
                        filename=document.filename,
                        caption=caption,
                        reply_markup=markup,
                    )
                return D.Delivered(str(message.message_id))
            return await self._send_text(chat_id, text, markup, is_group)
        except RetryAfter as exc:
            seconds = retry_after_seconds(exc.retry_after)
            self.limiter.pause_chat(chat_id, seconds)
            return D.RetryAfter(seconds)
        except Forbidden as exc:
            reason = exc.message.lower()
            code = "not_started" if "initiate" in reason else "blocked"
            if "deactivated" in reason or "kicked" in reason:
                code = "not_found"
            return D.Unreachable(code, exc.message)
        except BadRequest as exc:  # a subclass of NetworkError: before it
            if "chat not found" in exc.message.lower():
                return D.Unreachable("not_found", exc.message)
            return D.Rejected(exc.message)
        except NetworkError as exc:  # includes TimedOut and 5xx
            if document is not None and any(w in exc.message.lower() for w in TOO_LARGE):
                return D.Rejected(exc.message)  # 413: sending it again will not help
            return D.TryAgain(f"{type(exc).__name__}: {exc.message}")
        except TelegramError as exc:
            return D.TryAgain(f"{type(exc).__name__}: {exc.message}")

    async def _send_text(
        self, chat_id: str, text: str, markup: InlineKeyboardMarkup | None, is_group: bool
    ) -> D.Delivered:
        parts = split_text(text, MessageLimit.MAX_TEXT_LENGTH)
        message_id = ""
        for i, part in enumerate(parts):
            data: dict[str, object] = {"chat_id": chat_id, "text": part}
            if markup is not None and i == len(parts) - 1:
                data["reply_markup"] = markup
            async with self.limiter.slot(chat_id, is_group=is_group):
                # Bot._post: the same request as send_message, minus building a Message from
                # the answer, which is a third of the sender's CPU at 1,000 msg/s.
                result = await self.bot._post("sendMessage", data)
            message_id = str(result["message_id"])
        return D.Delivered(message_id)
