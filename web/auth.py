"""Who is at the keyboard: the login link, the session cookie, the CSRF token, the role check.

Every request but the login link and the static files needs a live session of a staff member;
every POST needs the session's CSRF token in its form. The use cases check again, with the
`Actor`, against the rows they touch: this is the door, not the only lock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from texts import web as T
from usecases import web_login
from usecases.refusal import Refused
from web.console import ACTOR, CONSOLE, CSRF, FORM, TOKEN, page, refused_page, render

__all__ = ["COOKIE", "guard", "login", "login_form", "logout"]

COOKIE = "sll_phien"
PUBLIC = ("/vao/", "/tinh/")  # the login link, the CSS

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(PUBLIC):
        return await handler(request)
    console = request.app[CONSOLE]
    token = request.cookies.get(COOKIE, "")
    actor = None
    if token:
        actor = await web_login.session_actor(
            console.db.uow(),
            token=token,
            now=console.clock.now(),
            idle_minutes=console.settings.web.session_minutes,
        )
    if actor is None:
        return page(request, T.LOGIN_NEEDED, status=401)
    request[ACTOR], request[TOKEN] = actor, token
    request[CSRF] = web_login.csrf_token(token)
    # No longer (or never) staff of the centre whose bot gave them the link.
    if actor.centre_id is None or not actor.is_staff_of(actor.centre_id):
        return page(request, T.FORBIDDEN, status=403)
    if request.method == "POST":
        form = await request.post()
        given = form.get("csrf")
        if not isinstance(given, str) or not web_login.csrf_matches(token, given):
            return page(request, T.BAD_FORM, status=403)
        request[FORM] = form
    try:
        return await handler(request)
    except Refused as refused:
        return refused_page(request, refused)


async def login_form(request: web.Request) -> web.StreamResponse:
    """GET of the link shows a button: a chat app's link preview, which fetches the URL, must
    not use up the one-time link; only the person's press (a POST) does."""
    return render(request, "login.html", token=request.match_info["token"])


async def login(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    try:
        cookie, _actor = await web_login.open_session(
            console.db.uow(), token=request.match_info["token"], now=console.clock.now()
        )
    except Refused as refused:
        return refused_page(request, refused)
    response = web.HTTPSeeOther("/")
    response.set_cookie(
        COOKIE,
        cookie,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=console.settings.web.public_url.startswith("https://"),
    )
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    await web_login.end_session(console.db.uow(), token=request[TOKEN], now=console.clock.now())
    del request[ACTOR], request[CSRF]  # the page that says so is a signed-out one
    response = page(request, T.LOGGED_OUT)
    response.del_cookie(COOKIE, path="/")
    return response
