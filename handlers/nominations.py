"""Nominees confirmed before the class opens (issue 18, item 1): the unit leader answers for
each learner (/cudi, from the button on the class announcement); staff see the answers per unit
(/cudilop) and send one reminder (/nhaccudi)."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.base import Services, as_number
from render.units import nominations_text, nominee_state
from texts import units as T
from usecases import units as U
from usecases.identity import Actor
from usecases.messages import Choice, Reply
from usecases.refusal import Refused
from usecases.units import UnitReason

__all__ = ["leader_answers", "remind", "staff_view"]

ALL, YES, NO, REASON, REPLACEMENT = "tatca", "di", "khong", "lydo", "thay"


async def leader_answers(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Args: none (pick a class), `<class>` (the list), `<class> tatca`, `<class> <learner>`
    (ask), `<class> <learner> di|khong`, then the typed `lydo` and `thay`."""
    args, uow, now = msg.args, svc.db.uow(), svc.clock.now()
    if not args:
        return await _pick_class(actor, svc)
    class_id = as_number(args[0])
    if class_id is None:
        raise Refused(UnitReason.NOT_YOURS)
    if len(args) == 1:
        return _list_reply(await U.nominee_list(uow, actor, class_id=class_id, now=now))
    if args[1] == ALL:
        return _list_reply(await U.confirm_all(uow, actor, class_id=class_id, now=now))
    person_id = as_number(args[1])
    if person_id is None:
        raise Refused(UnitReason.NOT_YOUR_LEARNER)
    step = args[2] if len(args) > 2 else ""
    return await _step(msg, actor, svc, class_id, person_id, step)


async def _step(
    msg: Incoming, actor: Actor, svc: Services, class_id: int, person_id: int, step: str
) -> Reply:
    """One learner: ask, record "will attend", or ask and record the reason and replacement."""
    uow, now = svc.db.uow(), svc.clock.now()
    text = msg.text.strip()
    if step == YES:
        nominees = await U.answer_nominee(
            uow, actor, class_id=class_id, person_id=person_id, attend=True, now=now
        )
        return _list_reply(nominees)
    if step == REASON and text:
        await U.answer_nominee(
            uow, actor, class_id=class_id, person_id=person_id, attend=False, reason=text, now=now
        )
        back = Choice(T.NOMINEE_NO_REPLACEMENT, f"cudi {class_id}")
        return Reply(
            T.NOMINEE_ASK_REPLACEMENT,
            choices=Reply.rows([back]),
            expect_input=f"cudi {class_id} {person_id} {REPLACEMENT}",
        )
    if step == REPLACEMENT and text:
        nominees = await U.answer_nominee(
            uow, actor, class_id=class_id, person_id=person_id, attend=None,
            replacement=text, now=now,
        )  # fmt: skip
        return _list_reply(nominees)
    nominees = await U.nominee_list(uow, actor, class_id=class_id, now=now)
    line = next((x for x in nominees.lines if x.person_id == person_id), None)
    if line is None:
        raise Refused(UnitReason.NOT_YOUR_LEARNER)
    if step in (NO, REASON):
        return Reply(
            T.NOMINEE_ASK_REASON.format(name=line.full_name),
            expect_input=f"cudi {class_id} {person_id} {REASON}",
        )
    return Reply(
        T.NOMINEE_ASK.format(name=line.full_name, unit=line.unit_name, code=nominees.class_code),
        choices=Reply.rows(
            [
                Choice(T.NOMINEE_YES, f"cudi {class_id} {person_id} {YES}"),
                Choice(T.NOMINEE_NO, f"cudi {class_id} {person_id} {NO}"),
            ],
            [Choice(T.NOMINEE_BACK, f"cudi {class_id}")],
        ),
    )


async def _pick_class(actor: Actor, svc: Services) -> Reply:
    classes = await U.classes_to_confirm(svc.db.uow(), actor, now=svc.clock.now())
    if not classes:
        return Reply(T.NOMINATE_NO_CLASS)
    if len(classes) == 1:
        nominees = await U.nominee_list(
            svc.db.uow(), actor, class_id=classes[0][0], now=svc.clock.now()
        )
        return _list_reply(nominees)
    buttons = [Choice(f"{code} – {name}", f"cudi {cid}") for cid, code, name in classes]
    return Reply(T.NOMINATE_PICK_CLASS, choices=Reply.rows(*([b] for b in buttons)))


def _list_reply(nominees: U.NomineeList) -> Reply:
    lines = [
        T.NOMINATE_HEADER.format(
            code=nominees.class_code, name=nominees.class_name, count=len(nominees.lines)
        )
    ]
    lines += [
        T.NOMINATE_LINE.format(number=i, name=x.full_name, state=nominee_state(x))
        for i, x in enumerate(nominees.lines, start=1)
    ]
    if not nominees.open:
        return Reply("\n".join([*lines, T.NOMINATE_CLOSED]))
    pending = any(x.status is None for x in nominees.lines)
    lines.append(T.NOMINATE_HINT if pending else T.NOMINATE_ALL_DONE)
    people = [
        Choice(f"{i}. {x.full_name}", f"cudi {nominees.class_id} {x.person_id}", number=i)
        for i, x in enumerate(nominees.lines, start=1)
    ]
    rows = [people[i : i + 2] for i in range(0, len(people), 2)]
    if pending:
        rows.append([Choice(T.NOMINATE_ALL_BUTTON, f"cudi {nominees.class_id} {ALL}")])
    return Reply("\n".join(lines), choices=Reply.rows(*rows))


async def staff_view(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Args: a class code."""
    if not msg.args:
        return Reply(T.NOMINATIONS_PICK)
    klass, units = await U.nomination_status(
        svc.db.uow(), actor, centre_id=svc.centre_id, code=msg.args[0]
    )
    text = nominations_text(klass.code, klass.name, units)
    if any(u.tally.no_answer for u in units):
        remind = Choice(T.NOMINATIONS_REMIND_BUTTON, f"nhaccudi {klass.code}")
        return Reply(text, choices=Reply.rows([remind]))
    return Reply(text)


async def remind(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Args: a class code."""
    if not msg.args:
        return Reply(T.NOMINATIONS_PICK)
    new, old = await U.remind_nominations(
        svc.db.uow(), actor, centre_id=svc.centre_id, code=msg.args[0], now=svc.clock.now()
    )
    if not new and not old:
        return Reply(T.NOMINATIONS_NOTHING_TO_REMIND)
    text = T.NOMINATIONS_REMINDED.format(new=new)
    if old:
        text += T.NOMINATIONS_REMINDED_BEFORE.format(old=old)
    return Reply(text)
