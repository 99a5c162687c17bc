"""Claiming due notices, choosing each person's chat, and the outbox's bookkeeping around it.

A claim sets ``status=sending`` and a lease (``locked_until``); a sender that crashes leaves
its lease to run out and the row is claimed again, so at most the message in flight is sent
twice. On PostgreSQL claims use ``FOR UPDATE SKIP LOCKED`` so several workers share the
outbox; on SQLite one process sends, and `release_claims` at start-up frees its old claims.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select, update
from sqlalchemy.sql.expression import ColumnElement

from db.database import UnitOfWork
from db.models import Attachment, ChatAccount, ChatStatus, Class, Notification, Person
from db.models import NotificationStatus as S
from db.models import Session as SessionRow
from usecases.delivery.rules import CLAIM_BATCH, LEASE, Due, Target, superseded
from usecases.messages import Document
from usecases.notices.rules import Kind, in_quiet_hours, quiet_release
from usecases.notices.wording import reword_reminder
from usecases.settings import Settings

__all__ = ["claim_due", "load_document", "next_wake", "release_claims"]

# Plain columns, in `Due`'s order: loading ORM objects costs more than the rest of a claim.
CLAIM_COLUMNS = (
    Notification.id,
    Notification.person_id,
    Notification.kind,
    Notification.text,
    Notification.choices,
    Notification.attachment_id,
    Notification.due_at,
    Notification.attempts,
    Notification.account_id,
)
ACCOUNTS_PER_QUERY = 500
_table = Notification.__table__
TEXT_UPDATE = (
    _table.update()  # type: ignore[attr-defined]
    .where(_table.c.id == bindparam("row_id"))
    .values(text=bindparam("text"))
)


def _reclaimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(Notification.status == S.PENDING, Notification.due_at <= now),
        and_(Notification.status == S.SENDING, Notification.locked_until <= now),
    )


async def claim_due(
    uow: UnitOfWork,
    *,
    settings: Settings,
    now: datetime,
    limit: int = CLAIM_BATCH,
    lease: timedelta = LEASE,
    centre_ids: Sequence[int] = (),
) -> list[Due]:
    """Claim up to `limit` due notices in one transaction (oldest first). With several
    `centre_ids`, a share of each centre's: each centre's bot has its own sending budget, and
    one centre's long broadcast must not hold the other centres' notices back."""
    async with uow:
        await _expire_and_hold(uow, settings=settings, now=now)
        rows: list[Any] = []
        if len(centre_ids) > 1:
            share = max(limit // len(centre_ids), 1)
            for centre_id in centre_ids:
                rows += await uow.session.execute(_claimable(now, share, centre_id))
        else:
            rows = list(await uow.session.execute(_claimable(now, limit)))
        if not rows:
            await uow.commit()
            return []
        await uow.session.execute(
            update(Notification)
            .where(Notification.id.in_([r.id for r in rows]))
            .values(status=S.SENDING, locked_until=now + lease)
        )
        targets = await _targets(uow, {r.person_id for r in rows})
        accounts = await _account_targets(uow, {r.account_id for r in rows} - {None})
        due = [
            _due(r, targets.get(r.person_id, ()))
            if r.account_id is None
            else _due(r, accounts.get(r.account_id, ()))
            for r in rows
        ]
        if any(d.kind == Kind.REMINDER for d in due):
            due = await _reminders_as_of(uow, due, now=now, settings=settings)
        await uow.commit()
        return due


def _claimable(now: datetime, limit: int, centre_id: int | None = None) -> Select[Any]:
    query = select(*CLAIM_COLUMNS).where(_reclaimable(now))
    if centre_id is not None:
        query = query.join(Person, Person.id == Notification.person_id).where(
            Person.centre_id == centre_id
        )
    return (
        query.order_by(Notification.due_at, Notification.id)
        .limit(limit)
        .with_for_update(of=Notification, skip_locked=True)
    )


def _due(r: Any, targets: tuple[Target, ...]) -> Due:
    return Due(
        id=r.id, person_id=r.person_id, kind=r.kind, text=r.text, choices=r.choices,
        attachment_id=r.attachment_id, due_at=r.due_at, attempts=r.attempts,
        account_id=r.account_id, targets=targets,
    )  # fmt: skip


async def _expire_and_hold(uow: UnitOfWork, *, settings: Settings, now: datetime) -> None:
    """Past their use (a reminder whose session has begun) expire; in quiet hours, non-urgent
    notices are held until quiet hours end."""
    await uow.session.execute(
        update(Notification)
        .where(
            _reclaimable(now),
            Notification.expires_at.is_not(None),
            Notification.expires_at <= now,
        )
        .values(status=S.EXPIRED, locked_until=None, last_error="expired")
    )
    if in_quiet_hours(now, settings.notices, settings.timezone):
        release = quiet_release(now, settings.notices, settings.timezone)
        await uow.session.execute(
            update(Notification)
            .where(_reclaimable(now), Notification.urgent.is_(False))
            .values(status=S.PENDING, due_at=release, locked_until=None)
        )


async def _reminders_as_of(
    uow: UnitOfWork, due: list[Due], *, now: datetime, settings: Settings
) -> list[Due]:
    """Reminders say how far off their session is as of now, not as of when they were due
    (a bot down over their due time sends them late); of one person's reminders for one
    session claimed together, only the latest goes, the others are superseded."""
    session = uow.session
    ids = [d.id for d in due if d.kind == Kind.REMINDER]
    found = {
        row_id: (session_id, starts_at, name)
        for row_id, session_id, starts_at, name in await session.execute(
            select(Notification.id, SessionRow.id, SessionRow.starts_at, Class.name)
            .join(SessionRow, SessionRow.id == Notification.session_id)
            .join(Class, Class.id == Notification.class_id)
            .where(Notification.id.in_(ids))
        )
    }
    dropped = superseded(due, {row_id: found[row_id][0] for row_id in found})
    kept: list[Due] = []
    reworded: list[dict[str, Any]] = []
    for d in due:
        if d.id in dropped:
            continue
        if d.id in found:
            _, starts_at, name = found[d.id]
            text = reword_reminder(d.text, name, _aware(starts_at), now, settings.timezone)
            if text != d.text:
                reworded.append({"row_id": d.id, "text": text})
                d = replace(d, text=text)
        kept.append(d)
    if reworded:  # the outbox keeps what was actually sent
        await session.execute(TEXT_UPDATE, reworded)
    if dropped:
        await session.execute(
            update(Notification)
            .where(Notification.id.in_(sorted(dropped)))
            .values(status=S.EXPIRED, locked_until=None, last_error="expired: superseded")
        )
    return kept


def _aware(value: datetime) -> datetime:
    """SQLite gives naive datetimes back; they are stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


async def _targets(uow: UnitOfWork, person_ids: set[int]) -> dict[int, tuple[Target, ...]]:
    """Each person's active accounts, the one seen most recently first.

    The chat is the account's private chat, whose id is the user's own id on both channels
    (Telegram; Zalo's `chat.id == from.id`): never a group someone once wrote in (DESIGN §5)."""
    found: dict[int, list[Target]] = defaultdict(list)
    ids = sorted(person_ids)
    for i in range(0, len(ids), ACCOUNTS_PER_QUERY):
        accounts = await uow.session.execute(
            select(
                ChatAccount.person_id,
                ChatAccount.id,
                ChatAccount.channel,
                ChatAccount.external_id,
                ChatAccount.centre_id,
            )
            .where(
                ChatAccount.person_id.in_(ids[i : i + ACCOUNTS_PER_QUERY]),
                ChatAccount.status == ChatStatus.ACTIVE,
            )
            .order_by(
                ChatAccount.person_id,
                ChatAccount.last_seen_at.desc().nulls_last(),
                ChatAccount.id.desc(),
            )
        )
        for person_id, account_id, channel, chat_id, centre_id in accounts:
            if person_id is not None:
                found[person_id].append(Target(account_id, channel, chat_id, centre_id))
    return {p: tuple(t) for p, t in found.items()}


async def _account_targets(uow: UnitOfWork, account_ids: set[Any]) -> dict[int, tuple[Target, ...]]:
    """For notices about one account: that account's private chat if it is reachable, linked to
    the person or not (an account whose link was replaced is told so)."""
    if not account_ids:
        return {}
    accounts = await uow.session.execute(
        select(
            ChatAccount.id, ChatAccount.channel, ChatAccount.external_id, ChatAccount.centre_id
        ).where(ChatAccount.id.in_(sorted(account_ids)), ChatAccount.status == ChatStatus.ACTIVE)
    )
    return {a: (Target(a, channel, chat, centre),) for a, channel, chat, centre in accounts}


async def load_document(uow: UnitOfWork, attachment_id: int) -> Document | None:
    async with uow:
        a = await uow.session.get(Attachment, attachment_id)
        return None if a is None else Document(a.filename, a.data, a.mime_type)


async def next_wake(uow: UnitOfWork) -> datetime | None:
    """When the outbox next needs a look: the earliest due notice or lease to run out."""
    async with uow:
        due = await uow.session.scalar(
            select(func.min(Notification.due_at)).where(Notification.status == S.PENDING)
        )
        lease = await uow.session.scalar(
            select(func.min(Notification.locked_until)).where(Notification.status == S.SENDING)
        )
    found = [t for t in (due, lease) if t is not None]
    return min(found) if found else None


async def release_claims(uow: UnitOfWork, ids: Sequence[int] | None = None) -> int:
    """Give claimed-but-unsent rows back (a clean stop; or, with no ids, every claim at the
    start-up of the only sender on SQLite, whose previous life was killed)."""
    async with uow:
        query = update(Notification).where(Notification.status == S.SENDING)
        if ids is not None:
            query = query.where(Notification.id.in_(list(ids)))
        result = await uow.session.execute(query.values(status=S.PENDING, locked_until=None))
        await uow.commit()
        return int(getattr(result, "rowcount", 0) or 0)
