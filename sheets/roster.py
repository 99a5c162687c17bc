"""The class roster: who the learners are, how to reach them, and which unit sent them.

A roster is accepted whole or not at all: `parse_roster` returns every row it understood and
every problem it found, and the caller imports only when `errors` is empty. The unit matters
most after the name: it is where attendance alerts and results are sent ("quản lý học viên
theo 2 chiều"), so a learner without one is an error, while a missing phone is not (the
learner can still join with an invite code).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sheets.errors import RowError, SheetError
from sheets.reader import SECTION, Progress, Source, TableSpec, cell_problems, read_table
from vn.dates import DateError, parse_date, year_only
from vn.phones import PhoneError, display_phone, normalize_phone
from vn.text import clean, fold, name_key, title_case_if_shouting

__all__ = [
    "ROSTER_COLUMNS",
    "RosterParse",
    "RosterRow",
    "parse_roster",
]

# Person columns, shared with the results sheet (same people, same headers).
NUMBER_ALIASES = ("TT", "STT", "Số TT", "Số thứ tự")
NAME_ALIASES = (
    "Họ và tên",
    "Họ tên",
    "Họ, tên",
    "Họ và tên học viên",
    "Họ tên học viên",
    "Tên học viên",
    "Học viên",
)
FAMILY_ALIASES = ("Họ đệm", "Họ và tên đệm", "Họ và đệm", "Họ lót", "Họ")
GIVEN_ALIASES = ("Tên",)
BIRTH_ALIASES = (
    "Ngày sinh",
    "Ngày, tháng, năm sinh",
    "Ngày tháng năm sinh",
    "Ngày/tháng/năm sinh",
    "Sinh ngày",
    "Năm sinh",
)
# 'Ngày sinh' over two columns 'Nam' | 'Nữ': the date sits in the column of the gender.
BIRTH_MALE_ALIASES = tuple(f"{a} Nam" for a in BIRTH_ALIASES)
BIRTH_FEMALE_ALIASES = tuple(f"{a} Nữ" for a in BIRTH_ALIASES)
# 'Ngày sinh' over 'Ngày' | 'Tháng' | 'Năm'.
BIRTH_DAY_ALIASES = tuple(f"{a} Ngày" for a in BIRTH_ALIASES)
BIRTH_MONTH_ALIASES = tuple(f"{a} Tháng" for a in BIRTH_ALIASES)
BIRTH_YEAR_ALIASES = tuple(f"{a} Năm" for a in BIRTH_ALIASES)
UNIT_ALIASES = (
    "Đơn vị",
    "Cơ quan",
    "Đơn vị công tác",
    "Cơ quan, đơn vị",
    "Cơ quan đơn vị",
    "Cơ quan công tác",
    "Nơi công tác",
    "Đơn vị cử đi học",
    "Cơ quan cử đi học",
    "Tên đơn vị",
    "Đơn vị, địa phương",
)
PHONE_ALIASES = (
    "Số điện thoại",
    "Điện thoại",
    "SĐT",
    "SDT",
    "ĐT",
    "Số ĐT",
    "ĐTDĐ",
    "Di động",
    "Số di động",
    "Điện thoại di động",
    "Điện thoại liên hệ",
    "SĐT/Zalo",
    "Số Zalo",
    "Zalo",
)

ROSTER_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "number": NUMBER_ALIASES,
    "full_name": NAME_ALIASES,
    "family_name": FAMILY_ALIASES,
    "given_name": GIVEN_ALIASES,
    "birth_date": BIRTH_ALIASES,
    "birth_male": BIRTH_MALE_ALIASES,
    "birth_female": BIRTH_FEMALE_ALIASES,
    "birth_d": BIRTH_DAY_ALIASES,
    "birth_m": BIRTH_MONTH_ALIASES,
    "birth_y": BIRTH_YEAR_ALIASES,
    "gender": ("Giới tính", "Giới", "Nam/Nữ", "Nam, nữ", "Nam nữ"),
    "ethnicity": ("Dân tộc",),
    "position": ("Chức vụ", "Chức danh", "Chức vụ, chức danh", "Chức vụ hiện tại"),
    # One column for both (e.g. 'Bí thư Đoàn xã Tà Xùa'): kept as the position; the unit
    # must then come from a unit column or from group rows.
    "position_unit": (
        "Chức vụ, đơn vị",
        "Chức vụ, đơn vị công tác",
        "Chức vụ và đơn vị công tác",
        "Chức vụ, cơ quan",
    ),
    "unit_name": UNIT_ALIASES,
    # The unit's parent unit (issue 18): a commune's under a district's.
    "parent_unit": ("Đơn vị cấp trên", "Cấp trên", "Huyện", "Huyện ủy", "Đảng bộ cấp trên"),
    "phone": PHONE_ALIASES,
    "note": ("Ghi chú",),
}

NAME_REQUIRED = (("full_name",), ("family_name", "given_name"))
NAME_FIELDS = ("full_name", "family_name", "given_name")

ROSTER_SPEC = TableSpec(
    aliases=ROSTER_COLUMNS,
    required=NAME_REQUIRED,
    expected="TT, Họ và tên, Ngày sinh, Đơn vị, Số điện thoại",
    joined=("full_name",),
    key_fields=NAME_FIELDS,
)

_GENDERS = {"nam": "Nam", "m": "Nam", "male": "Nam", "nu": "Nữ", "f": "Nữ", "female": "Nữ"}
# 'I. ', '1. ', 'A- ', 'Đơn vị: ' in front of a group title used as the unit.
_SECTION_PREFIX_RE = re.compile(
    r"^(?:[IVXLC]+|\d+|[A-Z])\s*[.)\-/:]\s*|^(?:đơn vị|cơ quan)\s*:\s*", re.IGNORECASE
)
_EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class RosterRow:
    """One learner as read from the roster; text is NFC with single spaces."""

    row: int
    full_name: str
    birth_date: date | None
    gender: str | None
    ethnicity: str | None
    position: str | None
    unit_name: str
    phone: str | None  # E.164, '+84…'
    note: str | None
    # The year of birth: from the date, or alone when the file gives only a year ('Năm sinh').
    birth_year: int | None = None
    parent_unit: str | None = None  # the unit's parent unit ('Huyện', 'Đơn vị cấp trên')


@dataclass(frozen=True)
class RosterParse:
    """Rows understood and problems found; the file is importable only if `errors` is empty."""

    rows: list[RosterRow]
    errors: list[RowError]
    columns: tuple[str, ...] = field(default=())  # headers recognised, as written

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_roster(
    source: Source, *, filename: str | None = None, progress: Progress | None = None
) -> RosterParse:
    """Read a roster file (path or bytes); SheetError if the file itself is unusable."""
    table = read_table(source, ROSTER_SPEC, filename=filename)
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    phones_seen: dict[str, int] = {}
    people_seen: dict[tuple[str, date], int] = {}
    for number, values in table.rows(progress):
        if is_blank_person(values):
            continue
        row_errors = cell_problems(values)
        name = read_name(values, row_errors)
        birth, birth_year, gender_from_birth = read_birth(values, row_errors)
        phone = read_phone(values, row_errors)
        position = clean(values.get("position")) or clean(values.get("position_unit"))
        unit = clean(values.get("unit_name")) or _unit_from_section(values.get(SECTION))
        if unit is None:
            if "position_unit" in values and "unit_name" not in values:
                row_errors.append(
                    "Chưa có đơn vị: cột 'Chức vụ, đơn vị' gộp cả hai, hãy tách riêng cột "
                    "'Đơn vị' (kết quả học tập được gửi về đơn vị)."
                )
            else:
                row_errors.append("Chưa có đơn vị (cơ quan, đơn vị cử đi học).")
        if phone is not None:
            first = phones_seen.setdefault(phone, number)
            if first != number:
                row_errors.append(
                    f"Số điện thoại {display_phone(phone)} trùng với dòng {first}: "
                    "mỗi học viên một số riêng."
                )
        if name is not None and birth is not None:
            first = people_seen.setdefault((name_key(name), birth), number)
            if first != number:
                row_errors.append(
                    f"Học viên {name} ({birth:%d/%m/%Y}) đã có ở dòng {first}: mỗi người chỉ "
                    "ghi một dòng (xoá một trong hai dòng, giữ dòng có số điện thoại)."
                )
        errors.extend(RowError.at(number, reason) for reason in row_errors)
        if row_errors or name is None or unit is None:
            continue
        rows.append(
            RosterRow(
                row=number,
                full_name=name,
                birth_date=birth,
                gender=_gender(values.get("gender")) or gender_from_birth,
                ethnicity=clean(values.get("ethnicity")),
                position=position,
                unit_name=unit,
                phone=phone,
                note=clean(values.get("note")),
                birth_year=birth_year,
                parent_unit=clean(values.get("parent_unit")),
            )
        )
    if not rows and not errors:
        raise SheetError("Tệp chỉ có dòng tiêu đề, chưa có học viên nào.")
    return RosterParse(rows=rows, errors=errors, columns=tuple(table.labels.values()))


# ------------------------------------------------------------- person helpers (also results)


def is_blank_person(values: Mapping[str, object]) -> bool:
    """A row with nothing but its number: the unused tail of a template numbered 1…50."""
    return all(
        value is None or (isinstance(value, dict) and all(v is None for v in value.values()))
        for key, value in values.items()
        if key not in ("number", SECTION)
    )


def read_name(values: Mapping[str, object], errors: list[str]) -> str | None:
    """Full name from one column or from 'Họ đệm' + 'Tên'; Caps Lock names title-cased."""
    name = clean(values.get("full_name"))
    if name is None:
        parts = [clean(values.get("family_name")), clean(values.get("given_name"))]
        name = " ".join(p for p in parts if p) or None
    if name is None:
        errors.append("Chưa có họ và tên.")
        return None
    if not any(ch.isalpha() for ch in name):
        errors.append(f"Họ và tên '{name}' không đúng.")
        return None
    return title_case_if_shouting(name)


def read_birth(
    values: Mapping[str, object], errors: list[str]
) -> tuple[date | None, int | None, str | None]:
    """(birth date, year when only a year is given, gender implied by a Nam/Nữ column)."""
    gender: str | None = None
    raw = values.get("birth_date")
    if raw is None and values.get("birth_male") is not None:
        raw, gender = values.get("birth_male"), "Nam"
    elif raw is None and values.get("birth_female") is not None:
        raw, gender = values.get("birth_female"), "Nữ"
    if raw is None and values.get("birth_y") is not None:
        parts = (values.get("birth_d"), values.get("birth_m"), values.get("birth_y"))
        if all(p is not None for p in parts):
            raw = "/".join(clean(p) or "" for p in parts)
        else:
            raw = values.get("birth_y")
    if raw is None:
        return None, None, gender
    year = year_only(raw)
    if year is not None:
        return None, year, gender
    try:
        born = parse_date(raw)
    except DateError as exc:
        errors.append(exc.reason)
        return None, None, gender
    if not _EARLIEST_BIRTH <= born < date.today():
        errors.append(f"Ngày sinh {born:%d/%m/%Y} không hợp lý.")
        return None, None, gender
    return born, born.year, gender


def read_phone(values: Mapping[str, object], errors: list[str]) -> str | None:
    """E.164 phone or None when the cell is empty; a wrong number is an error."""
    raw = values.get("phone")
    if raw is None:
        return None
    try:
        return normalize_phone(raw)
    except PhoneError as exc:
        errors.append(exc.reason)
        return None


def _gender(value: object) -> str | None:
    text = clean(value)
    if text is None:
        return None
    return _GENDERS.get(fold(text), text)


def _unit_from_section(section: object) -> str | None:
    text = clean(section)
    if text is None:
        return None
    return clean(_SECTION_PREFIX_RE.sub("", text))
