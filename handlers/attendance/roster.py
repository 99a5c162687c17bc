"""/lop (the monitor's roster, marked with buttons and updated in place) and /maphong (the
session's room code).

Buttons carry short command lines (≤64 bytes): "dd <session> <person> <mark> <page>" marks one
learner, "ddall <session> <page>" asks to confirm marking everyone not yet marked present, and
"ddall <session> <page> ok" does it.
"""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.attendance.common import (
    CODE_OF,
    MARK_CODES,
    guarded,
    ints,
    page_buttons,
    refusal_text,
)
from handlers.base import Services, is_number, main_menu
from texts import attendance as T
from usecases import attendance as A
from usecases.attendance import AttendanceReason as R
from usecases.identity import Actor
from usecases.messages import Choice, Reply
from usecases.refusal import Refused
from vn.dates import format_time

__all__ = ["mark_all", "mark_one", "room_code", "roster"]

ROTATE_ARG = "doi"
CONFIRM_ARG = "ok"
NOT_NOW = (R.MARKING_NOT_OPEN, R.MARKING_CLOSED)  # the roster shows why: no marks made


@guarded
async def roster(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/lop [session] [page]: the session's roster, marked with buttons, updated in place."""
    numbers = ints(msg.args)
    if not numbers:
        return await _pick_session(actor, svc, "lop", T.CHOOSE_SESSION_TO_MARK)
    page = numbers[1] if len(numbers) > 1 else 1
    return await _roster_reply(actor, svc, numbers[0], page, edit=msg.pressed)


@guarded
async def mark_one(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Button "dd <session> <person> <mark> <page>"."""
    args = msg.args
    if len(args) < 4 or args[2] not in MARK_CODES or not all(is_number(args[i]) for i in (0, 1, 3)):
        return Reply(T.SESSION_NOT_FOUND)
    session_id, person_id, page = int(args[0]), int(args[1]), int(args[3])
    status = MARK_CODES[args[2]]
    try:
        changed = await A.mark(
            svc.db.uow(),
            actor=actor,
            session_id=session_id,
            person_id=person_id,
            status=status,
            now=svc.clock.now(),
            settings=svc.settings.attendance,
        )
    except Refused as no:
        if no.reason == R.NOT_IN_CLASS:
            text = refusal_text(no, svc)
            return Reply(text, toast=text)
        if no.reason not in NOT_NOW:
            raise
        changed = False
    toast = T.STATUS_NAMES[status] if changed else None
    return await _roster_reply(actor, svc, session_id, page, edit=True, toast=toast)


@guarded
async def mark_all(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Button "ddall <session> <page>" asks first; "ddall <session> <page> ok" marks everyone
    not yet marked present. One slip (a wrong number typed on Zalo) must not mark a class."""
    numbers = ints(msg.args)
    if not numbers:
        return Reply(T.SESSION_NOT_FOUND)
    page = numbers[1] if len(numbers) > 1 else 1
    if CONFIRM_ARG not in msg.args:
        return await _confirm_all(actor, svc, numbers[0], page)
    try:
        count = await A.mark_all_present(
            svc.db.uow(),
            actor=actor,
            session_id=numbers[0],
            now=svc.clock.now(),
            settings=svc.settings.attendance,
        )
    except Refused as no:
        if no.reason not in NOT_NOW:
            raise
        count = 0
    toast = T.ALL_PRESENT_TOAST.format(count=count)
    return await _roster_reply(actor, svc, numbers[0], page, edit=True, toast=toast)


async def _view(actor: Actor, svc: Services, session_id: int, page: int) -> A.RosterView:
    return await A.roster(
        svc.db.uow(),
        actor=actor,
        session_id=session_id,
        page=page,
        now=svc.clock.now(),
        settings=svc.settings.attendance,
    )


async def _confirm_all(actor: Actor, svc: Services, session_id: int, page: int) -> Reply:
    view = await _view(actor, svc, session_id, page)
    back = Choice(T.BACK_TO_ROSTER_BUTTON, f"lop {session_id} {view.page}")
    if not view.can_mark or not view.counts.unmarked:
        return await _roster_reply(actor, svc, session_id, view.page, edit=True)
    text = T.CONFIRM_ALL_PRESENT.format(
        count=view.counts.unmarked, session=view.session.describe(svc.settings.timezone)
    )
    yes = Choice(T.CONFIRM_ALL_PRESENT_BUTTON, f"ddall {session_id} {view.page} {CONFIRM_ARG}")
    return Reply(text, choices=Reply.rows([yes], [back]), edit=True)


def line_label(line: A.RosterLine) -> str:
    """'✅ 3. Lò Văn A': the mark's icon, the roster number, the name."""
    return T.ROSTER_LINE_BUTTON.format(
        icon=T.STATUS_ICONS[line.status], number=line.number, name=line.name
    )


async def _roster_reply(
    actor: Actor, svc: Services, session_id: int, page: int, *, edit: bool, toast: str | None = None
) -> Reply:
    view = await _view(actor, svc, session_id, page)
    info, c = view.session, view.counts
    text = T.ROSTER_HEADER.format(
        session=info.describe(svc.settings.timezone),
        present=c.present,
        late=c.late,
        excused=c.excused,
        absent=c.absent,
        unmarked=c.unmarked,
        total=c.total,
        page=view.page,
        pages=view.pages,
    )
    rows: list[list[Choice]] = []
    if view.can_mark:
        text += "\n" + (T.ROSTER_HOW_TO_MARK if svc.has_buttons else T.ROSTER_HOW_TO_MARK_TYPED)
        # Typed on Zalo, a learner's number is their roster number, as the label shows; the
        # other choices come after the last roster number, so none can be taken for a learner.
        for line in view.lines:
            mark = CODE_OF[A.STATUS_CYCLE[line.status]]
            data = f"dd {info.id} {line.person_id} {mark} {view.page}"
            rows.append([Choice(line_label(line), data, number=line.number)])
        everyone = Choice(T.ALL_PRESENT_BUTTON, f"ddall {info.id} {view.page}", number=c.total + 1)
        rows.append([everyone])
    else:
        text += "\n" + "\n".join(line_label(x) for x in view.lines)
        text += T.ROSTER_CLOSED if info.closed else ""
    rows.append(page_buttons(f"lop {info.id} ", view.page, view.pages))
    return Reply(text, choices=Reply.rows(*rows), edit=edit, toast=toast)


async def _pick_session(
    actor: Actor, svc: Services, command: str, prompt: str, upcoming_hours: int = 0
) -> Reply:
    sessions = await A.markable_sessions(
        svc.db.uow(),
        actor=actor,
        now=svc.clock.now(),
        settings=svc.settings.attendance,
        upcoming_hours=upcoming_hours,
    )
    if not sessions:
        if upcoming_hours:
            return Reply(T.NO_SESSION_FOR_CODE, choices=main_menu(actor, svc))
        before = svc.settings.attendance.open_minutes_before
        return Reply(T.NO_SESSION_TO_MARK.format(before=before), choices=main_menu(actor, svc))
    now = svc.clock.now()
    open_now = [s for s in sessions if s.opens_at <= now <= s.closes_at]
    sessions = open_now if len(open_now) == 1 else sessions
    if len(sessions) == 1 and command == "lop":
        return await _roster_reply(actor, svc, sessions[0].id, 1, edit=False)
    if len(sessions) == 1:
        return await _code_reply(actor, svc, sessions[0].id, rotate=False, edit=False)
    buttons = [
        [Choice(s.describe(svc.settings.timezone)[:60], f"{command} {s.id}")] for s in sessions
    ]
    return Reply(prompt, choices=Reply.rows(*buttons))


@guarded
async def room_code(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/maphong [session] [doi]: show (or rotate) the session's 4-digit room code."""
    numbers = ints(msg.args)
    if not numbers:
        return await _pick_session(
            actor, svc, "maphong", T.CHOOSE_SESSION_FOR_CODE, A.UPCOMING_CODE_HOURS
        )
    rotate = ROTATE_ARG in msg.args
    return await _code_reply(actor, svc, numbers[0], rotate=rotate, edit=msg.pressed)


async def _code_reply(
    actor: Actor, svc: Services, session_id: int, *, rotate: bool, edit: bool
) -> Reply:
    view = await A.room_code(
        svc.db.uow(),
        actor=actor,
        session_id=session_id,
        settings=svc.settings.attendance,
        rotate=rotate,
    )
    tz, info = svc.settings.timezone, view.session
    text = T.ROOM_CODE.format(
        session=info.describe(tz),
        code=view.code,
        opens=format_time(info.opens_at.astimezone(tz).time()),
        closes=format_time(info.closes_at.astimezone(tz).time()),
    )
    button = Choice(T.ROTATE_BUTTON, f"maphong {info.id} {ROTATE_ARG}")
    toast = T.CODE_ROTATED if rotate else None
    return Reply(text, choices=((button,),), edit=edit, toast=toast)
