"/help: what this person may do, by role."

from __future__ import annotations

from channels.incoming import Incoming
from handlers.base import Services, main_menu
from handlers.linking import unlinked_welcome
from texts import common as T
from usecases.identity import Actor, Role
from usecases.messages import Reply

ROLE_NAMES = {
    Role.LEARNER: T.ROLE_LEARNER,
    Role.MONITOR: T.ROLE_MONITOR,
    Role.LEADER: T.ROLE_LEADER,
    Role.STAFF: T.ROLE_STAFF,
}


async def show(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    if not actor.is_linked:
        return unlinked_welcome(svc)
    roles = ", ".join(ROLE_NAMES[r] for r in Role if r in actor.roles) or T.ROLE_LEARNER
    lines = [T.HELP_HEADER.format(roles=roles)]
    lines += [
        T.HELP_LINE.format(command=r.command, description=r.description)
        for r in svc.routes
        if r.description and not r.command.startswith("@") and r.allows(actor)
    ]
    return Reply("\n".join(lines), choices=main_menu(actor, svc))
