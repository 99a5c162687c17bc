"""The queues staff work through: open questions (with the answer form) and leave requests."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from texts import leave as LT
from texts import questions as QT
from texts import web as T
from usecases import leave as L
from usecases import questions as Q
from usecases.identity import Actor
from web.console import CONSOLE, Console, actor_of, form_field, page, render, see_other

__all__ = ["answer", "decide", "leave_page", "questions_page", "settle"]


def _person(actor: Actor) -> int:
    assert actor.person_id is not None  # staff are always linked to a person
    return actor.person_id


async def _queue(console: Console, actor: Actor, page_no: int) -> Q.QueuePage:
    return await Q.open_questions(console.db.uow(), staff_person_id=_person(actor), page=page_no)


async def _answer(console: Console, actor: Actor, question_id: int, text: str) -> Q.QuestionView:
    return await Q.answer_question(
        console.db.uow(),
        staff_person_id=_person(actor),
        question_id=question_id,
        text=text,
        now=console.clock.now(),
    )


def question_refusal(exc: Q.QuestionRefused, console: Console) -> str:
    """Worded as chat words it (handlers/questions.py), for what staff can meet here. Goes
    away when questions raise `usecases.refusal.Refused`."""
    d = exc.details
    match exc.reason:
        case Q.Refusal.EMPTY:
            return QT.ANSWER_EMPTY
        case Q.Refusal.TOO_LONG:
            return QT.ANSWER_TOO_LONG.format(length=d["length"], limit=d["limit"])
        case Q.Refusal.ALREADY_DONE:
            when = Q.when_text(d["when"], console.settings.timezone) if d.get("when") else ""
            status = Q.status_text(d["status"])
            return QT.ALREADY_DONE.format(
                number=d["number"], who=d["who"], when=when, status=status
            )
    return QT.QUESTION_NOT_FOUND.format(number=d.get("number", ""))


async def _settle(console: Console, actor: Actor, question_id: int, how: str, reason: str) -> str:
    """The other two ways chat closes a question: answered in class, or closed with a reason
    the learner is told. Returns what chat says after it."""
    uow, person, now = console.db.uow(), _person(actor), console.clock.now()
    if how == "in_class":
        view = await Q.mark_answered_in_class(
            uow, staff_person_id=person, question_id=question_id, now=now
        )
        return QT.IN_CLASS_DONE.format(number=view.id)
    view = await Q.close_question(
        uow, staff_person_id=person, question_id=question_id, reason=reason, now=now
    )
    return QT.CLOSED_DONE.format(number=view.id)


async def settle(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    question_id = int(request.match_info["question_id"])
    how, reason = form_field(request, "how"), form_field(request, "reason")
    try:
        ok = await _settle(console, actor_of(request), question_id, how, reason)
    except Q.QuestionRefused as exc:
        return page(request, question_refusal(exc, console), status=400)
    console.wake()
    see_other(f"/cau-hoi?{urlencode({'ok': ok})}")


async def questions_page(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    trang = request.query.get("trang", "1")
    page_no = int(trang) if trang.isdigit() and len(trang) < 6 else 1
    queue = await _queue(console, actor_of(request), page_no)
    return render(request, "questions.html", queue=queue, QT=QT)


async def answer(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    question_id = int(request.match_info["question_id"])
    text = form_field(request, "answer")
    try:
        view = await _answer(console, actor_of(request), question_id, text)
    except Q.QuestionRefused as exc:
        return page(request, question_refusal(exc, console), status=400)
    console.wake()
    ok = T.ANSWERED.format(number=view.id, name=view.learner_name)
    see_other(f"/cau-hoi?{urlencode({'ok': ok})}")


async def _leave_queue(console: Console, actor: Actor) -> list[L.LeaveView]:
    return await L.pending_leave(
        console.db.uow(), actor=actor, settings=console.settings.attendance
    )


async def _decide(console: Console, actor: Actor, request_id: int, approve: bool) -> L.LeaveOutcome:
    return await L.decide_leave(
        console.db.uow(),
        actor=actor,
        request_id=request_id,
        approve=approve,
        now=console.clock.now(),
        settings=console.settings.attendance,
        tz=console.settings.timezone,
    )


async def leave_page(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    queue = await _leave_queue(console, actor_of(request))
    return render(request, "leave.html", queue=queue, LT=LT)


async def decide(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    approve = form_field(request, "decision") == "y"
    try:
        outcome = await _decide(
            console, actor_of(request), int(request.match_info["request_id"]), approve
        )
    except LookupError:
        return page(request, LT.NOT_FOUND, status=404)
    console.wake()
    ok = _decided(outcome, console)
    see_other(f"/xin-phep?{urlencode({'ok': ok})}")


def _decided(outcome: L.LeaveOutcome, console: Console) -> str:
    """As chat says it (handlers/leave.py `render`), for the outcomes of a decision."""
    session = outcome.session.describe(console.settings.timezone) if outcome.session else ""
    name = outcome.learner_name or ""
    if outcome.status == L.LeaveStatusOutcome.APPROVED:
        return LT.DECIDED_APPROVED.format(name=name, session=session)
    if outcome.status == L.LeaveStatusOutcome.REFUSED:
        return LT.DECIDED_REFUSED.format(name=name, session=session)
    decision = LT.DECISION_WORDS.get(outcome.decision or "", outcome.decision or "")
    return LT.ALREADY_DECIDED.format(name=name, decision=decision)
