"""The unit can answer (issue 18, item 3): a unit leader writes to the centre about one of their
learners in a class — a remark on how they apply what they learned, or the reason for an
absence. It reaches staff as a queue item with the learner and class; staff answer it like a
question and the answer goes back to the leader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.database import UnitOfWork
from db.models import Class, Enrollment, Person, Unit, UnitLeader, UnitReply
from texts import units as T
from usecases.audit import record
from usecases.identity import Actor, active_staff_ids
from usecases.messages import Choice
from usecases.outbox import Notice, enqueue, enqueue_all, for_each
from usecases.refusal import Refused
from usecases.units.reasons import UnitReason
from vn.text import nfc_lines

__all__ = [
    "REPLY_KINDS",
    "ReplyView",
    "answer_reply",
    "open_replies",
    "reply_classes",
    "reply_learners",
    "reply_text",
    "send_reply",
]

REPLY_KINDS = ("remark", "absence")
MAX_TEXT = 2000
RECENT = timedelta(days=90)  # a leader replies about classes not over longer ago than this
OPEN, ANSWERED = "open", "answered"


@dataclass(frozen=True)
class ReplyView:
    id: int
    class_code: str
    class_name: str
    learner_name: str
    unit_name: str | None
    leader_id: int
    leader_name: str
    kind: str
    text: str
    created_at: datetime
    status: str
    answer_text: str | None = None


async def _led_units(session: AsyncSession, actor: Actor) -> set[int]:
    if actor.person_id is None:
        return set()
    return set(
        await session.scalars(
            select(UnitLeader.unit_id).where(UnitLeader.person_id == actor.person_id)
        )
    )


async def reply_classes(
    uow: UnitOfWork, actor: Actor, *, now: datetime
) -> list[tuple[int, str, str]]:
    """Classes, not long over, with learners of this leader's units."""
    async with uow:
        session = uow.session
        units = await _led_units(session, actor)
        rows = await session.execute(
            select(Class.id, Class.code, Class.name)
            .where(
                (Class.end_date.is_(None)) | (Class.end_date >= (now - RECENT).date()),
                select(Enrollment.id)
                .join(Person, Person.id == Enrollment.person_id)
                .where(Enrollment.class_id == Class.id, Person.unit_id.in_(units))
                .exists(),
            )
            .order_by(Class.start_date.desc(), Class.id.desc())
        )
        return [(cid, code, name) for cid, code, name in rows.all()]


async def reply_learners(
    uow: UnitOfWork, actor: Actor, *, class_id: int
) -> tuple[str, list[tuple[int, str]]]:
    """The class code and this leader's learners in it (their units only)."""
    async with uow:
        return await _learners(uow.session, actor, class_id)


async def _learners(
    session: AsyncSession, actor: Actor, class_id: int
) -> tuple[str, list[tuple[int, str]]]:
    klass = await session.get(Class, class_id)
    units = await _led_units(session, actor)
    rows = await session.execute(
        select(Person.id, Person.full_name)
        .join(Enrollment, Enrollment.person_id == Person.id)
        .where(Enrollment.class_id == class_id, Person.unit_id.in_(units))
        .order_by(Enrollment.roster_row, Person.id)
    )
    learners = [(pid, name) for pid, name in rows.all()]
    if klass is None or not learners:
        raise Refused(UnitReason.NOT_YOURS)
    return klass.code, learners


async def send_reply(
    uow: UnitOfWork,
    actor: Actor,
    *,
    class_id: int,
    learner_id: int,
    kind: str,
    text: str,
    now: datetime,
) -> ReplyView:
    """Keep the leader's word and tell the centre's staff, with a button to answer."""
    body = nfc_lines(text).strip()
    if not body:
        raise Refused(UnitReason.REPLY_EMPTY)
    if len(body) > MAX_TEXT:
        raise Refused(UnitReason.REPLY_TOO_LONG, length=len(body), limit=MAX_TEXT)
    if kind not in REPLY_KINDS or actor.person_id is None:
        raise Refused(UnitReason.NOT_YOURS)
    async with uow:
        session = uow.session
        _, learners = await _learners(session, actor, class_id)
        if learner_id not in {pid for pid, _ in learners}:
            raise Refused(UnitReason.NOT_YOUR_LEARNER)
        row = UnitReply(
            class_id=class_id, learner_id=learner_id, leader_id=actor.person_id, kind=kind,
            text=body, status=OPEN, created_at=now,
        )  # fmt: skip
        session.add(row)
        await session.flush()
        view = await _view(session, row.id)
        await _tell_staff(session, view, class_id, now)
        record(session, actor, "units.reply", entity="unit_reply", entity_id=row.id)
        await uow.commit()
        return view


async def _tell_staff(session: AsyncSession, view: ReplyView, class_id: int, now: datetime) -> None:
    """Each active staff member of the class's centre, with a button to answer."""
    klass = await session.get_one(Class, class_id)
    notice = Notice(
        key="",
        person_id=0,
        kind="unit_reply",
        text=reply_text(view),
        due_at=now,
        choices=((Choice(T.REPLY_ANSWER_BUTTON, f"traloidv {view.id}"),),),
        class_id=class_id,
    )
    staff = await active_staff_ids(session, klass.centre_id)
    await enqueue_all(session, for_each(notice, staff, lambda p: f"unit_reply:{view.id}:{p}"))


def reply_text(view: ReplyView) -> str:
    """How a reply reads in the staff's queue and notice."""
    return T.REPLY_ITEM.format(
        id=view.id, kind=T.REPLY_KIND_NAMES[view.kind], learner=view.learner_name,
        unit=view.unit_name or T.NO_UNIT, code=view.class_code, leader=view.leader_name,
        text=view.text,
    )  # fmt: skip


async def open_replies(uow: UnitOfWork, actor: Actor, *, centre_id: int) -> list[ReplyView]:
    """The staff's queue: unanswered replies of the centre's classes, oldest first."""
    if not actor.is_staff_of(centre_id):
        raise Refused(UnitReason.STAFF_ONLY)
    async with uow:
        session = uow.session
        ids = await session.scalars(
            select(UnitReply.id)
            .join(Class, Class.id == UnitReply.class_id)
            .where(Class.centre_id == centre_id, UnitReply.status == OPEN)
            .order_by(UnitReply.created_at, UnitReply.id)
        )
        return [await _view(session, rid) for rid in list(ids)]


async def answer_reply(
    uow: UnitOfWork, actor: Actor, *, centre_id: int, reply_id: int, text: str, now: datetime
) -> ReplyView:
    """Answer once; the answer goes to the leader who wrote."""
    if not actor.is_staff_of(centre_id):
        raise Refused(UnitReason.STAFF_ONLY)
    body = nfc_lines(text).strip()
    if not body:
        raise Refused(UnitReason.REPLY_EMPTY)
    async with uow:
        session = uow.session
        row = await session.get(UnitReply, reply_id)
        klass = await session.get(Class, row.class_id) if row is not None else None
        if row is None or klass is None or klass.centre_id != centre_id:
            raise Refused(UnitReason.NO_SUCH_REPLY, id=reply_id)
        if row.status == ANSWERED:
            raise Refused(UnitReason.REPLY_ANSWERED, id=reply_id)
        row.status, row.answer_text = ANSWERED, body[:MAX_TEXT]
        row.answered_by, row.answered_at = actor.person_id, now
        view = await _view(session, row.id)
        await enqueue(
            session,
            Notice(
                key=f"unit_reply_answer:{row.id}",
                person_id=row.leader_id,
                kind="unit_reply_answer",
                text=T.REPLY_ANSWER_TO_LEADER.format(
                    learner=view.learner_name,
                    code=view.class_code,
                    text=view.text,
                    answer=row.answer_text,
                ),
                due_at=now,
                class_id=row.class_id,
            ),
        )
        record(session, actor, "units.reply.answer", entity="unit_reply", entity_id=row.id)
        await uow.commit()
        return view


async def _view(session: AsyncSession, reply_id: int) -> ReplyView:
    learner, leader = aliased(Person), aliased(Person)
    r, code, name, learner_name, unit_name, leader_name = (
        await session.execute(
            select(
                UnitReply, Class.code, Class.name, learner.full_name, Unit.name, leader.full_name
            )
            .join(Class, Class.id == UnitReply.class_id)
            .join(learner, learner.id == UnitReply.learner_id)
            .outerjoin(Unit, Unit.id == learner.unit_id)
            .join(leader, leader.id == UnitReply.leader_id)
            .where(UnitReply.id == reply_id)
        )
    ).one()
    return ReplyView(
        r.id, code, name, learner_name, unit_name, r.leader_id, leader_name, r.kind, r.text,
        r.created_at, r.status, r.answer_text,
    )  # fmt: skip
