"""The statistics sent to every active staff member at each period's end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from db.database import UnitOfWork
from texts import stats as T
from usecases.identity import active_staff_ids
from usecases.messages import Document
from usecases.outbox import Notice, enqueue
from usecases.stats.figures import period_figures
from usecases.stats.rules import Period, Stats

__all__ = ["KIND", "PeriodReport", "Renderer", "send_period_stats"]

KIND = "stats"


@dataclass(frozen=True)
class PeriodReport:
    """What staff receive: the text with the workbook, then the chart (if any class ran)."""

    text: str
    workbook: Document
    chart: Document


# Made by the caller's renderer (`render.stats.period_report`): use cases make no files.
Renderer = Callable[[Stats], PeriodReport]


async def send_period_stats(
    uow: UnitOfWork,
    *,
    centre_id: int,
    period: Period,
    now: datetime,
    tz: ZoneInfo,
    render: Renderer,
) -> int:
    """Enqueue the period's statistics (text + workbook, then the chart) to every active
    staff member; keys name the period, so a re-run sends nothing twice. Returns rows added."""
    added = 0
    async with uow:
        session = uow.session
        stats = await period_figures(session, centre_id, period, now, tz)
        report = render(stats)
        staff = await active_staff_ids(session, centre_id)
        for person_id in list(staff):
            base = f"{KIND}:{centre_id}:{period.key}:{person_id}"
            notices = [
                Notice(
                    key=base,
                    person_id=person_id,
                    kind=KIND,
                    text=report.text,
                    document=report.workbook,
                    due_at=now,
                )
            ]
            if stats.classes:
                notices.append(
                    Notice(
                        key=f"{base}:chart",
                        person_id=person_id,
                        kind=KIND,
                        text=T.CHART_CAPTION.format(period=period.label),
                        document=report.chart,
                        due_at=now,
                    )
                )
            for notice in notices:
                added += await enqueue(session, notice) is not None
        await uow.commit()
    return added
