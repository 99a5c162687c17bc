"""Acknowledgment (issue 18, item 2): every results summary and absence alert to a unit leader
carries "✅ Đã nhận"; staff see which units have not pressed it; one reminder goes to those
leaders a configurable number of days after publishing.

Who may acknowledge what is read from the outbox: a leader acknowledges only a notice that was
sent to them, so no one can mark another unit's summary as read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import (
    AckKind,
    Acknowledgment,
    Class,
    Enrollment,
    Notification,
    Person,
    Session,
    Unit,
    UnitLeader,
)
from texts import units as T
from usecases.audit import record
from usecases.identity import Actor, centre_name
from usecases.messages import Choice
from usecases.outbox import Notice, enqueue
from usecases.refusal import Refused
from usecases.settings import Settings
from usecases.units import rules
from usecases.units.reasons import UnitReason
from vn.dates import format_date
from vn.text import nfc

__all__ = [
    "REMINDER_KIND",
    "AckOutcome",
    "AckStatus",
    "ClassAckCount",
    "UnitAck",
    "UnitReason",
    "ack_choices",
    "ack_overview",
    "ack_status",
    "acknowledge",
    "plan_ack_reminders",
]

# The outbox kinds that carry the button (written by results and attendance), and ours.
NOTICE_KIND = {AckKind.RESULTS: "unit_results", AckKind.ABSENCE: "absence_alert"}
REMINDER_KIND = "unit_ack_reminder"
COMMAND = "danhan"
# Reminders are planned for classes published at most this long before they fell due, so an
# upgrade does not remind units of last year's classes.
CATCH_UP = timedelta(days=7)
OVERVIEW_LIMIT = 10


def ack_choices(kind: AckKind, subject_id: int) -> tuple[tuple[Choice, ...], ...]:
    """The "✅ Đã nhận" button for a notice to a unit leader (a typed number on Zalo). Results
    and attendance add it to their notices: ``choices=ack_choices(AckKind.RESULTS, class.id)``."""
    return ((Choice(T.ACK_BUTTON, f"{COMMAND} {kind.value} {subject_id}"),),)


@dataclass(frozen=True)
class AckOutcome:
    kind: AckKind
    class_code: str
    class_name: str
    at: datetime
    first: bool  # False: this leader had already acknowledged it, nothing new written
    session_starts_at: datetime | None = None


@dataclass(frozen=True)
class UnitAck:
    unit_id: int
    unit_name: str
    leaders: tuple[str, ...]
    acked_by: str | None = None
    acked_at: datetime | None = None


@dataclass
class AckStatus:
    class_code: str
    class_name: str
    published_at: datetime | None
    units: list[UnitAck] = field(default_factory=list)  # units with a leader, by name
    without_leader: list[str] = field(default_factory=list)

    @property
    def not_acked(self) -> list[UnitAck]:
        return [u for u in self.units if u.acked_by is None]


@dataclass(frozen=True)
class ClassAckCount:
    class_code: str
    class_name: str
    total: int
    unacked: int


async def acknowledge(
    uow: UnitOfWork, actor: Actor, *, kind: str, subject_id: int, now: datetime
) -> AckOutcome:
    """Record this leader's "✅ Đã nhận" once; a second press says when the first was."""
    async with uow:
        session = uow.session
        ack_kind = AckKind(kind) if kind in set(AckKind) else None
        class_id = None
        if ack_kind is not None and actor.person_id is not None:
            class_id = await _notice_class(session, actor.person_id, ack_kind, subject_id)
        if ack_kind is None or class_id is None or actor.person_id is None:
            raise Refused(UnitReason.NOT_YOURS)
        klass = await session.get_one(Class, class_id)
        starts_at = None
        if ack_kind is AckKind.ABSENCE:
            starts_at = await session.scalar(
                select(Session.starts_at).where(Session.id == subject_id)
            )
        earlier = await session.scalar(
            select(Acknowledgment.at).where(
                Acknowledgment.kind == ack_kind.value,
                Acknowledgment.subject_id == subject_id,
                Acknowledgment.person_id == actor.person_id,
            )
        )
        outcome = AckOutcome(
            ack_kind, klass.code, klass.name, earlier or now, earlier is None, starts_at
        )
        if earlier is not None:
            return outcome
        session.add(
            Acknowledgment(
                kind=ack_kind.value,
                subject_id=subject_id,
                class_id=klass.id,
                person_id=actor.person_id,
                account_id=actor.account_id or None,
                at=now,
            )
        )
        record(
            session, actor, f"units.ack.{ack_kind.value}", entity="class", entity_id=klass.id,
            details={"subject_id": subject_id},
        )  # fmt: skip
        await uow.commit()
        return outcome


async def _notice_class(
    session: AsyncSession, person_id: int, kind: AckKind, subject_id: int
) -> int | None:
    """The class of the notice of this kind about this subject sent to this person, if any."""
    subject = Notification.class_id if kind is AckKind.RESULTS else Notification.session_id
    return await session.scalar(
        select(Notification.class_id)
        .where(
            Notification.person_id == person_id,
            Notification.kind == NOTICE_KIND[kind],
            subject == subject_id,
        )
        .limit(1)
    )


# --- what staff see -----------------------------------------------------------------------------


async def ack_status(uow: UnitOfWork, actor: Actor, *, centre_id: int, code: str) -> AckStatus:
    """Per unit of the class: its leaders, and who acknowledged the results and when."""
    _staff_only(actor, centre_id)
    async with uow:
        session = uow.session
        klass = await session.scalar(
            select(Class).where(Class.centre_id == centre_id, Class.code == nfc(code).upper())
        )
        if klass is None:
            raise Refused(UnitReason.CLASS_NOT_FOUND, code=code)
        if klass.results_published_at is None:
            raise Refused(UnitReason.NOT_PUBLISHED, code=klass.code)
        return await _status(session, klass)


async def ack_overview(uow: UnitOfWork, actor: Actor, *, centre_id: int) -> list[ClassAckCount]:
    """The latest published classes, each with how many units have not acknowledged."""
    _staff_only(actor, centre_id)
    async with uow:
        session = uow.session
        published = await session.scalars(
            select(Class)
            .where(Class.centre_id == centre_id, Class.results_published_at.is_not(None))
            .order_by(Class.results_published_at.desc(), Class.id.desc())
            .limit(OVERVIEW_LIMIT)
        )
        counts = []
        for klass in list(published):
            status = await _status(session, klass)
            counts.append(
                ClassAckCount(klass.code, klass.name, len(status.units), len(status.not_acked))
            )
        return counts


def _staff_only(actor: Actor, centre_id: int) -> None:
    if not actor.is_staff_of(centre_id):
        raise Refused(UnitReason.STAFF_ONLY)


@dataclass
class _ClassUnits:
    unit_names: dict[int, str]
    leaders: dict[int, set[int]]  # leader -> the class's units they lead
    leader_names: dict[int, str]
    acks: dict[int, datetime]  # leader -> when they acknowledged the results


async def _class_units(session: AsyncSession, class_id: int) -> _ClassUnits:
    unit_names = {
        uid: name
        for uid, name in await session.execute(
            select(Unit.id, Unit.name)
            .join(Person, Person.unit_id == Unit.id)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .where(Enrollment.class_id == class_id)
            .distinct()
        )
    }
    leaders: dict[int, set[int]] = {}
    leader_names: dict[int, str] = {}
    for leader_id, unit_id, name in await session.execute(
        select(UnitLeader.person_id, UnitLeader.unit_id, Person.full_name)
        .join(Person, Person.id == UnitLeader.person_id)
        .where(UnitLeader.unit_id.in_(unit_names))
    ):
        leaders.setdefault(leader_id, set()).add(unit_id)
        leader_names[leader_id] = name
    acks = {
        pid: at
        for pid, at in await session.execute(
            select(Acknowledgment.person_id, Acknowledgment.at).where(
                Acknowledgment.kind == AckKind.RESULTS.value,
                Acknowledgment.subject_id == class_id,
            )
        )
    }
    return _ClassUnits(unit_names, leaders, leader_names, acks)


async def _status(session: AsyncSession, klass: Class) -> AckStatus:
    cu = await _class_units(session, klass.id)
    status = AckStatus(klass.code, klass.name, klass.results_published_at)
    lonely = rules.units_without_leader(set(cu.unit_names), cu.leaders)
    status.without_leader = sorted(cu.unit_names[u] for u in lonely)
    for unit_id, name in sorted(cu.unit_names.items(), key=lambda kv: (kv[1], kv[0])):
        if unit_id in lonely:
            continue
        mine = sorted((lid for lid, units in cu.leaders.items() if unit_id in units))
        first = sorted((cu.acks[lid], lid) for lid in mine if lid in cu.acks)
        by, at = (cu.leader_names[first[0][1]], first[0][0]) if first else (None, None)
        names = tuple(cu.leader_names[lid] for lid in mine)
        status.units.append(UnitAck(unit_id, name, names, by, at))
    return status


# --- the one reminder -------------------------------------------------------------------------


async def plan_ack_reminders(uow: UnitOfWork, *, now: datetime, settings: Settings) -> int:
    """One reminder, with the button, to each leader who was sent a class's results, has not
    acknowledged, and leads a unit nobody acknowledged for, once `ack_remind_after_days` have
    passed. The key makes it once per class and leader however often this runs."""
    days = settings.units.ack_remind_after_days
    if days <= 0:
        return 0
    due_before = now - timedelta(days=days)
    async with uow:
        session = uow.session
        classes = await session.scalars(
            select(Class).where(
                Class.results_published_at.is_not(None),
                Class.results_published_at <= due_before,
                Class.results_published_at >= due_before - CATCH_UP,
            )
        )
        added = 0
        for klass in list(classes):
            added += await _remind_class(session, klass, now, settings)
        await uow.commit()
        return added


async def _remind_class(
    session: AsyncSession, klass: Class, now: datetime, settings: Settings
) -> int:
    published = klass.results_published_at
    if published is None or not rules.reminder_due(
        published, now, settings.units.ack_remind_after_days
    ):
        return 0
    cu = await _class_units(session, klass.id)
    told = set(
        await session.scalars(
            select(Notification.person_id).where(
                Notification.kind == NOTICE_KIND[AckKind.RESULTS],
                Notification.class_id == klass.id,
            )
        )
    )
    added = 0
    for leader_id in rules.leaders_to_remind(cu.leaders, told, set(cu.acks)):
        units = sorted(cu.unit_names[u] for u in cu.leaders[leader_id])
        text = T.REMINDER.format(
            date=format_date(published.astimezone(settings.timezone).date()),
            centre=await centre_name(session, klass.centre_id),
            code=klass.code,
            name=klass.name,
            units=T.UNIT_JOIN.join(units),
        )
        made = await enqueue(
            session,
            Notice(
                key=f"ack_reminder:{klass.id}:{leader_id}",
                person_id=leader_id,
                kind=REMINDER_KIND,
                text=text,
                due_at=now,
                choices=ack_choices(AckKind.RESULTS, klass.id),
                class_id=klass.id,
            ),
        )
        added += made is not None
    return added
