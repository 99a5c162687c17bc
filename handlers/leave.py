"""/xinphep (a learner asks leave for a session) and /duyetphep (staff approve or refuse)."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.attendance import guarded, refusal_text
from handlers.base import Services, is_number, main_menu
from texts import leave as T
from usecases import leave as L
from usecases.identity import Actor
from usecases.leave import LeaveReason
from usecases.messages import Choice, Reply
from usecases.refusal import Refused
from vn.dates import format_when

APPROVE, REFUSE = "y", "n"


@guarded
async def ask(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/xinphep → pick the session (buttons) → type the reason."""
    a, tz, now = svc.settings.attendance, svc.settings.timezone, svc.clock.now()
    if not msg.args or not is_number(msg.args[0]):
        return await _sessions(actor, svc)
    session_id = int(msg.args[0])
    typed = "" if msg.pressed or msg.text.startswith("/") else msg.text
    reason = " ".join(msg.args[1:]) or typed
    try:
        done = await L.request_leave(
            svc.db.uow(),
            actor=actor,
            session_id=session_id,
            reason=reason,
            now=now,
            settings=a,
            tz=tz,
        )
    except Refused as no:
        if no.reason != LeaveReason.REASON_TOO_SHORT:
            raise
        if not reason:
            what = no.details["session"].describe(tz)
            return Reply(T.ASK_REASON.format(session=what), expect_input=f"xinphep {session_id}")
        return Reply(refusal_text(no, svc), expect_input=f"xinphep {session_id}")
    what = done.session.describe(tz)
    return Reply(T.REQUESTED.format(session=what), choices=main_menu(actor, svc))


async def _sessions(actor: Actor, svc: Services) -> Reply:
    tz = svc.settings.timezone
    sessions = await L.leave_sessions(
        svc.db.uow(), actor=actor, now=svc.clock.now(), settings=svc.settings.attendance
    )
    if not sessions:
        return Reply(T.NO_SESSIONS, choices=main_menu(actor, svc))
    buttons = [
        [
            Choice(
                T.SESSION_BUTTON.format(
                    label=s.label(), when=format_when(s.starts_at.astimezone(tz))
                ),
                f"xinphep {s.id}",
            )
        ]
        for s in sessions
    ]
    return Reply(T.CHOOSE_SESSION, choices=Reply.rows(*buttons))


@guarded
async def decide(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/duyetphep: the queue; "duyetphep <request> y|n" decides one request."""
    a, tz = svc.settings.attendance, svc.settings.timezone
    if len(msg.args) < 2 or not is_number(msg.args[0]) or msg.args[1] not in (APPROVE, REFUSE):
        return await _queue(actor, svc)
    try:
        done = await L.decide_leave(
            svc.db.uow(),
            actor=actor,
            request_id=int(msg.args[0]),
            approve=msg.args[1] == APPROVE,
            now=svc.clock.now(),
            settings=a,
            tz=tz,
        )
    except Refused as no:
        already = (LeaveReason.ALREADY_APPROVED_BY_STAFF, LeaveReason.ALREADY_REFUSED_BY_STAFF)
        if no.reason not in already:
            raise
        return Reply(refusal_text(no, svc), edit=msg.pressed)
    template = T.DECIDED_APPROVED if done.approved else T.DECIDED_REFUSED
    text = template.format(name=done.learner_name, session=done.session.describe(tz))
    return Reply(text, edit=msg.pressed)


async def _queue(actor: Actor, svc: Services) -> Reply:
    tz = svc.settings.timezone
    queue = await L.pending_leave(svc.db.uow(), actor=actor, settings=svc.settings.attendance)
    if not queue:
        return Reply(T.QUEUE_EMPTY, choices=main_menu(actor, svc))
    lines = [T.QUEUE_HEADER.format(count=len(queue))]
    buttons = []
    for n, r in enumerate(queue, start=1):
        lines.append(
            T.QUEUE_LINE.format(
                n=n,
                name=r.learner_name,
                unit=r.unit or T.UNIT_UNKNOWN,
                session=r.session.of_class(),
                when=format_when(r.session.starts_at.astimezone(tz)),
                reason=r.reason,
            )
        )
        buttons.append(
            [
                Choice(T.QUEUE_APPROVE.format(n=n), f"duyetphep {r.id} {APPROVE}"),
                Choice(T.QUEUE_REFUSE.format(n=n), f"duyetphep {r.id} {REFUSE}"),
            ]
        )
    return Reply("\n".join(lines), choices=Reply.rows(*buttons))
