"""What every page gets (the `Console`), and how a page is rendered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

import jinja2
from aiohttp import web
from multidict import MultiDictProxy

from db.database import Database
from texts import refusals
from texts import web as T
from usecases.clock import Clock
from usecases.identity import Actor
from usecases.refusal import Refused
from usecases.settings import Settings
from vn.dates import format_date, format_when

__all__ = [
    "ACTOR",
    "CONSOLE",
    "CSRF",
    "FORM",
    "TOKEN",
    "Console",
    "actor_of",
    "form_field",
    "page",
    "refused_page",
    "render",
    "see_other",
]


@dataclass(frozen=True)
class Console:
    db: Database
    clock: Clock
    settings: Settings
    # Called after an action that wrote to the outbox, so the answer leaves now (not at the
    # dispatcher's next safety tick); the bot wires the notice dispatcher's wake-up here.
    wake: Callable[[], None] = field(default=lambda: None)


CONSOLE = web.AppKey("console", Console)
ACTOR = web.RequestKey("actor", Actor)  # who is signed in (set by `auth.guard`)
TOKEN = web.RequestKey("token", str)  # their session cookie
CSRF = web.RequestKey("csrf", str)  # the token every form of theirs carries
FORM = web.RequestKey("form", MultiDictProxy)  # a POST's fields, read once by the guard

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("web", "templates"),
    autoescape=True,  # every value is escaped: names and questions are typed by people
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.globals["T"] = T
_ENV.filters["day"] = format_date

# No inline script or style, nothing from elsewhere, never inside another site's frame; the
# login token in a URL is not passed on to other sites.
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def actor_of(request: web.Request) -> Actor:
    return request[ACTOR]


def render(
    request: web.Request, template: str, *, status: int = 200, **context: Any
) -> web.Response:
    console = request.app[CONSOLE]
    tz = console.settings.timezone
    html = _ENV.get_template(template).render(
        csrf=request.get(CSRF, ""),
        actor=request.get(ACTOR),
        path=request.path,
        when=lambda at: format_when(at.astimezone(tz)),
        notice=request.query.get("ok", ""),
        **context,
    )
    return web.Response(text=html, content_type="text/html", status=status, headers=_HEADERS)


def form_field(request: web.Request, name: str) -> str:
    """A text field of the POST the guard has read ("" when absent or a file)."""
    value = request[FORM].get(name, "")
    return value if isinstance(value, str) else ""


def page(request: web.Request, message: str, *, status: int = 200) -> web.Response:
    """A page that only says one thing (logged out, refused, not found)."""
    return render(request, "message.html", status=status, message=message)


def refused_page(request: web.Request, refused: Refused) -> web.Response:
    return page(request, refusals.say(refused), status=403)


def see_other(location: str) -> NoReturn:
    """After a form: the browser loads the result with GET, so reloading repeats nothing."""
    raise web.HTTPSeeOther(location)
