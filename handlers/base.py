"""What every handler gets, and how a route says who may use it.

Handlers are channel-neutral: they read an `Incoming`, check the `Actor`'s role, call one use
case and render a `Reply` from the text catalogue. The Telegram and Zalo adapters in `bot/`
carry updates in and replies out, so each journey is written once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from channels.incoming import Incoming
from db.database import Database
from usecases.clock import Clock
from usecases.identity import Actor, Role
from usecases.messages import Choice, Reply
from usecases.settings import Settings

__all__ = [
    "ANYONE",
    "CONTACT",
    "LINKED",
    "LOCATION",
    "TEXT",
    "Handler",
    "Route",
    "Services",
    "as_number",
    "is_number",
    "main_menu",
]

# Pseudo-commands for updates that are not commands.
CONTACT = "@contact"
LOCATION = "@location"
TEXT = "@text"  # free text that no pending question is waiting for

# Every id and number a person types fits PostgreSQL's integer (up to 2,147,483,647).
MAX_NUMBER_DIGITS = 9

ANYONE: frozenset[Role] | None = None
LINKED: frozenset[Role] = frozenset()  # any linked person, whatever their role


@dataclass(frozen=True)
class Services:
    db: Database
    clock: Clock
    settings: Settings
    centre_id: int
    bot_username: str = ""
    routes: tuple[Route, ...] = ()
    can_share_contact: bool = True  # False on Zalo; set per channel by the adapter
    has_buttons: bool = True  # False on Zalo: choices are typed numbers, so texts say "gõ số"

    def for_channel(self, *, can_share_contact: bool, has_buttons: bool = True) -> Services:
        return replace(self, can_share_contact=can_share_contact, has_buttons=has_buttons)


Handler = Callable[[Incoming, Actor, Services], Awaitable[Reply | list[Reply]]]


@dataclass(frozen=True)
class Route:
    command: str
    handler: Handler
    roles: frozenset[Role] | None = ANYONE
    description: str | None = None  # shown in /help and in Telegram's command menu
    button: str | None = None  # label in the main menu, for people who do not type commands
    checks_length: bool = False  # the route refuses a too-long text with its own limit
    province: bool = False  # only for staff of the provincial school (issue 21)

    def allows(self, actor: Actor) -> bool:
        if self.roles is None:
            return True
        if not actor.is_linked or (self.province and not actor.province):
            return False
        return not self.roles or bool(self.roles & actor.roles)


MENU_PER_ROW = 2


def main_menu(actor: Actor, svc: Services) -> tuple[tuple[Choice, ...], ...]:
    """The buttons a person sees under a reply, so nobody has to type a command: every route
    with a button label that this person may use."""
    buttons = [Choice(r.button, r.command) for r in svc.routes if r.button and r.allows(actor)]
    return Reply.rows(
        *(buttons[i : i + MENU_PER_ROW] for i in range(0, len(buttons), MENU_PER_ROW))
    )


def is_number(text: str) -> bool:
    """A typed id or number: ASCII digits only, at most nine. `Incoming.cleaned` has already
    turned other scripts' digits into ASCII; `²` passes str.isdigit() but is no number, and
    a 30-digit number is no id of ours (and would overflow the database's integer)."""
    return text.isascii() and text.isdigit() and len(text) <= MAX_NUMBER_DIGITS


def as_number(text: str) -> int | None:
    return int(text) if is_number(text) else None
