"""Attendance (DESIGN §2, journey 4): learners check in, monitors mark, staff correct and review,
and units hear of absences when a session closes.

Rules kept here, for every channel:

- A session's check-in window opens `open_minutes_before` its start and closes
  `close_minutes_after` it; after `late_after_minutes` a check-in counts as late.
- A check-in proves presence with the session's 4-digit room code (new per session, rotated on
  demand) and, when the venue is known, optionally with a location within `radius_m`.
- Only that class's monitors and the centre's staff mark others; a learner marks only
  themselves and only in a class they are enrolled in.
- One current row per session and learner (`Attendance`); every change is a row of
  `AttendanceChange`. Concurrent writes never duplicate or lose a mark: the unique constraint
  catches two first marks, and a compare-and-set update catches two changes of one mark; the
  loser's transaction is retried from the start.
- A session closes at the later of its window's end and its end: unmarked learners become absent,
  and each unit leader gets one alert for the session listing their learners absent without leave.
"""

from __future__ import annotations

import logging
import math
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    Attendance,
    AttendanceChange,
    AttendanceMethod,
    AttendanceStatus,
    AuditEntry,
    Class,
    Enrollment,
    Person,
    Session,
    SessionStatus,
    Unit,
    UnitLeader,
)
from sheets.writer import Percent, SheetSpec, write_xlsx
from texts import attendance as T
from usecases.identity import Actor
from usecases.outbox import Notice, enqueue
from usecases.settings import AttendanceSettings, Settings
from usecases.units import AckKind, ack_choices  # issue 18: "✅ Đã nhận"
from vn.dates import format_date, format_time, format_when

__all__ = [
    "ATTENDED",
    "CODE_DIGITS",
    "PAGE_SIZE",
    "STATUS_CYCLE",
    "AttendanceDenied",
    "AttendanceMatrix",
    "ChangeView",
    "CheckinOutcome",
    "CheckinStatus",
    "ClassReport",
    "CloseReport",
    "CodeView",
    "CorrectionOutcome",
    "MarkOutcome",
    "RosterLine",
    "RosterView",
    "SessionCounts",
    "SessionInfo",
    "SessionNotFound",
    "SessionReport",
    "attendance_matrix",
    "attendance_sheet",
    "check_in",
    "checkin_choices",
    "class_report",
    "close_due_sessions",
    "close_session",
    "correct",
    "haversine_m",
    "load_session",
    "mark",
    "mark_all_present",
    "mark_history",
    "markable_sessions",
    "recent_sessions",
    "replaying",
    "room_code",
    "roster",
    "session_info",
    "session_report",
    "set_venue",
    "staff_classes",
    "write_mark",
]

log = logging.getLogger(__name__)

CODE_DIGITS = 4
PAGE_SIZE = 15  # learners per roster page: one phone screen of buttons
EARTH_RADIUS_M = 6_371_000.0
MAX_ATTEMPTS = 5  # a transaction that lost a race is replayed this many times at most
RECENT_SESSIONS = 8
UPCOMING_CODE_HOURS = 12
MAX_WRONG_CODES = 5  # per learner and session; then the monitor marks them
WRONG_CODE_ACTION = "attendance.wrong_code"
# The scheduler closes sessions that ended at most this long ago: a bot that was down for a
# night catches up, but a class imported after the fact does not send weeks of stale absence
# alerts (staff close such sessions by hand with `sll diem-danh dong`).
CATCH_UP_HOURS = 24  # /maphong offers sessions starting within this many hours
STATUS_CYCLE: dict[str | None, str] = {
    None: AttendanceStatus.PRESENT,
    AttendanceStatus.PRESENT: AttendanceStatus.LATE,
    AttendanceStatus.LATE: AttendanceStatus.EXCUSED,
    AttendanceStatus.EXCUSED: AttendanceStatus.ABSENT,
    AttendanceStatus.ABSENT: AttendanceStatus.PRESENT,
}
ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})

R = TypeVar("R")


class AttendanceDenied(Exception):
    """The actor may not do this to this class (authorization, checked against the rows)."""


class SessionNotFound(Exception):
    pass


class _Conflict(Exception):
    """Another transaction changed the mark between our read and our write: replay."""


# ------------------------------------------------------------------------------ views


@dataclass(frozen=True)
class SessionInfo:
    id: int
    class_id: int
    class_code: str
    class_name: str
    centre_id: int
    number: int | None
    starts_at: datetime
    ends_at: datetime
    opens_at: datetime  # check-in window
    closes_at: datetime
    close_at: datetime  # when the session is closed (absent marks, unit alerts)
    cancelled: bool
    closed: bool
    has_venue: bool

    def label(self) -> str:
        """'Buổi 3' (or 'Buổi học' when the schedule has no numbers)."""
        return T.SESSION_LABEL.format(number=self.number) if self.number else T.SESSION_UNNUMBERED

    def of_class(self) -> str:
        """'Buổi 3 lớp Sơ cấp lý luận chính trị khóa IV'."""
        return T.SESSION_OF_CLASS.format(label=self.label(), class_name=self.class_name)

    def describe(self, tz: ZoneInfo) -> str:
        """'Buổi 3 lớp Sơ cấp … (Thứ Hai, 04/03/2024, 7h30)'."""
        return T.SESSION_LINE.format(
            session=self.of_class(), when=format_when(self.starts_at.astimezone(tz))
        )


def session_info(lesson: Session, klass: Class, settings: AttendanceSettings) -> SessionInfo:
    opens, closes = checkin_window(lesson, settings)
    return SessionInfo(
        id=lesson.id,
        class_id=klass.id,
        class_code=klass.code,
        class_name=klass.name,
        centre_id=klass.centre_id,
        number=lesson.number,
        starts_at=lesson.starts_at,
        ends_at=lesson.ends_at,
        opens_at=opens,
        closes_at=closes,
        close_at=max(closes, lesson.ends_at),
        cancelled=lesson.status == SessionStatus.CANCELLED,
        closed=lesson.closed_at is not None,
        has_venue=lesson.venue_lat is not None and lesson.venue_lon is not None,
    )


def checkin_window(lesson: Session, settings: AttendanceSettings) -> tuple[datetime, datetime]:
    return (
        lesson.starts_at - timedelta(minutes=settings.open_minutes_before),
        lesson.starts_at + timedelta(minutes=settings.close_minutes_after),
    )


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres; plenty precise for "is this person in the hall"."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


# ------------------------------------------------------------------------- plumbing


async def replaying(uow: UnitOfWork, work: Callable[[AsyncSession], Awaitable[R]]) -> R:
    """Run `work` in one transaction; if it lost a race (unique key, changed mark), replay it
    from the start, where it sees the winner's row."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            async with uow:
                result = await work(uow.session)
                await uow.commit()
                return result
        except (IntegrityError, _Conflict, OperationalError) as exc:
            # SQLite gives up waiting for its one writer after the busy timeout under a burst;
            # that is a lost race too, not a reason to lose a learner's check-in.
            locked = isinstance(exc, OperationalError) and "locked" in str(exc)
            if attempt == MAX_ATTEMPTS or (isinstance(exc, OperationalError) and not locked):
                raise
            log.info("attendance write lost a race, replaying (attempt %s)", attempt)
    raise AssertionError("unreachable")


async def load_session(session: AsyncSession, session_id: int) -> tuple[Session, Class]:
    row = (
        await session.execute(
            select(Session, Class)
            .join(Class, Class.id == Session.class_id)
            .where(Session.id == session_id)
        )
    ).first()
    if row is None:
        raise SessionNotFound(session_id)
    return row[0], row[1]


async def _may_mark(session: AsyncSession, actor: Actor, klass: Class) -> bool:
    """Staff of the class's centre, or a monitor of this very class (read from the rows)."""
    if klass.centre_id in actor.staff_centre_ids:
        return True
    if actor.person_id is None:
        return False
    monitor = await session.scalar(
        select(Enrollment.is_monitor).where(
            Enrollment.class_id == klass.id, Enrollment.person_id == actor.person_id
        )
    )
    return bool(monitor)


async def _enrolled(session: AsyncSession, class_id: int, person_id: int) -> bool:
    found = await session.scalar(
        select(Enrollment.id).where(
            Enrollment.class_id == class_id, Enrollment.person_id == person_id
        )
    )
    return found is not None


async def write_mark(
    session: AsyncSession,
    *,
    session_id: int,
    person_id: int,
    status: str,
    method: str,
    by: int | None,
    now: datetime,
    reason: str | None = None,
    location: tuple[float, float] | None = None,
    keep: frozenset[str] = frozenset(),
    known_unmarked: bool = False,
) -> tuple[str | None, str] | None:
    """Set the current mark and record the change; returns (old, new), or None when nothing
    changed (same status, or the current one is in `keep`). Call inside a `replaying` (or
    otherwise retried) transaction: it raises IntegrityError/_Conflict when it lost a race.
    `known_unmarked`: the caller has just read that there is no mark; skip reading again."""
    current = None
    if not known_unmarked:
        current = (
            await session.execute(
                select(Attendance.id, Attendance.status).where(
                    Attendance.session_id == session_id, Attendance.person_id == person_id
                )
            )
        ).first()
    lat, lon = location or (None, None)
    if current is None:
        # Core statements, not the ORM's flush: this is the check-in burst's hot path.
        attendance_id = await session.scalar(
            insert(Attendance)
            .values(
                session_id=session_id,
                person_id=person_id,
                status=status,
                method=method,
                marked_by=by,
                marked_at=now,
                lat=lat,
                lon=lon,
            )
            .returning(Attendance.id)
        )  # IntegrityError here: someone marked first; replay
        old = None
    else:
        attendance_id, old = current
        if old == status or old in keep:
            return None
        values: dict[str, object] = {
            "status": status,
            "method": method,
            "marked_by": by,
            "marked_at": now,
        }
        if location is not None:
            values.update(lat=lat, lon=lon)
        result = await session.execute(
            update(Attendance)
            .where(Attendance.id == attendance_id, Attendance.status == old)
            .values(**values)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise _Conflict
    await session.execute(
        insert(AttendanceChange).values(
            attendance_id=attendance_id,
            old_status=old,
            new_status=status,
            method=method,
            changed_by=by,
            changed_at=now,
            reason=reason,
        )
    )
    return old, status


# ------------------------------------------------------------------------------ check-in


class CheckinStatus(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"
    ASK_CODE = "ask_code"  # one open session: type its code
    CHOOSE = "choose"  # several open sessions: pick one
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    WRONG_CODE = "wrong_code"
    NOT_ENROLLED = "not_enrolled"
    CANCELLED = "cancelled"
    OUTSIDE_RADIUS = "outside_radius"
    NEED_LOCATION = "need_location"
    NO_SESSION = "no_session"
    TOO_MANY_TRIES = "too_many_tries"  # too many wrong codes for this session


@dataclass(frozen=True)
class CheckinOutcome:
    status: CheckinStatus
    session: SessionInfo | None = None
    mark: str | None = None  # the learner's mark after (or already before) this check-in
    at: datetime | None = None
    distance_m: float | None = None
    options: tuple[SessionInfo, ...] = ()
    tries_left: int | None = None  # after a wrong code


async def _learner_sessions_near(
    session: AsyncSession, person_id: int, now: datetime, settings: AttendanceSettings
) -> list[SessionInfo]:
    """The person's sessions whose check-in window is open now, cancelled ones included."""
    earliest = now - timedelta(minutes=settings.close_minutes_after)
    latest = now + timedelta(minutes=settings.open_minutes_before)
    rows = await session.execute(
        select(Session, Class)
        .join(Class, Class.id == Session.class_id)
        .join(Enrollment, Enrollment.class_id == Class.id)
        .where(
            Enrollment.person_id == person_id,
            Session.starts_at >= earliest,
            Session.starts_at <= latest,
        )
        .order_by(Session.starts_at)
    )
    return [session_info(s, c, settings) for s, c in rows.all()]


async def _why_none_open(
    session: AsyncSession, person_id: int, now: datetime, settings: AttendanceSettings
) -> CheckinOutcome:
    """No window is open: say whether the last one just closed or when the next one opens."""
    enrolled = await session.scalar(select(Enrollment.id).where(Enrollment.person_id == person_id))
    if enrolled is None:
        return CheckinOutcome(CheckinStatus.NOT_ENROLLED)
    base = (
        select(Session, Class)
        .join(Class, Class.id == Session.class_id)
        .join(Enrollment, Enrollment.class_id == Class.id)
        .where(Enrollment.person_id == person_id, Session.status == SessionStatus.SCHEDULED)
    )
    running = (
        await session.execute(
            base.where(Session.starts_at <= now, Session.ends_at > now).order_by(
                Session.starts_at.desc()
            )
        )
    ).first()
    if running is not None:
        return CheckinOutcome(
            CheckinStatus.TOO_LATE, session_info(running[0], running[1], settings)
        )
    upcoming = (
        await session.execute(base.where(Session.starts_at > now).order_by(Session.starts_at))
    ).first()
    if upcoming is not None:
        return CheckinOutcome(
            CheckinStatus.TOO_EARLY, session_info(upcoming[0], upcoming[1], settings)
        )
    return CheckinOutcome(CheckinStatus.NO_SESSION)


async def checkin_choices(
    uow: UnitOfWork, *, person_id: int, now: datetime, settings: AttendanceSettings
) -> CheckinOutcome:
    """What /diemdanh offers before a code is typed: the open session (ask its code), a choice
    between several, or why there is nothing to check in to."""
    async with uow:
        session = uow.session
        near = await _learner_sessions_near(session, person_id, now, settings)
        open_ = [s for s in near if not s.cancelled]
        if len(open_) == 1:
            return CheckinOutcome(CheckinStatus.ASK_CODE, open_[0])
        if open_:
            return CheckinOutcome(CheckinStatus.CHOOSE, options=tuple(open_))
        if near:
            return CheckinOutcome(CheckinStatus.CANCELLED, near[0])
        return await _why_none_open(session, person_id, now, settings)


async def check_in(
    uow: UnitOfWork,
    *,
    person_id: int,
    code: str,
    now: datetime,
    settings: AttendanceSettings,
    session_id: int | None = None,
    location: tuple[float, float] | None = None,
) -> CheckinOutcome:
    """A learner checks themselves in with the room code; one transaction, replayed if it lost
    a race with a second check-in or the monitor's mark."""

    async def work(session: AsyncSession) -> CheckinOutcome:
        # One read gives the session(s), the class, enrolment, the learner's current mark and
        # their wrong codes so far; then two inserts: the lean path a 500-learner burst takes.
        wrong_tries = (
            select(func.count())
            .where(
                AuditEntry.action == WRONG_CODE_ACTION,
                AuditEntry.entity_id == Session.id,
                AuditEntry.actor_person_id == person_id,
            )
            .scalar_subquery()
        )
        query = (
            select(Session, Class, Enrollment.id, Attendance.status, wrong_tries)
            .join(Class, Class.id == Session.class_id)
            .outerjoin(
                Enrollment,
                (Enrollment.class_id == Class.id) & (Enrollment.person_id == person_id),
            )
            .outerjoin(
                Attendance,
                (Attendance.session_id == Session.id) & (Attendance.person_id == person_id),
            )
            .order_by(Session.starts_at, Session.id)
        )
        if session_id is not None:
            query = query.where(Session.id == session_id)
        else:
            query = query.where(
                Enrollment.id.is_not(None),
                Session.starts_at >= now - timedelta(minutes=settings.close_minutes_after),
                Session.starts_at <= now + timedelta(minutes=settings.open_minutes_before),
            )
        rows = (await session.execute(query)).all()
        if not rows and session_id is not None:
            raise SessionNotFound(session_id)
        if not rows:
            return await _why_none_open(session, person_id, now, settings)
        found = [(session_info(s, c, settings), s, e, m, w) for s, c, e, m, w in rows]
        if found[0][2] is None:
            return CheckinOutcome(CheckinStatus.NOT_ENROLLED, found[0][0])
        open_ = [f for f in found if not f[0].cancelled]
        if not open_:
            return CheckinOutcome(CheckinStatus.CANCELLED, found[0][0])
        # The code itself says which session when two are open at once.
        info, lesson, _, current, tries = next(
            (f for f in open_ if f[1].checkin_code == code), open_[0]
        )
        if now < info.opens_at:
            return CheckinOutcome(CheckinStatus.TOO_EARLY, info)
        if now > info.closes_at or info.closed:
            return CheckinOutcome(CheckinStatus.TOO_LATE, info)
        if current in ATTENDED:
            return CheckinOutcome(CheckinStatus.ALREADY, info, mark=current)
        if tries >= MAX_WRONG_CODES:  # a 4-digit code must not be guessed from home
            return CheckinOutcome(CheckinStatus.TOO_MANY_TRIES, info)
        if not lesson.checkin_code or not secrets.compare_digest(lesson.checkin_code, code):
            if code:  # an empty code is a question ("which code?"), not a guess
                session.add(
                    AuditEntry(
                        actor_person_id=person_id,
                        actor_label="checkin",
                        action=WRONG_CODE_ACTION,
                        entity="session",
                        entity_id=lesson.id,
                    )
                )
            return CheckinOutcome(
                CheckinStatus.WRONG_CODE, info, tries_left=MAX_WRONG_CODES - tries - 1
            )
        distance = None
        if info.has_venue and location is not None:
            assert lesson.venue_lat is not None and lesson.venue_lon is not None
            distance = haversine_m(location[0], location[1], lesson.venue_lat, lesson.venue_lon)
            if distance > settings.radius_m:
                return CheckinOutcome(CheckinStatus.OUTSIDE_RADIUS, info, distance_m=distance)
        elif info.has_venue and settings.require_location:
            return CheckinOutcome(CheckinStatus.NEED_LOCATION, info)
        late = now > lesson.starts_at + timedelta(minutes=settings.late_after_minutes)
        status = AttendanceStatus.LATE if late else AttendanceStatus.PRESENT
        # Someone marked absent or excused who then shows up is here after all.
        changed = await write_mark(
            session,
            session_id=lesson.id,
            person_id=person_id,
            status=status,
            method=AttendanceMethod.CHECKIN,
            by=person_id,
            now=now,
            location=location,
            keep=ATTENDED,
            known_unmarked=current is None,
        )
        if changed is None:  # raced with a mark that is already present/late
            return CheckinOutcome(CheckinStatus.ALREADY, info, mark=current)
        return CheckinOutcome(
            CheckinStatus.RECORDED, info, mark=status, at=now, distance_m=distance
        )

    return await replaying(uow, work)


# ------------------------------------------------------------------------- room code


@dataclass(frozen=True)
class CodeView:
    session: SessionInfo
    code: str


def _new_code(avoid: set[str]) -> str:
    while True:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if code not in avoid:
            return code


async def room_code(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    settings: AttendanceSettings,
    rotate: bool = False,
) -> CodeView:
    """The session's room code for staff or the monitor to show; made on first look, a new
    one on `rotate`. A code differs from the class's other sessions' codes."""
    async with uow:
        session = uow.session
        lesson, klass = await load_session(session, session_id)
        if not await _may_mark(session, actor, klass):
            raise AttendanceDenied
        if rotate or not lesson.checkin_code:
            others = set(
                await session.scalars(
                    select(Session.checkin_code).where(
                        Session.class_id == klass.id, Session.checkin_code.is_not(None)
                    )
                )
            )
            code = _new_code({c for c in others if c})
            query = update(Session).where(Session.id == lesson.id)
            if not rotate:  # two people opening the code at once must see the same one
                query = query.where(Session.checkin_code.is_(None))
            await session.execute(query.values(checkin_code=code))
            if rotate:
                session.add(
                    AuditEntry(
                        actor_person_id=actor.person_id,
                        actor_label=f"{actor.channel}:{actor.account_id}",
                        action="attendance.rotate_code",
                        entity="session",
                        entity_id=lesson.id,
                    )
                )
            await uow.commit()
            await session.refresh(lesson)
        assert lesson.checkin_code is not None
        return CodeView(session_info(lesson, klass, settings), lesson.checkin_code)


# ---------------------------------------------------------------------- monitor marking


async def _classes_markable_by(session: AsyncSession, actor: Actor) -> list[int]:
    if actor.person_id is None:
        return []
    ids = set(
        await session.scalars(
            select(Enrollment.class_id).where(
                Enrollment.person_id == actor.person_id, Enrollment.is_monitor.is_(True)
            )
        )
    )
    if actor.staff_centre_ids:
        ids |= set(
            await session.scalars(
                select(Class.id).where(Class.centre_id.in_(actor.staff_centre_ids))
            )
        )
    return sorted(ids)


async def markable_sessions(
    uow: UnitOfWork,
    *,
    actor: Actor,
    now: datetime,
    settings: AttendanceSettings,
    upcoming_hours: int = 0,
) -> list[SessionInfo]:
    """Sessions this monitor or staff member may mark now (open, not yet closed); with
    `upcoming_hours`, also those starting within that many hours (to show the room code)."""
    async with uow:
        session = uow.session
        class_ids = await _classes_markable_by(session, actor)
        if not class_ids:
            return []
        ahead = max(settings.open_minutes_before, upcoming_hours * 60)
        rows = await session.execute(
            select(Session, Class)
            .join(Class, Class.id == Session.class_id)
            .where(
                Session.class_id.in_(class_ids),
                Session.status == SessionStatus.SCHEDULED,
                Session.closed_at.is_(None),
                Session.starts_at <= now + timedelta(minutes=ahead),
                Session.ends_at >= now - timedelta(minutes=settings.close_minutes_after),
            )
            .order_by(Session.starts_at, Session.id)
        )
        infos = [session_info(s, c, settings) for s, c in rows.all()]
        return [i for i in infos if now <= i.close_at][:RECENT_SESSIONS]


@dataclass(frozen=True)
class RosterLine:
    number: int
    person_id: int
    name: str
    unit: str | None
    status: str | None


@dataclass(frozen=True)
class SessionCounts:
    present: int = 0
    late: int = 0
    excused: int = 0
    absent: int = 0
    unmarked: int = 0

    @property
    def total(self) -> int:
        return self.present + self.late + self.excused + self.absent + self.unmarked

    @property
    def attended(self) -> int:
        return self.present + self.late


def _count(statuses: Sequence[str | None]) -> SessionCounts:
    return SessionCounts(
        present=sum(s == AttendanceStatus.PRESENT for s in statuses),
        late=sum(s == AttendanceStatus.LATE for s in statuses),
        excused=sum(s == AttendanceStatus.EXCUSED for s in statuses),
        absent=sum(s == AttendanceStatus.ABSENT for s in statuses),
        unmarked=sum(s is None for s in statuses),
    )


@dataclass(frozen=True)
class RosterView:
    session: SessionInfo
    lines: tuple[RosterLine, ...]  # this page
    counts: SessionCounts
    page: int
    pages: int
    can_mark: bool  # open for marking now


async def _roster_lines(session: AsyncSession, class_id: int, session_id: int) -> list[RosterLine]:
    rows = await session.execute(
        select(Person.id, Person.full_name, Unit.name, Attendance.status)
        .join(Enrollment, Enrollment.person_id == Person.id)
        .outerjoin(Unit, Unit.id == Person.unit_id)
        .outerjoin(
            Attendance,
            (Attendance.person_id == Person.id) & (Attendance.session_id == session_id),
        )
        .where(Enrollment.class_id == class_id)
        .order_by(Enrollment.roster_row, Person.id)
    )
    return [
        RosterLine(i, pid, name, unit, status)
        for i, (pid, name, unit, status) in enumerate(rows.all(), start=1)
    ]


def _open_for_marking(info: SessionInfo, now: datetime) -> bool:
    return not info.cancelled and not info.closed and info.opens_at <= now <= info.close_at


async def roster(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    page: int,
    now: datetime,
    settings: AttendanceSettings,
) -> RosterView:
    """One page of the session's roster with each learner's current mark."""
    async with uow:
        session = uow.session
        lesson, klass = await load_session(session, session_id)
        if not await _may_mark(session, actor, klass):
            raise AttendanceDenied
        info = session_info(lesson, klass, settings)
        lines = await _roster_lines(session, klass.id, lesson.id)
        pages = max(1, math.ceil(len(lines) / PAGE_SIZE))
        page = min(max(page, 1), pages)
        return RosterView(
            info,
            tuple(lines[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]),
            _count([line.status for line in lines]),
            page,
            pages,
            _open_for_marking(info, now),
        )


class MarkOutcome(StrEnum):
    MARKED = "marked"
    UNCHANGED = "unchanged"
    NOT_OPEN = "not_open"  # the window has not opened yet
    CLOSED = "closed"  # closed or cancelled: only staff corrections now
    NOT_IN_CLASS = "not_in_class"


async def mark(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    person_id: int,
    status: str,
    now: datetime,
    settings: AttendanceSettings,
) -> MarkOutcome:
    """The monitor (or staff) marks one learner from the roster while the session is open."""
    status = AttendanceStatus(status)

    async def work(session: AsyncSession) -> MarkOutcome:
        lesson, klass = await load_session(session, session_id)
        if not await _may_mark(session, actor, klass):
            raise AttendanceDenied
        info = session_info(lesson, klass, settings)
        if now < info.opens_at:
            return MarkOutcome.NOT_OPEN
        if not _open_for_marking(info, now):
            return MarkOutcome.CLOSED
        if not await _enrolled(session, klass.id, person_id):
            return MarkOutcome.NOT_IN_CLASS
        changed = await write_mark(
            session,
            session_id=lesson.id,
            person_id=person_id,
            status=status,
            method=_method_of(actor, klass),
            by=actor.person_id,
            now=now,
        )
        return MarkOutcome.MARKED if changed else MarkOutcome.UNCHANGED

    return await replaying(uow, work)


def _method_of(actor: Actor, klass: Class) -> str:
    if klass.centre_id in actor.staff_centre_ids:
        return AttendanceMethod.STAFF
    return AttendanceMethod.MONITOR


async def mark_all_present(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    now: datetime,
    settings: AttendanceSettings,
) -> tuple[MarkOutcome, int]:
    """ "Everyone present": every learner not yet marked becomes present; marks already made
    (a late check-in, an approved leave, an absence) stay. Returns how many were marked."""

    async def work(session: AsyncSession) -> tuple[MarkOutcome, int]:
        lesson, klass = await load_session(session, session_id)
        if not await _may_mark(session, actor, klass):
            raise AttendanceDenied
        info = session_info(lesson, klass, settings)
        if now < info.opens_at:
            return MarkOutcome.NOT_OPEN, 0
        if not _open_for_marking(info, now):
            return MarkOutcome.CLOSED, 0
        lines = await _roster_lines(session, klass.id, lesson.id)
        method, count = _method_of(actor, klass), 0
        for line in lines:
            if line.status is None:
                changed = await write_mark(
                    session,
                    session_id=lesson.id,
                    person_id=line.person_id,
                    status=AttendanceStatus.PRESENT,
                    method=method,
                    by=actor.person_id,
                    now=now,
                    keep=frozenset(AttendanceStatus),
                )
                count += changed is not None
        return (MarkOutcome.MARKED if count else MarkOutcome.UNCHANGED), count

    return await replaying(uow, work)


# --------------------------------------------------------------------- staff corrections


@dataclass(frozen=True)
class ChangeView:
    at: datetime
    old: str | None
    new: str
    method: str
    by_name: str | None
    reason: str | None


@dataclass(frozen=True)
class CorrectionOutcome:
    session: SessionInfo
    name: str
    old: str | None
    new: str
    changed: bool
    history: tuple[ChangeView, ...] = ()


def _require_staff(actor: Actor, klass: Class) -> None:
    if klass.centre_id not in actor.staff_centre_ids:
        raise AttendanceDenied


async def correct(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    person_id: int,
    status: str,
    reason: str,
    now: datetime,
    settings: AttendanceSettings,
) -> CorrectionOutcome:
    """A staff member changes any mark, at any time, with a reason that is kept."""
    status = AttendanceStatus(status)
    reason = reason.strip()
    if not reason:
        raise ValueError("a correction needs a reason")

    async def work(session: AsyncSession) -> CorrectionOutcome:
        lesson, klass = await load_session(session, session_id)
        _require_staff(actor, klass)
        person = await session.get(Person, person_id)
        if person is None or not await _enrolled(session, klass.id, person_id):
            raise SessionNotFound(person_id)
        changed = await write_mark(
            session,
            session_id=lesson.id,
            person_id=person_id,
            status=status,
            method=AttendanceMethod.STAFF,
            by=actor.person_id,
            now=now,
            reason=reason[:1000],
        )
        session.add(
            AuditEntry(
                actor_person_id=actor.person_id,
                actor_label=f"{actor.channel}:{actor.account_id}",
                action="attendance.correct",
                entity="session",
                entity_id=lesson.id,
                details={"person_id": person_id, "status": status, "changed": bool(changed)},
            )
        )
        old = changed[0] if changed else status
        history = await _history(session, lesson.id, person_id)
        return CorrectionOutcome(
            session_info(lesson, klass, settings),
            person.full_name,
            old,
            status,
            bool(changed),
            history,
        )

    return await replaying(uow, work)


async def _history(
    session: AsyncSession, session_id: int, person_id: int
) -> tuple[ChangeView, ...]:
    await session.flush()
    rows = await session.execute(
        select(AttendanceChange, Person.full_name)
        .join(Attendance, Attendance.id == AttendanceChange.attendance_id)
        .outerjoin(Person, Person.id == AttendanceChange.changed_by)
        .where(Attendance.session_id == session_id, Attendance.person_id == person_id)
        .order_by(AttendanceChange.changed_at, AttendanceChange.id)
    )
    return tuple(
        ChangeView(c.changed_at, c.old_status, c.new_status, c.method, name, c.reason)
        for c, name in rows.all()
    )


async def mark_history(
    uow: UnitOfWork,
    *,
    actor: Actor,
    session_id: int,
    person_id: int,
    settings: AttendanceSettings,
) -> tuple[SessionInfo, str, str | None, tuple[ChangeView, ...]]:
    """A learner's mark for a session and every change to it (staff only)."""
    async with uow:
        session = uow.session
        lesson, klass = await load_session(session, session_id)
        _require_staff(actor, klass)
        person = await session.get(Person, person_id)
        if person is None or not await _enrolled(session, klass.id, person_id):
            raise SessionNotFound(person_id)
        current = await session.scalar(
            select(Attendance.status).where(
                Attendance.session_id == session_id, Attendance.person_id == person_id
            )
        )
        history = await _history(session, session_id, person_id)
        return session_info(lesson, klass, settings), person.full_name, current, history


async def recent_sessions(
    uow: UnitOfWork, *, actor: Actor, now: datetime, settings: AttendanceSettings
) -> list[SessionInfo]:
    """The centre's sessions that have opened for check-in, newest first (for corrections)."""
    async with uow:
        rows = await uow.session.execute(
            select(Session, Class)
            .join(Class, Class.id == Session.class_id)
            .where(
                Class.centre_id.in_(actor.staff_centre_ids),
                Session.status == SessionStatus.SCHEDULED,
                Session.starts_at <= now + timedelta(minutes=settings.open_minutes_before),
            )
            .order_by(Session.starts_at.desc(), Session.id.desc())
            .limit(RECENT_SESSIONS)
        )
        return [session_info(s, c, settings) for s, c in rows.all()]


# ------------------------------------------------------------------------ session close


@dataclass
class CloseReport:
    session_id: int
    closed_now: bool  # False: someone else closed it first, nothing done
    marked_absent: int = 0
    alerts: int = 0
    absent_ids: list[int] = field(default_factory=list)


async def close_session(
    uow: UnitOfWork, *, session_id: int, now: datetime, settings: Settings
) -> CloseReport:
    """Close a session once: unmarked learners become absent, and each unit leader whose
    learners were absent without leave gets ONE alert for the session through the outbox."""

    async def work(session: AsyncSession) -> CloseReport:
        lesson, klass = await load_session(session, session_id)
        if lesson.status == SessionStatus.CANCELLED:
            return CloseReport(session_id, False)
        claimed = await session.execute(
            update(Session)
            .where(Session.id == session_id, Session.closed_at.is_(None))
            .values(closed_at=now)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return CloseReport(session_id, False)  # closed by someone else
        report = CloseReport(session_id, True)
        for line in await _roster_lines(session, klass.id, lesson.id):
            if line.status is None:
                await write_mark(
                    session,
                    session_id=lesson.id,
                    person_id=line.person_id,
                    status=AttendanceStatus.ABSENT,
                    method=AttendanceMethod.CLOSE,
                    by=None,
                    now=now,
                )
                report.marked_absent += 1
        report.alerts = await _alert_units(session, lesson, klass, now, settings, report)
        return report

    return await replaying(uow, work)


async def _alert_units(
    session: AsyncSession,
    lesson: Session,
    klass: Class,
    now: datetime,
    settings: Settings,
    report: CloseReport,
) -> int:
    absent = (
        await session.execute(
            select(Person.id, Person.full_name, Unit.id, Unit.name)
            .join(Attendance, Attendance.person_id == Person.id)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .join(Unit, Unit.id == Person.unit_id)
            .where(
                Attendance.session_id == lesson.id,
                Attendance.status == AttendanceStatus.ABSENT,
                Enrollment.class_id == klass.id,
            )
            .order_by(Enrollment.roster_row, Person.id)
        )
    ).all()
    report.absent_ids = [pid for pid, _, _, _ in absent]
    if not absent:
        return 0
    unit_ids = {unit_id for _, _, unit_id, _ in absent}
    leaders: dict[int, tuple[str, set[int]]] = {}
    for person_id, name, unit_id in await session.execute(
        select(UnitLeader.person_id, Person.full_name, UnitLeader.unit_id)
        .join(Person, Person.id == UnitLeader.person_id)
        .where(UnitLeader.unit_id.in_(unit_ids))
    ):
        leaders.setdefault(person_id, (name, set()))[1].add(unit_id)
    info = session_info(lesson, klass, settings.attendance)
    tz = settings.timezone
    sent = 0
    for leader_id, (leader_name, units) in sorted(leaders.items()):
        mine = [(n, u) for pid, n, uid, u in absent if uid in units and pid != leader_id]
        if not mine:
            continue
        text = T.ABSENCE_ALERT.format(
            leader=leader_name,
            session=info.of_class(),
            when=format_when(lesson.starts_at.astimezone(tz)),
            count=len(mine),
            names="\n".join(T.ABSENCE_NAME_LINE.format(name=n, unit=u) for n, u in mine),
            centre=settings.centre_name,
        )
        made = await enqueue(
            session,
            Notice(
                key=f"absence:{lesson.id}:{leader_id}",
                person_id=leader_id,
                kind="absence_alert",
                text=text,
                due_at=now,
                class_id=klass.id,
                session_id=lesson.id,
                choices=ack_choices(AckKind.ABSENCE, lesson.id),  # issue 18
            ),
        )
        sent += made is not None
    return sent


async def close_due_sessions(
    uow: UnitOfWork, *, now: datetime, settings: Settings
) -> list[CloseReport]:
    """Close every session whose time has come (the scheduler's periodic job; the database
    says what is due, so a bot that was down catches up on start, within CATCH_UP_HOURS)."""
    a = settings.attendance
    async with uow:
        due = list(
            await uow.session.scalars(
                select(Session.id)
                .where(
                    Session.closed_at.is_(None),
                    Session.status == SessionStatus.SCHEDULED,
                    Session.ends_at <= now,
                    Session.ends_at >= now - timedelta(hours=CATCH_UP_HOURS),
                    Session.starts_at <= now - timedelta(minutes=a.close_minutes_after),
                )
                .order_by(Session.starts_at)
            )
        )
    reports = []
    for session_id in due:  # one transaction each: one bad session does not hold up others
        reports.append(await close_session(uow, session_id=session_id, now=now, settings=settings))
    return reports


# ------------------------------------------------------------------------------ review


@dataclass(frozen=True)
class SessionReport:
    session: SessionInfo
    counts: SessionCounts
    absent: tuple[str, ...]
    excused: tuple[str, ...]
    late: tuple[str, ...]
    unmarked: tuple[str, ...]


async def session_report(
    uow: UnitOfWork, *, actor: Actor, session_id: int, settings: AttendanceSettings
) -> SessionReport:
    """Counts and names for one session (staff, or the class's monitors)."""
    async with uow:
        session = uow.session
        lesson, klass = await load_session(session, session_id)
        if not await _may_mark(session, actor, klass):
            raise AttendanceDenied
        lines = await _roster_lines(session, klass.id, lesson.id)

        def names(status: str | None) -> tuple[str, ...]:
            return tuple(line.name for line in lines if line.status == status)

        return SessionReport(
            session_info(lesson, klass, settings),
            _count([line.status for line in lines]),
            names(AttendanceStatus.ABSENT),
            names(AttendanceStatus.EXCUSED),
            names(AttendanceStatus.LATE),
            names(None),
        )


@dataclass(frozen=True)
class ClassReport:
    class_id: int
    code: str
    name: str
    learners: int
    sessions: tuple[tuple[SessionInfo, SessionCounts], ...]  # held sessions only
    rate: float  # attended / (learners × held sessions)


@dataclass(frozen=True)
class MatrixRow:
    number: int
    person_id: int
    name: str
    unit: str | None
    marks: tuple[str | None, ...]  # one per session, in order
    counts: SessionCounts

    @property
    def rate(self) -> float:
        held = self.counts.total - self.counts.unmarked
        return self.counts.attended / held if held else 0.0


@dataclass(frozen=True)
class AttendanceMatrix:
    class_id: int
    code: str
    name: str
    sessions: tuple[SessionInfo, ...]  # not cancelled, in order
    rows: tuple[MatrixRow, ...]

    def held(self, now: datetime) -> list[int]:
        """Indexes of the sessions that have started."""
        return [i for i, s in enumerate(self.sessions) if s.starts_at <= now]


async def staff_classes(uow: UnitOfWork, *, actor: Actor) -> list[tuple[int, str, str]]:
    """(id, code, name) of the classes of this staff member's centres, newest first."""
    async with uow:
        rows = await uow.session.execute(
            select(Class.id, Class.code, Class.name)
            .where(Class.centre_id.in_(actor.staff_centre_ids))
            .order_by(Class.start_date.desc(), Class.id.desc())
        )
        return [(i, c, n) for i, c, n in rows.all()]


async def attendance_matrix(
    uow: UnitOfWork,
    *,
    class_id: int | None = None,
    class_code: str | None = None,
    actor: Actor | None,
    settings: AttendanceSettings,
) -> AttendanceMatrix:
    """Learners × sessions of a class with their marks. `actor=None` is the staff CLI."""
    async with uow:
        session = uow.session
        query = select(Class)
        if class_id is not None:
            query = query.where(Class.id == class_id)
        else:
            query = query.where(Class.code == (class_code or "").strip().upper())
        if actor is not None:
            query = query.where(Class.centre_id.in_(actor.staff_centre_ids))
        klass = await session.scalar(query)
        if klass is None:
            raise SessionNotFound(class_id or class_code)
        lessons = list(
            await session.scalars(
                select(Session)
                .where(Session.class_id == klass.id, Session.status == SessionStatus.SCHEDULED)
                .order_by(Session.starts_at, Session.id)
            )
        )
        index = {s.id: i for i, s in enumerate(lessons)}
        marks: dict[int, list[str | None]] = {}
        for person_id, session_id, status in await session.execute(
            select(Attendance.person_id, Attendance.session_id, Attendance.status).where(
                Attendance.session_id.in_(list(index))
            )
        ):
            marks.setdefault(person_id, [None] * len(lessons))[index[session_id]] = status
        lines = await _roster_lines(session, klass.id, -1)  # -1: no session, names only
        empty: list[str | None] = [None] * len(lessons)
        rows = []
        for line in lines:
            row_marks = marks.get(line.person_id, empty)
            rows.append(
                MatrixRow(
                    line.number,
                    line.person_id,
                    line.name,
                    line.unit,
                    tuple(row_marks),
                    _count(row_marks),
                )
            )
        return AttendanceMatrix(
            klass.id,
            klass.code,
            klass.name,
            tuple(session_info(s, klass, settings) for s in lessons),
            tuple(rows),
        )


async def class_report(
    uow: UnitOfWork, *, actor: Actor, class_id: int, now: datetime, settings: AttendanceSettings
) -> ClassReport:
    """Per held session counts and the class's overall attendance rate (staff only)."""
    matrix = await attendance_matrix(uow, class_id=class_id, actor=actor, settings=settings)
    held = matrix.held(now)
    per_session = tuple(
        (matrix.sessions[i], _count([row.marks[i] for row in matrix.rows])) for i in held
    )
    possible = len(matrix.rows) * len(held)
    attended = sum(c.attended for _, c in per_session)
    return ClassReport(
        matrix.class_id,
        matrix.code,
        matrix.name,
        len(matrix.rows),
        per_session,
        attended / possible if possible else 0.0,
    )


def attendance_sheet(matrix: AttendanceMatrix, *, today: date, tz: ZoneInfo) -> bytes:
    """The class's attendance sheet: learners × sessions, per-learner totals and rate, and a
    row of per-session totals and rates at the bottom."""
    sessions = matrix.sessions
    header = [T.SHEET_NUMBER, T.SHEET_NAME, T.SHEET_UNIT]
    header += [
        T.SHEET_SESSION.format(
            number=s.number or i + 1, date=format_date(s.starts_at.astimezone(tz).date())
        )
        for i, s in enumerate(sessions)
    ]
    header += [T.SHEET_PRESENT, T.SHEET_LATE, T.SHEET_EXCUSED, T.SHEET_ABSENT, T.SHEET_RATE]
    rows: list[list[object]] = []
    for row in matrix.rows:
        c = row.counts
        rows.append(
            [row.number, row.name, row.unit or ""]
            + [T.SHEET_SYMBOLS.get(m or "", "") for m in row.marks]
            + [c.present, c.late, c.excused, c.absent, Percent(row.rate)]
        )
    per_session = [_count([r.marks[i] for r in matrix.rows]) for i in range(len(sessions))]
    rows.append(["", T.SHEET_TOTAL_ROW, ""] + [c.attended for c in per_session])
    rows.append(
        ["", T.SHEET_RATE_ROW, ""]
        + [
            Percent(c.attended / (c.total - c.unmarked)) if c.total - c.unmarked else None
            for c in per_session
        ]
    )
    title = [
        line.format(class_name=matrix.name, code=matrix.code, date=format_date(today))
        for line in T.SHEET_TITLE_LINES
    ]
    return write_xlsx([SheetSpec(T.SHEET_TITLE, header, rows, title_lines=title)])


def describe_time(at: datetime, tz: ZoneInfo) -> str:
    return format_time(at.astimezone(tz).time())


async def set_venue(
    uow: UnitOfWork,
    *,
    class_id: int,
    lat: float,
    lon: float,
    number: int | None = None,
    actor_label: str = "cli",
) -> int:
    """Record where the class meets (one session by number, or all), so check-ins can be
    checked against `radius_m`. Returns how many sessions were set."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("latitude/longitude out of range")
    async with uow:
        query = update(Session).where(Session.class_id == class_id)
        if number is not None:
            query = query.where(Session.number == number)
        result = await uow.session.execute(query.values(venue_lat=lat, venue_lon=lon))
        uow.session.add(
            AuditEntry(
                actor_label=actor_label,
                action="attendance.set_venue",
                entity="class",
                entity_id=class_id,
                details={"number": number},
            )
        )
        await uow.commit()
        return int(result.rowcount)  # type: ignore[attr-defined]
