"""What the attendance and leave handlers share: reading arguments, wording refusals, pages."""

from __future__ import annotations

import functools

from channels.incoming import Incoming
from handlers.base import Handler, Services, is_number
from texts import attendance as T
from texts.refusals import say
from usecases.attendance import AttendanceReason, SessionInfo
from usecases.identity import Actor
from usecases.messages import Choice, Reply
from usecases.refusal import Refused
from vn.dates import format_when

__all__ = [
    "CODE_OF",
    "MARK_CODES",
    "guarded",
    "ints",
    "page_buttons",
    "refusal_text",
    "tagged",
    "typed",
    "when",
]

# One letter per mark in button data.
MARK_CODES = {"p": "present", "l": "late", "e": "excused", "a": "absent"}
CODE_OF = {v: k for k, v in MARK_CODES.items()}


def refusal_text(no: Refused, svc: Services) -> str:
    """The refusal in words (texts.refusals.say), its details put in the centre's time."""
    return say(no, svc.settings.timezone)


def guarded(handler: Handler) -> Handler:
    """Refusals from the use cases (wrong class, unknown session) become a clear answer; a
    pressed button that is not this person's to press also gets a pop-up."""

    @functools.wraps(handler)
    async def wrapper(msg: Incoming, actor: Actor, svc: Services) -> Reply | list[Reply]:
        try:
            return await handler(msg, actor, svc)
        except Refused as no:
            text = refusal_text(no, svc)
            denied = no.reason == AttendanceReason.DENIED and msg.pressed
            return Reply(text, toast=text[:190] if denied else None)

    return wrapper


def ints(args: tuple[str, ...]) -> list[int]:
    return [int(a) for a in args if is_number(a)]


def tagged(args: tuple[str, ...], tag: str) -> int | None:
    """'s12' → 12 for tag 's'."""
    for a in args:
        if a[:1] == tag and is_number(a[1:]):
            return int(a[1:])
    return None


def typed(msg: Incoming) -> str:
    """Free text that completes an awaited command (not the command line itself)."""
    return "" if msg.pressed or msg.text.startswith("/") else msg.text.strip()


def when(info: SessionInfo, svc: Services) -> str:
    return format_when(info.starts_at.astimezone(svc.settings.timezone))


def page_buttons(command: str, page: int, pages: int) -> list[Choice]:
    """◀️/▶️ for a paged list; `command` is completed with the page number."""
    nav = []
    if page > 1:
        nav.append(Choice(T.PREV_BUTTON, f"{command}{page - 1}"))
    if page < pages:
        nav.append(Choice(T.NEXT_BUTTON, f"{command}{page + 1}"))
    return nav
