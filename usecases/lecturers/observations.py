"""Dự giờ: staff or another lecturer register to observe a session and file a short
observation (strengths, what to improve, a 1–5 score); the observed lecturer gets it. Staff
see the lecturers not observed this year."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Class, Lecturer, Observation, Person, Session, SessionStatus
from texts import lecturers as T
from usecases.audit import record
from usecases.identity import Actor
from usecases.lecturers.rules import SCORES, LecturerReason
from usecases.outbox import Notice, enqueue
from usecases.refusal import Refused
from usecases.settings import Settings
from vn.dates import format_when
from vn.text import fold, nfc_lines

__all__ = [
    "ObservableSession",
    "ObservationForm",
    "file_observation",
    "not_observed",
    "observable_sessions",
    "parse_form",
    "register",
    "session_by_number",
]

KIND_OBSERVATION = "observation"


@dataclass(frozen=True)
class ObservableSession:
    session_id: int
    class_name: str
    lecturer: str
    starts_at: datetime
    topic: str | None


@dataclass(frozen=True)
class ObservationForm:
    score: int
    strengths: str | None
    improve: str | None


_SCORE_RE = re.compile(r"^\s*(?:diem|d)\s*[: ]\s*([0-9])\b")
_STRENGTH_RE = re.compile(r"^\s*uu\s*diem\s*:?")
_IMPROVE_RE = re.compile(r"^\s*(?:can\s*rut\s*kinh\s*nghiem|can\s*cai\s*thien|han\s*che)\s*:?")


def parse_form(text: str) -> ObservationForm | None:
    """'Điểm: 4 / Ưu điểm: … / Cần rút kinh nghiệm: …', one per line (pure)."""
    score, strengths, improve = None, None, None
    for line in nfc_lines(text).splitlines():
        key = fold(line)
        _, _, value = line.partition(":")
        if m := _SCORE_RE.match(key):
            score = int(m.group(1))
        elif _STRENGTH_RE.match(key):
            strengths = value.strip() or None
        elif _IMPROVE_RE.match(key):
            improve = value.strip() or None
    if score is None or score not in SCORES:
        return None
    return ObservationForm(score, strengths, improve)


async def session_by_number(
    uow: UnitOfWork, *, centre_id: int, class_code: str, number: int
) -> int:
    """The id of session `number` (Buổi) of the class with that code, as staff name it."""
    async with uow:
        found = await uow.session.scalar(
            select(Session.id)
            .join(Class, Class.id == Session.class_id)
            .where(
                Class.centre_id == centre_id,
                Class.code == class_code.strip().upper(),
                Session.number == number,
            )
        )
    if found is None:
        raise Refused(LecturerReason.SESSION_NOT_FOUND, session=f"{number} lớp {class_code}")
    return found


async def _load(
    session: AsyncSession, actor: Actor, session_id: int
) -> tuple[Session, Class, Person]:
    """The session, its class and its lecturer, if the actor may observe it."""
    found = (
        await session.execute(
            select(Session, Class, Person)
            .join(Class, Class.id == Session.class_id)
            .join(Lecturer, Lecturer.id == Session.lecturer_id)
            .join(Person, Person.id == Lecturer.person_id)
            .where(Session.id == session_id)
        )
    ).first()
    if found is None:
        raise Refused(LecturerReason.SESSION_NOT_FOUND, session=session_id)
    lesson, klass, lecturer = found
    _allowed(actor, lesson, klass)
    return lesson, klass, lecturer


def _allowed(actor: Actor, lesson: Session, klass: Class) -> None:
    if not (actor.is_staff_of(klass.centre_id) or actor.lecturer_ids):
        raise Refused(LecturerReason.NOT_YOURS)
    if lesson.lecturer_id is not None and lesson.lecturer_id in actor.lecturer_ids:
        raise Refused(LecturerReason.OWN_SESSION)


async def observable_sessions(
    uow: UnitOfWork, *, actor: Actor, now: datetime, limit: int = 8
) -> list[ObservableSession]:
    """Upcoming sessions with a lecturer, other than the speaker's own."""
    async with uow:
        rows = await uow.session.execute(
            select(Session, Class.name, Person.full_name)
            .join(Class, Class.id == Session.class_id)
            .join(Lecturer, Lecturer.id == Session.lecturer_id)
            .join(Person, Person.id == Lecturer.person_id)
            .where(
                Session.starts_at > now,
                Session.status == SessionStatus.SCHEDULED,
                Lecturer.id.not_in(actor.lecturer_ids or {0}),
            )
            .order_by(Session.starts_at)
            .limit(limit)
        )
        return [
            ObservableSession(s.id, name, lecturer, s.starts_at, s.topic)
            for s, name, lecturer in rows
        ]


async def register(
    uow: UnitOfWork, *, actor: Actor, session_id: int, now: datetime
) -> ObservableSession:
    async with uow:
        session = uow.session
        lesson, klass, person = await _load(session, actor, session_id)
        existing = await session.scalar(
            select(Observation).where(
                Observation.session_id == session_id, Observation.observer_id == actor.person_id
            )
        )
        if existing is None or actor.person_id is None:
            session.add(
                Observation(
                    session_id=session_id,
                    observer_id=actor.person_id,
                    observer_label=actor.name or actor.label,
                    registered_at=now,
                )
            )
        record(session, actor, "observation.register", entity="session", entity_id=session_id)
        await uow.commit()
        return ObservableSession(
            session_id, klass.name, person.full_name, lesson.starts_at, lesson.topic
        )


async def file_observation(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    form: ObservationForm,
    settings: Settings,
    now: datetime,
) -> str:
    """File the observation and send it to the observed lecturer; returns their name. From
    chat one must have registered first; the CLI (staff) files directly."""
    async with uow:
        session = uow.session
        lesson, klass, lecturer = await _load(session, actor, session_id)
        row = await session.scalar(
            select(Observation).where(
                Observation.session_id == session_id,
                Observation.observer_id == actor.person_id,
                Observation.filed_at.is_(None),
            )
        )
        if row is None and actor.person_id is not None:
            raise Refused(LecturerReason.NOT_REGISTERED)
        if row is None:
            row = Observation(session_id=session_id, observer_label=actor.label, registered_at=now)
            session.add(row)
        row.score, row.strengths, row.improve = form.score, form.strengths, form.improve
        row.filed_at = now
        await session.flush()
        tz = settings.timezone
        text = T.OBSERVE_TO_LECTURER.format(
            when=format_when(lesson.starts_at.astimezone(tz)),
            klass=klass.name,
            observer=actor.name or T.OBSERVER_CENTRE,
            score=form.score,
            strengths=form.strengths or T.NOTHING,
            improve=form.improve or T.NOTHING,
        )
        await enqueue(
            session,
            Notice(
                key=f"observation:{row.id}",
                person_id=lecturer.id,
                kind=KIND_OBSERVATION,
                text=text,
                due_at=now,
                class_id=klass.id,
                session_id=lesson.id,
            ),
        )
        record(
            session,
            actor,
            "observation.file",
            entity="session",
            entity_id=session_id,
            details={"score": form.score},
        )
        await uow.commit()
        return lecturer.full_name


async def not_observed(
    uow: UnitOfWork, *, actor: Actor, centre_id: int, year: int, settings: Settings
) -> list[str]:
    """Names of the centre's lecturers with no observation filed this year."""
    if not actor.is_staff_of(centre_id):
        raise Refused(LecturerReason.NOT_YOURS)
    tz = settings.timezone
    since = datetime.combine(datetime(year, 1, 1).date(), time(), tz)
    until = datetime.combine(datetime(year + 1, 1, 1).date(), time(), tz)
    async with uow:
        session = uow.session
        observed = (
            select(Session.lecturer_id)
            .join(Observation, Observation.session_id == Session.id)
            .where(
                Observation.filed_at.is_not(None),
                Session.starts_at >= since,
                Session.starts_at < until,
            )
        )
        names = await session.scalars(
            select(Person.full_name)
            .join(Lecturer, Lecturer.person_id == Person.id)
            .where(
                Lecturer.centre_id == centre_id,
                Lecturer.active.is_(True),
                Lecturer.id.not_in(observed),
            )
            .order_by(Person.full_name)
        )
        return list(names)
