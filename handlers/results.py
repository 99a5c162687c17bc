"""/ketqua (own results, a unit's results, or a staff preview), /congbo and /nhapdiem."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.base import Services, is_number, main_menu
from render import results as RR
from texts import results as T
from texts.refusals import say
from usecases import results as R
from usecases.identity import Actor, Role
from usecases.messages import Choice, Document, Reply
from usecases.refusal import Refused
from vn.dates import format_when
from vn.numbers import format_score

__all__ = ["enter", "publish", "show"]

CONFIRM_ARG = "ok"  # "congbo <class> ok": the confirmed publication


async def show(msg: Incoming, actor: Actor, svc: Services) -> Reply | list[Reply]:
    """Staff with a class code get the preview; everyone else what is theirs to see."""
    assert actor.person_id is not None
    if actor.is_staff and msg.args:
        return await _preview(msg.args[0], actor, svc, in_group=msg.is_group)
    now, db = svc.clock.now(), svc.db
    replies: list[Reply] = []
    # A refusal (results asked for in a group) is worded by the dispatcher.
    if Role.LEARNER in actor.roles:
        mine = await R.results_for_learner(
            db.uow(), person_id=actor.person_id, now=now, in_group=msg.is_group
        )
        replies += [Reply(R.learner_text(v)) for v in mine]
    if Role.LEADER in actor.roles:
        for summary in await R.results_for_leader(
            db.uow(), person_id=actor.person_id, now=now, in_group=msg.is_group
        ):
            document: Document = RR.unit_xlsx(summary)
            replies += [
                Reply(R.unit_text(summary)),
                Reply(R.unit_file_caption(summary), document=document),
            ]
    if actor.is_staff:
        replies.append(await _pick_class(svc))
    if not replies:
        none = T.UNIT_NONE if Role.LEADER in actor.roles else T.NO_RESULTS_LEARNER
        return Reply(none, choices=main_menu(actor, svc))
    return replies


async def publish(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/congbo <class> shows what will go out and asks; "congbo <class> ok" (its button, or a
    typed number on Zalo) publishes. Results go out once and cannot be taken back."""
    if not msg.args:
        return await _pick_class(svc)
    if CONFIRM_ARG not in msg.args[1:]:
        return await _confirm_publish(msg.args[0], actor, svc, in_group=msg.is_group)
    try:
        report = await R.publish_results(
            svc.db.uow(),
            actor=actor,
            centre_id=svc.centre_id,
            code=msg.args[0],
            now=svc.clock.now(),
            tz=svc.settings.timezone,
            unit_file=RR.unit_xlsx,
        )
    except Refused as exc:
        return Reply(say(exc), toast=say(exc)[:190] if msg.pressed else None)
    lines = [
        T.PUBLISHED.format(
            code=msg.args[0].upper(), learners=report.learners, leaders=report.leaders
        )
    ]
    if report.units_without_leader:
        lines.append(T.UNITS_WITHOUT_LEADER.format(units=", ".join(report.units_without_leader)))
    return Reply("\n".join(lines))


async def enter(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """/nhapdiem <class> <TT> <scores…> [grade] [; remark]"""
    if len(msg.args) < 3 or not is_number(msg.args[1]):
        return Reply(T.ENTRY_BAD)
    try:
        view = await R.enter_result(
            svc.db.uow(),
            actor=actor,
            centre_id=svc.centre_id,
            code=msg.args[0],
            number=int(msg.args[1]),
            entry=R.parse_entry(" ".join(msg.args[2:])),
            grade_scale=svc.settings.grade_scale,
            tz=svc.settings.timezone,
            now=svc.clock.now(),
        )
    except Refused as exc:
        return Reply(say(exc))
    text = T.ENTRY_SAVED.format(
        name=view.full_name, code=view.class_code, result=R.learner_text(view)
    )
    return Reply(text, choices=Reply.rows([Choice(T.BUTTON, f"ketqua {view.class_code}")]))


async def _load_preview(
    code: str, actor: Actor, svc: Services, *, in_group: bool
) -> R.ResultsPreview | Reply:
    """The class's results as staff review them, or the refusal to show."""
    try:
        return await R.preview_results(
            svc.db.uow(),
            actor=actor,
            centre_id=svc.centre_id,
            code=code,
            now=svc.clock.now(),
            in_group=in_group,
        )
    except Refused as exc:
        return Reply(say(exc))


def _counts(p: R.ResultsPreview, header: str) -> list[str]:
    """The header, how many have a result and by grade, and who has none."""
    grades = ", ".join(T.PREVIEW_GRADE_COUNT.format(grade=g, count=n) for g, n in p.grades.items())
    lines = [
        header.format(name=p.name, code=p.code),
        T.PREVIEW_COUNTS.format(with_result=len(p.results), enrolled=p.enrolled, grades=grades),
    ]
    if p.missing:
        lines.append(T.PREVIEW_MISSING.format(names=", ".join(p.missing)))
    return lines


async def _preview(code: str, actor: Actor, svc: Services, *, in_group: bool) -> Reply:
    p = await _load_preview(code, actor, svc, in_group=in_group)
    if isinstance(p, Reply):
        return p
    lines = _counts(p, T.PREVIEW_HEADER)
    lines += [
        T.PREVIEW_LINE.format(
            number=v.number,
            name=v.full_name,
            scores=" / ".join(format_score(s) for s in v.scores.values()) or T.NO_SCORES,
            grade=v.grade or T.NO_GRADE,
        )
        for v in p.results[: R.PREVIEW_LINES]
    ]
    if len(p.results) > R.PREVIEW_LINES:
        lines.append(T.PREVIEW_MORE.format(count=len(p.results) - R.PREVIEW_LINES))
    if p.published_at is not None:
        when = format_when(p.published_at.astimezone(svc.settings.timezone))
        return Reply("\n".join([*lines, T.PREVIEW_PUBLISHED.format(when=when)]))
    lines.append(T.PREVIEW_NOT_PUBLISHED)
    button = Choice(T.PUBLISH_BUTTON, f"congbo {p.code} {CONFIRM_ARG}")
    return Reply("\n".join(lines), choices=Reply.rows([button]))


async def _confirm_publish(code: str, actor: Actor, svc: Services, *, in_group: bool) -> Reply:
    """Counts and one learner's notice as it will arrive, then the button that publishes."""
    p = await _load_preview(code, actor, svc, in_group=in_group)
    if isinstance(p, Reply):
        return p
    if p.published_at is not None:
        when = format_when(p.published_at.astimezone(svc.settings.timezone))
        return Reply(T.ALREADY_PUBLISHED.format(code=p.code, when=when))
    if not p.results:
        return Reply(T.NOTHING_TO_PUBLISH.format(code=p.code))
    lines = _counts(p, T.CONFIRM_PUBLISH_HEADER)
    lines += [T.CONFIRM_PUBLISH_SAMPLE, R.learner_text(p.results[0]), "", T.PREVIEW_NOT_PUBLISHED]
    buttons = Reply.rows(
        [Choice(T.PUBLISH_BUTTON, f"congbo {p.code} {CONFIRM_ARG}")],
        [Choice(T.SEE_ALL_BUTTON, f"ketqua {p.code}")],
    )
    return Reply("\n".join(lines), choices=buttons)


async def _pick_class(svc: Services) -> Reply:
    classes = await R.list_result_classes(svc.db.uow(), centre_id=svc.centre_id)
    if not classes:
        return Reply(T.STAFF_NO_CLASSES)
    buttons = [
        Choice(
            T.CLASS_BUTTON.format(mark=T.MARK_PUBLISHED if published else T.MARK_DRAFT, code=code),
            f"ketqua {code}",
        )
        for code, published in classes[:12]
    ]
    return Reply(T.STAFF_PICK_CLASS, choices=Reply.rows(*([b] for b in buttons)))
