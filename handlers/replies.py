"""The unit can answer (issue 18, item 3): a leader writes about one of their learners
(/phanhoi: class, learner, kind, then the text); staff see the queue (/phanhoidv) and answer
(/traloidv), the answer going back to the leader."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.base import Services, as_number
from texts import units as T
from usecases import units as U
from usecases.identity import Actor
from usecases.messages import Choice, Reply
from usecases.refusal import Refused
from usecases.units import UnitReason

__all__ = ["answer", "queue", "write"]

KINDS = {"nx": "remark", "vang": "absence"}
SEND = "gui"


async def write(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Args: none, `<class>`, `<class> <learner>`, `<class> <learner> nx|vang`, then the typed
    text as `<class> <learner> nx|vang gui`."""
    args, now = msg.args, svc.clock.now()
    if not args:
        classes = await U.reply_classes(svc.db.uow(), actor, now=now)
        if not classes:
            return Reply(T.REPLY_NO_CLASS)
        if len(classes) > 1:
            buttons = [Choice(f"{code} – {name}", f"phanhoi {cid}") for cid, code, name in classes]
            return Reply(T.REPLY_PICK_CLASS, choices=Reply.rows(*([b] for b in buttons)))
        args = (str(classes[0][0]),)
    class_id = as_number(args[0])
    if class_id is None:
        raise Refused(UnitReason.NOT_YOURS)
    code, learners = await U.reply_learners(svc.db.uow(), actor, class_id=class_id)
    if len(args) == 1:
        people = [
            Choice(f"{i}. {name}", f"phanhoi {class_id} {pid}", number=i)
            for i, (pid, name) in enumerate(learners, start=1)
        ]
        rows = [people[i : i + 2] for i in range(0, len(people), 2)]
        return Reply(T.REPLY_PICK_LEARNER.format(code=code), choices=Reply.rows(*rows))
    learner_id = as_number(args[1])
    name = next((n for pid, n in learners if pid == learner_id), None)
    if learner_id is None or name is None:
        raise Refused(UnitReason.NOT_YOUR_LEARNER)
    kind = KINDS.get(args[2]) if len(args) > 2 else None
    if kind is None:
        kinds = [
            Choice(T.REPLY_KIND_BUTTONS[k], f"phanhoi {class_id} {learner_id} {word}")
            for word, k in KINDS.items()
        ]
        return Reply(T.REPLY_PICK_KIND.format(name=name), choices=Reply.rows(*([c] for c in kinds)))
    if len(args) > 3 and args[3] == SEND and msg.text.strip():
        await U.send_reply(
            svc.db.uow(), actor, class_id=class_id, learner_id=learner_id, kind=kind,
            text=msg.text, now=now,
        )  # fmt: skip
        return Reply(T.REPLY_SENT)
    return Reply(
        T.REPLY_ASK_TEXT.format(kind=T.REPLY_KIND_NAMES[kind].lower(), name=name),
        expect_input=f"phanhoi {class_id} {learner_id} {args[2]} {SEND}",
    )


async def queue(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """The staff's queue of unanswered replies, each with a button to answer."""
    replies = await U.open_replies(svc.db.uow(), actor, centre_id=svc.centre_id)
    if not replies:
        return Reply(T.REPLY_QUEUE_EMPTY)
    text = "\n\n".join(
        [T.REPLY_QUEUE_HEADER.format(count=len(replies))] + [U.reply_text(r) for r in replies]
    )
    buttons = [Choice(f"{T.REPLY_ANSWER_BUTTON} #{r.id}", f"traloidv {r.id}") for r in replies]
    return Reply(text, choices=Reply.rows(*(buttons[i : i + 2] for i in range(0, len(buttons), 2))))


async def answer(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Args: `<reply id>` (ask for the answer), then the typed text as `<reply id> gui`."""
    reply_id = as_number(msg.args[0]) if msg.args else None
    if reply_id is None:
        return await queue(msg, actor, svc)
    if len(msg.args) > 1 and msg.args[1] == SEND and msg.text.strip():
        view = await U.answer_reply(
            svc.db.uow(), actor, centre_id=svc.centre_id, reply_id=reply_id, text=msg.text,
            now=svc.clock.now(),
        )  # fmt: skip
        return Reply(T.REPLY_ANSWERED_OK.format(id=view.id, learner=view.learner_name))
    return Reply(T.REPLY_ASK_ANSWER.format(id=reply_id), expect_input=f"traloidv {reply_id} {SEND}")
