"""The results sheet: scores, grade and remark per learner, to send to them and their unit.

Score columns vary by course ("Điểm kiểm tra", "Điểm thu hoạch", "Điểm tiểu luận", "Điểm
TB"…), so every column whose header starts with "Điểm" is a score, kept under its header as
written; a score column spelled out in words ("Bằng chữ") is not. Grades are brought to
one spelling ('KHÁ', 'kha' → 'Khá') so statistics count them together.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sheets.errors import RowError, SheetError
from sheets.reader import Progress, Source, TableSpec, cell_problems, read_table
from sheets.roster import (
    BIRTH_ALIASES,
    BIRTH_FEMALE_ALIASES,
    BIRTH_MALE_ALIASES,
    FAMILY_ALIASES,
    GIVEN_ALIASES,
    NAME_ALIASES,
    NAME_FIELDS,
    NAME_REQUIRED,
    NUMBER_ALIASES,
    PHONE_ALIASES,
    UNIT_ALIASES,
    is_blank_person,
    read_birth,
    read_name,
    read_phone,
)
from vn.numbers import ScoreError, parse_score
from vn.text import clean, fold, name_key, nfc

__all__ = ["GRADES", "RESULT_COLUMNS", "ResultRow", "ResultsParse", "parse_results"]

RESULT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "number": NUMBER_ALIASES,
    "full_name": NAME_ALIASES,
    "family_name": FAMILY_ALIASES,
    "given_name": GIVEN_ALIASES,
    "birth_date": BIRTH_ALIASES,
    "birth_male": BIRTH_MALE_ALIASES,
    "birth_female": BIRTH_FEMALE_ALIASES,
    "unit_name": UNIT_ALIASES,
    "phone": PHONE_ALIASES,
    "grade": ("Xếp loại", "Xếp loại học tập", "Xếp loại kết quả", "Kết quả xếp loại", "Loại"),
    "outcome": ("Kết quả", "Kết quả học tập", "Đạt/Không đạt"),
    "remark": (
        "Nhận xét",
        "Nhận xét, đánh giá",
        "Đánh giá",
        "Nhận xét của giảng viên",
        "Ghi chú",
    ),
}
# Headers that are scores without starting with "Điểm" (folded).
SCORE_HEADERS = frozenset({"dtb", "tbc", "trung binh chung", "tb chung", "tieu luan"})
# "Điểm danh" is attendance, "Bằng chữ" the score in words: neither is a score to read.
_NOT_SCORE_WORDS = ("diem danh", "bang chu")

# Canonical grade words; anything else is kept as written (NFC).
GRADES = (
    "Xuất sắc",
    "Giỏi",
    "Khá",
    "Trung bình khá",
    "Trung bình",
    "Yếu",
    "Kém",
    "Đạt",
    "Không đạt",
    "Hoàn thành",
    "Không hoàn thành",
)
_GRADE_BY_FOLD = {fold(g): g for g in GRADES} | {
    "xs": "Xuất sắc",
    "tb": "Trung bình",
    "tbk": "Trung bình khá",
    "tb kha": "Trung bình khá",
    "kd": "Không đạt",
}
_IN_NUMBERS_RE = re.compile(r"\s*[(\-–]?\s*bằng số\s*\)?\s*$", re.IGNORECASE)


def _is_score_header(folded: str) -> bool:
    if any(word in folded for word in _NOT_SCORE_WORDS):
        return False
    return folded.startswith("diem") or folded in SCORE_HEADERS


RESULTS_SPEC = TableSpec(
    aliases=RESULT_COLUMNS,
    required=NAME_REQUIRED,
    expected="TT, Họ và tên, Ngày sinh, Đơn vị, Điểm …, Xếp loại, Nhận xét",
    groups={"scores": _is_score_header},
    joined=("full_name",),
    key_fields=NAME_FIELDS,
)


@dataclass(frozen=True)
class ResultRow:
    """One learner's result; `scores` maps each score column's header (as written) to 0–10."""

    row: int
    full_name: str
    birth_date: date | None
    unit_name: str | None
    phone: str | None
    scores: dict[str, Decimal]
    grade: str | None
    remark: str | None


@dataclass(frozen=True)
class ResultsParse:
    """Results understood and problems found; importable only if `errors` is empty."""

    rows: list[ResultRow]
    errors: list[RowError]
    columns: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_results(
    source: Source, *, filename: str | None = None, progress: Progress | None = None
) -> ResultsParse:
    """Read a results file (path or bytes); SheetError if the file itself is unusable."""
    table = read_table(source, RESULTS_SPEC, filename=filename)
    rows: list[ResultRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, date], int] = {}
    for number, values in table.rows(progress):
        if is_blank_person(values):
            continue
        problems = cell_problems(values)
        name = read_name(values, problems)
        birth, _, _ = read_birth(values, problems)
        phone = read_phone(values, problems)
        scores = _scores(values.get("scores"), problems)
        grade = _grade(values.get("grade")) or _grade(values.get("outcome"))
        remark = clean(values.get("remark"))
        if not problems and not scores and grade is None and remark is None:
            problems.append("Chưa có điểm, xếp loại hay nhận xét.")
        if name is not None and birth is not None:
            first = seen.setdefault((name_key(name), birth), number)
            if first != number:
                problems.append(f"Học viên {name} ({birth:%d/%m/%Y}) trùng với dòng {first}.")
        errors.extend(RowError.at(number, p) for p in problems)
        if problems or name is None:
            continue
        rows.append(
            ResultRow(
                row=number,
                full_name=name,
                birth_date=birth,
                unit_name=clean(values.get("unit_name")),
                phone=phone,
                scores=scores,
                grade=grade,
                remark=remark,
            )
        )
    if not rows and not errors:
        raise SheetError("Tệp chỉ có dòng tiêu đề, chưa có kết quả của học viên nào.")
    return ResultsParse(rows=rows, errors=errors, columns=tuple(table.labels.values()))


def _scores(cells: object, problems: list[str]) -> dict[str, Decimal]:
    scores: dict[str, Decimal] = {}
    if not isinstance(cells, dict):
        return scores
    for header, raw in cells.items():
        if raw is None:
            continue  # not taken (absent from the test): no score, not an error
        label = nfc(_IN_NUMBERS_RE.sub("", header)) or header
        try:
            scores[label] = parse_score(raw)
        except ScoreError as exc:
            problems.append(f"{label}: {exc.reason}")
    return scores


def _grade(value: object) -> str | None:
    text = clean(value)
    if text is None:
        return None
    return _GRADE_BY_FOLD.get(fold(text), text)
