"""/xinphep (a learner asks leave for a session) and /duyetphep (staff approve or refuse)."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.attendance import guarded
from handlers.base import Services, is_number, main_menu
from texts import leave as T
from usecases import leave as L
from usecases.identity import Actor
from usecases.leave import LeaveOutcome, LeaveStatusOutcome
from usecases.messages import Choice, Reply
from vn.dates import format_when

APPROVE, REFUSE = "y", "n"


@guarded
async def ask(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/xinphep → pick the session (buttons) → type the reason."""
    assert actor.person_id is not None
    a, tz, now = svc.settings.attendance, svc.settings.timezone, svc.clock.now()
    if not msg.args or not is_number(msg.args[0]):
        sessions = await L.leave_sessions(
            svc.db.uow(), person_id=actor.person_id, now=now, settings=a
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
    session_id = int(msg.args[0])
    typed = "" if msg.pressed or msg.text.startswith("/") else msg.text
    reason = " ".join(msg.args[1:]) or typed
    outcome = await L.request_leave(
        svc.db.uow(),
        person_id=actor.person_id,
        session_id=session_id,
        reason=reason,
        now=now,
        settings=a,
        tz=tz,
    )
    if outcome.status == LeaveStatusOutcome.REASON_TOO_SHORT and not reason:
        what = outcome.session.describe(tz) if outcome.session else ""
        return Reply(T.ASK_REASON.format(session=what), expect_input=f"xinphep {session_id}")
    return render(outcome, actor, svc)


@guarded
async def decide(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/duyetphep: the queue; "duyetphep <request> y|n" decides one request."""
    a, tz = svc.settings.attendance, svc.settings.timezone
    if len(msg.args) < 2 or not is_number(msg.args[0]) or msg.args[1] not in (APPROVE, REFUSE):
        return await _queue(actor, svc)
    try:
        outcome = await L.decide_leave(
            svc.db.uow(),
            actor=actor,
            request_id=int(msg.args[0]),
            approve=msg.args[1] == APPROVE,
            now=svc.clock.now(),
            settings=a,
            tz=tz,
        )
    except LookupError:
        return Reply(T.NOT_FOUND)
    return render(outcome, actor, svc, edit=msg.pressed)


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


def render(outcome: LeaveOutcome, actor: Actor, svc: Services, *, edit: bool = False) -> Reply:
    what = outcome.session.describe(svc.settings.timezone) if outcome.session else ""
    name = outcome.learner_name or ""
    match outcome.status:
        case LeaveStatusOutcome.REQUESTED:
            return Reply(T.REQUESTED.format(session=what), choices=main_menu(actor, svc))
        case LeaveStatusOutcome.ALREADY_PENDING:
            return Reply(T.ALREADY_PENDING.format(session=what))
        case LeaveStatusOutcome.ALREADY_APPROVED:
            return Reply(T.ALREADY_APPROVED.format(session=what))
        case LeaveStatusOutcome.TOO_LATE:
            return Reply(T.TOO_LATE.format(session=what))
        case LeaveStatusOutcome.CANCELLED:
            return Reply(T.CANCELLED.format(session=what))
        case LeaveStatusOutcome.NOT_ENROLLED:
            return Reply(T.NOT_ENROLLED)
        case LeaveStatusOutcome.REASON_TOO_SHORT:
            return Reply(
                T.REASON_TOO_SHORT,
                expect_input=f"xinphep {outcome.session.id}" if outcome.session else None,
            )
        case LeaveStatusOutcome.APPROVED:
            return Reply(T.DECIDED_APPROVED.format(name=name, session=what), edit=edit)
        case LeaveStatusOutcome.REFUSED:
            return Reply(T.DECIDED_REFUSED.format(name=name, session=what), edit=edit)
        case _:
            decision = T.DECISION_WORDS.get(outcome.decision or "", outcome.decision or "")
            return Reply(T.ALREADY_DECIDED.format(name=name, decision=decision), edit=edit)
