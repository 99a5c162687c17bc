"""Dates and times the Vietnamese way: read every shape a centre's file uses, write one shape.

Reading: Excel dates, Excel serial numbers (cells formatted as General), 'dd/mm/yyyy' and its
dot/dash cousins, ISO dates, 'ngày 4 tháng 3 năm 2024'; times like '7h30', '7g30', '07:30',
'7 giờ 30', '1h30 chiều', ranges joined by '-', '–', 'đến'. Writing: 'Thứ Hai, 04/03/2024, 7h30'.
Day-first is the only order we accept: a 'mm/dd' date from an English Excel is an error, not a
silent swap, because a reminder on the wrong day is worse than a rejected file.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from vn.text import nfc, unaccent

__all__ = [
    "WEEKDAYS",
    "DateError",
    "format_date",
    "format_datetime_short",
    "format_time",
    "format_when",
    "parse_date",
    "parse_time",
    "parse_time_range",
    "weekday_vi",
    "year_only",
]

# Pinned here instead of read from Babel/CLDR: these exact words appear in every reminder and
# in the tests, and must not change with a locale-data upgrade (CLDR's capitalisation of
# Vietnamese weekdays has varied between releases).
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

# Excel's day zero (serial 1 = 1900-01-01, with the fictitious 29/02/1900 accounted for).
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_MIN_SERIAL = 61  # before 01/03/1900 Excel's calendar is off by one; nobody needs it
_EXCEL_MAX_SERIAL = 73050  # 31/12/2099

_DMY_RE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d+)")
_YMD_RE = re.compile(r"(\d{4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})")
_WORDS_RE = re.compile(r"ngay\s+(\d{1,2})\s*,?\s*thang\s+(\d{1,2})\s*,?\s*nam\s+(\d+)")
_TRAILING_MIDNIGHT_RE = re.compile(r"\s+0{1,2}:00(:00(\.0+)?)?$")

# One clock time after `_normalize_clock`: 7h30, 7h, 7, with a part of day before or after.
_PARTS = r"(?:sang|trua|chieu|toi)"
_TIME_RE = re.compile(
    rf"(?:(?P<pre>{_PARTS})\s*:?\s*)?(?P<h>\d{{1,2}})(?:h(?P<m>\d{{2}})?)?\s*(?P<post>{_PARTS})?"
)
# Range separators. 'tới' (to) and 'tối' (evening) fold alike: a separator is followed by a time.
_RANGE_SPLIT_RE = re.compile(r"\s*(?:[-‐‑–—~→]|\bden\b|\btoi\b(?=\s*\d))\s*")
_AFTERNOON = frozenset({"chieu", "toi"})
# No class runs between midnight and 6h: '1h30 - 4h30' was meant as afternoon, but we ask for
# the 24-hour clock rather than guess.
_NIGHT_HOURS = range(0, 6)


class DateError(ValueError):
    """A date or time cell that cannot be read; `reason` is plain Vietnamese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------------------------- reading


def parse_date(value: object) -> date:
    """A cell → date: date/datetime, Excel serial, 'dd/mm/yyyy' and friends, 'yyyy-mm-dd'."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or value is None:
        raise DateError("Chưa có ngày.")
    if isinstance(value, int | float | Decimal):
        return _from_serial(value)
    text = nfc(str(value))
    if not text:
        raise DateError("Chưa có ngày.")
    text = _TRAILING_MIDNIGHT_RE.sub("", text)
    if m := _YMD_RE.fullmatch(text):
        return _make(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _DMY_RE.fullmatch(text):
        return _make_dmy(m[1], m[2], m[3], text)
    if m := _WORDS_RE.fullmatch(unaccent(text)):
        return _make_dmy(m[1], m[2], m[3], text)
    if text.isdigit() and len(text) == 8:  # 27071966, typed without separators
        return _make_dmy(text[:2], text[2:4], text[4:], text)
    if text.isdigit() and len(text) == 5:  # a serial number exported to CSV as text
        return _from_serial(int(text))
    if text.isdigit() and len(text) == 4:
        raise DateError(f"'{text}' chỉ có năm: cần đủ ngày/tháng/năm, ví dụ 04/03/1985.")
    raise DateError(f"Ngày '{text}' không đúng (cần dạng ngày/tháng/năm, ví dụ 04/03/2024).")


def year_only(value: object) -> int | None:
    """The year when a cell holds only a year (1985 or '1985'), else None.

    Many forms have a "Năm sinh" column; a bare year is information, not an error there.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 1900 <= value <= 2100:
        return value
    return None


def parse_time(value: object) -> time:
    """A cell → time: time/datetime, Excel day fraction (0.3125 = 7h30), '7h30', '07:30'…"""
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, bool) or value is None:
        raise DateError("Chưa có giờ.")
    if isinstance(value, float | Decimal) and 0 <= value < 1:
        minutes = round(float(value) * 24 * 60)
        return time(minutes // 60 % 24, minutes % 60)
    text = nfc(str(value))
    clock = _clock(_normalize_clock(text))
    if clock is None:
        raise DateError(f"Giờ '{text}' không đúng (ví dụ 7h30 hoặc 07:30).")
    return _apply_part(clock[0], clock[1])


def parse_time_range(value: object) -> tuple[time, time]:
    """'7h30 - 11h00', '07:30 – 11:00', '7 giờ 30 đến 11 giờ' → (start, end), end after start."""
    text = nfc(str(value)) if value is not None else ""
    if not text:
        raise DateError("Chưa có giờ học.")
    wrong = f"Giờ học '{text}' không đúng (cần dạng 7h30 - 11h00)."
    normal = re.sub(r"^(?:tu|luc)\s+", "", _normalize_clock(text))
    parts = [p for p in _RANGE_SPLIT_RE.split(normal) if p]
    if len(parts) != 2:
        raise DateError(wrong)
    first, second = _clock(parts[0]), _clock(parts[1])
    if first is None or second is None:
        raise DateError(wrong)
    # A part of day written once ('1h30 - 4h30 chiều') applies to both ends.
    shared = first[1] or second[1]
    start = _apply_part(first[0], first[1] or shared)
    end = _apply_part(second[0], second[1] or shared)
    if start.hour in _NIGHT_HOURS or end.hour in _NIGHT_HOURS:
        raise DateError(
            f"Giờ học '{text}' rơi vào ban đêm: ghi giờ theo 24 giờ, ví dụ 13h30 - 16h30."
        )
    if end <= start:
        raise DateError(
            f"Giờ học '{text}': giờ kết thúc {format_time(end)} phải sau giờ bắt đầu "
            f"{format_time(start)}."
        )
    return start, end


def _normalize_clock(text: str) -> str:
    """'07:30', '7.30', '7g30', '7 giờ 30 phút' → '07h30'; lowercase, no diacritics."""
    s = unaccent(text)
    s = re.sub(r"(\d)\s*(?:gio|g|h|:|\.)\s*(?=\d)", r"\1h", s)
    s = re.sub(r"(\d)\s*(?:gio|g|h)\b", r"\1h", s)
    s = re.sub(r"(\d)\s*(?:phut|ph|p|')(?![a-z])", r"\1", s)
    return s.strip()


def _clock(token: str) -> tuple[time, str | None] | None:
    """One normalized time token → (time as written, part of day or None)."""
    m = _TIME_RE.fullmatch(token.strip())
    if not m:
        return None
    hour, minute = int(m["h"]), int(m["m"] or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute), m["pre"] or m["post"]


def _apply_part(clock: time, part: str | None) -> time:
    if part in _AFTERNOON and clock.hour < 12:
        return clock.replace(hour=clock.hour + 12)
    return clock


def _from_serial(value: float | int | Decimal) -> date:
    serial = float(value)
    # 1900–2100 as a serial would be a day in 1905; as a "Năm sinh" cell it is a year.
    if 1900 <= serial <= 2100 and serial.is_integer():
        raise DateError(f"'{int(serial)}' chỉ có năm: cần đủ ngày/tháng/năm, ví dụ 04/03/1985.")
    if not _EXCEL_MIN_SERIAL <= serial <= _EXCEL_MAX_SERIAL:
        raise DateError(f"Ngày '{value}' không đúng (cần dạng ngày/tháng/năm).")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _make_dmy(day: str, month: str, year: str, shown: str) -> date:
    if len(year) != 4:
        raise DateError(f"Ngày '{shown}': năm phải đủ 4 chữ số (ví dụ 04/03/1985).")
    return _make(int(year), int(month), int(day), shown)


def _make(year: int, month: int, day: int, shown: str) -> date:
    if not 1 <= month <= 12:
        raise DateError(f"Ngày '{shown}': tháng {month} không có (cần dạng ngày/tháng/năm).")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"Ngày '{shown}' không có thật trên lịch.") from None


# ---------------------------------------------------------------------------------- writing


def weekday_vi(d: date) -> str:
    """'Thứ Hai' … 'Chủ Nhật'."""
    return WEEKDAYS[d.weekday()]


def format_date(d: date) -> str:
    """'04/03/2024'."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_time(t: time) -> str:
    """'7h30', '13h00': the hour unpadded as people say it, minutes always two digits."""
    return f"{t.hour}h{t.minute:02d}"


def format_when(dt: datetime) -> str:
    """'Thứ Hai, 04/03/2024, 7h30' for announcements and reminders."""
    return f"{weekday_vi(dt.date())}, {format_date(dt.date())}, {format_time(dt.time())}"


def format_datetime_short(dt: datetime) -> str:
    """'7h30 04/03' for lists where the year is obvious."""
    return f"{format_time(dt.time())} {dt.day:02d}/{dt.month:02d}"
