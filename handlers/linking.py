"""/start with an invite code, a shared contact, or a code typed as text (Zalo)."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.base import Services, main_menu
from texts import common as C
from texts import lecturers as LT
from texts import linking as T
from texts.refusals import say
from usecases import linking
from usecases.identity import Actor
from usecases.linking import INVITE_ALPHABET, INVITE_LENGTH, LinkOutcome, LinkReason, LinkStatus
from usecases.messages import Reply
from usecases.refusal import Refused

ASK_CONTACT_AGAIN = (LinkReason.NOT_OWN_CONTACT, LinkReason.BAD_PHONE)


async def start(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    if msg.args:
        return await _by_code(msg.args[0], actor, svc)
    if actor.is_linked:
        return Reply(T.ALREADY_LINKED.format(name=actor.name), choices=main_menu(actor, svc))
    return unlinked_welcome(svc)


async def contact(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    try:
        outcome = await linking.link_by_contact(
            svc.db.uow(),
            actor=actor,
            phone=msg.contact_phone or "",
            is_own=msg.contact_is_own,
            now=svc.clock.now(),
        )
    except Refused as no:
        if no.reason in ASK_CONTACT_AGAIN:  # the button to share their own number, again
            return Reply(say(no), ask_contact=svc.can_share_contact)
        raise
    return _render(outcome, svc)


async def text(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Unlinked people may type their invite code as plain text (Zalo has no deep links)."""
    code = linking.normalize_code(msg.text)
    if not actor.is_linked and _looks_like_code(msg.text, code):
        return await _by_code(code, actor, svc)
    if not actor.is_linked:
        return unlinked_welcome(svc)
    return Reply(C.UNKNOWN_COMMAND.format(command=msg.text[:30]), choices=main_menu(actor, svc))


def _looks_like_code(typed: str, code: str) -> bool:
    """An invite code as people type it (any case, in one or two groups; with a digit, or
    with at most one letter that codes never use), not a ten-letter greeting ("Xin chào
    bạn", "xinchaoban") that deserves the welcome rather than "wrong code"."""
    if len(code) != INVITE_LENGTH or not code.isascii() or len(typed.split()) > 2:
        return False
    has_digit = any(ch.isdigit() for ch in code)
    return has_digit or sum(ch not in INVITE_ALPHABET for ch in code) <= 1


def unlinked_welcome(svc: Services) -> Reply:
    if svc.can_share_contact:
        return Reply(T.WELCOME_UNLINKED.format(centre=svc.settings.centre_name), ask_contact=True)
    return Reply(T.WELCOME_UNLINKED_NO_CONTACT.format(centre=svc.settings.centre_name))


async def _by_code(code: str, actor: Actor, svc: Services) -> Reply:
    outcome = await linking.link_by_code(svc.db.uow(), actor=actor, code=code, now=svc.clock.now())
    return _render(outcome, svc)


def _render(outcome: LinkOutcome, svc: Services) -> Reply:
    """Linked (or already): who they are now, with the menu their new roles open."""
    if outcome.status == LinkStatus.ALREADY:
        text = T.ALREADY_LINKED.format(name=outcome.name)
    elif outcome.class_names:
        text = T.LINKED_LEARNER.format(name=outcome.name, classes=", ".join(outcome.class_names))
    elif outcome.actor.is_lecturer:
        text = LT.LINKED_LECTURER.format(name=outcome.name)
    elif outcome.unit_names:
        text = T.LINKED_LEADER.format(name=outcome.name, units=", ".join(outcome.unit_names))
    else:
        text = T.LINKED_OTHER.format(name=outcome.name)
    return Reply(text, choices=main_menu(outcome.actor, svc))
