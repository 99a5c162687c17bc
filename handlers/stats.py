"""/thongke: the centre's statistics for a period, as text, workbook and chart (staff)."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers import lecturers
from handlers.base import Services
from render import stats as RS
from texts import stats as T
from usecases import stats as S
from usecases.identity import Actor
from usecases.messages import Choice, Reply
from usecases.stats import PeriodKind

__all__ = ["show"]

KINDS = {"thang": PeriodKind.MONTH, "quy": PeriodKind.QUARTER, "nam": PeriodKind.YEAR}


async def show(msg: Incoming, actor: Actor, svc: Services) -> Reply | list[Reply]:
    kind = KINDS.get(msg.args[0].lower()) if msg.args else None
    if kind is None or len(msg.args) < 2:
        return period_menu(svc, "thongke", T.PICK_PERIOD)
    period = S.parse_period(kind, msg.args[1])  # a refusal is worded by the dispatcher
    stats = await S.compute_stats(
        svc.db.uow(),
        actor=actor,
        centre_id=svc.centre_id,
        period=period,
        now=svc.clock.now(),
        tz=svc.settings.timezone,
    )
    replies = [Reply(RS.stats_text(stats))]
    if stats.classes:
        replies.append(
            Reply(T.XLSX_CAPTION.format(period=period.label), document=RS.stats_xlsx(stats))
        )
        replies.append(
            Reply(T.CHART_CAPTION.format(period=period.label), photo=RS.stats_chart(stats))
        )
    replies += await lecturers.stats_replies(actor, svc, period.start, period.end, period.label)
    return replies


def period_menu(svc: Services, command: str, question: str) -> Reply:
    """Buttons for this and last month, this quarter, this and last year, each running
    `command <period>` (the centre's /thongke and the province's /tinh alike)."""
    today = svc.clock.now().astimezone(svc.settings.timezone).date()
    options = [
        (T.THIS_MONTH, S.period_of(PeriodKind.MONTH, today)),
        (T.LAST_MONTH, S.previous_period(PeriodKind.MONTH, today)),
        (T.THIS_QUARTER, S.period_of(PeriodKind.QUARTER, today)),
        (T.THIS_YEAR, S.period_of(PeriodKind.YEAR, today)),
        (T.LAST_YEAR, S.previous_period(PeriodKind.YEAR, today)),
    ]
    buttons = [
        Choice(label.format(label=p.label), f"{command} {p.command}") for label, p in options
    ]
    return Reply(question, choices=Reply.rows(buttons[:2], buttons[2:]))
