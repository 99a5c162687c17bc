"""Today: the sessions now and next, with live check-in counts."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from usecases import attendance as A
from usecases.identity import Actor
from web.console import CONSOLE, Console, actor_of, render

__all__ = ["today_page"]

AHEAD_HOURS = 24  # "next": what starts within a day


@dataclass(frozen=True)
class TodayView:
    now: tuple[A.SessionReport, ...]  # open for check-in now
    next: tuple[A.SessionInfo, ...]


async def _today(console: Console, actor: Actor) -> TodayView:
    """The sessions this staff member may mark around now, and each open one's counts."""
    now, settings = console.clock.now(), console.settings.attendance
    sessions = await A.markable_sessions(
        console.db.uow(), actor=actor, now=now, settings=settings, upcoming_hours=AHEAD_HOURS
    )
    reports, upcoming = [], []
    for info in sessions:
        if info.opens_at <= now:
            report = await A.session_report(
                console.db.uow(), actor=actor, session_id=info.id, settings=settings
            )
            reports.append(report)
        else:
            upcoming.append(info)
    return TodayView(tuple(reports), tuple(upcoming))


async def today_page(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    view = await _today(console, actor_of(request))
    return render(request, "today.html", view=view)
