"""Results in: a whole class from a sheet (all rows or none), or one learner typed in chat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Class, Result
from sheets.results import ResultRow
from usecases import audit
from usecases.classes import ClassReason, ImportRejected
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.results.queries import (
    check_staff,
    class_attendance,
    class_by_code,
    class_results,
    enrolled,
    view,
)
from usecases.results.rules import (
    Entry,
    Learner,
    ResultsReason,
    derive_grade,
    entry_columns,
    match_rows,
    refuse_if_published,
    score_columns,
)
from usecases.results.values import ImportReport, ResultView

__all__ = ["enter_result", "import_results"]


async def import_results(
    uow: UnitOfWork,
    *,
    actor: Actor,
    class_id: int,
    rows: Sequence[ResultRow],
    grade_scale: Sequence[tuple[float, str]],
    tz: ZoneInfo,
) -> ImportReport:
    """Store a class's results from a parsed sheet; all rows or none: a row that matches
    nobody, or more than one learner, refuses the whole file (`ImportRejected`)."""
    report = ImportReport(rows=len(rows))
    async with uow:
        session = uow.session
        klass = await session.get(Class, class_id)
        if klass is None:
            raise Refused(ClassReason.NOT_FOUND, code=str(class_id))
        check_staff(actor, klass)
        refuse_if_published(klass.code, klass.results_published_at, tz)
        people = [p for _, p in await enrolled(session, class_id)]
        learners = [Learner(p.id, p.full_name, p.name_key, p.birth_date, p.phone) for p in people]
        matched, errors = match_rows(rows, learners, klass.code)
        if errors:
            raise ImportRejected(errors)
        existing = await class_results(session, class_id)
        _store(session, class_id, matched, existing, grade_scale, report)
        with_result = set(existing) | {learner.id for _, learner in matched}
        report.missing = [p.full_name for p in people if p.id not in with_result]
        details = {"rows": len(rows), "created": report.created, "updated": report.updated}
        audit.record(
            session, actor, "results.import", entity="class", entity_id=class_id, details=details
        )
        await uow.commit()
    return report


def _apply(
    result: Result, entry: Entry, columns: list[str], grade_scale: Sequence[tuple[float, str]]
) -> None:
    """A typed entry on a result: scores into the class's columns, grade (or by the scale),
    remark if given."""
    scores = dict(result.scores or {})
    if entry.scores:
        labels = entry_columns(columns, len(entry.scores))
        scores = {label: str(s) for label, s in zip(labels, entry.scores, strict=False)}
    result.scores = scores
    result.grade = entry.grade or derive_grade(
        {k: Decimal(v) for k, v in scores.items()}, grade_scale
    )
    if entry.remark is not None:
        result.remark = entry.remark


def _store(
    session: AsyncSession,
    class_id: int,
    matched: Sequence[tuple[ResultRow, Learner]],
    existing: dict[int, Result],
    grade_scale: Sequence[tuple[float, str]],
    report: ImportReport,
) -> None:
    """Each matched row created or updated, graded by the scale when the sheet gives none."""
    for row, learner in matched:
        grade = row.grade
        if grade is None:
            grade = derive_grade(row.scores, grade_scale)
            report.graded_by_scale += grade is not None
        scores = {label: str(score) for label, score in row.scores.items()}
        result = existing.get(learner.id)
        if result is None:
            session.add(
                Result(
                    class_id=class_id,
                    person_id=learner.id,
                    scores=scores,
                    grade=grade,
                    remark=row.remark,
                )
            )
            report.created += 1
        else:
            result.scores, result.grade, result.remark = scores, grade, row.remark
            report.updated += 1


async def enter_result(
    uow: UnitOfWork,
    *,
    actor: Actor,
    centre_id: int,
    code: str,
    number: int,
    entry: Entry,
    grade_scale: Sequence[tuple[float, str]],
    tz: ZoneInfo,
    now: datetime,
) -> ResultView:
    """Enter or correct the result of learner number `number` (TT) before publishing.

    Typed scores fill the class's score columns in order (those of the imported sheet), so
    a correction in chat lines up with the file; a class without a sheet gets "Điểm", "Điểm 2"….
    """
    async with uow:
        session = uow.session
        klass = await class_by_code(session, centre_id, code)
        check_staff(actor, klass)
        refuse_if_published(klass.code, klass.results_published_at, tz)
        person = dict(await enrolled(session, klass.id)).get(number)
        if person is None:
            raise Refused(ResultsReason.NOT_IN_CLASS, number=number, code=klass.code)
        results = await class_results(session, klass.id)
        result = results.get(person.id)
        if result is None:
            result = Result(class_id=klass.id, person_id=person.id, scores={})
            session.add(result)
        columns = score_columns(r.scores or {} for r in results.values())
        _apply(result, entry, columns, grade_scale)
        result.updated_at = now
        details = {"person_id": person.id}
        audit.record(
            session, actor, "results.enter", entity="class", entity_id=klass.id, details=details
        )
        await session.flush()
        attendance = await class_attendance(session, klass.id, now)
        shown = view(klass, number, person, None, result, attendance)
        await uow.commit()
        return shown
