"""Sending outbox notices on Zalo (Zalo Bot Platform) with the same contract as Telegram's
sender. Zalo has no buttons and no documents: choices become numbered lines and a document's
text is sent alone (the results feature offers the file on Telegram or by staff)."""

from __future__ import annotations

from channels.ratelimit import RateLimiter
from channels.splitting import split_text
from channels.zalo import (
    TEXT_LIMIT,
    ZaloBadRequest,
    ZaloClient,
    ZaloError,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRetryAfter,
)
from db.models import Channel
from usecases import delivery as D
from usecases.messages import Choice, Document

__all__ = ["ZaloSender", "numbered"]


def numbered(text: str, choices: tuple[tuple[Choice, ...], ...]) -> str:
    """Choices as numbered lines, as the Zalo adapter shows replies."""
    flat = [c for row in choices for c in row]
    if not flat:
        return text
    lines = [f"{i}. {c.label}" for i, c in enumerate(flat, start=1)]
    return text + "\n\n" + "\n".join(lines)


class ZaloSender:
    channel = Channel.ZALO

    def __init__(self, client: ZaloClient, limiter: RateLimiter) -> None:
        self.client = client
        self.limiter = limiter

    async def send(
        self,
        chat_id: str,
        text: str,
        choices: tuple[tuple[Choice, ...], ...] = (),
        document: Document | None = None,
    ) -> D.SendResult:
        try:
            message_id = ""
            for part in split_text(numbered(text, choices), TEXT_LIMIT):
                async with self.limiter.slot(chat_id):
                    sent = await self.client.send_message(chat_id, part)
                message_id = sent.message_id or message_id
            return D.Delivered(message_id)
        except ZaloRetryAfter as exc:
            self.limiter.pause_chat(chat_id, exc.retry_after)
            return D.RetryAfter(exc.retry_after)
        except ZaloForbidden as exc:
            return D.Unreachable("blocked", exc.description)
        except ZaloNetworkError as exc:
            return D.TryAgain(exc.description)
        except ZaloBadRequest as exc:
            if "not found" in exc.description.lower():
                return D.Unreachable("not_found", exc.description)
            return D.Rejected(exc.description)
        except ZaloError as exc:
            return D.TryAgain(exc.description)
