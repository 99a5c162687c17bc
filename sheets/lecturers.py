"""The centre's list of lecturers: name, phone, unit (and a title, which is dropped)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sheets.errors import RowError, SheetError
from sheets.reader import Progress, Source, TableSpec, read_table
from sheets.roster import NAME_ALIASES, NUMBER_ALIASES, PHONE_ALIASES, UNIT_ALIASES, read_phone
from vn.text import clean, title_case_if_shouting

__all__ = ["LecturerRow", "parse_lecturers"]

LECTURER_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "number": NUMBER_ALIASES,
    "full_name": (*NAME_ALIASES, "Giảng viên", "Báo cáo viên", "Họ tên giảng viên"),
    "title": ("Học hàm, học vị", "Học vị", "Trình độ", "Danh xưng"),
    "unit_name": (*UNIT_ALIASES, "Chức vụ, đơn vị công tác"),
    "phone": PHONE_ALIASES,
}

LECTURER_SPEC = TableSpec(
    aliases=LECTURER_COLUMNS,
    required=(("full_name",),),
    expected="TT, Họ và tên, Số điện thoại, Đơn vị công tác",
    key_fields=("full_name",),
)


@dataclass(frozen=True)
class LecturerRow:
    row: int
    full_name: str
    phone: str | None  # E.164
    unit_name: str | None


def parse_lecturers(
    source: Source, *, filename: str | None = None, progress: Progress | None = None
) -> tuple[list[LecturerRow], list[RowError]]:
    """Rows understood and problems found (with their row numbers)."""
    table = read_table(source, LECTURER_SPEC, filename=filename)
    rows: list[LecturerRow] = []
    errors: list[RowError] = []
    for number, values in table.rows(progress):
        problems: list[str] = []
        name = clean(values.get("full_name"))
        if name is None or not any(ch.isalpha() for ch in name):
            problems.append("Chưa có họ và tên.")
        phone = read_phone(values, problems)
        errors.extend(RowError.at(number, p) for p in problems)
        if not problems and name is not None:
            unit = clean(values.get("unit_name"))
            rows.append(LecturerRow(number, title_case_if_shouting(name), phone, unit))
    if not rows and not errors:
        raise SheetError("Tệp chỉ có dòng tiêu đề, chưa có giảng viên nào.")
    return rows, errors
