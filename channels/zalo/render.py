"""How a channel-neutral `Reply` looks on Zalo, which has no buttons and no documents.

The one place for it: the Zalo adapter (replies) and the outbox's Zalo sender (notices) both
call `render`, so a menu reads the same wherever it comes from, and its numbers are the ones
the dispatcher maps a typed number back to (`usecases.messages.numbered`).
"""

from __future__ import annotations

from channels.splitting import split_text
from channels.zalo.client import TEXT_LIMIT
from texts import common as T
from usecases.messages import Reply, numbered

__all__ = ["render"]


def render(reply: Reply, limit: int = TEXT_LIMIT) -> list[str]:
    """The Zalo messages that carry `reply`: its text, a note for a document Zalo cannot
    send, then its choices as numbered lines ("Gõ 1 để: …"); cut into parts of at most
    `limit` characters at line breaks, so the menu comes last. A contact button is dropped:
    the handlers already word their text for a channel without one."""
    blocks = [reply.text or reply.toast or ""]
    if reply.document is not None:
        blocks.append(T.DOCUMENT_NOT_ON_CHANNEL.format(filename=reply.document.filename))
    if reply.choices:
        blocks.append(
            "\n".join(
                T.CHOICE_LINE.format(number=number, label=choice.label)
                for number, choice in numbered(reply.choices)
            )
        )
    return split_text("\n\n".join(b for b in blocks if b.strip()), limit)
