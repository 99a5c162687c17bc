"""Questions in chat: /hoi and free text (learners), /cauhoi and the answer buttons (staff),
/cauhoicuatoi (a learner's own), and the review exports (staff)."""

from __future__ import annotations

from dataclasses import replace

from channels.incoming import Incoming
from handlers import linking
from handlers.base import Services, is_number, main_menu
from render import attendance_export as RA
from render import questions as RQ
from texts import questions as T
from usecases import attendance_export
from usecases import questions as Q
from usecases.identity import Actor, Role
from usecases.messages import Choice, Document, Reply
from usecases.refusal import Refused
from vn.dates import DateError, parse_date

__all__ = [
    "answer",
    "ask",
    "close",
    "drop",
    "export_checkins",
    "export_questions",
    "free_text",
    "in_class",
    "mine",
    "queue",
    "send",
    "share",
]


# --- learners ----------------------------------------------------------------------------


async def ask(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """`/hoi <text>` asks at once; `/hoi` or the button asks for the text next."""
    typed, body = _rest(msg, skip=0)
    if typed and not body:
        return Reply(T.ASK_PROMPT, expect_input="hoi")
    try:
        outcome = await Q.ask_question(
            svc.db.uow(),
            person_id=_person(actor),
            text=body,
            has_media=msg.has_media,
            now=svc.clock.now(),
            settings=svc.settings,
        )
    except Refused as exc:
        return _refused(exc, svc, retry="hoi")
    note = "\n\n" + T.MEDIA_NOT_FORWARDED if msg.captioned_media else ""
    if isinstance(outcome, Q.NeedsClass):
        choices = _class_choices(outcome.question_id, outcome.classes, outcome.key)
        return Reply(T.WHICH_CLASS + note, choices=choices)
    receipt = _receipt(outcome, actor, svc)
    return replace(receipt, text=receipt.text + note)


async def free_text(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Free text that no flow waits for: a linked learner is offered to send it as a question;
    everyone else gets what linking always did (an invite code typed on Zalo, or help)."""
    if Role.LEARNER not in actor.roles or actor.is_staff:
        return await linking.text(msg, actor, svc)
    if msg.text.strip() and not any(ch.isalpha() for ch in msg.text):
        # A number with no menu waiting for it, an emoji, "??": not a question for staff.
        text = T.NOT_A_QUESTION.format(text=msg.text.strip()[:20])
        return Reply(text, choices=main_menu(actor, svc))
    try:
        draft = await Q.draft_question(
            svc.db.uow(),
            person_id=_person(actor),
            text=msg.text,
            has_media=msg.has_media,
            now=svc.clock.now(),
            settings=svc.settings,
        )
    except Refused as exc:
        return _refused(exc, svc)
    if len(draft.classes) == 1:
        choices = Reply.rows(
            [
                Choice(T.SEND_BUTTON, f"hoigui {draft.question_id} {draft.key}"),
                Choice(T.CANCEL_BUTTON, f"hoikhong {draft.question_id} {draft.key}"),
            ]
        )
    else:
        choices = _class_choices(draft.question_id, draft.classes, draft.key)
    offer = T.OFFER.format(text=Q.excerpt(draft.text))
    if msg.captioned_media:
        offer += "\n\n" + T.MEDIA_NOT_FORWARDED
    return Reply(offer, choices=choices)


async def send(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """ "Gửi": the draft becomes a question (for the chosen class, if one was chosen)."""
    numbers = _numbers(msg)
    if not numbers:
        return Reply(T.BAD_NUMBER)
    try:
        asked = await Q.send_draft(
            svc.db.uow(),
            person_id=_person(actor),
            question_id=numbers[0],
            class_id=numbers[1] if len(numbers) > 1 else None,
            now=svc.clock.now(),
            settings=svc.settings,
            key=_draft_key(msg),
        )
    except Refused as exc:
        return _refused(exc, svc)
    return _receipt(asked, actor, svc, edit=msg.pressed)


async def drop(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    numbers = _numbers(msg)
    if numbers:
        await Q.drop_draft(
            svc.db.uow(), person_id=_person(actor), question_id=numbers[0], key=_draft_key(msg)
        )
    return Reply(T.DRAFT_DROPPED, edit=msg.pressed)


async def mine(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """A learner's own questions and answers, and nobody else's."""
    views, total = await Q.my_questions(svc.db.uow(), person_id=_person(actor))
    if not views:
        return Reply(T.MINE_NONE, choices=main_menu(actor, svc))
    text = RQ.mine_text(views, total, svc.settings.timezone)
    return Reply(text, choices=main_menu(actor, svc))


# --- staff -------------------------------------------------------------------------------


async def queue(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """`/cauhoi [MÃ_LỚP] [trang]`: open questions, oldest first."""
    code = next((a for a in msg.args if not is_number(a)), None)
    page = next((int(a) for a in msg.args if is_number(a)), 1)
    try:
        result = await Q.open_questions(svc.db.uow(), actor=actor, class_code=code, page=page)
    except Refused as exc:
        return _refused(exc, svc)
    scope = T.QUEUE_SCOPE_CLASS.format(code=result.class_code) if result.class_code else ""
    if not result.items:
        return Reply(T.QUEUE_EMPTY.format(scope=scope), choices=main_menu(actor, svc))
    # Paging and class filters replace the list in place; the menu button opens a new one.
    return Reply(
        RQ.queue_text(result, scope, svc.settings.timezone),
        choices=RQ.queue_choices(result),
        edit=msg.pressed and bool(msg.args),
    )


async def answer(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """ "✍️ Trả lời": show the question and wait for the answer as the next message;
    `/traloi <số> <trả lời>` answers at once."""
    numbers = _numbers(msg)
    if not numbers:
        return Reply(T.BAD_NUMBER)
    typed, body = _rest(msg, skip=1)
    try:
        if typed and not body:
            view = await Q.question_for_staff(svc.db.uow(), actor=actor, question_id=numbers[0])
            return _answer_prompt(view)
        view = await Q.answer_question(
            svc.db.uow(),
            actor=actor,
            question_id=numbers[0],
            text=body,
            now=svc.clock.now(),
        )
    except Refused as exc:
        return _refused(exc, svc, retry=f"traloi {numbers[0]}")
    share_button = Choice(T.SHARE_BUTTON, f"chiasecauhoi {view.id}")
    return Reply(T.ANSWER_SENT.format(number=view.id), choices=Reply.rows([share_button]))


async def in_class(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    numbers = _numbers(msg)
    if not numbers:
        return Reply(T.BAD_NUMBER)
    try:
        view = await Q.mark_answered_in_class(
            svc.db.uow(),
            actor=actor,
            question_id=numbers[0],
            now=svc.clock.now(),
        )
    except Refused as exc:
        return _refused(exc, svc)
    return Reply(T.IN_CLASS_DONE.format(number=view.id), edit=msg.pressed)


async def close(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """Close without an answer: the reason comes as the next message (or after the number)."""
    numbers = _numbers(msg)
    if not numbers:
        return Reply(T.BAD_NUMBER)
    typed, body = _rest(msg, skip=1)
    try:
        if typed and not body:
            await Q.question_for_staff(svc.db.uow(), actor=actor, question_id=numbers[0])
            return Reply(
                T.CLOSE_PROMPT.format(number=numbers[0]), expect_input=f"dongcauhoi {numbers[0]}"
            )
        view = await Q.close_question(
            svc.db.uow(),
            actor=actor,
            question_id=numbers[0],
            reason=body,
            now=svc.clock.now(),
        )
    except Refused as exc:
        return _refused(exc, svc, retry=f"dongcauhoi {numbers[0]}")
    return Reply(T.CLOSED_DONE.format(number=view.id))


async def share(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    numbers = _numbers(msg)
    if not numbers:
        return Reply(T.BAD_NUMBER)
    try:
        count = await Q.share_answer(
            svc.db.uow(),
            actor=actor,
            question_id=numbers[0],
            now=svc.clock.now(),
        )
    except Refused as exc:
        return _refused(exc, svc)
    return Reply(T.SHARED_DONE.format(number=numbers[0], count=count), edit=msg.pressed)


async def export_questions(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """`/xuatcauhoi MÃ_LỚP`: the class's questions and answers as an xlsx."""
    if not msg.args:
        return Reply(T.EXPORT_USAGE_QUESTIONS)
    try:
        klass = await Q.find_class_for_staff(svc.db.uow(), actor=actor, code=msg.args[0])
    except Refused as exc:
        return _refused(exc, svc)
    views = await Q.class_questions(svc.db.uow(), class_id=klass.id)
    data = RQ.questions_workbook(klass, views, svc.settings.timezone)
    return Reply(
        T.EXPORT_QUESTIONS_CAPTION.format(code=klass.code, count=len(views)),
        document=Document(RQ.questions_filename(klass.code), data),
    )


async def export_checkins(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """`/xuatdiemdanh MÃ_LỚP [từ ngày] [đến ngày]`: check-ins of a day or a period (xlsx)."""
    if not msg.args:
        return Reply(T.EXPORT_USAGE_CHECKINS)
    today = svc.clock.now().astimezone(svc.settings.timezone).date()
    try:
        days = [parse_date(a) for a in msg.args[1:3]] or [today]
    except DateError:
        return Reply(T.EXPORT_USAGE_CHECKINS)
    start, end = days[0], days[-1]
    if start > end:
        return Reply(T.BAD_PERIOD)
    try:
        klass = await Q.find_class_for_staff(svc.db.uow(), actor=actor, code=msg.args[0])
    except Refused as exc:
        return _refused(exc, svc)
    tz = svc.settings.timezone
    checkins = await attendance_export.class_checkins(
        svc.db.uow(), class_id=klass.id, start=start, end=end, tz=tz
    )
    return Reply(
        T.EXPORT_CHECKINS_CAPTION.format(
            code=klass.code, period=RA.period_text(start, end), count=len(checkins.rows)
        ),
        document=Document(
            RA.checkins_filename(klass.code, start, end), RA.checkins_workbook(checkins, tz)
        ),
    )


# --- rendering -----------------------------------------------------------------------------


def _person(actor: Actor) -> int:
    assert actor.person_id is not None  # routes for these handlers need a linked person
    return actor.person_id


def _rest(msg: Incoming, *, skip: int) -> tuple[bool, str]:
    """(came as a command or button, the text after the command and `skip` arguments).

    A typed `/hoi Câu hỏi…` keeps its line breaks; text awaited after a prompt arrives whole.
    """
    if msg.pressed:
        return True, ""
    if msg.text.lstrip().startswith("/"):
        parts = msg.text.split(maxsplit=1 + skip)
        return True, parts[1 + skip] if len(parts) > 1 + skip else ""
    return False, msg.text


def _numbers(msg: Incoming) -> list[int]:
    numbers: list[int] = []
    for arg in msg.args[:2]:
        if not is_number(arg.lstrip("#")):
            break
        numbers.append(int(arg.lstrip("#")))
    return numbers


def _receipt(asked: Q.Asked, actor: Actor, svc: Services, *, edit: bool = False) -> Reply:
    text = T.RECEIPT.format(
        number=asked.question_id,
        code=asked.class_code,
        when=Q.when_text(asked.created_at, svc.settings.timezone),
    )
    return Reply(text, choices=main_menu(actor, svc), edit=edit)


def _draft_key(msg: Incoming) -> str | None:
    """The draft's mark on a "Gửi"/"Không" button (none on buttons from before it existed)."""
    return next((a for a in msg.args if a.startswith("k") and len(a) > 1), None)


def _class_choices(
    question_id: int, classes: tuple[Q.ClassChoice, ...], key: str
) -> tuple[tuple[Choice, ...], ...]:
    rows = [
        [Choice(T.SEND_TO_CLASS_BUTTON.format(code=c.code), f"hoigui {question_id} {c.id} {key}")]
        for c in classes
    ]
    return Reply.rows(*rows, [Choice(T.CANCEL_BUTTON, f"hoikhong {question_id} {key}")])


def _answer_prompt(view: Q.QuestionView) -> Reply:
    text = T.ANSWER_PROMPT.format(
        number=view.id, code=view.class_code, name=view.learner_name, text=view.text
    )
    choices = Reply.rows(
        [Choice(T.IN_CLASS_BUTTON, f"trenlop {view.id}")],
        [Choice(T.CLOSE_BUTTON, f"dongcauhoi {view.id}")],
    )
    return Reply(text, choices=choices, expect_input=f"traloi {view.id}")


def _refused(exc: Refused, svc: Services, *, retry: str | None = None) -> Reply:
    """The refusal in words; after a fixable one the bot keeps waiting for the text."""
    keep_waiting = retry if exc.reason in Q.RETRY else None
    return Reply(RQ.refusal_text(exc, svc.settings.timezone), expect_input=keep_waiting)
