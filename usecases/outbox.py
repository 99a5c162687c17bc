"""Writing into the outbox: the one way any use case asks for a message to be sent.

A notice is written in the same transaction as the change that caused it, so either both happen
or neither. The idempotency key makes planning twice harmless: a notice exists once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Attachment, Notification, NotificationStatus
from usecases.messages import Choice, Document, choices_to_json

__all__ = ["Notice", "enqueue"]


@dataclass(frozen=True)
class Notice:
    """One message to send. Its `key` names what it is about, e.g.
    ``reminder:evening:<session>:<starts_at>:<person>``, so a moved session gets new reminders
    while a re-run of the same plan adds nothing. With `account_id` it goes to that chat
    account only, not to the person's latest."""

    key: str
    person_id: int
    kind: str
    text: str
    due_at: datetime
    choices: tuple[tuple[Choice, ...], ...] = ()
    document: Document | None = None
    class_id: int | None = None
    session_id: int | None = None
    expires_at: datetime | None = None
    urgent: bool = False
    account_id: int | None = None


async def enqueue(session: AsyncSession, notice: Notice) -> Notification | None:
    """Add a notice unless one with its key exists; returns the new row, or None if it did."""
    key, document, choices = notice.key, notice.document, notice.choices
    existing = await session.scalar(
        select(Notification.id).where(Notification.idempotency_key == key)
    )
    if existing is not None:
        return None
    attachment_id = None
    if document is not None:
        attachment = Attachment(
            filename=document.filename, mime_type=document.mime_type, data=document.data
        )
        session.add(attachment)
        await session.flush()
        attachment_id = attachment.id
    row = Notification(
        idempotency_key=key,
        person_id=notice.person_id,
        account_id=notice.account_id,
        kind=notice.kind,
        text=notice.text,
        choices=choices_to_json(choices) if choices else None,
        attachment_id=attachment_id,
        class_id=notice.class_id,
        session_id=notice.session_id,
        due_at=notice.due_at,
        expires_at=notice.expires_at,
        urgent=notice.urgent,
        status=NotificationStatus.PENDING,
    )
    session.add(row)
    await session.flush()
    return row
