"""The decisions of results, over plain values: grades from scores, which learner a row is,
what a line typed in chat means, who is told what when results are published.

No database, no clock: the service modules load, call these, and write.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from sheets.results import GRADES, ResultRow
from texts import results as T
from usecases.refusal import Reason, Refused
from vn.dates import format_date, format_when
from vn.numbers import ScoreError, parse_score
from vn.text import fold, name_key, nfc

__all__ = [
    "AVERAGE_HEADERS",
    "Entry",
    "Kind",
    "Learner",
    "ResultsReason",
    "derive_grade",
    "entry_columns",
    "leaders_by_unit",
    "match_rows",
    "parse_entry",
    "refuse_group",
    "refuse_if_published",
    "score_columns",
]

# Folded headers of a column that already is the combined score.
AVERAGE_HEADERS = frozenset(
    {
        "diem tb",
        "dtb",
        "diem trung binh",
        "diem trung binh chung",
        "trung binh chung",
        "tbc",
        "diem tbc",
        "tb chung",
        "diem tong ket",
        "diem tk",
    }
)
_PLACES = Decimal("0.01")
_GRADE_BY_FOLD = {fold(g): g for g in GRADES}
_SPLIT_RE = re.compile(r"\s+")


class ResultsReason(Reason):
    NOT_STAFF = "results.not_staff"  # not staff of the class's centre
    IN_GROUP = "results.in_group"  # results are personal: never in a group chat
    ALREADY_PUBLISHED = "results.already_published"
    NOTHING_TO_PUBLISH = "results.nothing_to_publish"
    ENTRY_BAD = "results.entry_bad"  # a typed result that cannot be understood
    ENTRY_BAD_SCORE = "results.entry_bad_score"
    NOT_IN_CLASS = "results.not_in_class"  # no learner with that number (TT)


class Kind(StrEnum):
    RESULT = "result"
    UNIT_RESULTS = "unit_results"
    # The summary's spreadsheet is a delivery of its own: the text goes once whatever
    # happens to the file, and a refused file fails alone, visibly.
    UNIT_RESULTS_FILE = "unit_results_file"


@dataclass(frozen=True)
class Entry:
    scores: list[Decimal]
    grade: str | None
    remark: str | None


@dataclass(frozen=True)
class Learner:
    """An enrolled learner as a results row is matched to them."""

    id: int
    full_name: str
    name_key: str
    birth_date: date | None
    phone: str | None


# --- grading --------------------------------------------------------------------------------


def derive_grade(scores: Mapping[str, Decimal], scale: Sequence[tuple[float, str]]) -> str | None:
    """The grade the centre's scale gives these scores: a column that already is the average
    is used as is; otherwise the plain average of all columns, rounded half up to 2 places."""
    if not scores:
        return None
    combined = next((v for k, v in scores.items() if fold(k) in AVERAGE_HEADERS), None)
    if combined is None:
        total = sum(scores.values(), Decimal(0))
        combined = (total / len(scores)).quantize(_PLACES, rounding=ROUND_HALF_UP)
    for threshold, grade in sorted(scale, key=lambda step: step[0], reverse=True):
        if combined >= Decimal(str(threshold)):
            return grade
    return None


def _grade_word(text: str) -> str:
    return _GRADE_BY_FOLD.get(fold(text), nfc(text))


# --- refusals -------------------------------------------------------------------------------


def refuse_group(in_group: bool) -> None:
    """Results are personal: never shown in a group chat, whoever asks there."""
    if in_group:
        raise Refused(ResultsReason.IN_GROUP)


def refuse_if_published(code: str, published_at: datetime | None, tz: ZoneInfo) -> None:
    """Published results were sent once and no longer change."""
    if published_at is not None:
        when = format_when(published_at.astimezone(tz))
        raise Refused(ResultsReason.ALREADY_PUBLISHED, code=code, when=when)


# --- matching a sheet's rows ----------------------------------------------------------------


class _Index:
    def __init__(self, learners: Iterable[Learner]) -> None:
        self.by_name_birth: dict[tuple[str, date | None], list[Learner]] = {}
        self.by_phone: dict[str, list[Learner]] = {}
        for p in learners:
            self.by_name_birth.setdefault((p.name_key, p.birth_date), []).append(p)
            if p.phone:
                self.by_phone.setdefault(p.phone, []).append(p)

    def candidates(self, row: ResultRow) -> list[Learner]:
        found: list[Learner] = []
        if row.birth_date is not None:
            found = list(self.by_name_birth.get((name_key(row.full_name), row.birth_date), []))
            if len(found) > 1 and row.phone:
                found = [p for p in found if p.phone == row.phone]
        if not found and row.phone:
            found = list(self.by_phone.get(row.phone, []))
        return found


def match_rows(
    rows: Sequence[ResultRow], learners: Iterable[Learner], code: str
) -> tuple[list[tuple[ResultRow, Learner]], list[str]]:
    """Each row to one enrolled learner, by folded name and birth date, else by phone; the
    errors of rows that match nobody, several people, or a learner already matched."""
    index = _Index(learners)
    matched: list[tuple[ResultRow, Learner]] = []
    errors: list[str] = []
    first_row: dict[int, int] = {}
    for row in rows:
        learner, error = _match(row, index, code)
        if learner is not None and learner.id in first_row:
            error = T.ROW_SAME_LEARNER.format(
                row=row.row, first=first_row[learner.id], name=learner.full_name
            )
        if error is not None or learner is None:
            errors.append(error or "")
            continue
        first_row[learner.id] = row.row
        matched.append((row, learner))
    return matched, errors


def _match(row: ResultRow, index: _Index, code: str) -> tuple[Learner | None, str | None]:
    birth = T.BIRTH_SUFFIX.format(date=format_date(row.birth_date)) if row.birth_date else ""
    if row.birth_date is None and not row.phone:
        return None, T.ROW_NO_KEY.format(row=row.row, name=row.full_name)
    candidates = index.candidates(row)
    if len(candidates) == 1:
        return candidates[0], None
    if not candidates:
        return None, T.ROW_UNMATCHED.format(row=row.row, name=row.full_name, birth=birth, code=code)
    return None, T.ROW_AMBIGUOUS.format(
        row=row.row, name=row.full_name, birth=birth, count=len(candidates), code=code
    )


# --- one learner's result, typed in chat ----------------------------------------------------


def parse_entry(text: str) -> Entry:
    """'8,5 9 Khá ; Tích cực' → scores [8.5, 9], grade 'Khá', remark 'Tích cực'.

    Numbers first, then an optional grade in words, then after ';' an optional remark.
    """
    head, _, remark = nfc(text).partition(";")
    scores: list[Decimal] = []
    words: list[str] = []
    for token in _SPLIT_RE.split(head.strip()):
        if not token:
            continue
        if not words and token[0].isdigit():
            try:
                scores.append(parse_score(token))
            except ScoreError as exc:
                raise Refused(ResultsReason.ENTRY_BAD_SCORE, value=token, why=exc.reason) from exc
            continue
        words.append(token)
    grade = _grade_word(" ".join(words)) if words else None
    if not scores and grade is None:
        raise Refused(ResultsReason.ENTRY_BAD)
    return Entry(scores=scores, grade=grade, remark=nfc(remark) or None)


def score_columns(scores: Iterable[Mapping[str, object]]) -> list[str]:
    """Score column labels in the order first seen."""
    seen: dict[str, None] = {}
    for one in scores:
        for label in one:
            seen.setdefault(label, None)
    return list(seen)


def entry_columns(columns: Sequence[str], count: int) -> list[str]:
    """The class's columns, extended to `count` with "Điểm", "Điểm 2"… for a typed entry."""
    labels = list(columns)
    while len(labels) < count:
        n = len(labels) + 1
        labels.append(T.ENTRY_DEFAULT_COLUMN if n == 1 else f"{T.ENTRY_DEFAULT_COLUMN} {n}")
    return labels


# --- who is told ----------------------------------------------------------------------------


def leaders_by_unit(
    leaders: Iterable[tuple[int, int]], units: Mapping[int | None, str | None]
) -> tuple[dict[int, set[int]], list[str]]:
    """From (leader, unit) pairs and the units with a result (id → name): each leader's
    units, and the names of units nobody leads (told to staff, not silently dropped)."""
    units_of: dict[int, set[int]] = {}
    for leader_id, unit_id in leaders:
        units_of.setdefault(leader_id, set()).add(unit_id)
    led = {u for us in units_of.values() for u in us}
    unled = sorted({name for u, name in units.items() if u not in led and name})
    return units_of, unled
