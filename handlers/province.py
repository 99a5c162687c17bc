"""/tinh and /tinh_thongbao: the provincial school's view across centres, and its notice to
every centre's staff (province staff only; the route says so, the use cases check again)."""

from __future__ import annotations

from channels.incoming import Incoming
from handlers.base import Services
from handlers.stats import KINDS, period_menu
from render import province as RP
from texts import province as T
from usecases import province as P
from usecases.identity import Actor
from usecases.messages import Reply

__all__ = ["notice", "show"]

NOTICE_COMMAND = "tinh_thongbao"


async def show(msg: Incoming, actor: Actor, svc: Services) -> Reply | list[Reply]:
    """`/tinh thang 11/2026` (or quy, nam): the text, then the workbook; bare, a period menu."""
    kind = KINDS.get(msg.args[0].lower()) if msg.args else None
    if kind is None or len(msg.args) < 2:
        P.require_province(actor)
        return period_menu(svc, "tinh", T.PICK_PERIOD)
    period = P.parse_period(kind, msg.args[1])  # a refusal is worded by the dispatcher
    figures = await P.compute_province(
        svc.db.uow(),
        actor=actor,
        period=period,
        now=svc.clock.now(),
        tz=svc.settings.timezone,
    )
    if not figures.total.classes:
        return Reply(RP.province_text(figures))
    return [
        Reply(f"{RP.province_text(figures)}\n{T.FOOTER_FILE}"),
        Reply(T.XLSX_CAPTION.format(period=period.label), document=RP.province_xlsx(figures)),
    ]


async def notice(msg: Incoming, actor: Actor, svc: Services) -> Reply:
    """`/tinh_thongbao <nội dung>` sends at once; bare, it asks and the next message is sent."""
    typed = msg.text.strip().startswith("/") or msg.pressed
    if typed:
        parts = msg.text.strip().split(maxsplit=1)
        text = parts[1] if len(parts) > 1 and not msg.pressed else ""
        if not text.strip():
            P.require_province(actor)
            return Reply(T.ASK_NOTICE, expect_input=NOTICE_COMMAND)
    else:
        text = msg.text
    sent = await P.send_to_centres(svc.db.uow(), actor=actor, text=text, now=svc.clock.now())
    return Reply(T.NOTICE_DONE.format(staff=sent.staff, centres=sent.centres))
