"""Notices of a class: counts by kind and status, failures with their reasons first (worded
as /guitin words them), and resending the failed ones (as /guilai)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from aiohttp import web

from render.delivery import describe_view
from texts import notices as NT
from texts.refusals import say
from usecases import attendance as A
from usecases import delivery as D
from usecases.identity import Actor
from usecases.refusal import Refused
from web.console import CONSOLE, Console, actor_of, page, render, see_other

__all__ = ["notices_page", "resend"]


async def _view(console: Console, actor: Actor, code: str) -> D.DeliveryView | None:
    """The class's delivery (None: no class chosen); only of this staff member's centres."""
    if not code:
        return None
    return await D.delivery_view(console.db.uow(), actor=actor, class_code=code)


async def _resend(console: Console, actor: Actor, code: str) -> int:
    return await D.resend_failed(
        console.db.uow(), actor=actor, class_code=code, now=console.clock.now()
    )


async def notices_page(request: web.Request) -> web.StreamResponse:
    console, actor = request.app[CONSOLE], actor_of(request)
    classes = await A.staff_classes(console.db.uow(), actor=actor)
    try:
        view = await _view(console, actor, request.query.get("lop", ""))
    except Refused as no:
        return page(request, say(no), status=404)
    text = describe_view(view) if view else ""
    return render(request, "notices.html", classes=classes, view=view, text=text, NT=NT,
                  quote=quote)  # fmt: skip


async def resend(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    code = request.match_info["code"]
    try:
        count = await _resend(console, actor_of(request), code)
    except Refused as no:
        return page(request, say(no), status=404)
    console.wake()
    ok = NT.RESENT.format(count=count) if count else NT.RESENT_NONE
    see_other(f"/thong-bao?{urlencode({'lop': code, 'ok': ok})}")
