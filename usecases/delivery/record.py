"""Recording what each send did, in one transaction per batch; telling staff once when an
account becomes unreachable or a file will not go.

429 waits ``retry_after`` without using an attempt; network errors and 5xx are retried with
exponential backoff up to ``max_attempts``; 403 or a vanished chat marks the account blocked,
falls back to the person's other account, else fails the row and tells staff once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import ChatAccount, ChatStatus, Class, Notification, Person
from db.models import NotificationStatus as S
from texts import notices as T
from usecases.delivery.rules import (
    Outcome,
    Rejected,
    Target,
    Unreachable,
    plan_record,
    unreachable_reason,
)
from usecases.identity import active_staff_ids
from usecases.notices.rules import Kind
from usecases.outbox import Notice, enqueue_all, for_each
from usecases.settings import Settings

__all__ = ["SENT_UPDATE", "record_outcomes"]

_table = Notification.__table__
SENT_UPDATE = (
    _table.update()  # type: ignore[attr-defined]
    .where(_table.c.id == bindparam("row_id"), _table.c.status == S.SENDING)
    .values(
        status=S.SENT,
        attempts=bindparam("attempts"),
        channel=bindparam("channel"),
        chat_id=bindparam("chat_id"),
        sent_message_id=bindparam("sent_message_id"),
        sent_at=bindparam("sent_at"),
        updated_at=bindparam("updated_at"),
        locked_until=None,
        last_error=None,
    )
)


async def record_outcomes(
    uow: UnitOfWork, outcomes: Sequence[Outcome], *, settings: Settings, now: datetime
) -> None:
    """Write what happened to each send, in one transaction (batched for throughput)."""
    if not outcomes:
        return
    plan = plan_record(outcomes, max_attempts=settings.notices.max_attempts, now=now)
    async with uow:
        session = uow.session
        if plan.sent:  # the common case, as one Core executemany
            await session.execute(SENT_UPDATE, plan.sent)
        groups: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
        for row in plan.later:  # executemany needs the same keys in every row
            groups[frozenset(row)].append(row)
        for batch in groups.values():
            await session.execute(update(Notification), batch)
        for o in plan.unreachable:
            await _unreachable(session, o, now=now)
        for o in plan.files_failed:
            await _tell_staff_file_failed(session, o, now=now)
        for account_id, choices in plan.menus.items():
            account = await session.get(ChatAccount, account_id)
            if account is not None:
                account.pending = {"choices": choices}
        await uow.commit()


async def _unreachable(session: AsyncSession, o: Outcome, *, now: datetime) -> None:
    r = o.result
    assert isinstance(r, Unreachable)
    reason = unreachable_reason(r)
    row = await session.get(Notification, o.due.id)
    if row is None or row.status != S.SENDING:
        return
    if o.target is None:  # no account at all on a channel we can send on
        row.status, row.locked_until, row.last_error = S.FAILED, None, "not_linked"
        return
    account = await session.get(ChatAccount, o.target.account_id)
    first_time = account is not None and account.status == ChatStatus.ACTIVE
    if account is not None:
        account.status, account.status_reason = ChatStatus.BLOCKED, reason
    await session.flush()
    other = None
    if o.due.account_id is None:  # a notice about one account has nowhere else to go
        other = await session.scalar(
            select(ChatAccount.id).where(
                ChatAccount.person_id == o.due.person_id,
                ChatAccount.status == ChatStatus.ACTIVE,
                ChatAccount.id != o.target.account_id,
            )
        )
    row.locked_until = None
    if other is not None:  # try their other account at once
        row.status, row.due_at, row.last_error = S.PENDING, now, reason
    else:
        row.status, row.last_error = S.FAILED, reason
        row.attempts = o.due.attempts + 1
    if first_time:
        await _tell_staff(session, o.due.person_id, o.target, r, now=now)


async def _tell_staff(
    session: AsyncSession, person_id: int, target: Target, r: Unreachable, *, now: datetime
) -> None:
    """One alert per staff member each time an account becomes unreachable, whatever number of
    notices failed: the key carries the moment it became so, so blocked, unblocked (they wrote
    again) and blocked again is told again."""
    person = await session.get(Person, person_id)
    if person is None:
        return
    staff = [s for s in await active_staff_ids(session, person.centre_id) if s != person_id]
    text = T.STAFF_UNREACHABLE.format(
        name=person.full_name,
        channel=T.CHANNEL_NAMES.get(target.channel, target.channel),
        reason=T.REASONS.get(r.code, T.REASON_OTHER),
    )
    alert = Notice(key="", person_id=0, kind=Kind.STAFF_ALERT, text=text, due_at=now)
    stamp = now.isoformat()
    await enqueue_all(
        session,
        for_each(alert, staff, lambda s: f"staff.unreachable:{target.account_id}:{s}:{stamp}"),
    )


async def _tell_staff_file_failed(session: AsyncSession, o: Outcome, *, now: datetime) -> None:
    """A file that will not go (refused, or the network gave up): staff hear of it once per
    class and kind of notice (once per publication), however many rows failed."""
    found = (
        await session.execute(
            select(Notification.class_id, Class.code, Person.full_name, Person.centre_id)
            .join(Person, Person.id == Notification.person_id)
            .outerjoin(Class, Class.id == Notification.class_id)
            .where(Notification.id == o.due.id)
        )
    ).first()
    if found is None:
        return
    class_id, code, name, centre_id = found
    reason = T.REASONS["file_rejected" if isinstance(o.result, Rejected) else "gave_up"]
    text = T.STAFF_FILE_FAILED.format(
        code=code or "—", kind=T.KIND_NAMES.get(o.due.kind, o.due.kind), name=name, reason=reason
    )
    alert = Notice(
        key="", person_id=0, kind=Kind.STAFF_ALERT, text=text, due_at=now, class_id=class_id
    )
    about = f"{class_id or o.due.id}:{o.due.kind}"
    await enqueue_all(
        session,
        for_each(
            alert,
            await active_staff_ids(session, centre_id),
            lambda s: f"staff.file_failed:{about}:{s}",
        ),
    )
