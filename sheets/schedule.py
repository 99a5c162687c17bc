"""The class schedule: when and where each session is, so reminders go out at the right time.

Schedules are written many ways: one "Thời gian" column with '7h30 - 11h00', separate start
and end columns, or only "Sáng"/"Chiều" (then the centre's usual hours apply); the date in
every row, or merged over the morning and afternoon rows, or in a group row ("Thứ Hai, ngày
04/03/2024") above them. A wrong date or time here sends a hundred people to class on the
wrong day, so anything doubtful is an error with its row number rather than a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import pairwise

from sheets.errors import RowError, SheetError
from sheets.reader import SECTION, Progress, Source, TableSpec, cell_problems, read_table
from vn.dates import (
    WEEKDAYS,
    DateError,
    format_date,
    format_time,
    parse_date,
    parse_time,
    parse_time_range,
    weekday_vi,
)
from vn.text import clean, fold

__all__ = [
    "AFTERNOON",
    "MORNING",
    "SCHEDULE_COLUMNS",
    "ScheduleParse",
    "ScheduleRow",
    "parse_schedule",
]

# Usual hours of a half-day session when the file says only "Sáng" or "Chiều".
MORNING = (time(7, 30), time(11, 0))
AFTERNOON = (time(13, 30), time(17, 0))
_PART_HOURS = {"sang": MORNING, "buoi sang": MORNING, "chieu": AFTERNOON, "buoi chieu": AFTERNOON}

SCHEDULE_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "number": ("STT", "TT", "Buổi số", "Buổi thứ", "Số buổi"),
    # "Buổi" holds either the session number (1, 2, …) or the part of day (Sáng/Chiều).
    "session": ("Buổi", "Buổi học"),
    "part": ("Sáng/Chiều", "Sáng, chiều", "Ca", "Ca học"),
    "weekday": ("Thứ", "Thứ trong tuần"),
    "day": ("Ngày", "Ngày học", "Ngày tháng", "Ngày, tháng", "Ngày/tháng/năm", "Ngày tháng năm"),
    "time": ("Thời gian", "Giờ", "Giờ học", "Thời gian học", "Khung giờ"),
    "start": ("Bắt đầu", "Từ", "Giờ bắt đầu", "Từ giờ", "Thời gian bắt đầu"),
    "end": ("Kết thúc", "Đến", "Giờ kết thúc", "Đến giờ", "Thời gian kết thúc"),
    "topic": (
        "Chuyên đề",
        "Nội dung",
        "Bài",
        "Tên chuyên đề",
        "Nội dung học",
        "Nội dung chuyên đề",
        "Tên bài",
        "Bài giảng",
    ),
    "lecturer": (
        "Giảng viên",
        "Báo cáo viên",
        "Người giảng",
        "Giảng viên, báo cáo viên",
        "Giảng viên/Báo cáo viên",
        "Người trình bày",
        "Người phụ trách",
    ),
    "place": ("Địa điểm", "Phòng học", "Nơi học", "Địa điểm học", "Phòng"),
}

SCHEDULE_SPEC = TableSpec(
    aliases=SCHEDULE_COLUMNS,
    required=(("day",), ("time",), ("start",)),
    expected="Buổi, Ngày, Thời gian (ví dụ 7h30 - 11h00), Chuyên đề, Giảng viên, Địa điểm",
)

_DATE_IN_TEXT_RE = re.compile(r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b")
_NUMBER_IN_TEXT_RE = re.compile(r"^(?:buoi\s*(?:so|thu)?\s*)?(\d{1,3})$")
_WEEKDAY_WORDS = {fold(name): i for i, name in enumerate(WEEKDAYS)} | {
    "thu 2": 0,
    "t2": 0,
    "thu 3": 1,
    "t3": 1,
    "thu 4": 2,
    "t4": 2,
    "thu 5": 3,
    "t5": 3,
    "thu 6": 4,
    "t6": 4,
    "thu 7": 5,
    "t7": 5,
    "cn": 6,
    "chu nhat": 6,
}


@dataclass(frozen=True)
class ScheduleRow:
    """One session as read from the schedule; text is NFC with single spaces."""

    row: int
    number: int | None
    day: date
    start: time
    end: time
    topic: str | None
    lecturer: str | None
    place: str | None


@dataclass(frozen=True)
class ScheduleParse:
    """Sessions understood and problems found; importable only if `errors` is empty."""

    rows: list[ScheduleRow]
    errors: list[RowError]
    columns: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_schedule(
    source: Source, *, filename: str | None = None, progress: Progress | None = None
) -> ScheduleParse:
    """Read a schedule file (path or bytes); SheetError if the file itself is unusable."""
    table = read_table(source, SCHEDULE_SPEC, filename=filename)
    rows: list[ScheduleRow] = []
    errors: list[RowError] = []
    carried: tuple[date, object] | None = None  # (last date, group row it was under)
    carried_weekday: str | None = None
    for number, values in table.rows(progress):
        if _is_blank(values) or _is_day_off(values):
            continue
        problems = cell_problems(values)
        day, weekday = _day(values, carried, problems)
        if values.get("day") is not None:
            carried_weekday = weekday
        elif weekday is None:
            weekday = carried_weekday  # the weekday cell is merged like the date cell
        if day is not None:
            carried = (day, values.get(SECTION))
            _check_weekday(day, weekday, problems)
        hours = _hours(values, problems)
        errors.extend(RowError.at(number, p) for p in problems)
        if problems or day is None or hours is None:
            continue
        rows.append(
            ScheduleRow(
                row=number,
                number=_session_number(values),
                day=day,
                start=hours[0],
                end=hours[1],
                topic=clean(values.get("topic")),
                lecturer=clean(values.get("lecturer")),
                place=clean(values.get("place")),
            )
        )
    errors.extend(_overlaps(rows))
    errors.sort()
    if not rows and not errors:
        raise SheetError("Tệp chỉ có dòng tiêu đề, chưa có buổi học nào.")
    return ScheduleParse(rows=rows, errors=errors, columns=tuple(table.labels.values()))


def _is_blank(values: Mapping[str, object]) -> bool:
    """Nothing but a number, a weekday or a date: the unused tail of a template."""
    ignored = ("number", "session", "weekday", "day", SECTION)
    return all(v is None for k, v in values.items() if k not in ignored)


def _day(
    values: Mapping[str, object], carried: tuple[date, object] | None, problems: list[str]
) -> tuple[date | None, str | None]:
    """(date of the row, weekday written next to it) from, in order: the row's own date cell
    ('04/03/2024', 'Thứ Hai, 04/03/2024'), a date inside the time cell, a date in a new group
    row above ('Thứ Ba, ngày 05/03/2024'), or the date merged over several rows (only the
    first row holds it, so it is carried down while the group stays the same)."""
    weekday = clean(values.get("weekday"))
    raw = values.get("day")
    if raw is None and isinstance(values.get("time"), date):
        raw = values.get("time")  # a 'Thời gian' column holding the date
    if raw is None:
        raw = _date_in(values.get("time"))
    section = values.get(SECTION)
    if raw is None and (carried is None or carried[1] != section):
        raw = _date_in(section)
        weekday = weekday or _words_around_date(section)
    if raw is None and carried is not None:
        return carried[0], weekday
    if raw is None:
        problems.append("Chưa có ngày học.")
        return None, weekday
    try:
        return parse_date(raw), weekday
    except DateError as exc:
        inner = _date_in(raw)
        if inner is None:
            problems.append(exc.reason)
            return None, weekday
    try:  # 'Thứ Hai, 04/03/2024': the date, with the weekday written beside it
        return parse_date(inner), weekday or _words_around_date(raw)
    except DateError as exc:
        problems.append(exc.reason)
        return None, weekday


def _words_around_date(value: object) -> str | None:
    text = clean(value)
    if text is None:
        return None
    rest = _DATE_IN_TEXT_RE.sub(" ", text)
    rest = re.sub(r"\b(?:ngày|ngay)\b|[,()\-:]", " ", rest, flags=re.IGNORECASE)
    words = clean(rest)
    return words if words and fold(words) in _WEEKDAY_WORDS else None


def _is_day_off(values: Mapping[str, object]) -> bool:
    """'Nghỉ', 'Nghỉ lễ' in place of a topic, without hours: a day without class."""
    topic = fold(clean(values.get("topic")))
    no_hours = all(values.get(k) is None for k in ("time", "start", "end"))
    return no_hours and (topic == "nghi" or topic.startswith("nghi "))


def _date_in(value: object) -> str | None:
    text = clean(value)
    if text is None:
        return None
    match = _DATE_IN_TEXT_RE.search(text)
    return match.group(0) if match else None


def _hours(values: Mapping[str, object], problems: list[str]) -> tuple[time, time] | None:
    """(start, end) from a range, from start and end columns, or from Sáng/Chiều."""
    raw_time = values.get("time")
    if isinstance(raw_time, date) and not _has_clock(raw_time):
        raw_time = None  # the date, read by `_day`
    elif raw_time is not None and not isinstance(raw_time, str):
        raw_time = _clock_cell(raw_time)
    text = clean(raw_time)
    if text is not None and _DATE_IN_TEXT_RE.search(text):
        text = clean(_DATE_IN_TEXT_RE.sub(" ", text).replace("ngày", " ").replace("Ngày", " "))
    part = _part_of_day(values, text)
    try:
        if text is not None and fold(text) not in _PART_HOURS:
            if values.get("end") is not None and _single_clock(text):
                return _ordered(parse_time(text), parse_time(values["end"]), problems)
            return parse_time_range(text)
        if values.get("start") is not None and values.get("end") is not None:
            return _ordered(parse_time(values["start"]), parse_time(values["end"]), problems)
        if values.get("start") is not None:
            problems.append("Chưa có giờ kết thúc.")
            return None
    except DateError as exc:
        problems.append(exc.reason)
        return None
    if part is not None:
        return _PART_HOURS[part]
    problems.append("Chưa có giờ học (ví dụ 7h30 - 11h00, hoặc ghi Sáng/Chiều).")
    return None


def _has_clock(value: date) -> bool:
    return isinstance(value, datetime) and (value.hour, value.minute) != (0, 0)


def _clock_cell(value: object) -> str | None:
    """A time-formatted cell ('7:30' stored as a time) as text the range parser reads."""
    try:
        return format_time(parse_time(value))
    except DateError:
        return clean(value)


def _single_clock(text: str) -> bool:
    try:
        parse_time(text)
    except DateError:
        return False
    return True


def _ordered(start: time, end: time, problems: list[str]) -> tuple[time, time] | None:
    if end <= start:
        problems.append(
            f"Giờ kết thúc {format_time(end)} phải sau giờ bắt đầu {format_time(start)}."
        )
        return None
    return start, end


def _part_of_day(values: Mapping[str, object], time_text: str | None) -> str | None:
    for candidate in (values.get("part"), values.get("session"), time_text):
        key = fold(clean(candidate))
        if key in _PART_HOURS:
            return key
    return None


def _session_number(values: Mapping[str, object]) -> int | None:
    for key in ("number", "session"):
        value = values.get(key)
        if isinstance(value, int | float) and float(value).is_integer() and value > 0:
            return int(value)
        match = _NUMBER_IN_TEXT_RE.match(fold(clean(value)))
        if match:
            return int(match.group(1))
    return None


def _check_weekday(day: date, weekday: object, problems: list[str]) -> None:
    """'Thứ Hai' next to a date that is a Tuesday: one of the two is wrong, ask which."""
    key = fold(clean(weekday))
    if not key:
        return
    written = _WEEKDAY_WORDS.get(key)
    if written is None and key.isdigit() and 2 <= int(key) <= 7:
        written = int(key) - 2
    if written is not None and written != day.weekday():
        problems.append(
            f"Ngày {format_date(day)} là {weekday_vi(day)}, nhưng cột Thứ ghi '{clean(weekday)}'."
        )


def _overlaps(rows: list[ScheduleRow]) -> list[RowError]:
    """Two sessions of one class at the same time: a typo in a date or an hour."""
    errors: list[RowError] = []
    ordered = sorted(rows, key=lambda r: (r.day, r.start, r.row))
    for before, after in pairwise(ordered):
        if before.day == after.day and after.start < before.end:
            errors.append(
                RowError.at(
                    after.row,
                    f"Buổi học trùng giờ với dòng {before.row} "
                    f"({format_date(after.day)}, {format_time(before.start)}"
                    f" - {format_time(before.end)}).",
                )
            )
    return errors
