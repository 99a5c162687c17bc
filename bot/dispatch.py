"""From an `Incoming` to the replies: who speaks, which route, may they, and what comes next.

Both channel adapters call `Dispatcher.handle`, so identity, authorization and the "what are we
waiting for" state work the same on Telegram and Zalo.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace

from bot.health import observe_update
from channels.incoming import Incoming
from handlers.base import CONTACT, LOCATION, TEXT, Route, Services, is_number
from texts import common as T
from texts.refusals import say
from usecases import identity
from usecases.identity import Actor
from usecases.messages import Reply, numbered_menu
from usecases.refusal import Refused

__all__ = ["Dispatcher"]

log = logging.getLogger(__name__)

# Telegram's own limit for one message; Zalo's is lower. A route whose text has a limit of its
# own (a question, an answer) says that limit instead (Route.checks_length).
MAX_TEXT = 4096


class Dispatcher:
    def __init__(self, services: Services, routes: tuple[Route, ...]) -> None:
        self.services = replace(services, routes=routes)
        self.routes = {r.command: r for r in routes}
        # Called after every handled update: a use case may just have written to the outbox
        # (an answer, a leave decision), and the notice dispatcher should look now rather than
        # at its next safety tick.
        self.after_handle: Callable[[Actor], None] = lambda actor: None

    async def handle(
        self, msg: Incoming, *, can_share_contact: bool = True, has_buttons: bool = True
    ) -> list[Reply]:
        started = time.perf_counter()
        try:
            if msg.is_group:
                # A group is not a person (DESIGN §5): nothing runs there, nothing personal is
                # said there, and a group never becomes anyone's address, so the account is not
                # even looked up. A command addressed to the bot gets one short hint; chatter,
                # nothing.
                return [Reply(T.GROUP_NOT_SUPPORTED)] if msg.command else []
            return await self._in_private(
                msg, can_share_contact=can_share_contact, has_buttons=has_buttons
            )
        finally:
            observe_update(msg.channel, started)

    async def _in_private(
        self, msg: Incoming, *, can_share_contact: bool, has_buttons: bool
    ) -> list[Reply]:
        svc = self.services.for_channel(
            can_share_contact=can_share_contact, has_buttons=has_buttons
        )
        msg = msg.cleaned()  # no NUL, invisible marks or foreign digits past this point
        actor = await identity.identify(
            svc.db.uow(),
            centre_id=svc.centre_id,
            channel=msg.channel,
            user_id=msg.user_id,
            chat_id=msg.chat_id,
            display_name=msg.display_name,
            now=svc.clock.now(),
        )
        msg, early = self._resolve(msg, actor)
        if early is not None:
            return [early]
        route = self.routes.get(msg.command or "")
        if route is None:
            return [Reply(T.UNKNOWN_COMMAND.format(command=f"/{msg.command}"))]
        if not route.allows(actor):
            return [self._refusal(actor, svc)]
        if len(msg.text) > MAX_TEXT and not route.checks_length:
            length, limit = (f"{n:,}".replace(",", ".") for n in (len(msg.text), MAX_TEXT))
            return [Reply(T.TOO_LONG.format(length=length, limit=limit))]
        try:
            result = await route.handler(msg, actor, svc)
        except Refused as no:
            # Like any reply: what the bot waited for is settled, and a refusal that left a
            # trace (a notice to the person whose code was used) wakes the outbox.
            result = Reply(say(no))
        except Exception:
            # Logs carry ids, never names or phone numbers (DESIGN §5).
            log.exception("handler %s failed for account %s", route.command, actor.account_id)
            return [Reply(T.SOMETHING_WENT_WRONG)]
        replies = result if isinstance(result, list) else [result]
        await self._remember(actor, replies, has_buttons, svc)
        self.after_handle(actor)
        return replies

    def _resolve(self, msg: Incoming, actor: Actor) -> tuple[Incoming, Reply | None]:
        """Turn contacts, locations, menu numbers and awaited free text into routes."""
        if msg.command:
            return msg, None
        if msg.contact_phone is not None:
            return replace(msg, command=CONTACT), None
        if msg.location is not None:
            return replace(msg, command=LOCATION), None
        text = msg.text.strip()
        choices = actor.pending.get("choices") or []
        if choices and is_number(text) and len(text) <= 3:
            return _typed_choice(msg, int(text), choices)
        awaited = actor.pending.get("input")
        if awaited and (text or msg.has_media):
            command, *args = awaited.split()
            return replace(msg, command=command, args=tuple(args)), None
        return replace(msg, command=TEXT), None

    def _refusal(self, actor: Actor, svc: Services) -> Reply:
        if actor.is_linked:
            return Reply(T.NOT_ALLOWED)
        if svc.can_share_contact:
            return Reply(T.NOT_LINKED, ask_contact=True)
        return Reply(T.NOT_LINKED_NO_CONTACT)

    async def _remember(
        self, actor: Actor, replies: list[Reply], has_buttons: bool, svc: Services
    ) -> None:
        pending: dict[str, object] = {}
        with_choices = [r for r in replies if r.choices]
        if with_choices and not has_buttons:
            pending["choices"] = numbered_menu(with_choices[-1].choices)
        awaited = [r.expect_input for r in replies if r.expect_input]
        if awaited:
            pending["input"] = awaited[-1]
        if pending != actor.pending:
            await identity.remember_pending(svc.db.uow(), actor.account_id, pending)


def _typed_choice(
    msg: Incoming, number: int, choices: list[list[str]]
) -> tuple[Incoming, Reply | None]:
    """The remembered menu line that showed `number` (a menu kept before numbers were stored
    is numbered 1, 2, …)."""
    shown = {int(c[2]) if len(c) > 2 else i: c[1] for i, c in enumerate(choices, start=1)}
    if number not in shown:
        numbers = sorted(shown)
        if numbers == list(range(1, len(numbers) + 1)):
            return msg, Reply(T.CHOICE_UNKNOWN.format(number=number, count=len(numbers)))
        return msg, Reply(T.CHOICE_NOT_SHOWN.format(number=number))
    command, *args = shown[number].split()
    return replace(msg, command=command, args=tuple(args), pressed=True), None
