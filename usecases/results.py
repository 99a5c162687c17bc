"""Results: import or enter them, preview, publish once, and show each person what is theirs.

Matching a results row to a learner is strict, because a wrong match sends one person's result
to another person and their unit: a row matches an enrolled learner by folded name and birth
date, else by phone; a row that matches nobody, or more than one, is reported with its row number
and the whole import is refused (nothing is guessed, nothing half-imported).

When the sheet gives no grade, it is derived from the scores by `Settings.grade_scale`
(thresholds, highest first). Several score columns combine as follows: a column that already is
the average ("Điểm TB", "ĐTB", "Điểm trung bình", "Điểm tổng kết"…) is used as is; otherwise the
plain average of all score columns (each column weighs the same), rounded half up to 2 places.

Publishing is one explicit staff action, recorded on the class, and happens once: it enqueues
each learner's own result and ONE summary per unit leader (their unit's learners only, a short
table in the text plus the same as an xlsx file). Idempotency keys name the class and the
recipient, so nobody gets the same result twice, whatever happens after.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    Attendance,
    AttendanceStatus,
    AuditEntry,
    Class,
    Enrollment,
    Person,
    Result,
    Session,
    SessionStatus,
    StaffMember,
    Unit,
    UnitLeader,
)
from sheets.results import GRADES, ResultRow
from sheets.writer import Percent, SheetSpec, write_xlsx
from texts import results as T
from usecases.classes import ClassNotFound, ImportRejected
from usecases.messages import Document
from usecases.outbox import Notice, enqueue
from usecases.units import AckKind, ack_choices, results_notes, unit_notes, with_notes
from vn.dates import format_date, format_when
from vn.numbers import ScoreError, format_percent, format_score, parse_score
from vn.text import fold, name_key, nfc

__all__ = [
    "AVERAGE_HEADERS",
    "AlreadyPublished",
    "ClassAttendance",
    "Entry",
    "EntryError",
    "ImportReport",
    "Kind",
    "NotAllowed",
    "PublishReport",
    "ResultView",
    "ResultsPreview",
    "UnitSummary",
    "class_attendance",
    "derive_grade",
    "enter_result",
    "find_class_by_code",
    "import_results",
    "learner_text",
    "list_result_classes",
    "parse_entry",
    "preview_results",
    "publish_results",
    "results_for_leader",
    "results_for_learner",
    "unit_text",
    "unit_xlsx",
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
# Lines of the unit summary shown in the message itself; the xlsx always has everyone.
UNIT_LINES_IN_TEXT = 40
PREVIEW_LINES = 60
_ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
_GRADE_BY_FOLD = {fold(g): g for g in GRADES}


class Kind(StrEnum):
    RESULT = "result"
    UNIT_RESULTS = "unit_results"
    # The summary's spreadsheet is a delivery of its own: the text goes once whatever
    # happens to the file, and a refused file fails alone, visibly.
    UNIT_RESULTS_FILE = "unit_results_file"


class AlreadyPublished(ImportRejected):
    """The class's results were published; they are sent once and no longer change."""


class NotAllowed(ImportRejected):
    """The person may not see or change this class's results."""


class EntryError(ImportRejected):
    """A result typed in chat that cannot be understood."""


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    graded_by_scale: int = 0
    missing: list[str] = field(default_factory=list)  # enrolled, still without a result


@dataclass(frozen=True)
class ClassAttendance:
    """Held sessions (not cancelled, begun, with at least one mark: a session nobody marked
    says nothing about who came) and, per learner, those they attended (present or late)."""

    held: int
    attended: Mapping[int, int]

    def of(self, person_id: int) -> tuple[int, int]:
        return self.attended.get(person_id, 0), self.held


@dataclass(frozen=True)
class ResultView:
    class_id: int
    class_code: str
    class_name: str
    person_id: int
    number: int  # place in the class list (TT)
    full_name: str
    birth_date: date | None
    unit_id: int | None
    unit_name: str | None
    scores: dict[str, Decimal]
    grade: str | None
    remark: str | None
    attended: int
    held: int

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.attended) / Decimal(self.held) if self.held else None


@dataclass(frozen=True)
class ResultsPreview:
    class_id: int
    code: str
    name: str
    enrolled: int
    results: list[ResultView]
    missing: list[str]
    grades: dict[str, int]
    published_at: datetime | None


@dataclass(frozen=True)
class UnitSummary:
    """What one unit leader sees of one class: their units' learners only."""

    class_id: int
    class_code: str
    class_name: str
    start_date: date | None
    end_date: date | None
    unit_names: list[str]
    results: list[ResultView]


@dataclass
class PublishReport:
    learners: int = 0
    leaders: int = 0
    units_without_leader: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    scores: list[Decimal]
    grade: str | None
    remark: str | None


# --- grading --------------------------------------------------------------------------------


def derive_grade(scores: Mapping[str, Decimal], scale: Sequence[tuple[float, str]]) -> str | None:
    """The grade the centre's scale gives these scores (see the module's docstring)."""
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


# --- lookups --------------------------------------------------------------------------------


async def find_class_by_code(uow: UnitOfWork, *, centre_id: int, code: str) -> Class:
    async with uow:
        return await _class_by_code(uow.session, centre_id, code)


async def _class_by_code(session: AsyncSession, centre_id: int, code: str) -> Class:
    klass = await session.scalar(
        select(Class).where(Class.centre_id == centre_id, Class.code == nfc(code).upper())
    )
    if klass is None:
        raise ClassNotFound(code)
    return klass


async def _check_staff(session: AsyncSession, klass: Class, person_id: int | None) -> None:
    """`None` is the CLI, run on the centre's own server; anyone else must be its staff."""
    if person_id is None:
        return
    member = await session.scalar(
        select(StaffMember.id).where(
            StaffMember.person_id == person_id,
            StaffMember.centre_id == klass.centre_id,
            StaffMember.active.is_(True),
        )
    )
    if member is None:
        raise NotAllowed([T.NOT_STAFF_OF_CLASS.format(code=klass.code)])


def _refuse_group(in_group: bool) -> None:
    """Results are personal: never shown in a group chat, whoever asks there."""
    if in_group:
        raise NotAllowed([T.NOT_IN_GROUPS])


def _refuse_if_published(klass: Class, tz: ZoneInfo) -> None:
    if klass.results_published_at is not None:
        when = format_when(klass.results_published_at.astimezone(tz))
        raise AlreadyPublished([T.ALREADY_PUBLISHED.format(code=klass.code, when=when)])


async def _enrolled(session: AsyncSession, class_id: int) -> list[tuple[int, Person]]:
    """(TT, person) in the order of the centre's list."""
    rows = (
        await session.execute(
            select(Person)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .where(Enrollment.class_id == class_id)
            .order_by(Enrollment.roster_row, Person.id)
        )
    ).scalars()
    return list(enumerate(rows, start=1))


async def class_attendance(session: AsyncSession, class_id: int, now: datetime) -> ClassAttendance:
    """Attendance rate inputs of one class as of `now` (see `ClassAttendance`)."""
    held_ids = (
        select(Session.id)
        .where(
            Session.class_id == class_id,
            Session.status != SessionStatus.CANCELLED,
            Session.starts_at <= now,
            select(Attendance.id).where(Attendance.session_id == Session.id).exists(),
        )
        .scalar_subquery()
    )
    held = await session.scalar(select(func.count()).where(Session.id.in_(held_ids))) or 0
    rows = await session.execute(
        select(Attendance.person_id, func.count())
        .where(Attendance.session_id.in_(held_ids), Attendance.status.in_(_ATTENDED))
        .group_by(Attendance.person_id)
    )
    return ClassAttendance(held=held, attended={p: n for p, n in rows.all()})


# --- import ---------------------------------------------------------------------------------


async def import_results(
    uow: UnitOfWork,
    *,
    class_id: int,
    rows: Sequence[ResultRow],
    grade_scale: Sequence[tuple[float, str]],
    tz: ZoneInfo,
    actor_label: str = "cli",
) -> ImportReport:
    """Store a class's results from a parsed sheet; all rows or none (see the module doc)."""
    report = ImportReport(rows=len(rows))
    async with uow:
        session = uow.session
        klass = await session.get(Class, class_id)
        if klass is None:
            raise ClassNotFound(str(class_id))
        _refuse_if_published(klass, tz)
        people = [p for _, p in await _enrolled(session, class_id)]
        by_name_birth: dict[tuple[str, date | None], list[Person]] = {}
        by_phone: dict[str, list[Person]] = {}
        for person in people:
            by_name_birth.setdefault((person.name_key, person.birth_date), []).append(person)
            if person.phone:
                by_phone.setdefault(person.phone, []).append(person)

        errors: list[str] = []
        matched: list[tuple[ResultRow, Person]] = []
        first_row: dict[int, int] = {}
        for row in rows:
            person, error = _match(row, klass.code, by_name_birth, by_phone)
            if error is None and person is not None and person.id in first_row:
                error = T.ROW_SAME_LEARNER.format(
                    row=row.row, first=first_row[person.id], name=person.full_name
                )
            if error is not None:
                errors.append(error)
                continue
            assert person is not None
            first_row[person.id] = row.row
            matched.append((row, person))
        if errors:
            raise ImportRejected(errors)

        existing = {
            r.person_id: r
            for r in await session.scalars(select(Result).where(Result.class_id == class_id))
        }
        for row, person in matched:
            grade = row.grade
            if grade is None:
                grade = derive_grade(row.scores, grade_scale)
                report.graded_by_scale += grade is not None
            scores = {label: str(score) for label, score in row.scores.items()}
            result = existing.get(person.id)
            if result is None:
                session.add(
                    Result(
                        class_id=class_id,
                        person_id=person.id,
                        scores=scores,
                        grade=grade,
                        remark=row.remark,
                    )
                )
                report.created += 1
            else:
                result.scores, result.grade, result.remark = scores, grade, row.remark
                report.updated += 1
        with_result = set(existing) | {p.id for _, p in matched}
        report.missing = [p.full_name for p in people if p.id not in with_result]
        session.add(
            AuditEntry(
                actor_label=actor_label,
                action="results.import",
                entity="class",
                entity_id=class_id,
                details={"rows": len(rows), "created": report.created, "updated": report.updated},
            )
        )
        await uow.commit()
    return report


def _match(
    row: ResultRow,
    code: str,
    by_name_birth: Mapping[tuple[str, date | None], list[Person]],
    by_phone: Mapping[str, list[Person]],
) -> tuple[Person | None, str | None]:
    birth = T.BIRTH_SUFFIX.format(date=format_date(row.birth_date)) if row.birth_date else ""
    if row.birth_date is None and not row.phone:
        return None, T.ROW_NO_KEY.format(row=row.row, name=row.full_name)
    candidates: list[Person] = []
    if row.birth_date is not None:
        candidates = list(by_name_birth.get((name_key(row.full_name), row.birth_date), []))
        if len(candidates) > 1 and row.phone:
            candidates = [p for p in candidates if p.phone == row.phone]
    if not candidates and row.phone:
        candidates = list(by_phone.get(row.phone, []))
    if len(candidates) == 1:
        return candidates[0], None
    if not candidates:
        return None, T.ROW_UNMATCHED.format(row=row.row, name=row.full_name, birth=birth, code=code)
    return None, T.ROW_AMBIGUOUS.format(
        row=row.row, name=row.full_name, birth=birth, count=len(candidates), code=code
    )


# --- one learner's result, typed in chat ----------------------------------------------------

_SPLIT_RE = re.compile(r"\s+")


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
                raise EntryError(
                    [T.ENTRY_BAD_SCORE.format(value=token, reason=exc.reason)]
                ) from exc
            continue
        words.append(token)
    grade = _grade_word(" ".join(words)) if words else None
    if not scores and grade is None:
        raise EntryError([T.ENTRY_BAD])
    return Entry(scores=scores, grade=grade, remark=nfc(remark) or None)


async def enter_result(
    uow: UnitOfWork,
    *,
    centre_id: int,
    code: str,
    number: int,
    entry: Entry,
    grade_scale: Sequence[tuple[float, str]],
    tz: ZoneInfo,
    now: datetime,
    actor_person_id: int | None,
    actor_label: str = "chat",
) -> ResultView:
    """Enter or correct the result of learner number `number` (TT) before publishing.

    Typed scores fill the class's score columns in order (those of the imported sheet), so
    a correction in chat lines up with the file; a class without a sheet gets "Điểm", "Điểm 2"….
    """
    async with uow:
        session = uow.session
        klass = await _class_by_code(session, centre_id, code)
        await _check_staff(session, klass, actor_person_id)
        _refuse_if_published(klass, tz)
        enrolled = dict(await _enrolled(session, klass.id))
        person = enrolled.get(number)
        if person is None:
            raise EntryError([T.LEARNER_NOT_IN_CLASS.format(number=number, code=klass.code)])
        results = {
            r.person_id: r
            for r in await session.scalars(select(Result).where(Result.class_id == klass.id))
        }
        columns = _columns(results.values())
        while len(columns) < len(entry.scores):
            n = len(columns) + 1
            columns.append(T.ENTRY_DEFAULT_COLUMN if n == 1 else f"{T.ENTRY_DEFAULT_COLUMN} {n}")
        result = results.get(person.id)
        if result is None:
            result = Result(class_id=klass.id, person_id=person.id, scores={})
            session.add(result)
        scores = dict(result.scores or {})
        if entry.scores:
            scores = {label: str(s) for label, s in zip(columns, entry.scores, strict=False)}
        decimals = {k: Decimal(v) for k, v in scores.items()}
        result.scores = scores
        result.grade = entry.grade or derive_grade(decimals, grade_scale)
        if entry.remark is not None:
            result.remark = entry.remark
        result.updated_at = now
        session.add(
            AuditEntry(
                actor_person_id=actor_person_id,
                actor_label=actor_label,
                action="results.enter",
                entity="class",
                entity_id=klass.id,
                details={"person_id": person.id},
            )
        )
        await session.flush()
        attendance = await class_attendance(session, klass.id, now)
        view = _view(klass, number, person, None, result, attendance)
        await uow.commit()
        return view


def _columns(results: Iterable[Result]) -> list[str]:
    seen: dict[str, None] = {}
    for result in results:
        for label in result.scores or {}:
            seen.setdefault(label, None)
    return list(seen)


# --- reading --------------------------------------------------------------------------------


def _view(
    klass: Class,
    number: int,
    person: Person,
    unit: Unit | None,
    result: Result,
    attendance: ClassAttendance,
) -> ResultView:
    attended, held = attendance.of(person.id)
    return ResultView(
        class_id=klass.id,
        class_code=klass.code,
        class_name=klass.name,
        person_id=person.id,
        number=number,
        full_name=person.full_name,
        birth_date=person.birth_date,
        unit_id=person.unit_id,
        unit_name=unit.name if unit else None,
        scores={k: Decimal(v) for k, v in (result.scores or {}).items()},
        grade=result.grade,
        remark=result.remark,
        attended=attended,
        held=held,
    )


async def _class_views(session: AsyncSession, klass: Class, now: datetime) -> list[ResultView]:
    enrolled = await _enrolled(session, klass.id)
    results = {
        r.person_id: r
        for r in await session.scalars(select(Result).where(Result.class_id == klass.id))
    }
    units = {
        u.id: u
        for u in await session.scalars(select(Unit).where(Unit.centre_id == klass.centre_id))
    }
    attendance = await class_attendance(session, klass.id, now)
    return [
        _view(klass, n, p, units.get(p.unit_id or 0), results[p.id], attendance)
        for n, p in enrolled
        if p.id in results
    ]


async def preview_results(
    uow: UnitOfWork,
    *,
    centre_id: int,
    code: str,
    actor_person_id: int | None,
    now: datetime,
    in_group: bool = False,
) -> ResultsPreview:
    """What staff check before publishing: every result, who has none yet, grade counts."""
    _refuse_group(in_group)
    async with uow:
        session = uow.session
        klass = await _class_by_code(session, centre_id, code)
        await _check_staff(session, klass, actor_person_id)
        views = await _class_views(session, klass, now)
        enrolled = await _enrolled(session, klass.id)
        have = {v.person_id for v in views}
        grades = Counter(v.grade or T.NO_GRADE for v in views)
        return ResultsPreview(
            class_id=klass.id,
            code=klass.code,
            name=klass.name,
            enrolled=len(enrolled),
            results=views,
            missing=[p.full_name for _, p in enrolled if p.id not in have],
            grades=dict(grades.most_common()),
            published_at=klass.results_published_at,
        )


async def list_result_classes(uow: UnitOfWork, *, centre_id: int) -> list[tuple[str, bool]]:
    """(code, published) of the centre's classes that have results, unpublished first."""
    async with uow:
        rows = (
            await uow.session.execute(
                select(Class.code, Class.results_published_at, Class.id)
                .where(
                    Class.centre_id == centre_id,
                    select(Result.id).where(Result.class_id == Class.id).exists(),
                )
                .order_by(Class.results_published_at.is_not(None), Class.id.desc())
            )
        ).all()
        return [(code, published is not None) for code, published, _ in rows]


async def results_for_learner(
    uow: UnitOfWork, *, person_id: int, now: datetime, in_group: bool = False
) -> list[ResultView]:
    """A learner's own results, of published classes only."""
    _refuse_group(in_group)
    async with uow:
        session = uow.session
        rows = (
            await session.execute(
                select(Class, Result)
                .join(Result, Result.class_id == Class.id)
                .where(Result.person_id == person_id, Class.results_published_at.is_not(None))
                .order_by(Class.results_published_at.desc())
            )
        ).all()
        person = await session.get(Person, person_id)
        if person is None:
            return []
        unit = await session.get(Unit, person.unit_id) if person.unit_id else None
        views = []
        for klass, result in rows:
            numbers = {p.id: n for n, p in await _enrolled(session, klass.id)}
            attendance = await class_attendance(session, klass.id, now)
            views.append(_view(klass, numbers.get(person_id, 0), person, unit, result, attendance))
        return views


async def results_for_leader(
    uow: UnitOfWork, *, person_id: int, now: datetime, in_group: bool = False
) -> list[UnitSummary]:
    """A unit leader's view: published classes, and only the learners of the units they lead
    (read from the database here, not trusted from the caller)."""
    _refuse_group(in_group)
    async with uow:
        session = uow.session
        unit_ids = set(
            await session.scalars(
                select(UnitLeader.unit_id).where(UnitLeader.person_id == person_id)
            )
        )
        if not unit_ids:
            return []
        classes = await session.scalars(
            select(Class)
            .where(
                Class.results_published_at.is_not(None),
                select(Result.id)
                .join(Person, Person.id == Result.person_id)
                .where(Result.class_id == Class.id, Person.unit_id.in_(unit_ids))
                .exists(),
            )
            .order_by(Class.results_published_at.desc())
        )
        summaries = []
        for klass in list(classes):
            views = [v for v in await _class_views(session, klass, now) if v.unit_id in unit_ids]
            summaries.append(_summary(klass, views))
        return summaries


def _summary(klass: Class, views: list[ResultView]) -> UnitSummary:
    names = sorted({v.unit_name for v in views if v.unit_name})
    return UnitSummary(
        class_id=klass.id,
        class_code=klass.code,
        class_name=klass.name,
        start_date=klass.start_date,
        end_date=klass.end_date,
        unit_names=names,
        results=views,
    )


# --- publishing -----------------------------------------------------------------------------


async def publish_results(
    uow: UnitOfWork,
    *,
    centre_id: int,
    code: str,
    actor_person_id: int | None,
    now: datetime,
    tz: ZoneInfo,
    actor_label: str = "cli",
) -> PublishReport:
    """Publish once: mark the class and enqueue every learner's result and every leader's
    summary in the same transaction. A second call raises `AlreadyPublished`."""
    report = PublishReport()
    async with uow:
        session = uow.session
        klass = await _class_by_code(session, centre_id, code)
        await _check_staff(session, klass, actor_person_id)
        _refuse_if_published(klass, tz)
        views = await _class_views(session, klass, now)
        if not views:
            raise ImportRejected([T.NOTHING_TO_PUBLISH.format(code=klass.code)])
        klass.results_published_at = now
        klass.results_published_by = actor_person_id
        notes = await results_notes(session, klass.id, [v.person_id for v in views])  # issue 18
        for view in views:
            created = await enqueue(
                session,
                Notice(
                    key=f"result:{klass.id}:{view.person_id}",
                    person_id=view.person_id,
                    kind=Kind.RESULT,
                    text=with_notes(learner_text(view), notes.get(view.person_id)),
                    due_at=now,
                    class_id=klass.id,
                ),
            )
            report.learners += created is not None

        unit_ids = {v.unit_id for v in views if v.unit_id is not None}
        leaders = (
            await session.execute(
                select(UnitLeader.person_id, UnitLeader.unit_id).where(
                    UnitLeader.unit_id.in_(unit_ids)
                )
            )
        ).all()
        units_of: dict[int, set[int]] = {}
        for leader_id, unit_id in leaders:
            units_of.setdefault(leader_id, set()).add(unit_id)
        led = {u for units in units_of.values() for u in units}
        report.units_without_leader = sorted(
            {v.unit_name for v in views if v.unit_id not in led and v.unit_name}
        )
        for leader_id, units in sorted(units_of.items()):
            summary = _summary(klass, [v for v in views if v.unit_id in units])
            created = await enqueue(
                session,
                Notice(
                    key=f"unit_results:{klass.id}:{leader_id}",
                    person_id=leader_id,
                    kind=Kind.UNIT_RESULTS,
                    text=unit_text(summary)
                    + unit_notes(notes, [(v.person_id, v.full_name) for v in summary.results]),
                    due_at=now,
                    class_id=klass.id,
                    choices=ack_choices(AckKind.RESULTS, klass.id),  # issue 18
                ),
            )
            document = unit_xlsx(summary)
            await enqueue(
                session,
                Notice(
                    key=f"unit_results_file:{klass.id}:{leader_id}",
                    person_id=leader_id,
                    kind=Kind.UNIT_RESULTS_FILE,
                    text=unit_file_caption(summary),
                    due_at=now,
                    document=document,
                    class_id=klass.id,
                ),
            )
            report.leaders += created is not None
        session.add(
            AuditEntry(
                actor_person_id=actor_person_id,
                actor_label=actor_label,
                action="results.publish",
                entity="class",
                entity_id=klass.id,
                details={"learners": report.learners, "leaders": report.leaders},
            )
        )
        await uow.commit()
    return report


# --- rendering (the same words in the notice and in /ketqua) --------------------------------


def _scores_short(view: ResultView) -> str:
    return " / ".join(format_score(s) for s in view.scores.values()) or T.NO_SCORES


def _rate(view: ResultView) -> str:
    return format_percent(view.rate) if view.rate is not None else T.UNIT_RATE_NONE


def learner_text(view: ResultView) -> str:
    lines = [
        T.LEARNER_HEADER.format(name=view.class_name),
        T.LEARNER_NAME.format(name=view.full_name),
    ]
    lines += [
        T.SCORE_LINE.format(label=label, score=format_score(score))
        for label, score in view.scores.items()
    ]
    lines.append(T.GRADE_LINE.format(grade=view.grade or T.NO_GRADE))
    if view.rate is not None:
        lines.append(
            T.ATTENDANCE_LINE.format(
                rate=format_percent(view.rate), attended=view.attended, held=view.held
            )
        )
    else:
        lines.append(T.ATTENDANCE_NONE)
    if view.remark:
        lines.append(T.REMARK_LINE.format(remark=view.remark))
    return "\n".join(lines)


def unit_text(summary: UnitSummary) -> str:
    lines = [
        T.UNIT_HEADER.format(
            units=T.UNIT_JOIN.join(summary.unit_names),
            name=summary.class_name,
            code=summary.class_code,
        )
    ]
    for i, view in enumerate(summary.results[:UNIT_LINES_IN_TEXT], start=1):
        lines.append(
            T.UNIT_LINE.format(
                number=i,
                name=view.full_name,
                scores=_scores_short(view),
                grade=view.grade or T.NO_GRADE,
                rate=_rate(view),
            )
        )
    if len(summary.results) > UNIT_LINES_IN_TEXT:
        lines.append(T.PREVIEW_MORE.format(count=len(summary.results) - UNIT_LINES_IN_TEXT))
    return "\n".join(lines)


def unit_file_caption(summary: UnitSummary) -> str:
    """What goes with the spreadsheet (its caption on Telegram, its note on Zalo): names the
    file without promising it is attached to the summary, which travels on its own."""
    return T.UNIT_FILE_CAPTION.format(code=summary.class_code)


def class_xlsx(preview: ResultsPreview) -> Document:
    """The whole class's results for staff (`sll xuat ket-qua`): the unit leaders' columns,
    every learner with a result, numbered as in the class list."""
    rows = _result_rows(preview.results, [v.number for v in preview.results])
    data = write_xlsx(
        [
            SheetSpec(
                title=T.UNIT_SHEET,
                header=_result_header(preview.results),
                rows=rows,
                title_lines=(T.CLASS_TITLE.format(name=preview.name.upper(), code=preview.code),),
            )
        ]
    )
    return Document(T.CLASS_FILE.format(code=preview.code.lower()), data)


def _result_header(views: Sequence[ResultView]) -> list[str]:
    return [
        T.UNIT_COL_NUMBER,
        T.UNIT_COL_NAME,
        T.UNIT_COL_BIRTH,
        T.UNIT_COL_UNIT,
        *_columns_of(views),
        T.UNIT_COL_GRADE,
        T.UNIT_COL_ATTENDANCE,
        T.UNIT_COL_REMARK,
    ]


def _result_rows(views: Sequence[ResultView], numbers: Sequence[int]) -> list[list[object]]:
    columns = _columns_of(views)
    return [
        [
            number,
            v.full_name,
            v.birth_date,
            v.unit_name,
            *(v.scores.get(c) for c in columns),
            v.grade,
            Percent(v.rate) if v.rate is not None else None,
            v.remark,
        ]
        for number, v in zip(numbers, views, strict=True)
    ]


def unit_xlsx(summary: UnitSummary) -> Document:
    """The unit's table as a spreadsheet: every score column, grade, attendance, remark."""
    header = _result_header(summary.results)
    rows = _result_rows(summary.results, range(1, len(summary.results) + 1))
    units = T.UNIT_JOIN.join(summary.unit_names)
    dates = ""
    if summary.start_date and summary.end_date:
        dates = T.DATES.format(
            start=format_date(summary.start_date), end=format_date(summary.end_date)
        )
    data = write_xlsx(
        [
            SheetSpec(
                title=T.UNIT_SHEET,
                header=header,
                rows=rows,
                title_lines=(
                    T.UNIT_TITLE.format(units=units.upper()),
                    T.UNIT_SUBTITLE.format(
                        name=summary.class_name, code=summary.class_code, dates=dates
                    ).rstrip(", "),
                ),
            )
        ]
    )
    slug = "-".join(fold(units).split())[:40] or "don-vi"
    return Document(T.UNIT_FILE.format(code=summary.class_code.lower(), unit=slug), data)


def _columns_of(views: Sequence[ResultView]) -> list[str]:
    seen: dict[str, None] = {}
    for view in views:
        for label in view.scores:
            seen.setdefault(label, None)
    return list(seen)
