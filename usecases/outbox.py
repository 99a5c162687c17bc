"""Writing into the outbox: the one way any use case asks for a message to be sent.

A notice is written in the same transaction as the change that caused it, so either both happen
or neither. The idempotency key makes planning twice harmless: a notice exists once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Attachment, Notification, NotificationStatus
from usecases.messages import Choice, Document, choices_to_json

__all__ = ["KEY_CHUNK", "Notice", "enqueue", "enqueue_all", "for_each"]

# Keys looked up per query when a batch is enqueued.
KEY_CHUNK = 500


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
    key, document = notice.key, notice.document
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
    row = _row(notice, attachment_id=attachment_id)
    session.add(row)
    await session.flush()
    return row


def for_each(notice: Notice, person_ids: Iterable[int], key: Callable[[int], str]) -> list[Notice]:
    """The same notice for each person, each with its own key (``key(person_id)``)."""
    return [replace(notice, person_id=p, key=key(p)) for p in person_ids]


async def enqueue_all(session: AsyncSession, notices: Sequence[Notice]) -> int:
    """`enqueue` for many notices at once (a class's reminders are hundreds of rows): the same
    key rule, one query per 500 keys and one flush. Returns how many were new."""
    with_files = [n for n in notices if n.document is not None]
    added = 0
    for notice in with_files:  # each file is its own attachment row
        added += await enqueue(session, notice) is not None
    plain = [n for n in notices if n.document is None]
    keys = [n.key for n in plain]
    existing: set[str] = set()
    for i in range(0, len(keys), KEY_CHUNK):
        existing.update(
            await session.scalars(
                select(Notification.idempotency_key).where(
                    Notification.idempotency_key.in_(keys[i : i + KEY_CHUNK])
                )
            )
        )
    new: dict[str, Notification] = {}
    for n in plain:
        if n.key not in existing and n.key not in new:
            new[n.key] = _row(n, attachment_id=None)
    session.add_all(new.values())
    await session.flush()
    return added + len(new)


def _row(notice: Notice, *, attachment_id: int | None) -> Notification:
    return Notification(
        idempotency_key=notice.key,
        person_id=notice.person_id,
        account_id=notice.account_id,
        kind=notice.kind,
        text=notice.text,
        choices=choices_to_json(notice.choices) if notice.choices else None,
        attachment_id=attachment_id,
        class_id=notice.class_id,
        session_id=notice.session_id,
        due_at=notice.due_at,
        expires_at=notice.expires_at,
        urgent=notice.urgent,
        status=NotificationStatus.PENDING,
        attempts=0,
    )
