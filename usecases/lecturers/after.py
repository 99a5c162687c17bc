"""After a session closes: the lecturer's summary, each present learner's rating prompt, and
the next morning the lecturer's ratings digest. Planned from the sessions whose check-in
window closed (`Session.closed_at`); idempotency keys make a re-run add nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    Attendance,
    AttendanceStatus,
    Class,
    Enrollment,
    Lecturer,
    Notification,
    Question,
    QuestionStatus,
    Session,
    SessionRating,
    SessionStatus,
)
from texts import lecturers as T
from usecases.lecturers.rules import (
    MIN_RATINGS_SHOWN,
    RATING_WINDOW,
    RatingSummary,
    attendance_counts,
    summarize_ratings,
)
from usecases.messages import Choice
from usecases.outbox import Notice, enqueue
from usecases.settings import Settings
from vn.dates import format_when

__all__ = ["figures_text", "plan_after_sessions"]

KIND_SUMMARY = "lecturer_summary"
KIND_RATE = "rating_ask"
KIND_DIGEST = "lecturer_digest"
LOOK_BACK = timedelta(days=2)  # sessions closed longer ago are not caught up on
MAX_QUESTIONS = 15


async def plan_after_sessions(uow: UnitOfWork, *, settings: Settings, now: datetime) -> int:
    """Summaries and rating prompts for sessions closed lately; digests once it is morning
    after the day they closed. Returns how many notices were added."""
    tz = settings.timezone
    async with uow:
        session = uow.session
        rows = (
            await session.execute(
                select(Session, Class, Lecturer.person_id)
                .join(Class, Class.id == Session.class_id)
                .outerjoin(Lecturer, Lecturer.id == Session.lecturer_id)
                .where(
                    Session.closed_at.is_not(None),
                    Session.closed_at >= now - LOOK_BACK,
                    Session.status == SessionStatus.SCHEDULED,
                )
            )
        ).all()
        known = set(
            await session.scalars(
                select(Notification.idempotency_key).where(
                    Notification.session_id.in_([s.id for s, _, _ in rows]),
                    Notification.kind.in_([KIND_RATE, KIND_SUMMARY, KIND_DIGEST]),
                )
            )
        )  # what earlier runs planned: not built again every minute
        added = 0
        for s, klass, lecturer_person in rows:
            assert s.closed_at is not None
            added += await _ask_ratings(session, s, klass, tz, known)
            if lecturer_person is None:
                continue
            if f"lect:summary:{s.id}" not in known:
                added += await _summary(session, s, klass, lecturer_person, tz)
            morning = _morning_after(s.closed_at, now, tz, settings.lecturers.digest_at)
            if morning and f"lect:digest:{s.id}" not in known:
                added += await _digest(session, s, klass, lecturer_person, tz, now)
        await uow.commit()
        return added


def _morning_after(closed_at: datetime, now: datetime, tz: ZoneInfo, at: time) -> bool:
    local = now.astimezone(tz)
    return closed_at.astimezone(tz).date() < local.date() and local.time() >= at


async def _ask_ratings(
    session: AsyncSession, s: Session, klass: Class, tz: ZoneInfo, known: set[str]
) -> int:
    """A one-tap rating to every learner present (or late), never to anyone else."""
    assert s.closed_at is not None
    present = await session.scalars(
        select(Attendance.person_id).where(
            Attendance.session_id == s.id,
            Attendance.status.in_([AttendanceStatus.PRESENT, AttendanceStatus.LATE]),
        )
    )
    text = T.RATE_ASK.format(
        when=format_when(s.starts_at.astimezone(tz)),
        klass=klass.name,
        topic=s.topic or T.TOPIC_UNKNOWN,
    )
    choices = (tuple(Choice(f"{n} ⭐", f"danhgia {s.id} {n}") for n in range(1, 6)),)
    added = 0
    for person_id in present:
        key = f"rate:ask:{s.id}:{person_id}"
        if key in known:
            continue
        notice = Notice(
            key=key,
            person_id=person_id,
            kind=KIND_RATE,
            text=text,
            choices=choices,
            due_at=s.closed_at,
            class_id=klass.id,
            session_id=s.id,
            expires_at=s.closed_at + RATING_WINDOW,
        )
        added += 1 if await enqueue(session, notice) else 0
    return added


async def _summary(
    session: AsyncSession, s: Session, klass: Class, person_id: int, tz: ZoneInfo
) -> int:
    """Counts by attendance status and the questions tagged to the session: no names, no
    phone numbers."""
    assert s.closed_at is not None
    enrolled = await session.scalars(
        select(Enrollment.person_id).where(Enrollment.class_id == klass.id)
    )
    statuses = await session.scalars(select(Attendance.status).where(Attendance.session_id == s.id))
    counts = attendance_counts(list(statuses), len(list(enrolled)))
    questions = list(
        await session.scalars(
            select(Question.text)
            .where(Question.session_id == s.id, Question.status != QuestionStatus.DRAFT)
            .order_by(Question.created_at)
        )
    )
    text = T.SUMMARY.format(
        when=format_when(s.starts_at.astimezone(tz)),
        klass=klass.name,
        present=counts.present,
        late=counts.late,
        excused=counts.excused,
        absent=counts.absent,
    )
    if questions:
        lines = "\n".join(f"{i}. {q}" for i, q in enumerate(questions[:MAX_QUESTIONS], 1))
        text += T.SUMMARY_QUESTIONS.format(count=len(questions), lines=lines)
    else:
        text += T.SUMMARY_NO_QUESTIONS
    notice = Notice(
        key=f"lect:summary:{s.id}",
        person_id=person_id,
        kind=KIND_SUMMARY,
        text=text,
        due_at=s.closed_at,
        class_id=klass.id,
        session_id=s.id,
    )
    return 1 if await enqueue(session, notice) else 0


def figures_text(summary: RatingSummary) -> str:
    if summary.count == 0:
        return T.FIGURES_NONE
    if summary.average is None:
        return T.FIGURES_FEW.format(count=summary.count, min=MIN_RATINGS_SHOWN)
    text = T.FIGURES.format(average=f"{summary.average:.1f}".replace(".", ","), count=summary.count)
    if summary.comments:
        text += T.COMMENTS.format(lines="\n".join(f"– {c}" for c in summary.comments))
    return text


async def _digest(
    session: AsyncSession, s: Session, klass: Class, person_id: int, tz: ZoneInfo, now: datetime
) -> int:
    ratings = await session.execute(
        select(SessionRating.score, SessionRating.comment).where(SessionRating.session_id == s.id)
    )
    summary = summarize_ratings(ratings)
    notice = Notice(
        key=f"lect:digest:{s.id}",
        person_id=person_id,
        kind=KIND_DIGEST,
        text=T.DIGEST.format(
            when=format_when(s.starts_at.astimezone(tz)),
            klass=klass.name,
            figures=figures_text(summary),
        ),
        due_at=now,
        class_id=klass.id,
        session_id=s.id,
    )
    return 1 if await enqueue(session, notice) else 0
