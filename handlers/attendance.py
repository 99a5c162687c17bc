"""Attendance in chat: /diemdanh (learner), /lop (monitor's roster), /maphong (room code),
/suadiemdanh (staff correction), /baocaodiemdanh and /bangdiemdanh (staff review).

Buttons carry short command lines (≤64 bytes): "dd <session> <person> <mark> <page>" marks one
learner, "ddall <session> <page>" asks to confirm marking everyone not yet marked present, and
"ddall <session> <page> ok" does it.
"""

from __future__ import annotations

import functools

from channels.incoming import Incoming
from handlers.base import Handler, Services, is_number, main_menu
from texts import attendance as T
from usecases import attendance as A
from usecases.attendance import CheckinOutcome, CheckinStatus, MarkOutcome, SessionInfo
from usecases.identity import Actor
from usecases.messages import Choice, Document, Reply
from vn.dates import format_date, format_datetime_short, format_time, format_when
from vn.numbers import format_percent

# One letter per mark in button data.
MARK_CODES = {"p": "present", "l": "late", "e": "excused", "a": "absent"}
CODE_OF = {v: k for k, v in MARK_CODES.items()}
ROTATE_ARG = "doi"
CONFIRM_ARG = "ok"


def guarded(handler: Handler) -> Handler:
    """Refusals from the use cases (wrong class, unknown session) become a clear answer."""

    @functools.wraps(handler)
    async def wrapper(msg: Incoming, actor: Actor, svc: Services) -> Reply | list[Reply]:
        try:
            return await handler(msg, actor, svc)
        except A.AttendanceDenied:
            return Reply(T.NOT_MONITOR, toast=T.NOT_MONITOR[:190] if msg.pressed else None)
        except A.SessionNotFound:
            return Reply(T.SESSION_NOT_FOUND)

    return wrapper


def _ints(args: tuple[str, ...]) -> list[int]:
    return [int(a) for a in args if is_number(a)]


def _tagged(args: tuple[str, ...], tag: str) -> int | None:
    """'s12' → 12 for tag 's'."""
    for a in args:
        if a[:1] == tag and is_number(a[1:]):
            return int(a[1:])
    return None


def _typed(msg: Incoming) -> str:
    """Free text that completes an awaited command (not the command line itself)."""
    return "" if msg.pressed or msg.text.startswith("/") else msg.text.strip()


def _when(info: SessionInfo, svc: Services) -> str:
    return format_when(info.starts_at.astimezone(svc.settings.timezone))


def _time(at: object, svc: Services) -> str:
    return A.describe_time(at, svc.settings.timezone)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ check-in


@guarded
async def checkin(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/diemdanh [code]: check oneself in; without a code, show the open session and ask."""
    assert actor.person_id is not None
    session_id = _tagged(msg.args, "s")
    words = [a for a in msg.args if not (a[:1] == "s" and is_number(a[1:]))]
    code = next((a for a in words if is_number(a)), None) or (words[0] if words else _typed(msg))
    if code and not (is_number(code) and len(code) == A.CODE_DIGITS):
        # "²²²²", a 30-digit number, a word: not a code at all, so no attempt is spent on it.
        again = f"diemdanh s{session_id}" if session_id else "diemdanh"
        return Reply(T.NOT_A_CODE.format(code=code[:12], digits=A.CODE_DIGITS), expect_input=again)
    a, now = svc.settings.attendance, svc.clock.now()
    if not code and session_id is None:
        outcome = await A.checkin_choices(
            svc.db.uow(), person_id=actor.person_id, now=now, settings=a
        )
    else:
        outcome = await A.check_in(
            svc.db.uow(),
            person_id=actor.person_id,
            code=code,
            now=now,
            settings=a,
            session_id=session_id,
        )
    return render_checkin(outcome, code, actor, svc)


@guarded
async def location(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """A shared location completes a check-in that asked for one."""
    assert actor.person_id is not None and msg.location is not None
    command, *args = (actor.pending.get("input") or "").split() or [""]
    code = next((x for x in args if is_number(x)), None)
    if command != "diemdanh" or code is None:
        return Reply(T.LOCATION_WITHOUT_CHECKIN, choices=main_menu(actor, svc))
    outcome = await A.check_in(
        svc.db.uow(),
        person_id=actor.person_id,
        code=code,
        now=svc.clock.now(),
        settings=svc.settings.attendance,
        session_id=_tagged(tuple(args), "s"),
        location=msg.location,
    )
    return render_checkin(outcome, code, actor, svc)


def render_checkin(outcome: CheckinOutcome, code: str, actor: Actor, svc: Services) -> Reply:
    info, tz, a = outcome.session, svc.settings.timezone, svc.settings.attendance
    what = info.describe(tz) if info else ""
    ask_again = f"diemdanh s{info.id}" if info else None
    match outcome.status:
        case CheckinStatus.ASK_CODE:
            return Reply(T.ASK_CODE.format(session=what), expect_input=ask_again)
        case CheckinStatus.CHOOSE:
            buttons = [
                [
                    Choice(
                        T.SESSION_BUTTON.format(label=s.label(), when=_when(s, svc)),
                        f"diemdanh s{s.id}",
                    )
                ]
                for s in outcome.options
            ]
            return Reply(T.CHOOSE_SESSION, choices=Reply.rows(*buttons))
        case CheckinStatus.RECORDED if outcome.mark == "late":
            start = format_time(info.starts_at.astimezone(tz).time()) if info else ""
            text = T.RECORDED_LATE.format(time=_time(outcome.at, svc), session=what, start=start)
            return Reply(text, choices=main_menu(actor, svc))
        case CheckinStatus.RECORDED:
            text = T.RECORDED_PRESENT.format(session=what, time=_time(outcome.at, svc))
            return Reply(text, choices=main_menu(actor, svc))
        case CheckinStatus.ALREADY:
            status = T.STATUS_NAMES.get(outcome.mark or "", "")
            return Reply(T.ALREADY_CHECKED_IN.format(status=status, session=what))
        case CheckinStatus.TOO_EARLY:
            assert info is not None
            opens = format_when(info.opens_at.astimezone(tz))
            return Reply(T.TOO_EARLY.format(session=what, opens=opens))
        case CheckinStatus.TOO_LATE:
            assert info is not None
            closes = format_time(info.closes_at.astimezone(tz).time())
            return Reply(T.TOO_LATE.format(session=what, closes=closes))
        case CheckinStatus.WRONG_CODE:
            if not code:
                return Reply(T.ASK_CODE.format(session=what), expect_input=ask_again)
            left = max(outcome.tries_left or 0, 0)
            if left == 0:
                return Reply(T.TOO_MANY_TRIES.format(session=what))
            return Reply(T.WRONG_CODE.format(code=code[:12], left=left), expect_input=ask_again)
        case CheckinStatus.TOO_MANY_TRIES:
            return Reply(T.TOO_MANY_TRIES.format(session=what))
        case CheckinStatus.NOT_ENROLLED:
            return Reply(T.NOT_ENROLLED if info else T.NOT_ENROLLED_ANY)
        case CheckinStatus.CANCELLED:
            return Reply(T.SESSION_CANCELLED.format(session=what))
        case CheckinStatus.OUTSIDE_RADIUS:
            # The code was right: a location sent again (once at the venue) completes it.
            distance = round(outcome.distance_m or 0)
            text = T.OUTSIDE_RADIUS.format(distance=distance, radius=a.radius_m)
            return Reply(f"{text} {T.SEND_LOCATION_AGAIN}", expect_input=f"{ask_again} {code}")
        case CheckinStatus.NEED_LOCATION:
            return Reply(T.NEED_LOCATION, expect_input=f"{ask_again} {code}")
        case _:
            return Reply(T.NO_SESSION, choices=main_menu(actor, svc))


# ------------------------------------------------------------------------------ roster


@guarded
async def roster(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/lop [session] [page]: the session's roster, marked with buttons, updated in place."""
    numbers = _ints(msg.args)
    if not numbers:
        return await _pick_session(actor, svc, "lop", T.CHOOSE_SESSION_TO_MARK)
    page = numbers[1] if len(numbers) > 1 else 1
    return await _roster_reply(actor, svc, numbers[0], page, edit=msg.pressed)


@guarded
async def mark_one(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Button "dd <session> <person> <mark> <page>"."""
    numbers_at = (0, 1, 3)
    if (
        len(msg.args) < 4
        or msg.args[2] not in MARK_CODES
        or not all(is_number(msg.args[i]) for i in numbers_at)
    ):
        return Reply(T.SESSION_NOT_FOUND)
    session_id, person_id, page = int(msg.args[0]), int(msg.args[1]), int(msg.args[3])
    status = MARK_CODES[msg.args[2]]
    outcome = await A.mark(
        svc.db.uow(),
        actor=actor,
        session_id=session_id,
        person_id=person_id,
        status=status,
        now=svc.clock.now(),
        settings=svc.settings.attendance,
    )
    if outcome == MarkOutcome.NOT_IN_CLASS:
        return Reply(T.LEARNER_NOT_IN_CLASS, toast=T.LEARNER_NOT_IN_CLASS)
    toast = T.STATUS_NAMES[status] if outcome == MarkOutcome.MARKED else None
    return await _roster_reply(actor, svc, session_id, page, edit=True, toast=toast)


@guarded
async def mark_all(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Button "ddall <session> <page>" asks first; "ddall <session> <page> ok" marks everyone
    not yet marked present. One slip (a wrong number typed on Zalo) must not mark a class."""
    numbers = _ints(msg.args)
    if not numbers:
        return Reply(T.SESSION_NOT_FOUND)
    page = numbers[1] if len(numbers) > 1 else 1
    if CONFIRM_ARG not in msg.args:
        return await _confirm_all(actor, svc, numbers[0], page)
    _, count = await A.mark_all_present(
        svc.db.uow(),
        actor=actor,
        session_id=numbers[0],
        now=svc.clock.now(),
        settings=svc.settings.attendance,
    )
    toast = T.ALL_PRESENT_TOAST.format(count=count)
    return await _roster_reply(actor, svc, numbers[0], page, edit=True, toast=toast)


async def _confirm_all(actor: Actor, svc: Services, session_id: int, page: int) -> Reply:
    view = await A.roster(
        svc.db.uow(),
        actor=actor,
        session_id=session_id,
        page=page,
        now=svc.clock.now(),
        settings=svc.settings.attendance,
    )
    back = Choice(T.BACK_TO_ROSTER_BUTTON, f"lop {session_id} {view.page}")
    if not view.can_mark or not view.counts.unmarked:
        return await _roster_reply(actor, svc, session_id, view.page, edit=True)
    text = T.CONFIRM_ALL_PRESENT.format(
        count=view.counts.unmarked, session=view.session.describe(svc.settings.timezone)
    )
    yes = Choice(T.CONFIRM_ALL_PRESENT_BUTTON, f"ddall {session_id} {view.page} {CONFIRM_ARG}")
    return Reply(text, choices=Reply.rows([yes], [back]), edit=True)


async def _roster_reply(
    actor: Actor, svc: Services, session_id: int, page: int, *, edit: bool, toast: str | None = None
) -> Reply:
    view = await A.roster(
        svc.db.uow(),
        actor=actor,
        session_id=session_id,
        page=page,
        now=svc.clock.now(),
        settings=svc.settings.attendance,
    )
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
            label = T.ROSTER_LINE_BUTTON.format(
                icon=T.STATUS_ICONS[line.status], number=line.number, name=line.name
            )
            data = (
                f"dd {info.id} {line.person_id} {CODE_OF[A.STATUS_CYCLE[line.status]]} {view.page}"
            )
            rows.append([Choice(label, data, number=line.number)])
        everyone = Choice(T.ALL_PRESENT_BUTTON, f"ddall {info.id} {view.page}", number=c.total + 1)
        rows.append([everyone])
    else:
        text += "\n" + "\n".join(
            T.ROSTER_LINE_BUTTON.format(icon=T.STATUS_ICONS[x.status], number=x.number, name=x.name)
            for x in view.lines
        )
        text += T.ROSTER_CLOSED if info.closed else ""
    rows.append(_pages(f"lop {info.id}", view.page, view.pages))
    return Reply(text, choices=Reply.rows(*rows), edit=edit, toast=toast)


def _pages(prefix: str, page: int, pages: int) -> list[Choice]:
    nav = []
    if page > 1:
        nav.append(Choice(T.PREV_BUTTON, f"{prefix} {page - 1}"))
    if page < pages:
        nav.append(Choice(T.NEXT_BUTTON, f"{prefix} {page + 1}"))
    return nav


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


# ---------------------------------------------------------------------------- room code


@guarded
async def room_code(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/maphong [session] [doi]: show (or rotate) the session's 4-digit room code."""
    numbers = _ints(msg.args)
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


# ------------------------------------------------------------------------ corrections


@guarded
async def correct(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/suadiemdanh: session → learner → new mark → reason (typed), every step a button."""
    args, a, now = msg.args, svc.settings.attendance, svc.clock.now()
    if not args or not is_number(args[0]):
        sessions = await A.recent_sessions(svc.db.uow(), actor=actor, now=now, settings=a)
        if not sessions:
            return Reply(T.CORRECT_NO_SESSIONS)
        buttons = [
            [Choice(s.describe(svc.settings.timezone)[:60], f"suadiemdanh {s.id}")]
            for s in sessions
        ]
        return Reply(T.CORRECT_CHOOSE_SESSION, choices=Reply.rows(*buttons))
    session_id = int(args[0])
    if len(args) == 1 or not is_number(args[1]):  # "p2": a page of the list
        return await _correct_pick_learner(
            actor, svc, session_id, _tagged(args, "p") or 1, msg.pressed
        )
    person_id = int(args[1])
    if len(args) == 2 or args[2] not in MARK_CODES:
        return await _correct_pick_status(actor, svc, session_id, person_id)
    status, reason = MARK_CODES[args[2]], " ".join(args[3:]) or _typed(msg)
    if not reason:
        info, name, current, _ = await A.mark_history(
            svc.db.uow(), actor=actor, session_id=session_id, person_id=person_id, settings=a
        )
        text = T.CORRECT_ASK_REASON.format(
            name=name,
            session=info.describe(svc.settings.timezone),
            old=T.STATUS_NAMES.get(current or "", T.NOT_MARKED),
            new=T.STATUS_NAMES[status],
        )
        return Reply(text, expect_input=f"suadiemdanh {session_id} {person_id} {args[2]}")
    done = await A.correct(
        svc.db.uow(),
        actor=actor,
        session_id=session_id,
        person_id=person_id,
        status=status,
        reason=reason,
        now=now,
        settings=a,
    )
    return Reply(_render_correction(done, svc))


def _render_correction(done: A.CorrectionOutcome, svc: Services) -> str:
    session = done.session.describe(svc.settings.timezone)
    if not done.changed:
        return T.CORRECT_UNCHANGED.format(name=done.name, status=T.STATUS_NAMES[done.new])
    head = T.CORRECT_DONE.format(
        name=done.name,
        session=session,
        old=T.STATUS_NAMES.get(done.old or "", T.NOT_MARKED),
        new=T.STATUS_NAMES[done.new],
        reason=done.history[-1].reason if done.history else "",
    )
    return head + "\n\n" + _render_history(done.history, svc)


def _render_history(history: tuple[A.ChangeView, ...], svc: Services) -> str:
    tz = svc.settings.timezone
    lines = [T.HISTORY_HEADER]
    for h in history:
        lines.append(
            T.HISTORY_LINE.format(
                when=format_datetime_short(h.at.astimezone(tz)),
                old=T.STATUS_NAMES.get(h.old or "", T.NOT_MARKED),
                new=T.STATUS_NAMES[h.new],
                method=T.METHOD_NAMES.get(h.method, h.method),
                by=T.HISTORY_BY.format(name=h.by_name) if h.by_name else "",
                reason=T.HISTORY_REASON.format(reason=h.reason) if h.reason else "",
            )
        )
    return "\n".join(lines)


async def _correct_pick_learner(
    actor: Actor, svc: Services, session_id: int, page: int, edit: bool
) -> Reply:
    view = await A.roster(
        svc.db.uow(),
        actor=actor,
        session_id=session_id,
        page=page,
        now=svc.clock.now(),
        settings=svc.settings.attendance,
    )
    rows = [
        [
            Choice(
                T.ROSTER_LINE_BUTTON.format(
                    icon=T.STATUS_ICONS[x.status], number=x.number, name=x.name
                ),
                f"suadiemdanh {session_id} {x.person_id}",
            )
        ]
        for x in view.lines
    ]
    pages = []
    if view.page > 1:
        pages.append(Choice(T.PREV_BUTTON, f"suadiemdanh {session_id} p{view.page - 1}"))
    if view.page < view.pages:
        pages.append(Choice(T.NEXT_BUTTON, f"suadiemdanh {session_id} p{view.page + 1}"))
    rows.append(pages)
    text = T.CORRECT_CHOOSE_LEARNER.format(
        session=view.session.describe(svc.settings.timezone), page=view.page, pages=view.pages
    )
    return Reply(text, choices=Reply.rows(*rows), edit=edit)


async def _correct_pick_status(
    actor: Actor, svc: Services, session_id: int, person_id: int
) -> Reply:
    info, name, current, history = await A.mark_history(
        svc.db.uow(),
        actor=actor,
        session_id=session_id,
        person_id=person_id,
        settings=svc.settings.attendance,
    )
    text = T.CORRECT_CHOOSE_STATUS.format(
        name=name,
        session=info.describe(svc.settings.timezone),
        status=T.STATUS_NAMES.get(current or "", T.NOT_MARKED),
    )
    if history:
        text += "\n\n" + _render_history(history, svc)
    buttons = [
        Choice(
            f"{T.STATUS_ICONS[s]} {T.STATUS_NAMES[s]}", f"suadiemdanh {session_id} {person_id} {c}"
        )
        for c, s in MARK_CODES.items()
        if s != current
    ]
    return Reply(text, choices=Reply.rows(buttons[:2], buttons[2:]), edit=True)


# ------------------------------------------------------------------------------- review


@guarded
async def report(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/baocaodiemdanh [class code | c<class> | s<session>]: counts and the names of the absent."""
    a, tz = svc.settings.attendance, svc.settings.timezone
    session_id = _tagged(msg.args, "s")
    if session_id is not None:
        r = await A.session_report(svc.db.uow(), actor=actor, session_id=session_id, settings=a)
        return Reply(
            render_session_report(r, svc), choices=((_export_button(r.session.class_id),),)
        )
    classes = await A.staff_classes(svc.db.uow(), actor=actor)
    wanted = _tagged(msg.args, "c")
    code = msg.args[0].upper() if msg.args and wanted is None else None
    chosen = [c for c in classes if c[0] == wanted or c[1] == code or len(classes) == 1]
    if code and not chosen:
        return Reply(T.CLASS_NOT_FOUND.format(code=msg.args[0][:30]))
    if not chosen:
        if not classes:
            return Reply(T.REPORT_NO_CLASSES)
        buttons = [[Choice(f"{c} – {n}"[:60], f"baocaodiemdanh c{i}")] for i, c, n in classes[:10]]
        return Reply(T.REPORT_CHOOSE_CLASS, choices=Reply.rows(*buttons))
    r = await A.class_report(
        svc.db.uow(), actor=actor, class_id=chosen[0][0], now=svc.clock.now(), settings=a
    )
    lines = [
        T.CLASS_REPORT_HEADER.format(
            class_name=r.name, total=r.learners, rate=format_percent(r.rate)
        )
    ]
    for info, c in r.sessions:
        line = T.CLASS_REPORT_LINE.format(
            label=info.label(),
            date=format_date(info.starts_at.astimezone(tz).date()),
            present=c.present,
            late=c.late,
            excused=c.excused,
            absent=c.absent,
        )
        lines.append(
            line + (T.CLASS_REPORT_LINE_OPEN.format(unmarked=c.unmarked) if c.unmarked else "")
        )
    if not r.sessions:
        lines.append(T.CLASS_REPORT_NO_SESSIONS)
    buttons = [[Choice(info.label(), f"baocaodiemdanh s{info.id}")] for info, _ in r.sessions[-6:]]
    return Reply("\n".join(lines), choices=Reply.rows(*buttons, [_export_button(r.class_id)]))


def _export_button(class_id: int) -> Choice:
    return Choice(T.EXPORT_BUTTON, f"bangdiemdanh {class_id}")


def render_session_report(r: A.SessionReport, svc: Services) -> str:
    c = r.counts
    text = T.SESSION_REPORT.format(
        session=r.session.describe(svc.settings.timezone),
        total=c.total,
        present=c.present,
        late=c.late,
        excused=c.excused,
        absent=c.absent,
        unmarked=c.unmarked,
    )
    for title, names in (
        (T.ABSENT_TITLE, r.absent),
        (T.EXCUSED_TITLE, r.excused),
        (T.LATE_TITLE, r.late),
        (T.UNMARKED_TITLE, r.unmarked),
    ):
        if names:
            text += T.SESSION_REPORT_NAMES.format(
                title=title, count=len(names), names=", ".join(names)
            )
    return text


@guarded
async def export(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/bangdiemdanh <class>: the class's attendance sheet as an xlsx document."""
    numbers = _ints(msg.args)
    if not numbers:
        return await report(msg, actor, svc)
    tz = svc.settings.timezone
    matrix = await A.attendance_matrix(
        svc.db.uow(), class_id=numbers[0], actor=actor, settings=svc.settings.attendance
    )
    data = A.attendance_sheet(matrix, today=svc.clock.now().astimezone(tz).date(), tz=tz)
    filename = T.SHEET_FILENAME.format(code=matrix.code)
    return Reply(T.EXPORT_CAPTION.format(class_name=matrix.name), document=Document(filename, data))
