"""Spreadsheets we send out: results to units, exports to staff.

Every text cell is written as text. Learner names, remarks and questions come from people
outside the centre; a cell starting with '=', '+', '-' or '@' would otherwise become a formula
when the unit leader opens the file (CSV/formula injection), so such strings are stored as
plain strings (and marked with Excel's quote prefix), never as formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from vn.dates import format_date, format_time
from vn.numbers import format_percent, format_score
from vn.text import nfc

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written, not with this module
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell

__all__ = ["FORMULA_TRIGGERS", "Percent", "SheetSpec", "write_csv", "write_xlsx"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
TIME_FORMAT = "HH:MM"
PERCENT_FORMAT = "0.0%"  # Excel shows the decimal separator of the reader's own locale
# One decimal always shown (8,0 / 8,5), a second only for quarter points (7,25).
SCORE_FORMAT = "0.0#"
MIN_WIDTH, MAX_WIDTH = 6, 60
_SHEET_TITLE_MAX = 31  # Excel's limit
_SHEET_TITLE_BAD = str.maketrans({c: " " for c in "[]:*?/\\"})
_BOOL_TEXT = {True: "Có", False: "Không"}


@dataclass(frozen=True)
class Percent:
    """A rate (0.925) written as a number shown as a percentage, so staff can sort, average
    and chart it; text such as '92,5%' is none of those."""

    ratio: float | Decimal


@dataclass(frozen=True)
class SheetSpec:
    """One worksheet: optional title lines above a bold, frozen header, then the rows."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]
    title_lines: Sequence[str] = ()
    column_widths: Sequence[float] | None = None


def write_xlsx(sheets: Sequence[SheetSpec]) -> bytes:
    """The workbook as bytes, ready to attach to a message."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the blank sheet a new workbook starts with
    used_titles: set[str] = set()
    # A workbook with no sheet cannot be saved; an empty export still opens.
    for spec in sheets or (SheetSpec("Trang 1", (), ()),):
        _write_sheet(workbook, spec, _unique_title(spec.title, used_titles))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with BOM and CRLF, so Excel on a Vietnamese Windows opens the accents right.

    CSV has no cell types, so a dangerous text gets a leading apostrophe (OWASP's advice).
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_text(h) for h in header])
    for row in rows:
        writer.writerow([_csv_text(_csv_value(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ------------------------------------------------------------------------------ internals


def _write_sheet(workbook: Workbook, spec: SheetSpec, title: str) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    width = max(len(spec.header), 1)
    widths = [len(str(h)) for h in spec.header] + [0] * (width - len(spec.header))
    row_number = 1
    for line in spec.title_lines:
        cell = sheet.cell(row=row_number, column=1)
        _set(cell, line)
        cell.font = Font(bold=True)
        if width > 1:
            sheet.merge_cells(
                start_row=row_number, start_column=1, end_row=row_number, end_column=width
            )
        row_number += 1
    if spec.title_lines:
        row_number += 1  # a blank line between the title block and the table
    header_row = row_number
    for column, label in enumerate(spec.header, start=1):
        cell = sheet.cell(row=header_row, column=column)
        _set(cell, label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for values in spec.rows:
        row_number += 1
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column)
            shown = _set(cell, value)
            if column > len(widths):
                widths.append(0)
            widths[column - 1] = max(widths[column - 1], shown)
    if spec.header:
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    chosen = list(spec.column_widths) if spec.column_widths else []
    for index, natural in enumerate(widths):
        letter = get_column_letter(index + 1)
        if index < len(chosen):
            sheet.column_dimensions[letter].width = chosen[index]
        else:
            sheet.column_dimensions[letter].width = min(max(natural + 2, MIN_WIDTH), MAX_WIDTH)


def _set(cell: Cell, value: object) -> int:
    """Write one value with its type and format; returns its display width for sizing."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return 0
    if isinstance(value, bool):
        value = _BOOL_TEXT[value]
    if isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = DATETIME_FORMAT
        return 16
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return 10
    if isinstance(value, time):
        cell.value = value
        cell.number_format = TIME_FORMAT
        return 5
    if isinstance(value, Percent):
        cell.value = float(value.ratio)
        cell.number_format = PERCENT_FORMAT
        return 6
    if isinstance(value, Decimal):
        cell.value = float(value)
        cell.number_format = SCORE_FORMAT
        return len(format_score(value)) + 1
    if isinstance(value, int | float):
        cell.value = value
        return len(str(value))
    text = ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))
    cell.value = text
    # openpyxl turns any string starting with '=' into a formula on assignment; force text.
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True  # Excel keeps it text when edited
    return max((len(line) for line in text.splitlines()), default=0)


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _BOOL_TEXT[value]
    if isinstance(value, datetime):
        return f"{format_date(value.date())} {value:%H:%M}"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, time):
        return format_time(value)
    if isinstance(value, Decimal):
        return format_score(value)
    if isinstance(value, Percent):
        return format_percent(value.ratio)
    return value


def _csv_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _unique_title(title: str, used: set[str]) -> str:
    base = (nfc(title.translate(_SHEET_TITLE_BAD)).strip("'") or "Trang")[:_SHEET_TITLE_MAX]
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = base[: _SHEET_TITLE_MAX - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate
