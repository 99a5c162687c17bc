"""What results carry from issue 18 beside the scores: each learner's conduct (rèn luyện) and,
when over an attendance limit, that they are not eligible and why. The results summary calls
`results_notes` in its own transaction and adds the lines with `with_notes` / `unit_notes`."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AttendanceRuleState
from texts import units as T
from usecases.units.attendance_rules import Level
from usecases.units.conduct import conduct_lines

__all__ = ["results_notes", "unit_notes", "with_notes"]


async def results_notes(
    session: AsyncSession, class_id: int, person_ids: Collection[int]
) -> dict[int, list[str]]:
    """Lines per learner with anything to say: conduct, then eligibility. Eligibility is the
    attendance rules' standing as the rules job last wrote it (over a limit: not eligible)."""
    notes: dict[int, list[str]] = {}
    for pid, summary in (await conduct_lines(session, class_id, person_ids)).items():
        notes.setdefault(pid, []).append(T.CONDUCT_LINE.format(summary=summary))
    over: dict[int, list[str]] = {}
    for pid, measure in await session.execute(
        select(AttendanceRuleState.person_id, AttendanceRuleState.measure)
        .where(
            AttendanceRuleState.class_id == class_id,
            AttendanceRuleState.person_id.in_(person_ids),
            AttendanceRuleState.level == int(Level.LIMIT),
        )
        .order_by(AttendanceRuleState.measure)
    ):
        over.setdefault(pid, []).append(T.WHY_SHORT[measure])
    for pid, reasons in over.items():
        notes.setdefault(pid, []).append(T.INELIGIBLE_NOTE.format(why=T.WHY_JOIN.join(reasons)))
    return notes


def with_notes(text: str, notes: list[str] | None) -> str:
    """A learner's results text with their notes under it."""
    return "\n".join([text, *notes]) if notes else text


def unit_notes(notes: dict[int, list[str]], people: Collection[tuple[int, str]]) -> str:
    """The unit summary's section: each of its learners with a note, by name."""
    mine = [
        T.NOTES_UNIT_LINE.format(name=name, notes=T.WHY_JOIN.join(notes[pid]))
        for pid, name in people
        if pid in notes
    ]
    return "\n\n" + "\n".join([T.NOTES_UNIT_HEADER, *mine]) if mine else ""
