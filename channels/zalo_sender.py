"""Sending outbox notices on Zalo (Zalo Bot Platform) with the same contract as Telegram's
sender. Zalo has no buttons and no documents: choices become numbered lines (remembered on the
chat account, so a typed number works as after a reply) and a document is named, not sent."""

from __future__ import annotations

from channels.ratelimit import RateLimiter
from channels.zalo import (
    ZaloBadRequest,
    ZaloClient,
    ZaloError,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRetryAfter,
)
from channels.zalo.render import render
from db.models import Channel
from usecases import delivery as D
from usecases.messages import Choice, Document, Reply

__all__ = ["ZaloSender"]


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
            # The same rendering as the adapter's replies: numbered lines, the file named.
            for part in render(Reply(text, choices=choices, document=document)):
                async with self.limiter.slot(chat_id):
                    sent = await self.client.send_message(chat_id, part)
                message_id = sent.message_id or message_id
            return D.Delivered(message_id, numbered_choices=bool(choices))
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
