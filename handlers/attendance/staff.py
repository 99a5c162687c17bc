"""Staff: /suadiemdanh (correct a mark, with a reason), /baocaodiemdanh and /bangdiemdanh
(review a session or a class, export the class's sheet)."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.attendance.common import MARK_CODES, guarded, ints, page_buttons, tagged, typed
from handlers.attendance.roster import line_label
from handlers.base import Services, is_number
from render.attendance import attendance_sheet
from texts import attendance as T
from usecases import attendance as A
from usecases.identity import Actor
from usecases.messages import Choice, Document, Reply
from vn.dates import format_date, format_datetime_short
from vn.numbers import format_percent

__all__ = ["correct", "export", "render_session_report", "report"]


@guarded
async def correct(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/suadiemdanh: session → learner → new mark → reason (typed), every step a button."""
    args, a, now = msg.args, svc.settings.attendance, svc.clock.now()
    if not args or not is_number(args[0]):
        return await _correct_pick_session(actor, svc)
    session_id = int(args[0])
    if len(args) == 1 or not is_number(args[1]):  # "p2": a page of the list
        page = tagged(args, "p") or 1
        return await _correct_pick_learner(actor, svc, session_id, page, msg.pressed)
    person_id = int(args[1])
    if len(args) == 2 or args[2] not in MARK_CODES:
        return await _correct_pick_status(actor, svc, session_id, person_id)
    status, reason = MARK_CODES[args[2]], " ".join(args[3:]) or typed(msg)
    if not reason:
        seen = await A.mark_history(
            svc.db.uow(), actor=actor, session_id=session_id, person_id=person_id, settings=a
        )
        text = T.CORRECT_ASK_REASON.format(
            name=seen.name,
            session=seen.session.describe(svc.settings.timezone),
            old=T.status_name(seen.current),
            new=T.status_name(status),
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


async def _correct_pick_session(actor: Actor, svc: Services) -> Reply:
    sessions = await A.recent_sessions(
        svc.db.uow(), actor=actor, now=svc.clock.now(), settings=svc.settings.attendance
    )
    if not sessions:
        return Reply(T.CORRECT_NO_SESSIONS)
    buttons = [
        [Choice(s.describe(svc.settings.timezone)[:60], f"suadiemdanh {s.id}")] for s in sessions
    ]
    return Reply(T.CORRECT_CHOOSE_SESSION, choices=Reply.rows(*buttons))


def _render_correction(done: A.Correction, svc: Services) -> str:
    session = done.session.describe(svc.settings.timezone)
    if not done.changed:
        return T.CORRECT_UNCHANGED.format(name=done.name, status=T.status_name(done.new))
    head = T.CORRECT_DONE.format(
        name=done.name,
        session=session,
        old=T.status_name(done.old),
        new=T.status_name(done.new),
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
                old=T.status_name(h.old),
                new=T.status_name(h.new),
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
    rows = [[Choice(line_label(x), f"suadiemdanh {session_id} {x.person_id}")] for x in view.lines]
    rows.append(page_buttons(f"suadiemdanh {session_id} p", view.page, view.pages))
    text = T.CORRECT_CHOOSE_LEARNER.format(
        session=view.session.describe(svc.settings.timezone), page=view.page, pages=view.pages
    )
    return Reply(text, choices=Reply.rows(*rows), edit=edit)


async def _correct_pick_status(
    actor: Actor, svc: Services, session_id: int, person_id: int
) -> Reply:
    seen = await A.mark_history(
        svc.db.uow(),
        actor=actor,
        session_id=session_id,
        person_id=person_id,
        settings=svc.settings.attendance,
    )
    text = T.CORRECT_CHOOSE_STATUS.format(
        name=seen.name,
        session=seen.session.describe(svc.settings.timezone),
        status=T.status_name(seen.current),
    )
    if seen.history:
        text += "\n\n" + _render_history(seen.history, svc)
    buttons = [
        Choice(
            f"{T.STATUS_ICONS[s]} {T.status_name(s)}", f"suadiemdanh {session_id} {person_id} {c}"
        )
        for c, s in MARK_CODES.items()
        if s != seen.current
    ]
    return Reply(text, choices=Reply.rows(buttons[:2], buttons[2:]), edit=True)


@guarded
async def report(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/baocaodiemdanh [class code | c<class> | s<session>]: counts and the names of the absent."""
    return await _report(msg, actor, svc)


async def _report(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    a = svc.settings.attendance
    session_id = tagged(msg.args, "s")
    if session_id is not None:
        one = await A.session_report(svc.db.uow(), actor=actor, session_id=session_id, settings=a)
        return Reply(
            render_session_report(one, svc), choices=((_export_button(one.session.class_id),),)
        )
    classes = await A.staff_classes(svc.db.uow(), actor=actor)
    wanted = tagged(msg.args, "c")
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
    buttons = [[Choice(info.label(), f"baocaodiemdanh s{info.id}")] for info, _ in r.sessions[-6:]]
    return Reply(
        render_class_report(r, svc), choices=Reply.rows(*buttons, [_export_button(r.class_id)])
    )


def render_class_report(r: A.ClassReport, svc: Services) -> str:
    tz = svc.settings.timezone
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
    return "\n".join(lines)


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
    numbers = ints(msg.args)
    if not numbers:
        return await _report(msg, actor, svc)
    tz = svc.settings.timezone
    matrix = await A.attendance_matrix(
        svc.db.uow(), class_id=numbers[0], actor=actor, settings=svc.settings.attendance
    )
    data = attendance_sheet(matrix, today=svc.clock.now().astimezone(tz).date(), tz=tz)
    filename = T.SHEET_FILENAME.format(code=matrix.code)
    return Reply(T.EXPORT_CAPTION.format(class_name=matrix.name), document=Document(filename, data))
