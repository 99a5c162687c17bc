"""Staff commands for notices, in chat: the delivery view of a class, resending the failed
ones, announcing a class, moving or cancelling a session, and a message to a whole class."""

from __future__ import annotations

from datetime import datetime

from channels.incoming import Incoming
from handlers.base import Services, is_number
from render.delivery import describe_view
from texts import notices as T
from usecases import delivery, notices
from usecases.identity import Actor
from usecases.messages import Choice, Reply
from vn.dates import DateError, format_when, parse_date, parse_time_range

__all__ = ["announce", "broadcast", "cancel", "move", "resend", "view"]


def render_view(v: delivery.DeliveryView) -> Reply:
    choices = Reply.rows([Choice(T.RESEND_BUTTON, f"guilai {v.code}")]) if v.failed else ()
    return Reply(describe_view(v), choices=choices)


async def view(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    if not msg.args:
        return Reply(T.USAGE_VIEW)
    v = await delivery.delivery_view(svc.db.uow(), actor=actor, class_code=msg.args[0])
    return render_view(v)


async def resend(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    if not msg.args:
        return Reply(T.USAGE_RESEND)
    count = await delivery.resend_failed(
        svc.db.uow(), class_code=msg.args[0], now=svc.clock.now(),
        actor=actor,
    )  # fmt: skip
    return Reply(T.RESENT.format(count=count) if count else T.RESENT_NONE)


async def announce(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    if not msg.args:
        return Reply(T.USAGE_ANNOUNCE)
    done = await notices.announce_class(
        svc.db.uow(), class_code=msg.args[0], settings=svc.settings, now=svc.clock.now(),
        actor=actor,
    )  # fmt: skip
    return Reply(T.ANNOUNCED.format(count=done.total, code=msg.args[0].upper()))


async def move(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/doibuoi SC-K4 3 12/03/2024 7h30-11h00"""
    if len(msg.args) < 4 or not is_number(msg.args[1]):
        return Reply(T.USAGE_MOVE)
    tz = svc.settings.timezone
    try:
        day = parse_date(msg.args[2])
        start, end = parse_time_range(" ".join(msg.args[3:]))
    except DateError as exc:
        return Reply(T.BAD_DATE.format(error=exc.reason))
    starts = datetime.combine(day, start, tzinfo=tz)
    moved, told = await notices.move_session(
        svc.db.uow(), class_code=msg.args[0], number=int(msg.args[1]), starts_at=starts,
        ends_at=datetime.combine(day, end, tzinfo=tz), settings=svc.settings,
        now=svc.clock.now(), actor=actor,
    )  # fmt: skip
    session = T.SESSION_LABEL.format(number=moved.number)
    return Reply(T.MOVED_DONE.format(session=session, when=format_when(starts), count=told))


async def cancel(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/huybuoi SC-K4 3 Giảng viên bận"""
    if len(msg.args) < 2 or not is_number(msg.args[1]):
        return Reply(T.USAGE_CANCEL)
    reason = " ".join(msg.args[2:]) or None
    cancelled, told = await notices.cancel_session(
        svc.db.uow(), class_code=msg.args[0], number=int(msg.args[1]), reason=reason,
        settings=svc.settings, now=svc.clock.now(), actor=actor,
    )  # fmt: skip
    session = T.SESSION_LABEL.format(number=cancelled.number)
    return Reply(T.CANCELLED_DONE.format(session=session, count=told))


async def broadcast(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """`/nhantin SC-K4` asks for the text; the staff member's next message is sent."""
    if not msg.args:
        return Reply(T.USAGE_BROADCAST)
    code = msg.args[0].upper()
    typed = msg.text.strip().startswith("/") or msg.pressed
    if typed:
        return Reply(T.ASK_BROADCAST.format(code=code), expect_input=f"nhantin {code}")
    count = await notices.broadcast(
        svc.db.uow(), text=msg.text, class_code=code, settings=svc.settings,
        now=svc.clock.now(), actor=actor,
    )  # fmt: skip
    return Reply(T.BROADCAST_DONE.format(count=count, code=code))
