"""Unit leaders and the centre, both ways (issue 18): a leader's "✅ Đã nhận" (/danhan) and the
staff's list of units that have not acknowledged a class's results (/chuanhan)."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.base import Services, as_number
from render.units import ack_xlsx, conduct_text, ineligible_text, status_text
from texts import units as T
from usecases import units as U
from usecases.identity import Actor
from usecases.messages import Choice, Reply
from usecases.refusal import Refused
from usecases.units import UnitReason, rules
from vn.dates import format_datetime_short, format_when

__all__ = ["acknowledge", "conduct", "ineligible", "not_acknowledged", "sub_units"]


async def acknowledge(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Args: `<results|absence> <class or session id>`, as the button carries them."""
    subject_id = as_number(msg.args[1]) if len(msg.args) == 2 else None
    if subject_id is None:
        raise Refused(UnitReason.NOT_YOURS)
    done = await U.acknowledge(
        svc.db.uow(), actor, kind=msg.args[0], subject_id=subject_id, now=svc.clock.now()
    )
    tz = svc.settings.timezone
    if not done.first:
        return Reply(T.ACK_ALREADY.format(at=format_datetime_short(done.at.astimezone(tz))))
    if done.kind is U.AckKind.ABSENCE and done.session_starts_at is not None:
        when = format_when(done.session_starts_at.astimezone(tz))
        return Reply(T.ACK_ABSENCE_DONE.format(when=when, code=done.class_code), toast=T.ACK_TOAST)
    text = T.ACK_RESULTS_DONE.format(code=done.class_code, name=done.class_name)
    return Reply(text, toast=T.ACK_TOAST)


async def not_acknowledged(msg: Incoming, actor: Actor, svc: Services) -> Reply | list[Reply]:
    """Args: none (the latest published classes) or a class code (its units, and the sheet)."""
    uow, tz = svc.db.uow(), svc.settings.timezone
    if not msg.args:
        counts = await U.ack_overview(uow, actor, centre_id=svc.centre_id)
        if not counts:
            return Reply(T.OVERVIEW_EMPTY)
        lines = [T.OVERVIEW_HEADER]
        lines += [
            T.OVERVIEW_LINE.format(code=c.class_code, unacked=c.unacked, total=c.total)
            for c in counts
        ]
        lines.append(T.OVERVIEW_HINT)
        buttons = [Choice(c.class_code, f"chuanhan {c.class_code}") for c in counts]
        return Reply("\n".join(lines), choices=Reply.rows(*([b] for b in buttons)))
    status = await U.ack_status(uow, actor, centre_id=svc.centre_id, code=msg.args[0])
    caption = T.SHEET_CAPTION.format(code=status.class_code)
    return [Reply(status_text(status, tz)), Reply(caption, document=ack_xlsx(status, tz))]


async def ineligible(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Args: a class code. The learners over an attendance limit, before publishing."""
    if not msg.args:
        return Reply(T.INELIGIBLE_PICK)
    klass, lines = await U.ineligible(
        svc.db.uow(), actor, centre_id=svc.centre_id, code=msg.args[0], settings=svc.settings
    )
    return Reply(ineligible_text(klass.code, klass.name, lines, svc.settings.units))


async def conduct(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Args: `<class>` (the class's record) or `<class> <TT> <kind> <reason…>` (record one)."""
    args, uow = msg.args, svc.db.uow()
    if len(args) == 1:
        klass, lines = await U.class_conduct(uow, actor, centre_id=svc.centre_id, code=args[0])
        return Reply(conduct_text(klass.code, klass.name, lines, svc.settings.timezone))
    number = as_number(args[1]) if len(args) >= 3 else None
    kind = rules.conduct_kind(args[2]) if len(args) >= 3 else None
    if number is None or kind is None:
        return Reply(T.CONDUCT_USAGE)
    done = await U.record_conduct(
        uow, actor, centre_id=svc.centre_id, code=args[0], number=number, kind=kind,
        reason=" ".join(args[3:]), now=svc.clock.now(),
    )  # fmt: skip
    text = T.CONDUCT_SAVED.format(
        kind=T.CONDUCT_NAMES[done.kind], name=done.full_name, code=args[0].upper(),
        reason=done.reason,
    )  # fmt: skip
    if done.leaders_told:
        text += T.CONDUCT_TOLD.format(count=done.leaders_told)
    return Reply(text)


async def sub_units(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """A parent unit's leader: whether each sub-unit acknowledged the latest results."""
    acks = await U.sub_unit_acks(svc.db.uow(), actor)
    if not acks:
        return Reply(T.SUBUNITS_NONE)
    lines = [T.SUBUNITS_HEADER]
    last = None
    for a in acks:
        if a.class_code != last:
            lines.append(T.SUBUNITS_CLASS.format(code=a.class_code))
            last = a.class_code
        if a.acked_by:
            lines.append(T.SUBUNITS_YES.format(unit=a.unit_name, by=a.acked_by))
        else:
            lines.append(T.SUBUNITS_NO.format(unit=a.unit_name))
    return Reply("\n".join(lines))
