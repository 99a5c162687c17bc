"""The class's attendance sheet (xlsx), made from the learners × sessions grid."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sheets.writer import Percent, SheetSpec, write_xlsx
from texts import attendance as T
from usecases.attendance import AttendanceMatrix, count
from vn.dates import format_date

__all__ = ["attendance_sheet"]


def attendance_sheet(matrix: AttendanceMatrix, *, today: date, tz: ZoneInfo) -> bytes:
    """Learners × sessions, per-learner totals and rate, and a row of per-session totals and
    rates at the bottom."""
    sessions = matrix.sessions
    header = [T.SHEET_NUMBER, T.SHEET_NAME, T.SHEET_UNIT]
    header += [
        T.SHEET_SESSION.format(
            number=s.number or i + 1, date=format_date(s.starts_at.astimezone(tz).date())
        )
        for i, s in enumerate(sessions)
    ]
    header += [T.SHEET_PRESENT, T.SHEET_LATE, T.SHEET_EXCUSED, T.SHEET_ABSENT, T.SHEET_RATE]
    rows: list[list[object]] = []
    for row in matrix.rows:
        c = row.counts
        rows.append(
            [row.number, row.name, row.unit or ""]
            + [T.SHEET_SYMBOLS.get(m or "", "") for m in row.marks]
            + [c.present, c.late, c.excused, c.absent, Percent(row.rate)]
        )
    per_session = [count([r.marks[i] for r in matrix.rows]) for i in range(len(sessions))]
    rows.append(["", T.SHEET_TOTAL_ROW, ""] + [c.attended for c in per_session])
    rows.append(
        ["", T.SHEET_RATE_ROW, ""]
        + [Percent(c.attended / c.held) if c.held else None for c in per_session]
    )
    title = [
        line.format(class_name=matrix.name, code=matrix.code, date=format_date(today))
        for line in T.SHEET_TITLE_LINES
    ]
    return write_xlsx([SheetSpec(T.SHEET_TITLE, header, rows, title_lines=title)])
