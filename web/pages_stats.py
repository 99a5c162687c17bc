"""Statistics by month, quarter or year: the figures as /thongke words them, the class table,
the chart, and the workbook to download; the same use case and renderers as chat."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

from aiohttp import web

from render import stats as RS
from texts import stats as ST
from texts.refusals import say
from usecases import stats as S
from usecases.identity import Actor
from usecases.refusal import Refused
from vn.numbers import format_percent
from web.console import CONSOLE, Console, actor_of, page, render

__all__ = ["stats_chart", "stats_page", "stats_xlsx"]

KIND_EXAMPLES = {"month": "3/2024", "quarter": "1/2024", "year": "2024"}


def _period(console: Console, request: web.Request) -> S.Period:
    """The period asked for (loai=month|quarter|year, ky=3/2024…); this year by default."""
    kind, value = request.query.get("loai", ""), request.query.get("ky", "").strip()
    if kind not in KIND_EXAMPLES or not value:
        today = console.clock.now().astimezone(console.settings.timezone).date()
        return S.period_of(S.PeriodKind.YEAR, today)
    return S.parse_period(kind, value)


async def _stats(console: Console, actor: Actor, period: S.Period) -> S.Stats:
    return await S.compute_stats(
        console.db.uow(), centre_id=actor.home_centre, period=period, now=console.clock.now(),
        tz=console.settings.timezone, actor=actor,
    )  # fmt: skip


async def _load(request: web.Request) -> tuple[S.Period, S.Stats] | web.Response:
    console = request.app[CONSOLE]
    try:
        period = _period(console, request)
        return period, await _stats(console, actor_of(request), period)
    except Refused as no:  # a period we do not understand; not staff
        return page(request, say(no), status=400)


async def stats_page(request: web.Request) -> web.StreamResponse:
    loaded = await _load(request)
    if isinstance(loaded, web.Response):
        return loaded
    period, stats = loaded
    query = urlencode({"loai": period.kind.value, "ky": _value(period)})
    return render(request, "stats.html", stats=stats, period=period, text=RS.stats_text(stats),
                  query=query, rate=_rate, value=_value(period))  # fmt: skip


async def stats_xlsx(request: web.Request) -> web.StreamResponse:
    loaded = await _load(request)
    if isinstance(loaded, web.Response):
        return loaded
    document = await asyncio.to_thread(RS.stats_xlsx, loaded[1])
    disposition = f'attachment; filename="{document.filename}"'
    return web.Response(body=document.data, content_type=document.mime_type,
                        headers={"Content-Disposition": disposition})  # fmt: skip


async def stats_chart(request: web.Request) -> web.StreamResponse:
    loaded = await _load(request)
    if isinstance(loaded, web.Response):
        return loaded
    png = await asyncio.to_thread(RS.stats_chart, loaded[1])  # matplotlib: off the event loop
    return web.Response(body=png, content_type="image/png")


def _value(period: S.Period) -> str:
    return (
        str(period.year) if period.kind == S.PeriodKind.YEAR else f"{period.number}/{period.year}"
    )


def _rate(rate: S.Rate) -> str:
    return format_percent(rate.value) if rate.value is not None else ST.RATE_NONE
