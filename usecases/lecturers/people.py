"""Lecturers as people: added one by one or from a list, matched to the schedule's names,
given invite codes to link their chat accounts like unit leaders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import ChatAccount, Class, Invite, InviteRole, Lecturer, Person, Session
from sheets.lecturers import LecturerRow
from sheets.schedule import ScheduleRow
from texts import lecturers as T
from usecases.audit import record
from usecases.identity import Actor
from usecases.lecturers.rules import LecturerReason, MatchStatus, match_name, name_of
from usecases.linking import new_invite_code
from usecases.refusal import Refused
from vn.phones import normalize_phone
from vn.text import clean, name_key, nfc

__all__ = [
    "ImportReport",
    "LecturerLine",
    "add_lecturer",
    "find_lecturer",
    "import_lecturers",
    "lecturer_invites",
    "link_schedule",
    "list_lecturers",
]


@dataclass(frozen=True)
class LecturerLine:
    id: int
    person_id: int
    name: str
    phone: str | None
    unit_name: str | None
    linked: bool


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    sessions_linked: int = 0


async def add_lecturer(
    uow: UnitOfWork,
    *,
    actor: Actor,
    centre_id: int,
    full_name: str,
    phone: str | None,
    unit_name: str | None = None,
) -> LecturerLine:
    """Add (or update, found by phone or name) one lecturer."""
    if not clean(full_name):
        raise Refused(LecturerReason.NO_NAME)
    row = LecturerRow(
        0, nfc(full_name).strip(), normalize_phone(phone) if phone else None, clean(unit_name)
    )
    await import_lecturers(uow, actor=actor, centre_id=centre_id, rows=[row])
    lines = [x for x in await list_lecturers(uow, centre_id=centre_id) if _same(x, row)]
    return lines[0]


def _same(line: LecturerLine, row: LecturerRow) -> bool:
    if row.phone:
        return line.phone == row.phone
    return name_of(line.name) == name_of(row.full_name)


async def import_lecturers(
    uow: UnitOfWork, *, actor: Actor, centre_id: int, rows: Sequence[LecturerRow]
) -> ImportReport:
    """Lecturers from the centre's list: a known phone (or, without one, a known lecturer of
    that name) updates them; anyone else is added. Sessions already imported whose lecturer
    name now matches are linked to them."""
    report = ImportReport()
    async with uow:
        session = uow.session
        current = await _lecturers(session, centre_id)
        for row in rows:
            person, lecturer = await _find(session, centre_id, current, row)
            if person is None:
                person = Person(
                    centre_id=centre_id,
                    full_name=row.full_name,
                    name_key=name_key(row.full_name),
                    phone=row.phone,
                )
                session.add(person)
                await session.flush()
            changed = _update_person(person, row)
            if lecturer is None:
                lecturer = Lecturer(
                    centre_id=centre_id, person_id=person.id, unit_name=row.unit_name, active=True
                )
                session.add(lecturer)
                await session.flush()
                current.append((lecturer, person))
                report.created += 1
                continue
            if row.unit_name and lecturer.unit_name != row.unit_name:
                lecturer.unit_name, changed = row.unit_name, True
            if not lecturer.active:
                lecturer.active, changed = True, True
            report.updated += changed
            report.unchanged += not changed
        await session.flush()
        report.sessions_linked = await _relink(session, centre_id, current)
        record(
            session,
            actor,
            "lecturer.import",
            entity="centre",
            entity_id=centre_id,
            details={"rows": len(rows), "created": report.created},
        )
        await uow.commit()
    return report


def _update_person(person: Person, row: LecturerRow) -> bool:
    changed = False
    if row.phone and person.phone != row.phone:
        person.phone, changed = row.phone, True
    if person.full_name != row.full_name and name_of(person.full_name) == name_of(row.full_name):
        person.full_name, person.name_key, changed = row.full_name, name_key(row.full_name), True
    return changed


async def _lecturers(session: AsyncSession, centre_id: int) -> list[tuple[Lecturer, Person]]:
    rows = await session.execute(
        select(Lecturer, Person)
        .join(Person, Person.id == Lecturer.person_id)
        .where(Lecturer.centre_id == centre_id)
        .order_by(Person.full_name, Lecturer.id)
    )
    return [(lecturer, person) for lecturer, person in rows]


async def _find(
    session: AsyncSession,
    centre_id: int,
    current: list[tuple[Lecturer, Person]],
    row: LecturerRow,
) -> tuple[Person | None, Lecturer | None]:
    """The person a row means: by phone (a learner or leader may teach too), else the one
    lecturer of that name without a different phone."""
    if row.phone:
        for lecturer, person in current:
            if person.phone == row.phone:
                return person, lecturer
        known = await session.scalar(
            select(Person).where(Person.centre_id == centre_id, Person.phone == row.phone)
        )
        if known is not None:
            return known, None
    same = [(lect, p) for lect, p in current if name_of(p.full_name) == name_of(row.full_name)]
    if len(same) == 1 and (row.phone is None or same[0][1].phone is None):
        return same[0][1], same[0][0]
    return None, None


def _by_name(current: Sequence[tuple[Lecturer, Person]]) -> dict[str, list[int]]:
    by_name: dict[str, list[int]] = defaultdict(list)
    for lecturer, person in current:
        if lecturer.active:
            by_name[name_of(person.full_name)].append(lecturer.id)
    return by_name


async def _relink(
    session: AsyncSession, centre_id: int, current: Sequence[tuple[Lecturer, Person]]
) -> int:
    """Link the centre's sessions that name a lecturer but are linked to none."""
    by_name = _by_name(current)
    sessions = await session.scalars(
        select(Session)
        .join(Class, Class.id == Session.class_id)
        .where(
            Class.centre_id == centre_id,
            Session.lecturer_id.is_(None),
            Session.lecturer.is_not(None),
        )
    )
    linked = 0
    for s in sessions:
        match = match_name(s.lecturer, by_name)
        if match.status == MatchStatus.MATCHED:
            s.lecturer_id, linked = match.lecturer_id, linked + 1
    return linked


async def link_schedule(
    uow: UnitOfWork,
    *,
    actor: Actor,
    centre_id: int,
    class_id: int,
    rows: Sequence[ScheduleRow],
    now: datetime,
) -> list[str]:
    """After a schedule import: each session's lecturer name matched to a lecturer. Returns
    the rows whose name matches nobody or several lecturers, as 'Dòng N: …' lines."""
    async with uow:
        session = uow.session
        by_name = _by_name(await _lecturers(session, centre_id))
        problems: list[str] = []
        if not by_name:
            names = {r.lecturer for r in rows if r.lecturer}
            return [T.NO_LECTURERS_YET.format(count=len(names))] if names else []
        for row in rows:
            match = match_name(row.lecturer, by_name)
            if match.status == MatchStatus.UNKNOWN:
                problems.append(T.ROW_UNKNOWN.format(row=row.row, name=row.lecturer))
            elif match.status == MatchStatus.AMBIGUOUS:
                problems.append(
                    T.ROW_AMBIGUOUS.format(row=row.row, name=row.lecturer, count=match.count)
                )
        sessions = await session.scalars(select(Session).where(Session.class_id == class_id))
        for s in sessions:
            match = match_name(s.lecturer, by_name)
            if s.ends_at <= now and s.lecturer_id is not None:
                continue  # a session taught stays with who taught it (their ratings)
            s.lecturer_id = match.lecturer_id if match.status == MatchStatus.MATCHED else None
        record(
            session,
            actor,
            "lecturer.link_schedule",
            entity="class",
            entity_id=class_id,
            details={"problems": len(problems)},
        )
        await uow.commit()
        return problems


async def list_lecturers(uow: UnitOfWork, *, centre_id: int) -> list[LecturerLine]:
    async with uow:
        session = uow.session
        current = await _lecturers(session, centre_id)
        linked = set(
            await session.scalars(
                select(ChatAccount.person_id).where(
                    ChatAccount.person_id.in_([p.id for _, p in current])
                )
            )
        )
        return [
            LecturerLine(lect.id, p.id, p.full_name, p.phone, lect.unit_name, p.id in linked)
            for lect, p in current
            if lect.active
        ]


async def find_lecturer(uow: UnitOfWork, *, centre_id: int, who: str) -> LecturerLine:
    """One lecturer by phone or name (titles allowed); two of one name are refused."""
    lines = await list_lecturers(uow, centre_id=centre_id)
    try:
        phone: str | None = normalize_phone(who)
    except ValueError:
        phone = None
    found = [x for x in lines if (phone and x.phone == phone) or name_of(x.name) == name_of(who)]
    if not found:
        raise Refused(LecturerReason.NOT_FOUND, who=who)
    if len(found) > 1:
        raise Refused(LecturerReason.AMBIGUOUS, who=who, count=len(found))
    return found[0]


async def lecturer_invites(
    uow: UnitOfWork, *, centre_id: int, now: datetime, reissue_for: str | None = None
) -> list[tuple[LecturerLine, str]]:
    """An invite code per lecturer who has no chat account (the same code if printed twice);
    with `reissue_for`, a fresh code for that one lecturer that replaces their account."""
    lines = await list_lecturers(uow, centre_id=centre_id)
    if reissue_for is not None:
        lines = [await find_lecturer(uow, centre_id=centre_id, who=reissue_for)]
    out: list[tuple[LecturerLine, str]] = []
    async with uow:
        session = uow.session
        for line in lines:
            if reissue_for is None and line.linked:
                continue
            invite = None
            if reissue_for is not None:
                await session.execute(
                    update(Invite)
                    .where(Invite.person_id == line.person_id, Invite.used_at.is_(None))
                    .values(used_at=now)
                )
            else:
                invite = await session.scalar(
                    select(Invite).where(
                        Invite.person_id == line.person_id, Invite.used_at.is_(None)
                    )
                )
            if invite is None:
                invite = Invite(
                    code=new_invite_code(),
                    person_id=line.person_id,
                    role=InviteRole.LECTURER,
                    created_at=now,
                    reissued=reissue_for is not None,
                )
                session.add(invite)
            out.append((line, invite.code))
        await uow.commit()
    return out
