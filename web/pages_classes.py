"""Classes, one class (roster, sessions, the attendance grid) and correcting one mark."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from texts import attendance as AT
from texts import web as T
from usecases import attendance as A
from usecases import classes as C
from usecases.identity import Actor
from usecases.refusal import Refused
from web import grid
from web.console import CONSOLE, Console, actor_of, form_field, page, render, see_other

__all__ = ["class_page", "classes_page", "mark_page", "mark_save"]


@dataclass(frozen=True)
class ClassView:
    matrix: A.AttendanceMatrix
    learners: list[C.LearnerLine]
    held: set[int]


async def _class_view(console: Console, actor: Actor, class_id: int) -> ClassView:
    """The use cases of the class page: the grid (which checks the class is this staff's
    centre's), then the roster's link status."""
    matrix = await A.attendance_matrix(
        console.db.uow(), class_id=class_id, actor=actor, settings=console.settings.attendance
    )
    learners = await C.list_learners(console.db.uow(), class_id=matrix.class_id)
    return ClassView(matrix, learners, set(matrix.held(console.clock.now())))


async def _classes(console: Console, actor: Actor) -> list[C.ClassSummary]:
    """The classes of the centres this person is staff of (the bot serves one centre)."""
    rows: list[C.ClassSummary] = []
    for centre_id in sorted(actor.staff_centre_ids):
        rows += await C.list_classes(console.db.uow(), centre_id=centre_id)
    return rows


async def classes_page(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    rows = await _classes(console, actor_of(request))
    return render(request, "classes.html", classes=rows)


async def class_page(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    try:
        view = await _class_view(console, actor_of(request), int(request.match_info["class_id"]))
    except Refused:
        return page(request, T.NOT_FOUND, status=404)
    cells = grid.Grid(view.matrix.sessions, view.held)
    counts = grid.session_counts(view.matrix)
    return render(request, "class.html", view=view, AT=AT, cells=cells, counts=counts)


async def _mark_view(
    console: Console, actor: Actor, session_id: int, person_id: int
) -> A.MarkHistory:
    return await A.mark_history(
        console.db.uow(),
        actor=actor,
        session_id=session_id,
        person_id=person_id,
        settings=console.settings.attendance,
    )


async def _correct(
    console: Console, actor: Actor, session_id: int, person_id: int, status: str, reason: str
) -> A.Correction:
    return await A.correct(
        console.db.uow(),
        actor=actor,
        session_id=session_id,
        person_id=person_id,
        status=status,
        reason=reason,
        now=console.clock.now(),
        settings=console.settings.attendance,
    )


def _ids(request: web.Request) -> tuple[int, int]:
    return int(request.match_info["session_id"]), int(request.match_info["person_id"])


async def mark_page(
    request: web.Request, *, message: str = "", status: int = 200
) -> web.StreamResponse:
    console = request.app[CONSOLE]
    try:
        view = await _mark_view(console, actor_of(request), *_ids(request))
    except Refused:
        return page(request, T.NOT_FOUND, status=404)
    return render(request, "mark.html", view=view, AT=AT, message=message, status=status)


async def mark_save(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    status, reason = form_field(request, "status"), form_field(request, "reason").strip()
    if not reason:
        return await mark_page(request, message=T.CORRECT_NEED_REASON, status=400)
    session_id, person_id = _ids(request)
    try:
        done = await _correct(console, actor_of(request), session_id, person_id, status, reason)
    except (Refused, ValueError):  # ValueError: a status that is none of ours
        return page(request, T.NOT_FOUND, status=404)
    words = T.CORRECT_DONE if done.changed else T.CORRECT_SAME
    ok = words.format(
        name=done.name,
        session=done.session.label(),
        old=AT.status_name(done.old),
        new=AT.status_name(done.new),
    )
    see_other(f"{request.path}?{urlencode({'ok': ok})}")
