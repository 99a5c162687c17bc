"""The check-ins export as an xlsx file (the rows come from `usecases.attendance_export`)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sheets.writer import SheetSpec, write_xlsx
from texts import attendance as TA
from texts import attendance_export as T
from usecases.attendance_export import Checkins
from vn.dates import format_date, format_time

__all__ = ["checkins_filename", "checkins_workbook", "period_text"]


def checkins_workbook(checkins: Checkins, tz: ZoneInfo) -> bytes:
    """One sheet: session, day, hours, topic, TT, learner, mark, how and by whom it was made."""
    table: list[tuple[object, ...]] = []
    for r in checkins.rows:
        starts = r.starts_at.astimezone(tz)
        hours = f"{format_time(starts.time())}–{format_time(r.ends_at.astimezone(tz).time())}"
        marked = r.status is not None
        table.append(
            (
                r.session_number,
                starts.date(),
                hours,
                r.topic,
                r.number,
                r.full_name,
                _cell(TA.STATUS_NAMES.get(r.status, r.status) if r.status else TA.NOT_MARKED),
                T.METHOD_NAMES.get(r.method, r.method) if marked and r.method else None,
                r.marked_by,
                r.marked_at.astimezone(tz) if marked and r.marked_at else None,
            )
        )
    spec = SheetSpec(
        T.SHEET,
        T.HEADER,
        table,
        title_lines=(
            T.TITLE.format(code=checkins.code, name=checkins.name),
            T.PERIOD.format(period=period_text(checkins.start, checkins.end)),
        ),
    )
    return write_xlsx([spec])


def _cell(words: str) -> str:
    """A chat word as a cell: its first letter capitalised ("có mặt" → "Có mặt")."""
    return words[:1].upper() + words[1:]


def checkins_filename(code: str, start: date, end: date) -> str:
    period = f"{start:%Y%m%d}" if start == end else f"{start:%Y%m%d}-{end:%Y%m%d}"
    return f"diem-danh-{code}-{period}.xlsx"


def period_text(start: date, end: date) -> str:
    if start == end:
        return T.PERIOD_ONE_DAY.format(day=format_date(start))
    return T.PERIOD_RANGE.format(start=format_date(start), end=format_date(end))
