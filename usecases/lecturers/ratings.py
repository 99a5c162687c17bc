"""Learners rate sessions; a lecturer sees aggregates of their own sessions from the next
morning; staff see figures per lecturer and per topic for a month, quarter or year.

A rating is never shown with a name, to anyone, nor sent to a group.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.database import UnitOfWork
from db.models import Attendance, Class, Lecturer, Person, Session, SessionRating
from usecases.identity import Actor
from usecases.lecturers.rules import (
    LecturerReason,
    RatingSummary,
    period,
    rating_refusal,
    summarize_ratings,
)
from usecases.refusal import Refused
from vn.text import clean, fold, nfc

__all__ = [
    "FigureLine",
    "RatingReport",
    "SessionFigures",
    "comment",
    "my_ratings",
    "rate",
    "rating_report",
    "rating_report_between",
]

MAX_COMMENT = 1000


async def rate(uow: UnitOfWork, *, actor: Actor, session_id: int, score: int, now: datetime) -> int:
    """Record (or change) the speaker's rating of a session they attended; returns the score."""
    async with uow:
        session = uow.session
        lesson = await session.get(Session, session_id)
        if lesson is None or lesson.class_id not in actor.learner_class_ids:
            raise Refused(LecturerReason.SESSION_NOT_FOUND, session=session_id)
        status = await session.scalar(
            select(Attendance.status).where(
                Attendance.session_id == session_id, Attendance.person_id == actor.person_id
            )
        )
        closes = lesson.closed_at or datetime.max.replace(tzinfo=now.tzinfo)
        refusal = rating_refusal(score=score, attendance=status, closes_at=closes, now=now)
        if refusal is not None:
            raise Refused(refusal, session=session_id)
        assert actor.person_id is not None
        rating = await session.scalar(
            select(SessionRating).where(
                SessionRating.session_id == session_id,
                SessionRating.person_id == actor.person_id,
            )
        )
        if rating is None:
            session.add(
                SessionRating(
                    session_id=session_id,
                    person_id=actor.person_id,
                    score=score,
                    created_at=now,
                    updated_at=now,
                )
            )
        else:
            rating.score, rating.updated_at = score, now
        await uow.commit()
        return score


async def comment(
    uow: UnitOfWork, *, actor: Actor, session_id: int, text: str, now: datetime
) -> None:
    """An optional comment with the speaker's rating (within the same day's window)."""
    async with uow:
        session = uow.session
        rating = await session.scalar(
            select(SessionRating).where(
                SessionRating.session_id == session_id,
                SessionRating.person_id == actor.person_id,
            )
        )
        if rating is None:
            raise Refused(LecturerReason.NOT_RATED)
        lesson = await session.get(Session, session_id)
        assert lesson is not None and lesson.closed_at is not None
        refusal = rating_refusal(
            score=rating.score, attendance="present", closes_at=lesson.closed_at, now=now
        )
        if refusal is not None:
            raise Refused(refusal, session=session_id)
        rating.comment = nfc(text).strip()[:MAX_COMMENT] or None
        rating.updated_at = now
        await uow.commit()


@dataclass(frozen=True)
class SessionFigures:
    session_id: int
    class_name: str
    starts_at: datetime
    summary: RatingSummary


async def my_ratings(
    uow: UnitOfWork, *, actor: Actor, tz: ZoneInfo, now: datetime, limit: int = 10
) -> list[SessionFigures]:
    """The speaker's own sessions, closed before today: ratings in aggregate only (shown the
    morning after, so a learner rating late in the evening is not singled out)."""
    if not actor.lecturer_ids:
        raise Refused(LecturerReason.NOT_YOURS)
    today = datetime.combine(now.astimezone(tz).date(), time(), tz)
    async with uow:
        session = uow.session
        lessons = (
            await session.execute(
                select(Session, Class.name)
                .join(Class, Class.id == Session.class_id)
                .where(
                    Session.lecturer_id.in_(actor.lecturer_ids),
                    Session.closed_at.is_not(None),
                    Session.closed_at < today,
                )
                .order_by(Session.starts_at.desc())
                .limit(limit)
            )
        ).all()
        ratings: defaultdict[int, list[tuple[int, str | None]]] = defaultdict(list)
        for sid, score, text in await session.execute(
            select(SessionRating.session_id, SessionRating.score, SessionRating.comment).where(
                SessionRating.session_id.in_([s.id for s, _ in lessons])
            )
        ):
            ratings[sid].append((score, text))
        return [
            SessionFigures(s.id, name, s.starts_at, summarize_ratings(ratings[s.id]))
            for s, name in lessons
        ]


@dataclass(frozen=True)
class FigureLine:
    label: str  # a lecturer's name or a topic
    sessions: int
    count: int
    average: float | None


@dataclass(frozen=True)
class RatingReport:
    label: str  # "tháng 03/2024"
    start: date
    end: date
    by_lecturer: list[FigureLine]
    by_topic: list[FigureLine]
    comments: list[tuple[str, str]]  # (lecturer, comment), no learner named


async def rating_report(
    uow: UnitOfWork, *, actor: Actor, centre_id: int, period_text: str, tz: ZoneInfo
) -> RatingReport:
    """Staff's figures for a period typed as 03/2024, Q1/2024 or 2024."""
    found = period(period_text)
    if found is None:
        raise Refused(LecturerReason.BAD_PERIOD, period=period_text)
    start, end, label = found
    return await rating_report_between(
        uow, actor=actor, centre_id=centre_id, start=start, end=end, label=label, tz=tz
    )


async def rating_report_between(
    uow: UnitOfWork,
    *,
    actor: Actor,
    centre_id: int,
    start: date,
    end: date,
    label: str,
    tz: ZoneInfo,
) -> RatingReport:
    """Staff's figures for sessions from `start` to before `end`: per lecturer and per topic
    (every rating counted), and comments under the lecturer's name only."""
    if not actor.is_staff_of(centre_id):
        raise Refused(LecturerReason.NOT_YOURS)
    since = datetime.combine(start, time(), tz)
    until = datetime.combine(end, time(), tz)
    async with uow:
        rows = (
            await uow.session.execute(
                select(
                    Session.id,
                    Session.topic,
                    Session.lecturer,
                    Person.full_name,
                    SessionRating.score,
                    SessionRating.comment,
                )
                .join(Class, Class.id == Session.class_id)
                .join(SessionRating, SessionRating.session_id == Session.id)
                .outerjoin(Lecturer, Lecturer.id == Session.lecturer_id)
                .outerjoin(Person, Person.id == Lecturer.person_id)
                .where(
                    Class.centre_id == centre_id,
                    Session.starts_at >= since,
                    Session.starts_at < until,
                )
            )
        ).all()
    by_lecturer: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
    by_topic: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
    comments: list[tuple[str, str]] = []
    for sid, topic, written, name, score, text in rows:
        who = name or clean(written) or "—"
        by_lecturer[who].append((sid, score))
        by_topic[clean(topic) or "—"].append((sid, score))
        if text:
            comments.append((who, text))
    comments.sort(key=lambda c: (fold(c[0]), fold(c[1])))
    return RatingReport(
        label, start, end - timedelta(days=1), _lines(by_lecturer), _lines(by_topic), comments
    )


def _lines(groups: dict[str, list[tuple[int, int]]]) -> list[FigureLine]:
    lines = [
        FigureLine(
            label,
            len({sid for sid, _ in pairs}),
            len(pairs),
            round(sum(score for _, score in pairs) / len(pairs), 2),
        )
        for label, pairs in groups.items()
    ]
    return sorted(lines, key=lambda x: fold(x.label))
