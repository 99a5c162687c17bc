"""/khaosat: a unit leader answers the evaluation after training, one button press a question."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.base import Services, is_number
from texts import survey as T
from usecases import survey as V
from usecases.identity import Actor
from usecases.messages import Choice, Reply

__all__ = ["answer"]

COMMENT, SKIP = "ykien", "boqua"


async def answer(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Args: none (resume), `<class> <question> <rating>`, `<class> ykien` (the next text is
    the comment) or `<class> boqua`."""
    assert actor.person_id is not None
    args, now, uow = msg.args, svc.clock.now(), svc.db.uow()
    # A refusal (not this leader's survey, a bad rating) is worded by the dispatcher.
    if not args:
        step = await V.pending_survey(uow, person_id=actor.person_id)
        if step is None:
            return Reply(T.NOTHING_PENDING)
    elif not is_number(args[0]) or len(args) < 2:
        return Reply(T.BAD_ANSWER)
    elif args[1] in (COMMENT, SKIP):
        comment = msg.text if args[1] == COMMENT else None
        step = await V.comment_survey(
            uow, person_id=actor.person_id, class_id=int(args[0]), comment=comment, now=now
        )
    elif len(args) == 3 and is_number(args[1]) and is_number(args[2]):
        step = await V.answer_survey(
            uow,
            person_id=actor.person_id,
            class_id=int(args[0]),
            number=int(args[1]),
            rating=int(args[2]),
            now=now,
        )
    else:
        return Reply(T.BAD_ANSWER)
    return render(step)


def render(step: V.SurveyStep) -> Reply:
    if step.next_number is not None:
        n = step.next_number
        return Reply(V.question_text(n), choices=V.rating_choices(step.class_id, n))
    if step.ask_comment:
        skip = Choice(T.SKIP_BUTTON, f"khaosat {step.class_id} {SKIP}")
        return Reply(
            T.ASK_COMMENT,
            choices=Reply.rows([skip]),
            expect_input=f"khaosat {step.class_id} {COMMENT}",
        )
    return Reply(T.THANKS)
