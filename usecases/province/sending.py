"""The province's statistics sent to the provincial school's staff at each period's end, the
same morning each centre's staff get their own (`usecases.stats.sending`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.database import UnitOfWork
from db.models import Centre
from usecases.identity import active_staff_ids
from usecases.messages import Document
from usecases.outbox import Notice, enqueue
from usecases.province.figures import load_province
from usecases.province.rules import ProvinceFigures
from usecases.stats.rules import Period

__all__ = ["KIND", "Renderer", "send_province_report"]

KIND = "province"

# Made by the caller (`render.province.period_report`): the text and the workbook.
Renderer = Callable[[ProvinceFigures], tuple[str, Document]]


async def send_province_report(
    uow: UnitOfWork, *, period: Period, now: datetime, tz: ZoneInfo, render: Renderer
) -> int:
    """Enqueue the period's province figures (text with the workbook) to every active staff
    member of the provincial school; keys name the period, so a re-run sends nothing twice.
    No provincial school configured: nothing. Returns rows added."""
    added = 0
    async with uow:
        session = uow.session
        centre_id = await session.scalar(
            select(Centre.id).where(Centre.is_province.is_(True)).order_by(Centre.id).limit(1)
        )
        if centre_id is None:
            return 0
        staff = await active_staff_ids(session, centre_id)
        if not staff:
            return 0
        text, workbook = render(await load_province(session, period, now, tz))
        for person_id in staff:
            notice = Notice(
                key=f"{KIND}:{period.key}:{person_id}",
                person_id=person_id,
                kind=KIND,
                text=text,
                document=workbook,
                due_at=now,
            )
            added += await enqueue(session, notice) is not None
        await uow.commit()
    return added
