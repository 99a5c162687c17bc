"""The whole domain of DESIGN §3 as SQLAlchemy 2 tables.

Later features may still leave some tables thin, but names and relations are settled here so
that every feature and migration agrees on them. Status names live in the `StrEnum`s below and
nowhere else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "AckKind",
    "Acknowledgment",
    "Attachment",
    "Attendance",
    "AttendanceChange",
    "AttendanceMethod",
    "AttendanceRuleState",
    "AttendanceStatus",
    "AuditEntry",
    "Base",
    "Centre",
    "Channel",
    "ChatAccount",
    "ChatStatus",
    "Class",
    "ConductKind",
    "ConductRecord",
    "Enrollment",
    "Invite",
    "InviteRole",
    "LeaveRequest",
    "LeaveStatus",
    "Lecturer",
    "LecturerBrief",
    "Nomination",
    "NominationStatus",
    "Notification",
    "NotificationStatus",
    "Observation",
    "Person",
    "Question",
    "QuestionStatus",
    "Result",
    "Session",
    "SessionRating",
    "SessionStatus",
    "StaffMember",
    "SurveyAnswer",
    "Unit",
    "UnitLeader",
    "UnitReply",
    "UtcDateTime",
    "WebLink",
    "WebSession",
]

# Constraint names are spelled out so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC and gives them back aware.

    SQLite has no time zone type; storing UTC everywhere keeps comparisons in SQL right on both
    databases, and code never sees a naive datetime.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Channel(StrEnum):
    TELEGRAM = "telegram"
    ZALO = "zalo"


class ChatStatus(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"  # the person blocked the bot or the chat is gone: unreachable


class InviteRole(StrEnum):
    LEARNER = "learner"
    LEADER = "leader"
    LECTURER = "lecturer"


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"


class AttendanceMethod(StrEnum):
    CHECKIN = "checkin"  # the learner checked in with the room code
    MONITOR = "monitor"  # the class monitor marked it
    STAFF = "staff"  # a staff correction
    LEAVE = "leave"  # an approved leave request
    CLOSE = "close"  # still unmarked when the session closed


class LeaveStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class QuestionStatus(StrEnum):
    DRAFT = "draft"  # typed as free text, not yet confirmed as a question by the learner
    OPEN = "open"
    ANSWERED = "answered"
    ANSWERED_IN_CLASS = "answered_in_class"
    CLOSED = "closed"  # closed without an answer, with a reason


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"  # withdrawn before sending, e.g. a reminder of a cancelled session


class AckKind(StrEnum):
    """What a unit leader acknowledges having received (issue 18)."""

    RESULTS = "results"  # a class's results summary
    ABSENCE = "absence"  # a session's absence alert


class NominationStatus(StrEnum):
    """A unit leader's answer for one learner sent to a class (issue 18); no row: no answer."""

    CONFIRMED = "confirmed"  # will attend
    DECLINED = "declined"  # cannot, with a reason (and perhaps a replacement for staff to enrol)


class ConductKind(StrEnum):
    """Rèn luyện: what staff record about a learner's keeping of the study rules (issue 18)."""

    REMINDER = "reminder"  # nhắc nhở
    CRITICISM = "criticism"  # phê bình
    VIOLATION = "violation"  # vi phạm: the unit leader is told at once


class Centre(Base):
    """A training centre with its own bots; several share one installation (issue 21)."""

    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The configured short name (`[[centres]] key`); None for a centre made before there was one.
    key: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The provincial school: its staff see statistics across every centre.
    is_province: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Unit(Base):
    """A learner's home unit (cơ quan, đơn vị cử đi học), which hears of results and absences."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("centre_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300))  # folded name, to match spellings
    # The unit above it (a commune's party committee under a district's), whose leaders get one
    # summary covering all their sub-units' learners (issue 18).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))


class Person(Base):
    """Anyone the bot talks to: learners, unit leaders and staff; roles come from relations.

    A person belongs to one centre: someone who studies at two centres is a person at each, and
    neither centre's staff sees what the other holds about them (issue 21)."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("centre_id", "phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(20))
    ethnicity: Mapped[str | None] = mapped_column(String(50))
    position: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164, one per person in a centre
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit | None] = relationship(lazy="raise")


class UnitLeader(Base):
    __tablename__ = "unit_leaders"
    __table_args__ = (UniqueConstraint("unit_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)


class StaffMember(Base):
    """Centre staff; configured by Telegram user id and synced at start-up."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ChatAccount(Base):
    """One account on one channel, as one centre's bot knows it (the same Telegram user
    writing to two centres' bots is two accounts); linked to a person of that centre once they
    prove who they are."""

    __tablename__ = "chat_accounts"
    __table_args__ = (UniqueConstraint("centre_id", "channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    display_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=ChatStatus.ACTIVE)
    status_reason: Mapped[str | None] = mapped_column(Text)
    linked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    # What the bot waits for from this account, kept here (not in memory) so a restart between
    # a question and its answer loses nothing: {"choices": [[label, data], ...]} for the last
    # numbered menu on a channel without buttons, {"input": "xinphep 12"} for the command that
    # the next free text completes.
    pending: Mapped[dict[str, Any] | None]


class Invite(Base):
    """A one-time code for `/start <code>` (Telegram deep link) or typed on Zalo."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
    used_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat_accounts.id", ondelete="SET NULL")
    )
    # Issued by staff for someone already linked (`loi-moi --cap-lai`): on a channel where the
    # person has an account, only such a code links another, and that account is unlinked.
    reissued: Mapped[bool] = mapped_column(Boolean, default=False)


class Class(Base):
    __tablename__ = "classes"
    __table_args__ = (UniqueConstraint("centre_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(300))
    program_type: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    location: Mapped[str | None] = mapped_column(String(300))
    what_to_bring: Mapped[str | None] = mapped_column(Text)
    announced_at: Mapped[datetime | None]
    results_published_at: Mapped[datetime | None]
    results_published_by: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Session(Base):
    """One teaching session (buổi học) of a class."""

    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_class_start", "class_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    number: Mapped[int | None]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    topic: Mapped[str | None] = mapped_column(Text)
    lecturer: Mapped[str | None] = mapped_column(String(200))  # as written in the schedule
    # The lecturer that name was matched to (issue 17); None when unmatched or ambiguous.
    lecturer_id: Mapped[int | None] = mapped_column(
        ForeignKey("lecturers.id", ondelete="SET NULL"), index=True
    )
    place: Mapped[str | None] = mapped_column(String(300))
    venue_lat: Mapped[float | None] = mapped_column(Float)
    venue_lon: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default=SessionStatus.SCHEDULED)
    checkin_code: Mapped[str | None] = mapped_column(String(12))
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Enrollment(Base):
    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("class_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    is_monitor: Mapped[bool] = mapped_column(Boolean, default=False)
    roster_row: Mapped[int | None]  # order of the centre's own list (TT)


class Attendance(Base):
    """The current mark: one row per session and learner; changes go to AttendanceChange."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(20))
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)


class AttendanceChange(Base):
    __tablename__ = "attendance_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    attendance_id: Mapped[int] = mapped_column(
        ForeignKey("attendance.id", ondelete="CASCADE"), index=True
    )
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(20))
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)


class LeaveRequest(Base):
    __tablename__ = "leave_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=LeaveStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=QuestionStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(Text)
    shared_with_class: Mapped[bool] = mapped_column(Boolean, default=False)


class Result(Base):
    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("class_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    scores: Mapped[dict[str, Any]]  # column name -> score as text ("8.5"), in sheet order
    grade: Mapped[str | None] = mapped_column(String(50))
    remark: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Attachment(Base):
    """A file a notice carries (a unit's results sheet); kept so a resend sends the same file."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notification(Base):
    """The outbox: the only record of what is due to whom (DESIGN §4, §5)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # Set for a notice about one account (its link replaced, a new link elsewhere): it goes to
    # that account only, even one no longer linked, never to the person's latest account.
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat_accounts.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[Any] | None]  # [[label, data], ...] rows, rendered per channel
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", ondelete="SET NULL")
    )
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("classes.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # sent even in quiet hours
    due_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default=NotificationStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    locked_until: Mapped[datetime | None]  # a sender's lease; a crashed sender's lease runs out
    channel: Mapped[str | None] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    sent_message_id: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("class_id", "person_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(50))
    rating: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Staff actions, so a centre can answer "who changed this, and when"."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    actor_label: Mapped[str] = mapped_column(String(100))  # "cli", "telegram:123", …
    action: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str | None] = mapped_column(String(50))
    entity_id: Mapped[int | None]
    details: Mapped[dict[str, Any] | None]


class Lecturer(Base):
    """A person who teaches at the centre (giảng viên, báo cáo viên); schedules name them."""

    __tablename__ = "lecturers"
    __table_args__ = (UniqueConstraint("centre_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    unit_name: Mapped[str | None] = mapped_column(String(300))  # where they work
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LecturerBrief(Base):
    """What a lecturer was last told about one session, so a change is told once."""

    __tablename__ = "lecturer_briefs"
    __table_args__ = (UniqueConstraint("session_id", "lecturer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    lecturer_id: Mapped[int] = mapped_column(
        ForeignKey("lecturers.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))  # a SessionStatus, or "away" (reassigned)
    told_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionRating(Base):
    """A learner's rating of one session (1–5) and optional comment; shown only in aggregate."""

    __tablename__ = "session_ratings"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Observation(Base):
    """Dự giờ: someone registered to observe a session, and what they filed."""

    __tablename__ = "observations"
    __table_args__ = (UniqueConstraint("session_id", "observer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    observer_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    observer_label: Mapped[str] = mapped_column(String(200))  # a name, or "cli"
    strengths: Mapped[str | None] = mapped_column(Text)
    improve: Mapped[str | None] = mapped_column(Text)
    score: Mapped[int | None]
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    filed_at: Mapped[datetime | None]


class WebLink(Base):
    """A one-time login link to the staff web console (issue 19): only the token's hash is
    kept, so a copy of the database opens nobody's session."""

    __tablename__ = "web_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("chat_accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class WebSession(Base):
    """A browser's session on the web console, opened by a `WebLink`: the cookie's hash, the
    account it acts as, and when it was last used (it ends after inactivity, or at logout)."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("chat_accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class Acknowledgment(Base):
    """A unit leader's "✅ Đã nhận" on a results summary or an absence alert (issue 18): one
    row per leader and subject, kept with when; a unit has acknowledged when one of its leaders
    has."""

    __tablename__ = "acknowledgments"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # AckKind
    subject_id: Mapped[int]  # the class (results) or the session (absence)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat_accounts.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Nomination(Base):
    """A unit leader's answer for one of their learners in an announced class (issue 18): will
    attend, or cannot with a reason and perhaps a replacement's name for staff to enrol."""

    __tablename__ = "nominations"
    __table_args__ = (UniqueConstraint("class_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # NominationStatus
    reason: Mapped[str | None] = mapped_column(Text)
    replacement: Mapped[str | None] = mapped_column(String(200))
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttendanceRuleState(Base):
    """Where a learner stands against one attendance rule of a class (issue 18): the level last
    seen and how many times it rose, so each crossing is told once and a new crossing, after a
    fall (a leave approved, a session cancelled), is told again."""

    __tablename__ = "attendance_rule_states"
    __table_args__ = (UniqueConstraint("class_id", "person_id", "measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    measure: Mapped[str] = mapped_column(String(20))  # "share" | "run"
    level: Mapped[int] = mapped_column(Integer, default=0)  # 0 ok, 1 warning, 2 limit
    crossings: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConductRecord(Base):
    """A reminder, a criticism or a violation of the study rules recorded for a learner in a
    class, with a reason, kept with who and when (issue 18)."""

    __tablename__ = "conduct_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # ConductKind
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    recorded_by_label: Mapped[str] = mapped_column(String(100))  # Actor.label: "cli", …
    at: Mapped[datetime] = mapped_column(default=utcnow)


class UnitReply(Base):
    """A unit leader's word to the centre about one of their learners in a class (issue 18): a
    remark on how they apply what they learned, or the reason for an absence. Staff answer it
    like a question; the answer goes back to the leader."""

    __tablename__ = "unit_replies"
    __table_args__ = (Index("ix_unit_replies_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    leader_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "remark" | "absence"
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # "open" | "answered"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
