"""Questions (DESIGN journey 5): a learner asks, the centre's staff answer in chat, and nothing
slips through (every open question is in the staff queue and, once stale, in a daily digest).

Rules kept here, whatever the channel:
- A question belongs to one class of the asker (and the session running, or the one of the
  day); only that class's centre staff see it, and the learner sees only their own questions.
- Free text is first kept as a *draft* and becomes a question only when the learner confirms,
  because a button cannot carry the text itself (callback data is 64 bytes).
- Flooding is refused: at most `max_open_per_learner` open questions, `max_per_hour` an hour.
- Every message that results (to staff, to the learner, to the class) goes through the outbox
  in the same transaction as the change.

Staff notices are private messages to each active staff member of the class's centre; the outbox
addresses people, never a group chat, so a learner's question stays in private chats with staff.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    Attendance,
    AuditEntry,
    Class,
    Enrollment,
    Person,
    Question,
    QuestionStatus,
    Session,
    SessionStatus,
    StaffMember,
)
from sheets.writer import SheetSpec, write_xlsx
from texts import questions as T
from usecases.messages import Choice
from usecases.outbox import Notice, enqueue
from usecases.settings import QuestionSettings, Settings
from vn.dates import format_date, format_time
from vn.text import nfc

__all__ = [
    "PAGE_SIZE",
    "Asked",
    "ClassChoice",
    "Draft",
    "NeedsClass",
    "QuestionRefused",
    "QuestionView",
    "QueuePage",
    "Refusal",
    "answer_question",
    "ask_question",
    "checkins_filename",
    "checkins_workbook",
    "clean_text",
    "close_question",
    "draft_key",
    "draft_question",
    "drop_draft",
    "excerpt",
    "find_class_for_staff",
    "mark_answered_in_class",
    "my_questions",
    "open_questions",
    "period_text",
    "plan_digest",
    "question_for_staff",
    "questions_filename",
    "questions_workbook",
    "send_draft",
    "share_answer",
    "status_text",
    "when_text",
]

PAGE_SIZE = 5  # questions per page of the staff queue: a phone screen's worth
MINE_SHOWN = 10  # a learner's own questions shown at once
DIGEST_SHOWN = 20  # questions listed in one digest message; the rest is counted
EXCERPT = 300  # characters of a question quoted in lists and digests
ANSWER_MAX_LENGTH = 3500  # an answer must fit one Telegram message with its header

KIND_NEW = "question.new"
KIND_ANSWER = "question.answer"
KIND_IN_CLASS = "question.in_class"
KIND_CLOSED = "question.closed"
KIND_SHARED = "question.shared"
KIND_DIGEST = "question.digest"

DONE = (QuestionStatus.ANSWERED, QuestionStatus.ANSWERED_IN_CLASS, QuestionStatus.CLOSED)


class Refusal(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    MEDIA_ONLY = "media_only"
    TOO_MANY_OPEN = "too_many_open"
    TOO_MANY_PER_HOUR = "too_many_per_hour"
    NO_CLASS = "no_class"
    NOT_FOUND = "not_found"  # absent, or not the caller's to see: the same answer, on purpose
    ALREADY_SENT = "already_sent"
    DRAFT_REPLACED = "draft_replaced"  # the button is under an older draft
    ALREADY_DONE = "already_done"
    NOT_ANSWERED = "not_answered"
    ALREADY_SHARED = "already_shared"
    CLASS_NOT_FOUND = "class_not_found"


class QuestionRefused(Exception):
    """Nothing changed; `reason` and `details` say why, for the handler to word."""

    def __init__(self, reason: Refusal, **details: Any) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.details = details


@dataclass(frozen=True)
class ClassChoice:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Asked:
    """The learner's receipt."""

    question_id: int
    class_code: str
    created_at: datetime


@dataclass(frozen=True)
class NeedsClass:
    """The text is kept as a draft; the learner must say which class it is for."""

    question_id: int
    classes: tuple[ClassChoice, ...]
    key: str = ""  # `draft_key` of its text, for the buttons


@dataclass(frozen=True)
class Draft:
    question_id: int
    text: str
    classes: tuple[ClassChoice, ...]  # one: just confirm; several: confirm with a class

    @property
    def key(self) -> str:
        return draft_key(self.text)


def draft_key(text: str) -> str:
    """A short mark of a draft's text, carried by its "Gửi"/"Không" buttons with its id. A new
    draft replaces the last, and SQLite may give it the same id; an older button then names a
    text that is no longer there, and must not send the newer one."""
    return "k" + hashlib.blake2b(text.encode(), digest_size=5).hexdigest()


@dataclass(frozen=True)
class QuestionView:
    id: int
    class_id: int
    class_code: str
    person_id: int
    learner_name: str
    text: str
    status: str
    created_at: datetime
    session_number: int | None
    session_topic: str | None
    answer_text: str | None
    answered_by_name: str | None
    answered_at: datetime | None
    close_reason: str | None
    shared_with_class: bool


@dataclass(frozen=True)
class QueuePage:
    items: tuple[QuestionView, ...]
    total: int
    page: int
    pages: int
    class_code: str | None
    counts: tuple[tuple[str, int], ...]  # (class code, open questions) for every class with some


def when_text(dt: datetime, tz: ZoneInfo) -> str:
    """'7h30 04/03/2024' in the centre's time."""
    local = dt.astimezone(tz)
    return f"{format_time(local.time())} {format_date(local.date())}"


def excerpt(text: str, limit: int = EXCERPT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- asking --------------------------------------------------------------------------------


def multiline(text: str) -> str:
    """NFC and trimmed, but with its line breaks: a question or answer is often a short list
    (`vn.text.nfc` collapses all whitespace, which suits names, not messages)."""
    lines = unicodedata.normalize("NFC", text).splitlines()
    return "\n".join(line.rstrip() for line in lines).strip()


def clean_text(text: str, *, has_media: bool, limits: QuestionSettings) -> str:
    """The question's text in NFC, or a refusal: empty, media without caption, too long."""
    cleaned = multiline(text)
    if not cleaned:
        raise QuestionRefused(Refusal.MEDIA_ONLY if has_media else Refusal.EMPTY)
    if len(cleaned) > limits.max_length:
        raise QuestionRefused(Refusal.TOO_LONG, length=len(cleaned), limit=limits.max_length)
    return cleaned


async def ask_question(
    uow: UnitOfWork,
    *,
    person_id: int,
    text: str,
    now: datetime,
    settings: Settings,
    has_media: bool = False,
    class_id: int | None = None,
) -> Asked | NeedsClass:
    """`/hoi <text>`: store and send the question, or keep it as a draft if the learner must
    first say which of their classes it is for."""
    cleaned = clean_text(text, has_media=has_media, limits=settings.questions)
    async with uow:
        session = uow.session
        candidates = await _candidate_classes(session, person_id, now, settings.timezone)
        if class_id is not None:
            candidates = [c for c in candidates if c.id == class_id]
        if not candidates:
            raise QuestionRefused(Refusal.NO_CLASS)
        await _check_flood(session, person_id, now, settings.questions)
        if len(candidates) > 1:
            draft = await _new_draft(session, person_id, candidates[0].id, cleaned, now)
            await uow.commit()
            return NeedsClass(draft.id, tuple(candidates), draft_key(cleaned))
        question = Question(class_id=candidates[0].id, person_id=person_id, text=cleaned)
        session.add(question)
        asked = await _submit(session, question, now, settings)
        await uow.commit()
        return asked


async def draft_question(
    uow: UnitOfWork,
    *,
    person_id: int,
    text: str,
    now: datetime,
    settings: Settings,
    has_media: bool = False,
) -> Draft:
    """Free text not part of another flow: keep it, so the learner can send it with a button.
    A person has at most one draft; a new one replaces the last."""
    cleaned = clean_text(text, has_media=has_media, limits=settings.questions)
    async with uow:
        session = uow.session
        candidates = await _candidate_classes(session, person_id, now, settings.timezone)
        if not candidates:
            raise QuestionRefused(Refusal.NO_CLASS)
        draft = await _new_draft(session, person_id, candidates[0].id, cleaned, now)
        await uow.commit()
        return Draft(draft.id, cleaned, tuple(candidates))


async def send_draft(
    uow: UnitOfWork,
    *,
    person_id: int,
    question_id: int,
    now: datetime,
    settings: Settings,
    class_id: int | None = None,
    key: str | None = None,
) -> Asked:
    """The learner confirms their draft (for the class they chose, if they have several).
    `key` (from the button) must be the draft's: a button under an older draft sends nothing."""
    async with uow:
        session = uow.session
        question = await session.get(Question, question_id, with_for_update=True)
        if question is None or question.person_id != person_id:
            raise QuestionRefused(Refusal.NOT_FOUND, number=question_id)
        if question.status == QuestionStatus.DRAFT and key and key != draft_key(question.text):
            raise QuestionRefused(Refusal.DRAFT_REPLACED)
        if question.status != QuestionStatus.DRAFT:
            raise QuestionRefused(Refusal.ALREADY_SENT, number=question_id)
        if class_id is not None:
            enrolled = await session.scalar(
                select(Enrollment.id).where(
                    Enrollment.class_id == class_id, Enrollment.person_id == person_id
                )
            )
            if enrolled is None:
                raise QuestionRefused(Refusal.NOT_FOUND, number=question_id)
            question.class_id = class_id
        await _check_flood(session, person_id, now, settings.questions)
        asked = await _submit(session, question, now, settings)
        await uow.commit()
        return asked


async def drop_draft(
    uow: UnitOfWork, *, person_id: int, question_id: int, key: str | None = None
) -> None:
    """ "Không": the free text was not a question; forget it (not a newer draft, see `key`)."""
    async with uow:
        if key:
            text = await uow.session.scalar(
                select(Question.text).where(
                    Question.id == question_id, Question.status == QuestionStatus.DRAFT
                )
            )
            if text is not None and draft_key(text) != key:
                return
        await uow.session.execute(
            delete(Question).where(
                Question.id == question_id,
                Question.person_id == person_id,
                Question.status == QuestionStatus.DRAFT,
            )
        )
        await uow.commit()


async def my_questions(
    uow: UnitOfWork, *, person_id: int, limit: int = MINE_SHOWN
) -> tuple[list[QuestionView], int]:
    """The learner's own questions, newest first, and how many they have in all."""
    async with uow:
        session = uow.session
        where = (Question.person_id == person_id, Question.status != QuestionStatus.DRAFT)
        total = await session.scalar(select(func.count(Question.id)).where(*where)) or 0
        rows = await session.scalars(
            select(Question).where(*where).order_by(Question.created_at.desc()).limit(limit)
        )
        return [await _view(session, q) for q in rows], total


# --- the staff side ------------------------------------------------------------------------


async def open_questions(
    uow: UnitOfWork,
    *,
    staff_person_id: int,
    class_code: str | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> QueuePage:
    """Open questions of the staff member's centres, oldest first, one page at a time."""
    async with uow:
        session = uow.session
        centres = await _staff_centres(session, staff_person_id)
        base = (
            select(Question)
            .join(Class, Class.id == Question.class_id)
            .where(Question.status == QuestionStatus.OPEN, Class.centre_id.in_(centres))
        )
        counts = (
            await session.execute(
                select(Class.code, func.count(Question.id))
                .join(Question, Question.class_id == Class.id)
                .where(Question.status == QuestionStatus.OPEN, Class.centre_id.in_(centres))
                .group_by(Class.code)
                .order_by(Class.code)
            )
        ).all()
        code = None
        if class_code:
            code = nfc(class_code).strip().upper()
            klass = await session.scalar(
                select(Class.id).where(Class.code == code, Class.centre_id.in_(centres))
            )
            if klass is None:
                raise QuestionRefused(Refusal.CLASS_NOT_FOUND, code=class_code)
            base = base.where(Question.class_id == klass)
        total = await session.scalar(select(func.count()).select_from(base.subquery())) or 0
        pages = max(1, -(-total // page_size))
        page = min(max(1, page), pages)
        rows = await session.scalars(
            base.order_by(Question.created_at, Question.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
        items = tuple([await _view(session, q) for q in rows])
        return QueuePage(items, total, page, pages, code, tuple((c, n) for c, n in counts))


async def question_for_staff(
    uow: UnitOfWork, *, staff_person_id: int, question_id: int
) -> QuestionView:
    """One open question, for the answer prompt; refused if done or not this staff's."""
    async with uow:
        session = uow.session
        question = await _staff_question(session, staff_person_id, question_id)
        await _refuse_if_done(session, question)
        return await _view(session, question)


def _staff_text(text: str) -> str:
    """An answer or a reason typed by staff: not empty, not over the limit."""
    cleaned = multiline(text)
    if not cleaned:
        raise QuestionRefused(Refusal.EMPTY)
    if len(cleaned) > ANSWER_MAX_LENGTH:
        raise QuestionRefused(Refusal.TOO_LONG, length=len(cleaned), limit=ANSWER_MAX_LENGTH)
    return cleaned


async def answer_question(
    uow: UnitOfWork,
    *,
    staff_person_id: int,
    question_id: int,
    text: str,
    now: datetime,
) -> QuestionView:
    """The answer goes to the learner through the outbox; the question closes with who/when."""
    answer = _staff_text(text)

    def word(q: Question) -> str:
        return T.ANSWER_TO_LEARNER.format(number=q.id, question=excerpt(q.text), answer=answer)

    return await _close(
        uow,
        staff_person_id,
        question_id,
        now,
        QuestionStatus.ANSWERED,
        KIND_ANSWER,
        word,
        answer=answer,
    )


async def mark_answered_in_class(
    uow: UnitOfWork, *, staff_person_id: int, question_id: int, now: datetime
) -> QuestionView:
    def word(q: Question) -> str:
        return T.IN_CLASS_TO_LEARNER.format(number=q.id, question=excerpt(q.text))

    return await _close(
        uow,
        staff_person_id,
        question_id,
        now,
        QuestionStatus.ANSWERED_IN_CLASS,
        KIND_IN_CLASS,
        word,
    )


async def close_question(
    uow: UnitOfWork, *, staff_person_id: int, question_id: int, reason: str, now: datetime
) -> QuestionView:
    """Closed without an answer; the learner is told the reason."""
    why = _staff_text(reason)

    def word(q: Question) -> str:
        return T.CLOSED_TO_LEARNER.format(number=q.id, question=excerpt(q.text), reason=why)

    return await _close(
        uow,
        staff_person_id,
        question_id,
        now,
        QuestionStatus.CLOSED,
        KIND_CLOSED,
        word,
        reason=why,
    )


async def share_answer(
    uow: UnitOfWork, *, staff_person_id: int, question_id: int, now: datetime
) -> int:
    """The question (without the asker's name) and its answer to every other learner of the
    class; returns how many were sent. Once per question."""
    async with uow:
        session = uow.session
        question = await _staff_question(session, staff_person_id, question_id, lock=True)
        if question.status != QuestionStatus.ANSWERED or not question.answer_text:
            raise QuestionRefused(Refusal.NOT_ANSWERED, number=question.id)
        if question.shared_with_class:
            raise QuestionRefused(Refusal.ALREADY_SHARED, number=question.id)
        klass = await session.get(Class, question.class_id)
        assert klass is not None
        learners = await session.scalars(
            select(Enrollment.person_id).where(
                Enrollment.class_id == question.class_id,
                Enrollment.person_id != question.person_id,
            )
        )
        text = T.SHARED_TO_CLASS.format(
            code=klass.code, question=question.text, answer=question.answer_text
        )
        count = 0
        for person_id in learners:
            row = await enqueue(
                session,
                Notice(
                    key=f"question:share:{question.id}:{person_id}",
                    person_id=person_id,
                    kind=KIND_SHARED,
                    text=text,
                    due_at=now,
                    class_id=question.class_id,
                ),
            )
            count += row is not None
        question.shared_with_class = True
        _audit(session, staff_person_id, "question.share", question.id, {"learners": count})
        await uow.commit()
        return count


async def plan_digest(uow: UnitOfWork, *, now: datetime, settings: Settings) -> int:
    """Each active staff member gets one message a day listing the questions of their centre
    that have waited longer than `stale_after_hours`; returns how many notices were planned.
    The key names the local day, so a second run that day adds nothing."""
    tz = settings.timezone
    hours = settings.questions.stale_after_hours
    cutoff = now - timedelta(hours=hours)
    day = now.astimezone(tz).date().isoformat()
    async with uow:
        session = uow.session
        staff = (
            await session.execute(
                select(StaffMember.person_id, StaffMember.centre_id).where(
                    StaffMember.active.is_(True)
                )
            )
        ).all()
        planned = 0
        for person_id, centre_id in staff:
            stale = (
                await session.execute(
                    select(Question, Class.code)
                    .join(Class, Class.id == Question.class_id)
                    .where(
                        Class.centre_id == centre_id,
                        Question.status == QuestionStatus.OPEN,
                        Question.created_at <= cutoff,
                    )
                    .order_by(Question.created_at, Question.id)
                )
            ).all()
            if not stale:
                continue
            lines = [T.DIGEST_HEADER.format(count=len(stale), hours=hours)]
            lines += [
                T.DIGEST_LINE.format(
                    number=q.id, code=code, when=when_text(q.created_at, tz), text=excerpt(q.text)
                )
                for q, code in stale[:DIGEST_SHOWN]
            ]
            if len(stale) > DIGEST_SHOWN:
                lines.append(T.DIGEST_MORE.format(count=len(stale) - DIGEST_SHOWN))
            lines.append(T.DIGEST_FOOTER)
            row = await enqueue(
                session,
                Notice(
                    key=f"question:digest:{day}:{person_id}:{centre_id}",
                    person_id=person_id,
                    kind=KIND_DIGEST,
                    text="".join(lines),
                    due_at=now,
                    choices=((Choice(T.QUEUE_BUTTON, "cauhoi"),),),
                ),
            )
            planned += row is not None
        await uow.commit()
        return planned


# --- review exports --------------------------------------------------------------------------


async def find_class_for_staff(
    uow: UnitOfWork, *, code: str, centre_ids: Sequence[int]
) -> ClassChoice:
    async with uow:
        klass = await uow.session.scalar(
            select(Class).where(
                Class.code == nfc(code).strip().upper(), Class.centre_id.in_(centre_ids)
            )
        )
        if klass is None:
            raise QuestionRefused(Refusal.CLASS_NOT_FOUND, code=code)
        return ClassChoice(klass.id, klass.code, klass.name)


async def questions_workbook(uow: UnitOfWork, *, class_id: int, tz: ZoneInfo) -> tuple[bytes, int]:
    """All questions of a class with their answers, as an xlsx; and how many there are."""
    async with uow:
        session = uow.session
        klass = await session.get(Class, class_id)
        assert klass is not None
        rows = await session.scalars(
            select(Question)
            .where(Question.class_id == class_id, Question.status != QuestionStatus.DRAFT)
            .order_by(Question.created_at, Question.id)
        )
        views = [await _view(session, q) for q in rows]
    table = [
        (
            v.id,
            v.created_at.astimezone(tz),
            v.learner_name,
            v.session_number,
            v.text,
            status_text(v.status),
            v.answer_text or v.close_reason,
            v.answered_by_name,
            v.answered_at.astimezone(tz) if v.answered_at else None,
            v.shared_with_class,
        )
        for v in views
    ]
    spec = SheetSpec(
        T.QUESTIONS_SHEET,
        T.QUESTIONS_HEADER,
        table,
        title_lines=(T.QUESTIONS_TITLE.format(code=klass.code, name=klass.name),),
    )
    return write_xlsx([spec]), len(table)


async def checkins_workbook(
    uow: UnitOfWork, *, class_id: int, start: date, end: date, tz: ZoneInfo
) -> tuple[bytes, int]:
    """Every learner × session of the class between two local days (inclusive) with their
    current mark, straight from the Attendance table; unmarked pairs are listed as such."""
    since = datetime.combine(start, time.min, tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tz)
    async with uow:
        session = uow.session
        klass = await session.get(Class, class_id)
        assert klass is not None
        sessions = list(
            await session.scalars(
                select(Session)
                .where(
                    Session.class_id == class_id,
                    Session.starts_at >= since,
                    Session.starts_at < until,
                )
                .order_by(Session.starts_at)
            )
        )
        learners = (
            await session.execute(
                select(Enrollment.roster_row, Person.id, Person.full_name)
                .join(Person, Person.id == Enrollment.person_id)
                .where(Enrollment.class_id == class_id)
                .order_by(Enrollment.roster_row, Person.id)
            )
        ).all()
        marks: dict[tuple[int, int], Attendance] = {}
        if sessions:
            for mark in await session.scalars(
                select(Attendance).where(Attendance.session_id.in_([s.id for s in sessions]))
            ):
                marks[(mark.session_id, mark.person_id)] = mark
        marker_ids = {m.marked_by for m in marks.values() if m.marked_by is not None}
        names = await _names(session, marker_ids)
    table: list[tuple[object, ...]] = []
    for s in sessions:
        starts = s.starts_at.astimezone(tz)
        hours = f"{format_time(starts.time())}–{format_time(s.ends_at.astimezone(tz).time())}"
        # TT is the learner's place in the class list (1..n), as in every other view; the
        # roster file's own row number only orders the list.
        for number, (_, person_id, full_name) in enumerate(learners, start=1):
            mark = marks.get((s.id, person_id))
            table.append(
                (
                    s.number,
                    starts.date(),
                    hours,
                    s.topic,
                    number,
                    full_name,
                    T.ATTENDANCE_STATUS.get(mark.status, mark.status) if mark else T.NOT_MARKED,
                    T.ATTENDANCE_METHOD.get(mark.method, mark.method) if mark else None,
                    names.get(mark.marked_by) if mark and mark.marked_by else None,
                    mark.marked_at.astimezone(tz) if mark else None,
                )
            )
    spec = SheetSpec(
        T.CHECKINS_SHEET,
        T.CHECKINS_HEADER,
        table,
        title_lines=(
            T.CHECKINS_TITLE.format(code=klass.code, name=klass.name),
            T.CHECKINS_PERIOD.format(period=period_text(start, end)),
        ),
    )
    return write_xlsx([spec]), len(table)


def questions_filename(code: str) -> str:
    return f"cau-hoi-{code}.xlsx"


def checkins_filename(code: str, start: date, end: date) -> str:
    period = f"{start:%Y%m%d}" if start == end else f"{start:%Y%m%d}-{end:%Y%m%d}"
    return f"diem-danh-{code}-{period}.xlsx"


def period_text(start: date, end: date) -> str:
    if start == end:
        return T.PERIOD_ONE_DAY.format(day=format_date(start))
    return T.PERIOD_RANGE.format(start=format_date(start), end=format_date(end))


def status_text(status: str) -> str:
    return {
        QuestionStatus.OPEN: T.STATUS_OPEN,
        QuestionStatus.ANSWERED: T.STATUS_ANSWERED,
        QuestionStatus.ANSWERED_IN_CLASS: T.STATUS_ANSWERED_IN_CLASS,
        QuestionStatus.CLOSED: T.STATUS_CLOSED,
    }.get(QuestionStatus(status), status)


# --- internals -----------------------------------------------------------------------------


async def _candidate_classes(
    session: AsyncSession, person_id: int, now: datetime, tz: ZoneInfo
) -> list[ClassChoice]:
    """The learner's current classes (not yet ended); if all have ended, all of them."""
    today = now.astimezone(tz).date()
    rows = list(
        await session.scalars(
            select(Class)
            .join(Enrollment, Enrollment.class_id == Class.id)
            .where(Enrollment.person_id == person_id)
            .order_by(Class.start_date, Class.id)
        )
    )
    current = [c for c in rows if c.end_date is None or c.end_date >= today] or rows
    return [ClassChoice(c.id, c.code, c.name) for c in current]


async def _check_flood(
    session: AsyncSession, person_id: int, now: datetime, limits: QuestionSettings
) -> None:
    open_count = await session.scalar(
        select(func.count(Question.id)).where(
            Question.person_id == person_id, Question.status == QuestionStatus.OPEN
        )
    )
    if (open_count or 0) >= limits.max_open_per_learner:
        raise QuestionRefused(
            Refusal.TOO_MANY_OPEN, count=open_count, limit=limits.max_open_per_learner
        )
    recent = await session.scalar(
        select(func.count(Question.id)).where(
            Question.person_id == person_id,
            Question.status != QuestionStatus.DRAFT,
            Question.created_at > now - timedelta(hours=1),
        )
    )
    if (recent or 0) >= limits.max_per_hour:
        raise QuestionRefused(Refusal.TOO_MANY_PER_HOUR, count=recent, limit=limits.max_per_hour)


async def _new_draft(
    session: AsyncSession, person_id: int, class_id: int, text: str, now: datetime
) -> Question:
    await session.execute(
        delete(Question).where(
            Question.person_id == person_id, Question.status == QuestionStatus.DRAFT
        )
    )
    draft = Question(
        class_id=class_id,
        person_id=person_id,
        text=text,
        status=QuestionStatus.DRAFT,
        created_at=now,
    )
    session.add(draft)
    await session.flush()
    return draft


async def _current_session(
    session: AsyncSession, class_id: int, now: datetime, tz: ZoneInfo
) -> Session | None:
    """The session running now, else the one of today nearest in time, else none."""
    local_day = now.astimezone(tz).date()
    day_start = datetime.combine(local_day, time.min, tz)
    day_end = day_start + timedelta(days=1)
    rows = list(
        await session.scalars(
            select(Session).where(
                Session.class_id == class_id,
                Session.status == SessionStatus.SCHEDULED,
                Session.starts_at < day_end,
                Session.ends_at >= day_start,
            )
        )
    )
    for s in rows:
        if s.starts_at <= now <= s.ends_at:
            return s
    return min(rows, key=lambda s: abs(s.starts_at - now), default=None)


async def _submit(
    session: AsyncSession, question: Question, now: datetime, settings: Settings
) -> Asked:
    """Open the question and tell each active staff member of its centre, in one go."""
    tz = settings.timezone
    running = await _current_session(session, question.class_id, now, tz)
    question.session_id = running.id if running else None
    question.status = QuestionStatus.OPEN
    question.created_at = now
    await session.flush()
    klass = await session.get(Class, question.class_id)
    learner = await session.get(Person, question.person_id)
    assert klass is not None and learner is not None
    session_part = ""
    if running is not None and running.number is not None:
        topic = f" — {running.topic}" if running.topic else ""
        session_part = T.SESSION_PART.format(number=running.number, topic=topic)
    text = T.NEW_TO_STAFF.format(
        number=question.id,
        code=klass.code,
        name=learner.full_name,
        session=session_part,
        when=when_text(now, tz),
        text=question.text,
    )
    staff = await session.scalars(
        select(StaffMember.person_id).where(
            StaffMember.centre_id == klass.centre_id, StaffMember.active.is_(True)
        )
    )
    for person_id in staff:
        await enqueue(
            session,
            Notice(
                key=f"question:new:{question.id}:{person_id}",
                person_id=person_id,
                kind=KIND_NEW,
                text=text,
                due_at=now,
                choices=((Choice(T.ANSWER_BUTTON, f"traloi {question.id}"),),),
                class_id=klass.id,
                session_id=question.session_id,
            ),
        )
    return Asked(question.id, klass.code, now)


async def _staff_centres(session: AsyncSession, person_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(StaffMember.centre_id).where(
                StaffMember.person_id == person_id, StaffMember.active.is_(True)
            )
        )
    )


async def _staff_question(
    session: AsyncSession, staff_person_id: int, question_id: int, *, lock: bool = False
) -> Question:
    """The question, if this person is active staff of its class's centre; else NOT_FOUND
    (a stranger learns nothing, not even that the number exists)."""
    question = await session.get(Question, question_id, with_for_update=lock or None)
    if question is None or question.status == QuestionStatus.DRAFT:
        raise QuestionRefused(Refusal.NOT_FOUND, number=question_id)
    centre = await session.scalar(select(Class.centre_id).where(Class.id == question.class_id))
    if centre not in await _staff_centres(session, staff_person_id):
        raise QuestionRefused(Refusal.NOT_FOUND, number=question_id)
    return question


async def _refuse_if_done(session: AsyncSession, question: Question) -> None:
    if question.status in DONE:
        who = await session.get(Person, question.answered_by) if question.answered_by else None
        raise QuestionRefused(
            Refusal.ALREADY_DONE,
            number=question.id,
            who=who.full_name if who else "",
            when=question.answered_at,
            status=question.status,
        )


async def _close(
    uow: UnitOfWork,
    staff_person_id: int,
    question_id: int,
    now: datetime,
    status: QuestionStatus,
    kind: str,
    word: Any,
    *,
    answer: str | None = None,
    reason: str | None = None,
) -> QuestionView:
    """Answered / answered in class / closed: once, by one staff member, learner told."""
    async with uow:
        session = uow.session
        question = await _staff_question(session, staff_person_id, question_id, lock=True)
        await _refuse_if_done(session, question)
        question.status = status
        question.answer_text = answer
        question.close_reason = reason
        question.answered_by = staff_person_id
        question.answered_at = now
        await enqueue(
            session,
            Notice(
                key=f"question:{kind}:{question.id}",
                person_id=question.person_id,
                kind=kind,
                text=word(question),
                due_at=now,
                class_id=question.class_id,
            ),
        )
        _audit(session, staff_person_id, kind, question.id, None)
        await session.flush()
        view = await _view(session, question)
        await uow.commit()
        return view


def _audit(
    session: AsyncSession,
    person_id: int,
    action: str,
    question_id: int,
    details: dict[str, Any] | None,
) -> None:
    session.add(
        AuditEntry(
            actor_person_id=person_id,
            actor_label=f"person:{person_id}",
            action=action,
            entity="question",
            entity_id=question_id,
            details=details,
        )
    )


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids)))
    return {i: n for i, n in rows.all()}


async def _view(session: AsyncSession, q: Question) -> QuestionView:
    klass = await session.get(Class, q.class_id)
    names = await _names(session, {q.person_id} | ({q.answered_by} if q.answered_by else set()))
    s = await session.get(Session, q.session_id) if q.session_id else None
    assert klass is not None
    return QuestionView(
        id=q.id,
        class_id=q.class_id,
        class_code=klass.code,
        person_id=q.person_id,
        learner_name=names.get(q.person_id, ""),
        text=q.text,
        status=q.status,
        created_at=q.created_at,
        session_number=s.number if s else None,
        session_topic=s.topic if s else None,
        answer_text=q.answer_text,
        answered_by_name=names.get(q.answered_by) if q.answered_by else None,
        answered_at=q.answered_at,
        close_reason=q.close_reason,
        shared_with_class=bool(q.shared_with_class),
    )
