"""The decisions of questions, over plain values: no database, no clock (pass `now` in).

What a question's text may be, when a learner floods, which class a question is for, which
session it belongs to, which notices and keys result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from usecases.refusal import Reason, Refused
from usecases.settings import QuestionSettings
from vn.dates import format_date, format_time
from vn.text import nfc, nfc_lines

__all__ = [
    "ANSWER_MAX_LENGTH",
    "DIGEST_SHOWN",
    "DONE",
    "EXCERPT",
    "KIND_ANSWER",
    "KIND_CLOSED",
    "KIND_DIGEST",
    "KIND_IN_CLASS",
    "KIND_NEW",
    "KIND_SHARED",
    "MINE_SHOWN",
    "PAGE_SIZE",
    "RETRY",
    "ClassChoice",
    "ClassDates",
    "QuestionReason",
    "SessionSlot",
    "check_flood",
    "clean_text",
    "current_classes",
    "digest_key",
    "draft_key",
    "excerpt",
    "message_text",
    "normal_code",
    "pick_session",
    "refuse_share",
    "staff_text",
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

# Statuses (`db.models.QuestionStatus` values) of a question nobody needs to handle any more.
ANSWERED = "answered"
DONE = (ANSWERED, "answered_in_class", "closed")


class QuestionReason(Reason):
    EMPTY = "questions.empty"
    TOO_LONG = "questions.too_long"
    MEDIA_ONLY = "questions.media_only"
    ANSWER_EMPTY = "questions.answer_empty"
    REASON_EMPTY = "questions.reason_empty"
    ANSWER_TOO_LONG = "questions.answer_too_long"
    TOO_MANY_OPEN = "questions.too_many_open"
    TOO_MANY_PER_HOUR = "questions.too_many_per_hour"
    NO_CLASS = "questions.no_class"
    NOT_FOUND = "questions.not_found"  # absent, or not the caller's to see: the same, on purpose
    ALREADY_SENT = "questions.already_sent"
    DRAFT_REPLACED = "questions.draft_replaced"  # the button is under an older draft
    ALREADY_DONE = "questions.already_done"
    NOT_ANSWERED = "questions.not_answered"
    ALREADY_SHARED = "questions.already_shared"
    CLASS_NOT_FOUND = "questions.class_not_found"


# After these the bot keeps waiting for the (corrected) text.
RETRY = frozenset(
    {
        QuestionReason.EMPTY,
        QuestionReason.TOO_LONG,
        QuestionReason.MEDIA_ONLY,
        QuestionReason.ANSWER_EMPTY,
        QuestionReason.REASON_EMPTY,
        QuestionReason.ANSWER_TOO_LONG,
    }
)


@dataclass(frozen=True)
class ClassChoice:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class ClassDates:
    """A learner's class as the choice of class needs it."""

    choice: ClassChoice
    end_date: date | None


@dataclass(frozen=True)
class SessionSlot:
    """A scheduled session of the day, as the choice of session needs it."""

    id: int
    starts_at: datetime
    ends_at: datetime


def when_text(dt: datetime, tz: ZoneInfo) -> str:
    """'7h30 04/03/2024' in the centre's time."""
    local = dt.astimezone(tz)
    return f"{format_time(local.time())} {format_date(local.date())}"


def excerpt(text: str, limit: int = EXCERPT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def draft_key(text: str) -> str:
    """A short mark of a draft's text, carried by its "Gửi"/"Không" buttons with its id. A new
    draft replaces the last, and SQLite may give it the same id; an older button then names a
    text that is no longer there, and must not send the newer one."""
    return "k" + hashlib.blake2b(text.encode(), digest_size=5).hexdigest()


def normal_code(code: str) -> str:
    """A class code as typed, as it is stored."""
    return nfc(code).strip().upper()


def message_text(text: str) -> str:
    """A question or answer keeps its line breaks (it is often a short list), trimmed."""
    return nfc_lines(text).strip()


def clean_text(text: str, *, has_media: bool, limits: QuestionSettings) -> str:
    """The question's text in NFC, or a refusal: empty, media without caption, too long."""
    cleaned = message_text(text)
    if not cleaned:
        raise Refused(QuestionReason.MEDIA_ONLY if has_media else QuestionReason.EMPTY)
    if len(cleaned) > limits.max_length:
        raise Refused(QuestionReason.TOO_LONG, length=len(cleaned), limit=limits.max_length)
    return cleaned


def staff_text(text: str, *, empty: QuestionReason = QuestionReason.ANSWER_EMPTY) -> str:
    """An answer or a reason typed by staff: not empty, not over the limit."""
    cleaned = message_text(text)
    if not cleaned:
        raise Refused(empty)
    if len(cleaned) > ANSWER_MAX_LENGTH:
        raise Refused(QuestionReason.ANSWER_TOO_LONG, length=len(cleaned), limit=ANSWER_MAX_LENGTH)
    return cleaned


def check_flood(open_count: int, last_hour: int, limits: QuestionSettings) -> None:
    """Refuse a learner who has too many open questions, or asked too many this hour."""
    if open_count >= limits.max_open_per_learner:
        raise Refused(
            QuestionReason.TOO_MANY_OPEN, count=open_count, limit=limits.max_open_per_learner
        )
    if last_hour >= limits.max_per_hour:
        raise Refused(QuestionReason.TOO_MANY_PER_HOUR, count=last_hour, limit=limits.max_per_hour)


def current_classes(classes: Sequence[ClassDates], today: date) -> list[ClassChoice]:
    """The learner's classes not yet ended; if all have ended, all of them."""
    current = [c for c in classes if c.end_date is None or c.end_date >= today] or list(classes)
    return [c.choice for c in current]


def pick_session(sessions: Sequence[SessionSlot], now: datetime) -> SessionSlot | None:
    """The session running now, else the one of the day nearest in time, else none."""
    for s in sessions:
        if s.starts_at <= now <= s.ends_at:
            return s
    return min(sessions, key=lambda s: abs(s.starts_at - now), default=None)


def refuse_share(number: int, status: str, answer: str | None, shared: bool) -> None:
    """Only an answer in words is shared with the class, and only once."""
    if status != ANSWERED or not answer:
        raise Refused(QuestionReason.NOT_ANSWERED, number=number)
    if shared:
        raise Refused(QuestionReason.ALREADY_SHARED, number=number)


def digest_key(day: date, person_id: int, centre_id: int) -> str:
    """One digest a day per staff member and centre: a second run that day adds nothing."""
    return f"question:digest:{day.isoformat()}:{person_id}:{centre_id}"
