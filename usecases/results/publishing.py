"""Publishing once: each learner's own result and ONE summary per unit leader (their units'
learners only: a short table in the text, and the same as a file made by the caller's
renderer). Idempotency keys name the class and the recipient, so nobody gets the same result
twice, whatever happens after."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Class, UnitLeader
from usecases import audit
from usecases.identity import Actor
from usecases.messages import Document
from usecases.outbox import Notice, enqueue
from usecases.refusal import Refused
from usecases.results.notices import learner_text, unit_file_caption, unit_text
from usecases.results.queries import check_staff, class_by_code, class_views, summary
from usecases.results.rules import Kind, ResultsReason, leaders_by_unit, refuse_if_published
from usecases.results.values import PublishReport, ResultView, UnitSummary
from usecases.units import AckKind, ack_choices, results_notes, unit_notes, with_notes

__all__ = ["UnitFile", "publish_results"]

# The unit summary as a file (`render.results.unit_xlsx`): use cases make no files.
UnitFile = Callable[[UnitSummary], Document]


async def publish_results(
    uow: UnitOfWork,
    *,
    actor: Actor,
    centre_id: int,
    code: str,
    now: datetime,
    tz: ZoneInfo,
    unit_file: UnitFile,
) -> PublishReport:
    """Publish once: mark the class and enqueue every learner's result and every leader's
    summary in the same transaction. A second call is refused (already published)."""
    report = PublishReport()
    async with uow:
        session = uow.session
        klass = await class_by_code(session, centre_id, code)
        check_staff(actor, klass)
        refuse_if_published(klass.code, klass.results_published_at, tz)
        views = await class_views(session, klass, now)
        if not views:
            raise Refused(ResultsReason.NOTHING_TO_PUBLISH, code=klass.code)
        klass.results_published_at = now
        klass.results_published_by = actor.person_id
        notes = await results_notes(session, klass.id, [v.person_id for v in views])
        for v in views:
            created = await enqueue(
                session,
                Notice(
                    key=f"result:{klass.id}:{v.person_id}",
                    person_id=v.person_id,
                    kind=Kind.RESULT,
                    text=with_notes(learner_text(v), notes.get(v.person_id)),
                    due_at=now,
                    class_id=klass.id,
                ),
            )
            report.learners += created is not None
        await _tell_leaders(session, klass, views, now, unit_file, notes, report)
        details = {"learners": report.learners, "leaders": report.leaders}
        audit.record(
            session, actor, "results.publish", entity="class", entity_id=klass.id, details=details
        )
        await uow.commit()
    return report


async def _tell_leaders(
    session: AsyncSession,
    klass: Class,
    views: list[ResultView],
    now: datetime,
    unit_file: UnitFile,
    notes: dict[int, list[str]],
    report: PublishReport,
) -> None:
    """One summary (text, then its file) per leader of the units with a result."""
    units = {v.unit_id: v.unit_name for v in views}
    leaders = await session.execute(
        select(UnitLeader.person_id, UnitLeader.unit_id).where(
            UnitLeader.unit_id.in_([u for u in units if u is not None])
        )
    )
    units_of, report.units_without_leader = leaders_by_unit([(p, u) for p, u in leaders], units)
    for leader_id, led in sorted(units_of.items()):
        one = summary(klass, [v for v in views if v.unit_id in led])
        created = await enqueue(
            session,
            Notice(
                key=f"unit_results:{klass.id}:{leader_id}",
                person_id=leader_id,
                kind=Kind.UNIT_RESULTS,
                text=unit_text(one)
                + unit_notes(notes, [(v.person_id, v.full_name) for v in one.results]),
                due_at=now,
                class_id=klass.id,
                choices=ack_choices(AckKind.RESULTS, klass.id),  # «✅ Đã nhận»
            ),
        )
        await enqueue(
            session,
            Notice(
                key=f"unit_results_file:{klass.id}:{leader_id}",
                person_id=leader_id,
                kind=Kind.UNIT_RESULTS_FILE,
                text=unit_file_caption(one),
                due_at=now,
                document=unit_file(one),
                class_id=klass.id,
            ),
        )
        report.leaders += created is not None
