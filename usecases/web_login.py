"""Login to the staff web console without passwords (issue 19).

Staff type `/web` in chat and get a link that works once, for `[web] link_minutes`, for their own
account. Opening it starts a browser session (a cookie) that ends after `[web] session_minutes`
without a page, or at logout. Only SHA-256 hashes of the link and cookie tokens are stored, so a
copy of the database opens nothing. Every request loads the account's roles afresh: staff who
are removed lose the console at their next click.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select, update

from db.database import UnitOfWork
from db.models import ChatAccount, WebLink, WebSession
from usecases.audit import record
from usecases.identity import Actor, load_actor
from usecases.refusal import Reason, Refused

__all__ = [
    "WEB_CHANNEL",
    "WebReason",
    "csrf_matches",
    "csrf_token",
    "end_session",
    "issue_link",
    "link_refusal",
    "open_session",
    "session_actor",
    "session_alive",
    "token_hash",
]

WEB_CHANNEL = "web"  # how the audit log names an action taken on the console: "web:<account>"
TOKEN_BYTES = 32
# Writing last_seen_at on every page would make each page a write; within this, a page only reads.
TOUCH_EVERY = timedelta(minutes=1)


class WebReason(Reason):
    NOT_STAFF = "web.not_staff"
    LINK_UNKNOWN = "web.link_unknown"
    LINK_USED = "web.link_used"
    LINK_EXPIRED = "web.link_expired"


# --- rules: pure, no I/O -------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(session_token: str) -> str:
    """The form token of a session: derived from the cookie (which a forged page cannot read),
    so nothing more is stored, and it changes with every session."""
    return hmac.new(session_token.encode(), b"sll-web-csrf", hashlib.sha256).hexdigest()


def csrf_matches(session_token: str, given: str) -> bool:
    return hmac.compare_digest(csrf_token(session_token), given or "")


def link_refusal(
    *, expires_at: datetime, used_at: datetime | None, now: datetime
) -> WebReason | None:
    """Why a link no longer opens a session, or None when it does."""
    if used_at is not None:
        return WebReason.LINK_USED
    if now >= expires_at:
        return WebReason.LINK_EXPIRED
    return None


def session_alive(*, last_seen_at: datetime, ended_at: datetime | None, now: datetime,
                  idle: timedelta) -> bool:  # fmt: skip
    return ended_at is None and now - last_seen_at < idle


# --- services ------------------------------------------------------------------------------


async def issue_link(uow: UnitOfWork, *, actor: Actor, now: datetime, minutes: int) -> str:
    """A new one-time login token for the staff member's own chat account."""
    if not actor.is_staff or not actor.account_id:
        raise Refused(WebReason.NOT_STAFF)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    async with uow:
        uow.session.add(
            WebLink(
                token_hash=token_hash(token),
                account_id=actor.account_id,
                created_at=now,
                expires_at=now + timedelta(minutes=minutes),
            )
        )
        record(uow.session, actor, "web.link")
        await uow.commit()
    return token


async def open_session(uow: UnitOfWork, *, token: str, now: datetime) -> tuple[str, Actor]:
    """Use a login link (once): a new session token for the cookie, and who it is."""
    async with uow:
        session = uow.session
        link = await session.scalar(select(WebLink).where(WebLink.token_hash == token_hash(token)))
        if link is None:
            raise Refused(WebReason.LINK_UNKNOWN)
        why = link_refusal(expires_at=link.expires_at, used_at=link.used_at, now=now)
        if why is not None:
            raise Refused(why)
        # Used once even when two requests race with it: only one of them changes the row.
        taken = await session.execute(
            update(WebLink).where(WebLink.id == link.id, WebLink.used_at.is_(None))
            .values(used_at=now)
        )  # fmt: skip
        if getattr(taken, "rowcount", 0) != 1:
            raise Refused(WebReason.LINK_USED)
        account = await session.get(ChatAccount, link.account_id)
        assert account is not None  # the link goes with its account (ON DELETE CASCADE)
        actor = _on_web(await load_actor(uow, account))
        if not actor.is_staff:
            raise Refused(WebReason.NOT_STAFF)
        cookie = secrets.token_urlsafe(TOKEN_BYTES)
        session.add(
            WebSession(
                token_hash=token_hash(cookie), account_id=account.id, created_at=now,
                last_seen_at=now,
            )
        )  # fmt: skip
        record(session, actor, "web.login")
        await uow.commit()
        return cookie, actor


async def session_actor(
    uow: UnitOfWork, *, token: str, now: datetime, idle_minutes: int
) -> Actor | None:
    """Who this cookie belongs to, with their roles as of now; None if it is no live session."""
    async with uow:
        session = uow.session
        row = await session.scalar(
            select(WebSession).where(WebSession.token_hash == token_hash(token))
        )
        idle = timedelta(minutes=idle_minutes)
        if row is None or not session_alive(
            last_seen_at=row.last_seen_at, ended_at=row.ended_at, now=now, idle=idle
        ):
            return None
        account = await session.get(ChatAccount, row.account_id)
        if account is None:
            return None
        actor = _on_web(await load_actor(uow, account))
        if now - row.last_seen_at >= TOUCH_EVERY:
            row.last_seen_at = now
            await uow.commit()
        return actor


async def end_session(uow: UnitOfWork, *, token: str, now: datetime) -> None:
    """Logout: the cookie opens nothing from now on."""
    async with uow:
        row = await uow.session.scalar(
            select(WebSession).where(WebSession.token_hash == token_hash(token))
        )
        if row is not None and row.ended_at is None:
            row.ended_at = now
            await uow.commit()


def _on_web(actor: Actor) -> Actor:
    """The account's actor, named `web:<account>` in the audit log; it has no chat here."""
    return replace(actor, channel=WEB_CHANNEL)
