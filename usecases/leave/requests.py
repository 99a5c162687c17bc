"""Leave use cases: the sessions a learner may ask leave for, the request (staff are told with
approve/refuse buttons), the staff queue, and the decision (the learner is told)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    AttendanceMethod,
    AttendanceStatus,
    Class,
    Enrollment,
    LeaveRequest,
    LeaveStatus,
    Person,
    Session,
    SessionStatus,
    Unit,
)
from texts import leave as T
from usecases import audit
from usecases.attendance import (
    ATTENDED,
    AttendanceReason,
    MarkWrite,
    SessionInfo,
    load_session,
    replaying,
    session_info,
    write_mark,
)
from usecases.identity import Actor, active_staff_ids
from usecases.leave.rules import (
    LeaveReason,
    already_decided,
    clean_reason,
    decision_key,
    request_key,
    request_refusal,
)
from usecases.messages import Choice
from usecases.outbox import Notice, enqueue, enqueue_all, for_each
from usecases.refusal import Refused
from usecases.settings import AttendanceSettings
from vn.dates import format_when

__all__ = [
    "Decision",
    "LeaveView",
    "Requested",
    "decide_leave",
    "leave_sessions",
    "pending_leave",
    "request_leave",
]

SESSIONS_OFFERED = 6
QUEUE_SHOWN = 10


@dataclass(frozen=True)
class Requested:
    session: SessionInfo
    request_id: int
    learner_name: str


@dataclass(frozen=True)
class Decision:
    session: SessionInfo
    request_id: int
    learner_name: str
    approved: bool


@dataclass(frozen=True)
class LeaveView:
    id: int
    learner_name: str
    unit: str | None
    session: SessionInfo
    reason: str


def _learner(actor: Actor) -> int:
    if actor.person_id is None:
        raise Refused(LeaveReason.NOT_ENROLLED)
    return actor.person_id


async def leave_sessions(
    uow: UnitOfWork, *, actor: Actor, now: datetime, settings: AttendanceSettings
) -> list[SessionInfo]:
    """Sessions a learner may still ask leave for: theirs, not cancelled, not yet over."""
    person_id = _learner(actor)
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


async def _earlier(session: AsyncSession, session_id: int, person_id: int) -> str | None:
    """The status of the learner's earlier request for the session that was not refused."""
    return await session.scalar(
        select(LeaveRequest.status)
        .where(
            LeaveRequest.session_id == session_id,
            LeaveRequest.person_id == person_id,
            LeaveRequest.status != LeaveStatus.REFUSED,
        )
        .limit(1)
    )


async def request_leave(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    reason: str,
    now: datetime,
    settings: AttendanceSettings,
    tz: ZoneInfo,
) -> Requested:
    """Record the request and tell the centre's staff, with approve/refuse buttons."""
    person_id, reason = _learner(actor), clean_reason(reason)

    async def work(session: AsyncSession) -> Requested:
        lesson, klass = await load_session(session, session_id, seen_by=actor)
        info = session_info(lesson, klass, settings)
        person = await session.get(Person, person_id)
        enrolled = await session.scalar(
            select(Enrollment.id).where(
                Enrollment.class_id == klass.id, Enrollment.person_id == person_id
            )
        )
        earlier = await _earlier(session, session_id, person_id)
        refusal = request_refusal(
            info, enrolled=person is not None and enrolled is not None, earlier=earlier,
            reason=reason, now=now,
        )  # fmt: skip
        if refusal is not None:
            raise refusal
        assert person is not None
        request = LeaveRequest(
            session_id=session_id, person_id=person_id, reason=reason, created_at=now
        )
        session.add(request)
        await session.flush()
        await _tell_staff(session, request, person, info, tz)
        return Requested(info, request.id, person.full_name)

    return await replaying(uow, work)


async def _tell_staff(
    session: AsyncSession, request: LeaveRequest, person: Person, info: SessionInfo, tz: ZoneInfo
) -> None:
    unit = await session.get(Unit, person.unit_id) if person.unit_id else None
    text = T.STAFF_NEW_REQUEST.format(
        name=person.full_name,
        unit=unit.name if unit else T.UNIT_UNKNOWN,
        session=info.of_class(),
        when=format_when(info.starts_at.astimezone(tz)),
        reason=request.reason,
    )
    buttons = (
        (
            Choice(T.APPROVE_BUTTON, f"duyetphep {request.id} y"),
            Choice(T.REFUSE_BUTTON, f"duyetphep {request.id} n"),
        ),
    )
    notice = Notice(
        key="",
        person_id=0,
        kind="leave_request",
        text=text,
        choices=buttons,
        due_at=request.created_at,
        class_id=info.class_id,
        session_id=info.id,
    )
    staff = await active_staff_ids(session, info.centre_id)
    await enqueue_all(session, for_each(notice, staff, lambda p: request_key(request.id, p)))


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
) -> Decision:
    """Staff approve or refuse once; the learner hears of it; approval marks them excused
    (unless they came after all: a present or late mark stays)."""

    async def work(session: AsyncSession) -> Decision:
        request = await session.get(LeaveRequest, request_id)
        if request is None:
            raise Refused(LeaveReason.NOT_FOUND, request_id=request_id)
        lesson, klass = await load_session(session, request.session_id, seen_by=actor)
        if not actor.is_staff_of(klass.centre_id):
            raise Refused(AttendanceReason.DENIED)
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
            raise already_decided(request.status, name)
        if approve:
            excused = MarkWrite(
                lesson.id, request.person_id, AttendanceStatus.EXCUSED, AttendanceMethod.LEAVE,
                actor.person_id, now, reason=request.reason,
            )  # fmt: skip
            await write_mark(session, excused, keep=ATTENDED)
        await _tell_learner(session, request, info, approve, now, tz)
        action = "leave.approve" if approve else "leave.refuse"
        audit.record(session, actor, action, entity="leave_request", entity_id=request_id)
        return Decision(info, request_id, name, approve)

    return await replaying(uow, work)


async def _tell_learner(
    session: AsyncSession,
    request: LeaveRequest,
    info: SessionInfo,
    approve: bool,
    now: datetime,
    tz: ZoneInfo,
) -> None:
    template = T.LEARNER_APPROVED if approve else T.LEARNER_REFUSED
    notice = Notice(
        key=decision_key(request.id),
        person_id=request.person_id,
        kind="leave_decision",
        text=template.format(
            session=info.of_class(), when=format_when(info.starts_at.astimezone(tz))
        ),
        due_at=now,
        class_id=info.class_id,
        session_id=info.id,
    )
    await enqueue(session, notice)
