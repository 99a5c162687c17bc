"""Leave requests (DESIGN §2, journey 5): a learner asks to miss a session with a reason; staff
approve or refuse with one tap; the learner is told through the outbox; an approved request
marks the session excused (kept as a change of the mark, like any other)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    AttendanceMethod,
    AttendanceStatus,
    AuditEntry,
    Class,
    Enrollment,
    LeaveRequest,
    LeaveStatus,
    Person,
    Session,
    SessionStatus,
    StaffMember,
    Unit,
)
from texts import leave as T
from usecases.attendance import (
    ATTENDED,
    AttendanceDenied,
    SessionInfo,
    load_session,
    replaying,
    session_info,
    write_mark,
)
from usecases.identity import Actor
from usecases.messages import Choice
from usecases.outbox import Notice, enqueue
from usecases.settings import AttendanceSettings
from vn.dates import format_when

__all__ = [
    "MIN_REASON",
    "LeaveOutcome",
    "LeaveStatusOutcome",
    "LeaveView",
    "decide_leave",
    "leave_sessions",
    "pending_leave",
    "request_leave",
]

MIN_REASON = 2  # characters: "ốm" (ill) is a whole reason, a stray letter is not
MAX_REASON = 1000
SESSIONS_OFFERED = 6
QUEUE_SHOWN = 10


class LeaveStatusOutcome(StrEnum):
    REQUESTED = "requested"
    ALREADY_PENDING = "already_pending"
    ALREADY_APPROVED = "already_approved"
    TOO_LATE = "too_late"
    CANCELLED = "cancelled"
    NOT_ENROLLED = "not_enrolled"
    REASON_TOO_SHORT = "reason_too_short"
    APPROVED = "approved"
    REFUSED = "refused"
    ALREADY_DECIDED = "already_decided"


@dataclass(frozen=True)
class LeaveOutcome:
    status: LeaveStatusOutcome
    session: SessionInfo | None = None
    request_id: int | None = None
    learner_name: str | None = None
    decision: str | None = None  # for ALREADY_DECIDED: the earlier decision


@dataclass(frozen=True)
class LeaveView:
    id: int
    learner_name: str
    unit: str | None
    session: SessionInfo
    reason: str


async def leave_sessions(
    uow: UnitOfWork, *, person_id: int, now: datetime, settings: AttendanceSettings
) -> list[SessionInfo]:
    """Sessions a learner may still ask leave for: theirs, not cancelled, not yet over."""
    async with uow:
        rows = await uow.session.execute(
            select(Session, Class)
            .join(Class, Class.id == Session.class_id)
            .join(Enrollment, Enrollment.class_id == Class.id)
            .where(
                Enrollment.person_id == person_id,
                Session.status == SessionStatus.SCHEDULED,
                Session.closed_at.is_(None),
                Session.ends_at > now,
            )
            .order_by(Session.starts_at)
            .limit(SESSIONS_OFFERED)
        )
        return [session_info(s, c, settings) for s, c in rows.all()]


async def _staff_ids(session: AsyncSession, centre_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(StaffMember.person_id).where(
                StaffMember.centre_id == centre_id, StaffMember.active.is_(True)
            )
        )
    )


async def request_leave(
    uow: UnitOfWork,
    *,
    person_id: int,
    session_id: int,
    reason: str,
    now: datetime,
    settings: AttendanceSettings,
    tz: ZoneInfo,
) -> LeaveOutcome:
    """Record the request and tell the centre's staff, with approve/refuse buttons."""
    reason = " ".join(reason.split())[:MAX_REASON]

    async def work(session: AsyncSession) -> LeaveOutcome:
        lesson, klass = await load_session(session, session_id)
        info = session_info(lesson, klass, settings)
        person = await session.get(Person, person_id)
        enrolled = await session.scalar(
            select(Enrollment.id).where(
                Enrollment.class_id == klass.id, Enrollment.person_id == person_id
            )
        )
        if person is None or enrolled is None:
            return LeaveOutcome(LeaveStatusOutcome.NOT_ENROLLED, info)
        if info.cancelled:
            return LeaveOutcome(LeaveStatusOutcome.CANCELLED, info)
        if info.closed or now > info.close_at:
            return LeaveOutcome(LeaveStatusOutcome.TOO_LATE, info)
        earlier = await session.scalar(
            select(LeaveRequest.status)
            .where(
                LeaveRequest.session_id == session_id,
                LeaveRequest.person_id == person_id,
                LeaveRequest.status != LeaveStatus.REFUSED,
            )
            .limit(1)
        )
        if earlier == LeaveStatus.PENDING:
            return LeaveOutcome(LeaveStatusOutcome.ALREADY_PENDING, info)
        if earlier == LeaveStatus.APPROVED:
            return LeaveOutcome(LeaveStatusOutcome.ALREADY_APPROVED, info)
        if len(reason) < MIN_REASON:
            return LeaveOutcome(LeaveStatusOutcome.REASON_TOO_SHORT, info)
        request = LeaveRequest(
            session_id=session_id, person_id=person_id, reason=reason, created_at=now
        )
        session.add(request)
        await session.flush()
        unit = await session.get(Unit, person.unit_id) if person.unit_id else None
        text = T.STAFF_NEW_REQUEST.format(
            name=person.full_name,
            unit=unit.name if unit else T.UNIT_UNKNOWN,
            session=info.of_class(),
            when=format_when(lesson.starts_at.astimezone(tz)),
            reason=reason,
        )
        buttons = (
            (
                Choice(T.APPROVE_BUTTON, f"duyetphep {request.id} y"),
                Choice(T.REFUSE_BUTTON, f"duyetphep {request.id} n"),
            ),
        )
        for staff_id in await _staff_ids(session, klass.centre_id):
            await enqueue(
                session,
                Notice(
                    key=f"leave:new:{request.id}:{staff_id}",
                    person_id=staff_id,
                    kind="leave_request",
                    text=text,
                    choices=buttons,
                    due_at=now,
                    class_id=klass.id,
                    session_id=lesson.id,
                ),
            )
        return LeaveOutcome(
            LeaveStatusOutcome.REQUESTED, info, request.id, learner_name=person.full_name
        )

    return await replaying(uow, work)


async def pending_leave(
    uow: UnitOfWork, *, actor: Actor, settings: AttendanceSettings
) -> list[LeaveView]:
    """The staff member's queue: pending requests of their centres' classes, oldest first."""
    async with uow:
        rows = await uow.session.execute(
            select(LeaveRequest, Person.full_name, Unit.name, Session, Class)
            .join(Person, Person.id == LeaveRequest.person_id)
            .outerjoin(Unit, Unit.id == Person.unit_id)
            .join(Session, Session.id == LeaveRequest.session_id)
            .join(Class, Class.id == Session.class_id)
            .where(
                LeaveRequest.status == LeaveStatus.PENDING,
                Class.centre_id.in_(actor.staff_centre_ids),
            )
            .order_by(LeaveRequest.created_at, LeaveRequest.id)
            .limit(QUEUE_SHOWN)
        )
        return [
            LeaveView(r.id, name, unit, session_info(s, c, settings), r.reason)
            for r, name, unit, s, c in rows.all()
        ]


async def decide_leave(
    uow: UnitOfWork,
    *,
    actor: Actor,
    request_id: int,
    approve: bool,
    now: datetime,
    settings: AttendanceSettings,
    tz: ZoneInfo,
) -> LeaveOutcome:
    """Staff approve or refuse once; the learner hears of it; approval marks them excused
    (unless they came after all: a present or late mark stays)."""

    async def work(session: AsyncSession) -> LeaveOutcome:
        request = await session.get(LeaveRequest, request_id)
        if request is None:
            raise LookupError(request_id)
        lesson, klass = await load_session(session, request.session_id)
        if klass.centre_id not in actor.staff_centre_ids:
            raise AttendanceDenied
        info = session_info(lesson, klass, settings)
        person = await session.get(Person, request.person_id)
        name = person.full_name if person else ""
        new = LeaveStatus.APPROVED if approve else LeaveStatus.REFUSED
        claimed = await session.execute(
            update(LeaveRequest)
            .where(LeaveRequest.id == request_id, LeaveRequest.status == LeaveStatus.PENDING)
            .values(status=new, decided_by=actor.person_id, decided_at=now)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            await session.refresh(request)
            return LeaveOutcome(
                LeaveStatusOutcome.ALREADY_DECIDED,
                info,
                request_id,
                learner_name=name,
                decision=request.status,
            )
        if approve:
            await write_mark(
                session,
                session_id=lesson.id,
                person_id=request.person_id,
                status=AttendanceStatus.EXCUSED,
                method=AttendanceMethod.LEAVE,
                by=actor.person_id,
                now=now,
                reason=request.reason,
                keep=ATTENDED,
            )
        template = T.LEARNER_APPROVED if approve else T.LEARNER_REFUSED
        await enqueue(
            session,
            Notice(
                key=f"leave:decided:{request_id}",
                person_id=request.person_id,
                kind="leave_decision",
                text=template.format(
                    session=info.of_class(), when=format_when(lesson.starts_at.astimezone(tz))
                ),
                due_at=now,
                class_id=klass.id,
                session_id=lesson.id,
            ),
        )
        session.add(
            AuditEntry(
                actor_person_id=actor.person_id,
                actor_label=f"{actor.channel}:{actor.account_id}",
                action="leave.approve" if approve else "leave.refuse",
                entity="leave_request",
                entity_id=request_id,
            )
        )
        status = LeaveStatusOutcome.APPROVED if approve else LeaveStatusOutcome.REFUSED
        return LeaveOutcome(status, info, request_id, learner_name=name)

    return await replaying(uow, work)
