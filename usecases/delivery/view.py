"""The staff view of a class's notices, and giving its failed ones another chance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update

from db.database import UnitOfWork
from db.models import ChatAccount, ChatStatus, Notification, Person
from db.models import NotificationStatus as S
from usecases.audit import record
from usecases.classes.setup import staff_class
from usecases.delivery.rules import FailedLine, KindCounts, count_kinds, failed_lines
from usecases.identity import Actor

__all__ = ["DeliveryView", "delivery_view", "resend_failed"]


@dataclass
class DeliveryView:
    class_id: int
    code: str
    name: str
    kinds: list[KindCounts] = field(default_factory=list)
    failed: list[FailedLine] = field(default_factory=list)
    failed_total: int = 0


async def delivery_view(uow: UnitOfWork, *, actor: Actor, class_code: str) -> DeliveryView:
    """Per notice kind: sent, pending, failed, expired; and who could not be reached, why."""
    async with uow:
        session = uow.session
        klass = await staff_class(session, actor, class_code)
        counts = await session.execute(
            select(Notification.kind, Notification.status, Notification.channel, func.count())
            .where(Notification.class_id == klass.id)
            .group_by(Notification.kind, Notification.status, Notification.channel)
        )
        failed = await session.execute(
            select(
                Person.id,
                Person.full_name,
                Notification.kind,
                Notification.last_error,
                Notification.channel,
            )
            .join(Person, Person.id == Notification.person_id)
            .where(Notification.class_id == klass.id, Notification.status == S.FAILED)
            .order_by(Person.full_name, Notification.kind)
        )
        view = DeliveryView(klass.id, klass.code, klass.name)
        view.kinds = count_kinds((k, s, c, n) for k, s, c, n in counts)
        view.failed = failed_lines((p, n, k, e, c) for p, n, k, e, c in failed)
        view.failed_total = len(view.failed)
        return view


async def resend_failed(
    uow: UnitOfWork,
    *,
    actor: Actor,
    class_code: str,
    now: datetime,
    kind: str | None = None,
) -> int:
    """Failed notices of a class get a new chance (same row, attempts start over). A person
    whose accounts were all blocked is tried again on them too: staff ask because they know
    the person is back."""
    async with uow:
        session = uow.session
        klass = await staff_class(session, actor, class_code)
        where = [Notification.class_id == klass.id, Notification.status == S.FAILED]
        if kind:
            where.append(Notification.kind == kind)
        people = list(await session.scalars(select(Notification.person_id).where(*where)))
        await session.execute(
            update(ChatAccount)
            .where(ChatAccount.person_id.in_(people), ChatAccount.status == ChatStatus.BLOCKED)
            .values(status=ChatStatus.ACTIVE, status_reason=None)
        )
        result = await session.execute(
            update(Notification)
            .where(*where)
            .values(status=S.PENDING, due_at=now, attempts=0, locked_until=None)
        )
        count = int(getattr(result, "rowcount", 0) or 0)
        record(
            session, actor, "notice.resend_failed", entity="class", entity_id=klass.id,
            details={"count": count},
        )  # fmt: skip
        await uow.commit()
        return count
