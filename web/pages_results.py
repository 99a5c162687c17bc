"""Results: each class's preview (every learner's scores and grade, who has none yet), and
publishing them after a confirmation page, through the same use cases as /ketqua and /congbo."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from aiohttp import web

from render.results import unit_xlsx
from texts import results as RT
from texts.refusals import say
from usecases import results as R
from usecases.classes import ImportRejected
from usecases.identity import Actor
from usecases.refusal import Refused
from vn.numbers import format_score
from web.console import CONSOLE, Console, actor_of, page, render, see_other

__all__ = ["publish", "publish_confirm", "result_page", "results_page"]


async def _classes(console: Console, actor: Actor) -> list[tuple[str, bool]]:
    rows: list[tuple[str, bool]] = []
    for centre_id in sorted(actor.staff_centre_ids):
        rows += await R.list_result_classes(console.db.uow(), centre_id=centre_id)
    return rows


async def _preview(console: Console, actor: Actor, code: str) -> R.ResultsPreview:
    return await R.preview_results(
        console.db.uow(), centre_id=actor.home_centre, code=code,
        actor=actor, now=console.clock.now(),
    )  # fmt: skip


async def _publish(console: Console, actor: Actor, code: str) -> R.PublishReport:
    return await R.publish_results(
        console.db.uow(), centre_id=actor.home_centre, code=code,
        actor=actor, now=console.clock.now(), tz=console.settings.timezone,
        unit_file=unit_xlsx,
    )  # fmt: skip


def _refusal(exc: Exception) -> str:
    if isinstance(exc, Refused):
        return say(exc)
    return "\n".join(exc.errors) if isinstance(exc, ImportRejected) else str(exc)


async def results_page(request: web.Request) -> web.StreamResponse:
    classes = await _classes(request.app[CONSOLE], actor_of(request))
    return render(request, "results.html", classes=classes, quote=quote)


async def _shown(request: web.Request, template: str) -> web.StreamResponse:
    console = request.app[CONSOLE]
    try:
        p = await _preview(console, actor_of(request), request.match_info["code"])
    except (Refused, ImportRejected) as exc:
        return page(request, _refusal(exc), status=403)
    grades = ", ".join(RT.PREVIEW_GRADE_COUNT.format(grade=g, count=n) for g, n in p.grades.items())
    sample = R.learner_text(p.results[0]) if p.results else ""
    return render(request, template, p=p, RT=RT, grades=grades, score=format_score,
                  sample=sample, quote=quote)  # fmt: skip


async def result_page(request: web.Request) -> web.StreamResponse:
    return await _shown(request, "result.html")


async def publish_confirm(request: web.Request) -> web.StreamResponse:
    return await _shown(request, "publish.html")


async def publish(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    code = request.match_info["code"]
    try:
        report = await _publish(console, actor_of(request), code)
    except (Refused, ImportRejected) as exc:
        return page(request, _refusal(exc), status=400)
    console.wake()
    ok = RT.PUBLISHED.format(code=code.upper(), learners=report.learners, leaders=report.leaders)
    if report.units_without_leader:
        ok += " " + RT.UNITS_WITHOUT_LEADER.format(units=", ".join(report.units_without_leader))
    see_other(f"/ket-qua/{quote(code)}?{urlencode({'ok': ok})}")
