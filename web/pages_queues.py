"""The queues staff work through: open questions (with the answer form) and leave requests."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from render.questions import refusal_text
from texts import leave as LT
from texts import questions as QT
from texts import web as T
from texts.refusals import say
from usecases import leave as L
from usecases import questions as Q
from usecases.identity import Actor
from usecases.refusal import Refused
from web.console import CONSOLE, Console, actor_of, form_field, page, render, see_other

__all__ = ["answer", "decide", "leave_page", "questions_page", "settle"]


async def _queue(console: Console, actor: Actor, page_no: int) -> Q.QueuePage:
    return await Q.open_questions(console.db.uow(), actor=actor, page=page_no)


async def _answer(console: Console, actor: Actor, question_id: int, text: str) -> Q.QuestionView:
    return await Q.answer_question(
        console.db.uow(),
        actor=actor,
        question_id=question_id,
        text=text,
        now=console.clock.now(),
    )


async def _settle(console: Console, actor: Actor, question_id: int, how: str, reason: str) -> str:
    """The other two ways chat closes a question: answered in class, or closed with a reason
    the learner is told. Returns what chat says after it."""
    uow, now = console.db.uow(), console.clock.now()
    if how == "in_class":
        view = await Q.mark_answered_in_class(uow, actor=actor, question_id=question_id, now=now)
        return QT.IN_CLASS_DONE.format(number=view.id)
    view = await Q.close_question(uow, actor=actor, question_id=question_id, reason=reason, now=now)
    return QT.CLOSED_DONE.format(number=view.id)


async def settle(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    question_id = int(request.match_info["question_id"])
    how, reason = form_field(request, "how"), form_field(request, "reason")
    try:
        ok = await _settle(console, actor_of(request), question_id, how, reason)
    except Refused as no:
        return page(request, refusal_text(no, console.settings.timezone), status=400)
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
    except Refused as no:
        return page(request, refusal_text(no, console.settings.timezone), status=400)
    console.wake()
    ok = T.ANSWERED.format(number=view.id, name=view.learner_name)
    see_other(f"/cau-hoi?{urlencode({'ok': ok})}")


async def _leave_queue(console: Console, actor: Actor) -> list[L.LeaveView]:
    return await L.pending_leave(
        console.db.uow(), actor=actor, settings=console.settings.attendance
    )


async def _decide(console: Console, actor: Actor, request_id: int, approve: bool) -> str:
    """As chat says it (handlers/leave.py `decide`)."""
    tz = console.settings.timezone
    done = await L.decide_leave(
        console.db.uow(),
        actor=actor,
        request_id=request_id,
        approve=approve,
        now=console.clock.now(),
        settings=console.settings.attendance,
        tz=tz,
    )
    template = LT.DECIDED_APPROVED if done.approved else LT.DECIDED_REFUSED
    return template.format(name=done.learner_name, session=done.session.describe(tz))


async def leave_page(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    queue = await _leave_queue(console, actor_of(request))
    return render(request, "leave.html", queue=queue, LT=LT)


async def decide(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    approve = form_field(request, "decision") == "y"
    try:
        ok = await _decide(
            console, actor_of(request), int(request.match_info["request_id"]), approve
        )
    except Refused as no:
        return page(request, say(no, console.settings.timezone), status=400)
    console.wake()
    see_other(f"/xin-phep?{urlencode({'ok': ok})}")
