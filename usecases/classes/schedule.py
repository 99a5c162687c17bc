"""Importing a class's schedule: sessions created or updated, matched by their number (Buổi),
else by start time; once the class is announced, its learners hear of every change in the
same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Class, Session, SessionStatus
from usecases.audit import record
from usecases.classes.roster import class_to_set_up
from usecases.classes.rules import schedule_offset, session_values
from usecases.identity import Actor
from usecases.notices import planning
from usecases.settings import NoticeSettings

if TYPE_CHECKING:
    from sheets.schedule import ScheduleRow

__all__ = ["ScheduleReport", "import_schedule"]


@dataclass
class ScheduleReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    moved_session_ids: list[int] = field(default_factory=list)


async def import_schedule(
    uow: UnitOfWork,
    *,
    class_id: int,
    rows: Sequence[ScheduleRow],
    tz: ZoneInfo,
    shift_to: date | None = None,
    actor: Actor,
    notices: NoticeSettings | None = None,
    now: datetime | None = None,
) -> ScheduleReport:
    """Create or update sessions, matched by their number (Buổi), else by start time.

    `shift_to` moves the whole schedule so its first day falls on that date, keeping weekdays'
    spacing: a centre reuses last year's timetable for this year's course.

    Once the class is announced, a moved session's learners are told and its reminders
    re-planned, and new sessions get reminders, all in this same transaction.
    """
    now = now or datetime.now(UTC)
    notices = notices or NoticeSettings()
    report = ScheduleReport()
    async with uow:
        session = uow.session
        klass = await class_to_set_up(session, actor, class_id)
        added, old_starts = await _apply(session, klass, rows, tz, shift_to, report)
        await _class_dates(session, klass, tz)
        for moved_id, old_start in old_starts.items():
            moved = await session.get(Session, moved_id)
            assert moved is not None
            await planning.session_moved(
                session, klass=klass, moved=moved, old_starts_at=old_start, notices=notices,
                tz=tz, now=now,
            )  # fmt: skip
        if added and klass.announced_at is not None:
            await planning.plan_reminders(
                session, klass=klass, sessions=added, notices=notices, tz=tz, now=now
            )
        record(
            session, actor, "class.import_schedule", entity="class", entity_id=class_id,
            details={"rows": len(rows), "created": report.created, "updated": report.updated},
        )  # fmt: skip
        await uow.commit()
    return report


async def _apply(
    session: AsyncSession,
    klass: Class,
    rows: Sequence[ScheduleRow],
    tz: ZoneInfo,
    shift_to: date | None,
    report: ScheduleReport,
) -> tuple[list[Session], dict[int, datetime]]:
    """Write each row into its session; returns the new sessions and the moved ones' old
    start times."""
    offset = schedule_offset(rows, shift_to)
    existing = list(await session.scalars(select(Session).where(Session.class_id == klass.id)))
    by_number = {s.number: s for s in existing if s.number is not None}
    by_start = {s.starts_at: s for s in existing}
    added: list[Session] = []
    old_starts: dict[int, datetime] = {}
    for row in rows:
        values = session_values(row, offset, tz, klass.location)
        current = (
            by_number.get(row.number)
            if row.number is not None
            else by_start.get(values["starts_at"])
        )
        if current is None:
            added.append(Session(class_id=klass.id, **values))
            session.add(added[-1])
            report.created += 1
            continue
        changed, moved_from = _update(current, values)
        if moved_from is not None:
            report.moved_session_ids.append(current.id)
            old_starts[current.id] = moved_from
        report.updated += changed
        report.unchanged += not changed
    await session.flush()
    return added, old_starts


def _update(current: Session, values: dict[str, Any]) -> tuple[bool, datetime | None]:
    """Set what changed (a cancelled session is scheduled again); returns whether anything
    did, and the old start time if the session moved."""
    changed = {k: v for k, v in values.items() if getattr(current, k) != v}
    moved_from = current.starts_at if "starts_at" in changed or "ends_at" in changed else None
    for key, value in changed.items():
        setattr(current, key, value)
    if current.status == SessionStatus.CANCELLED:
        current.status = SessionStatus.SCHEDULED
        return True, moved_from
    return bool(changed), moved_from


async def _class_dates(session: AsyncSession, klass: Class, tz: ZoneInfo) -> None:
    """The class runs from its first session's day to its last's."""
    first, last = (
        await session.execute(
            select(func.min(Session.starts_at), func.max(Session.starts_at)).where(
                Session.class_id == klass.id
            )
        )
    ).one()
    if first is not None:
        klass.start_date = first.astimezone(tz).date()
        klass.end_date = last.astimezone(tz).date()
