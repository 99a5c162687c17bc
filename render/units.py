"""Files of the two-way loop with home units: which units acknowledged a class's results."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from db.models import NominationStatus
from sheets.writer import SheetSpec, write_xlsx
from texts import units as T
from usecases.messages import Document
from usecases.settings import UnitSettings
from usecases.units import (
    AckStatus,
    ConductLine,
    Ineligible,
    NomineeLine,
    ParentSummary,
    UnitNominees,
    why,
)
from vn.dates import format_datetime_short, format_when
from vn.text import fold

__all__ = [
    "ack_xlsx",
    "conduct_text",
    "ineligible_text",
    "nominations_text",
    "nominee_state",
    "parent_xlsx",
    "status_text",
]


def ack_xlsx(status: AckStatus, tz: ZoneInfo) -> Document:
    """One row per unit of the class: its leaders, acknowledged or not, by whom and when;
    units without a leader last."""
    rows: list[list[object]] = []
    for unit in status.units:
        at = unit.acked_at
        rows.append(
            [
                len(rows) + 1,
                unit.unit_name,
                T.NAME_JOIN.join(unit.leaders),
                T.SHEET_YES if unit.acked_by else T.SHEET_NO,
                unit.acked_by or "",
                format_datetime_short(at.astimezone(tz)) if at else "",
            ]
        )
    for name in status.without_leader:
        rows.append([len(rows) + 1, name, "", T.SHEET_NO_LEADER, "", ""])
    published = status.published_at
    when = format_when(published.astimezone(tz)) if published else ""
    data = write_xlsx(
        [
            SheetSpec(
                title=T.SHEET,
                header=T.SHEET_HEADER,
                rows=rows,
                title_lines=(
                    T.SHEET_TITLE.format(code=status.class_code),
                    T.SHEET_SUBTITLE.format(name=status.class_name, when=when),
                ),
            )
        ]
    )
    slug = "-".join(fold(status.class_code).split()) or "lop"
    return Document(T.SHEET_FILE.format(code=slug), data)


def status_text(status: AckStatus, tz: ZoneInfo) -> str:
    """The class's units: those that have not acknowledged first, with their leaders."""
    lines = [T.STATUS_HEADER.format(code=status.class_code, name=status.class_name)]
    if status.published_at is not None:
        lines.append(
            T.STATUS_PUBLISHED.format(when=format_when(status.published_at.astimezone(tz)))
        )
    acked = [u for u in status.units if u.acked_by is not None]
    lines.append(T.STATUS_COUNTS.format(acked=len(acked), total=len(status.units)))
    if status.not_acked:
        lines.append(T.STATUS_NOT_ACKED)
        lines += [
            T.STATUS_NOT_ACKED_LINE.format(unit=u.unit_name, leaders=T.NAME_JOIN.join(u.leaders))
            for u in status.not_acked
        ]
    elif status.units:
        lines.append(T.STATUS_ALL_ACKED)
    if acked:
        lines.append(T.STATUS_ACKED)
        lines += [
            T.STATUS_ACKED_LINE.format(
                unit=u.unit_name,
                leader=u.acked_by,
                when=format_datetime_short(u.acked_at.astimezone(tz)) if u.acked_at else "",
            )
            for u in acked
        ]
    if status.without_leader:
        lines.append(T.STATUS_NO_LEADER.format(units=T.NAME_JOIN.join(status.without_leader)))
    return "\n".join(lines)


def nominee_state(line: NomineeLine) -> str:
    """ "⏳ chưa trả lời", "✅ sẽ đi học" or "❌ không đi được (lý do); người thay: …"."""
    if line.status is None:
        return T.STATE_NONE
    if line.status == NominationStatus.CONFIRMED:
        return T.STATE_CONFIRMED
    state = T.STATE_DECLINED
    if line.reason:
        state += T.STATE_REASON.format(reason=line.reason)
    if line.replacement:
        state += T.STATE_REPLACEMENT.format(name=line.replacement)
    return state


def nominations_text(code: str, name: str, units: Sequence[UnitNominees]) -> str:
    """Staff's view of a class: per unit, confirmed / declined / no answer, the reasons and
    replacements, and who has not been answered for."""
    lines = [T.NOMINATIONS_HEADER.format(code=code, name=name)]
    tallies = [u.tally for u in units]
    lines.append(
        T.NOMINATIONS_TOTAL.format(
            confirmed=sum(t.confirmed for t in tallies),
            declined=sum(t.declined for t in tallies),
            no_answer=sum(t.no_answer for t in tallies),
        )
    )
    for unit, t in zip(units, tallies, strict=True):
        leaders = T.NAME_JOIN.join(unit.leaders) or T.NOMINATIONS_NO_LEADER
        lines.append(
            T.NOMINATIONS_UNIT.format(
                unit=unit.unit_name, leaders=leaders, confirmed=t.confirmed,
                declined=t.declined, no_answer=t.no_answer,
            )
        )  # fmt: skip
        for x in unit.lines:
            if x.status == NominationStatus.DECLINED:
                replacement = (
                    T.STATE_REPLACEMENT.format(name=x.replacement) if x.replacement else ""
                )
                lines.append(
                    T.NOMINATIONS_DECLINED_LINE.format(
                        name=x.full_name, reason=x.reason or "—", replacement=replacement
                    )
                )
        waiting = [x.full_name for x in unit.lines if x.status is None]
        if waiting:
            lines.append(T.NOMINATIONS_WAITING_LINE.format(names=T.NAME_JOIN.join(waiting)))
    return "\n".join(lines)


def ineligible_text(code: str, name: str, lines: Sequence[Ineligible], units: UnitSettings) -> str:
    """Staff's list before publishing: each learner over an attendance limit, and why."""
    if not lines:
        return T.INELIGIBLE_NONE.format(code=code)
    out = [T.INELIGIBLE_HEADER.format(code=code, name=name)]
    for number, x in enumerate(lines, start=1):
        reasons = T.WHY_JOIN.join(why(m, x.standing, units) for m in x.reasons)
        out.append(
            T.INELIGIBLE_LINE.format(
                number=number, name=x.full_name, unit=x.unit_name or T.NO_UNIT, why=reasons
            )
        )
    return "\n".join(out)


def conduct_text(code: str, name: str, lines: Sequence[ConductLine], tz: ZoneInfo) -> str:
    """Everything recorded for a class, oldest first, with who and when."""
    if not lines:
        return T.CONDUCT_NONE.format(code=code)
    out = [T.CONDUCT_HEADER.format(code=code, name=name)]
    out += [
        T.CONDUCT_ITEM.format(
            when=format_datetime_short(x.at.astimezone(tz)),
            name=x.full_name,
            unit=x.unit_name or T.NO_UNIT,
            kind=T.CONDUCT_NAMES[x.kind],
            reason=x.reason,
            by=x.by,
        )
        for x in lines
    ]
    return "\n".join(out)


def parent_xlsx(summary: ParentSummary) -> Document:
    """A parent unit's spreadsheet: its sub-units' learners, grouped by sub-unit."""
    rows: list[list[object]] = []
    for unit_name, learners in summary.groups:
        for x in learners:
            score = " / ".join(str(v) for v in x.scores.values())
            rows.append([len(rows) + 1, unit_name, x.full_name, score, x.grade or ""])
    data = write_xlsx(
        [
            SheetSpec(
                title=T.SHEET,
                header=T.PARENT_SHEET_HEADER,
                rows=rows,
                title_lines=(
                    T.PARENT_SHEET_TITLE.format(
                        code=summary.class_code, parent=summary.parent_name.upper()
                    ),
                ),
            )
        ]
    )
    code = "-".join(fold(summary.class_code).split()) or "lop"
    parent = "-".join(fold(summary.parent_name).split())[:40] or "don-vi"
    return Document(T.PARENT_FILE.format(code=code, parent=parent), data)
