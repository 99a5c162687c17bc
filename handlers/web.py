"""/web: a staff member gets a one-time login link to the web console (issue 19)."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.base import Services
from texts import web as T
from usecases import web_login
from usecases.identity import Actor
from usecases.messages import Reply
from usecases.settings import WebSettings

__all__ = ["base_url", "link"]


def base_url(web: WebSettings) -> str:
    """Where staff open the console: the public address, or the listener itself."""
    return (web.public_url or f"http://{web.listen}:{web.port}").rstrip("/")


async def link(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    web = svc.settings.web
    if not web.port:
        return Reply(T.OFF)
    token = await web_login.issue_link(
        svc.db.uow(), actor=actor, now=svc.clock.now(), minutes=web.link_minutes
    )
    return Reply(T.LINK.format(url=f"{base_url(web)}/vao/{token}", minutes=web.link_minutes))
