"""How the outbox is doing, for the health endpoint, the metrics and the staff alert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from db.database import UnitOfWork
from db.models import Notification
from db.models import NotificationStatus as S

__all__ = ["OutboxHealth", "StaleWatch", "outbox_health", "ping"]


@dataclass(frozen=True)
class OutboxHealth:
    by_status: dict[str, int]
    oldest_due_seconds: float  # how long the oldest notice that is due has waited; 0 if none

    @property
    def waiting(self) -> int:
        return self.by_status.get(S.PENDING, 0) + self.by_status.get(S.SENDING, 0)


async def outbox_health(uow: UnitOfWork, now: datetime) -> OutboxHealth:
    async with uow:
        rows = await uow.session.execute(
            select(Notification.status, func.count()).group_by(Notification.status)
        )
        by_status = {status: 0 for status in S} | {status: n for status, n in rows.all()}
        oldest = await uow.session.scalar(
            select(func.min(Notification.due_at)).where(
                Notification.status.in_((S.PENDING, S.SENDING)), Notification.due_at <= now
            )
        )
    age = (now - oldest).total_seconds() if oldest is not None else 0.0
    return OutboxHealth(by_status, max(age, 0.0))


async def ping(uow: UnitOfWork) -> None:
    """One round trip to the database; raises if it cannot be reached."""
    async with uow:
        await uow.session.scalar(select(1))


@dataclass
class StaleWatch:
    """One alert each time the outbox becomes stale, none while it stays so."""

    limit_seconds: float
    alerted: bool = False

    def crossed(self, health: OutboxHealth) -> bool:
        stale = health.oldest_due_seconds > self.limit_seconds
        crossed, self.alerted = stale and not self.alerted, stale
        return crossed
