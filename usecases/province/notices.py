"""A notice from the provincial school to every centre's active staff, through the outbox
(each person hears it from their own centre's bot)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from db.database import UnitOfWork
from db.models import Centre
from texts import province as T
from usecases.audit import record
from usecases.identity import Actor, active_staff_ids
from usecases.outbox import Notice, enqueue_all, for_each
from usecases.province.figures import require_province
from usecases.province.rules import ProvinceReason
from usecases.refusal import Refused
from vn.text import nfc_lines

__all__ = ["NOTICE_KIND", "Sent", "notice_key", "send_to_centres"]

NOTICE_KIND = "province_notice"


@dataclass(frozen=True)
class Sent:
    staff: int
    centres: int


def notice_key(entry_id: int, person_id: int) -> str:
    """Each notice is one audit entry, whose id makes its keys unique."""
    return f"{NOTICE_KIND}:{entry_id}:{person_id}"


async def send_to_centres(uow: UnitOfWork, *, actor: Actor, text: str, now: datetime) -> Sent:
    """Enqueue the text to the active staff of every centre (the sender excepted). Returns how
    many staff in how many centres (centres with at least one of them)."""
    require_province(actor)
    text = nfc_lines(text)
    if not text:
        raise Refused(ProvinceReason.EMPTY_TEXT)
    async with uow:
        session = uow.session
        centres = list(await session.scalars(select(Centre).order_by(Centre.name)))
        sender = await session.get(Centre, actor.home_centre)
        people: list[int] = []
        reached = 0
        for centre in centres:
            staff = [p for p in await active_staff_ids(session, centre.id) if p != actor.person_id]
            reached += bool(staff)
            people += staff  # a person is staff of one centre at most
        entry = record(
            session, actor, "province.notice", entity="centre", entity_id=actor.home_centre,
            details={"recipients": len(people), "centres": reached},
        )  # fmt: skip
        await session.flush()
        body = T.NOTICE.format(sender=sender.name if sender else "", text=text)
        message = Notice(key="", person_id=0, kind=NOTICE_KIND, text=body, due_at=now)
        await enqueue_all(session, for_each(message, people, lambda p: notice_key(entry.id, p)))
        await uow.commit()
        return Sent(staff=len(people), centres=reached)
