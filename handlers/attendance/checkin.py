"""/diemdanh: a learner checks themselves in with the room code (and a location if asked)."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.attendance.common import guarded, refusal_text, tagged, typed, when
from handlers.base import Services, is_number, main_menu
from texts import attendance as T
from usecases import attendance as A
from usecases.attendance import AttendanceReason as R
from usecases.attendance import Checkin, CheckinChoices
from usecases.identity import Actor
from usecases.messages import Choice, Reply
from usecases.refusal import Refused
from vn.dates import format_time

__all__ = ["checkin", "location"]


@guarded
async def checkin(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/diemdanh [code]: check oneself in; without a code, show the open session and ask."""
    session_id = tagged(msg.args, "s")
    words = [a for a in msg.args if not (a[:1] == "s" and is_number(a[1:]))]
    code = next((a for a in words if is_number(a)), None) or (words[0] if words else typed(msg))
    if code and not (is_number(code) and len(code) == A.CODE_DIGITS):
        # "²²²²", a 30-digit number, a word: not a code at all, so no attempt is spent on it.
        again = f"diemdanh s{session_id}" if session_id else "diemdanh"
        return Reply(T.NOT_A_CODE.format(code=code[:12], digits=A.CODE_DIGITS), expect_input=again)
    a, now = svc.settings.attendance, svc.clock.now()
    try:
        if not code and session_id is None:
            choices = await A.checkin_choices(svc.db.uow(), actor=actor, now=now, settings=a)
            return _offer(choices, svc)
        done = await A.check_in(
            svc.db.uow(), actor=actor, code=code, now=now, settings=a, session_id=session_id
        )
    except Refused as no:
        return _refused(no, code, actor, svc)
    return _done(done, actor, svc)


@guarded
async def location(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """A shared location completes a check-in that asked for one."""
    assert msg.location is not None
    command, *args = (actor.pending.get("input") or "").split() or [""]
    code = next((x for x in args if is_number(x)), None)
    if command != "diemdanh" or code is None:
        return Reply(T.LOCATION_WITHOUT_CHECKIN, choices=main_menu(actor, svc))
    try:
        done = await A.check_in(
            svc.db.uow(),
            actor=actor,
            code=code,
            now=svc.clock.now(),
            settings=svc.settings.attendance,
            session_id=tagged(tuple(args), "s"),
            location=msg.location,
        )
    except Refused as no:
        return _refused(no, code, actor, svc)
    return _done(done, actor, svc)


def _offer(choices: CheckinChoices, svc: Services) -> Reply:
    """One open session: ask its code; several: choose one."""
    if len(choices.options) == 1:
        info = choices.options[0]
        text = T.ASK_CODE.format(session=info.describe(svc.settings.timezone))
        return Reply(text, expect_input=f"diemdanh s{info.id}")
    buttons = [
        [Choice(T.SESSION_BUTTON.format(label=s.label(), when=when(s, svc)), f"diemdanh s{s.id}")]
        for s in choices.options
    ]
    return Reply(T.CHOOSE_SESSION, choices=Reply.rows(*buttons))


def _done(done: Checkin, actor: Actor, svc: Services) -> Reply:
    tz = svc.settings.timezone
    what = done.session.describe(tz)
    if not done.recorded:
        status = T.STATUS_NAMES.get(done.mark or "", "")
        return Reply(T.ALREADY_CHECKED_IN.format(status=status, session=what))
    assert done.at is not None
    at = format_time(done.at.astimezone(tz).time())
    if done.mark == "late":
        start = format_time(done.session.starts_at.astimezone(tz).time())
        text = T.RECORDED_LATE.format(time=at, session=what, start=start)
    else:
        text = T.RECORDED_PRESENT.format(session=what, time=at)
    return Reply(text, choices=main_menu(actor, svc))


def _refused(no: Refused, code: str, actor: Actor, svc: Services) -> Reply:
    """The refusal's words, and what the next message completes: the code typed again, or a
    location sent (the code was right)."""
    text = refusal_text(no, svc)
    info = no.details.get("session")
    ask_again = f"diemdanh s{info.id}" if isinstance(info, A.SessionInfo) else None
    if no.reason in (R.CODE_NEEDED, R.WRONG_CODE):
        return Reply(text, expect_input=ask_again)
    if no.reason in (R.OUTSIDE_RADIUS, R.NEED_LOCATION):
        return Reply(text, expect_input=f"{ask_again} {code}")
    if no.reason == R.NO_SESSION:
        return Reply(text, choices=main_menu(actor, svc))
    return Reply(text)
