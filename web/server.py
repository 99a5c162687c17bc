"""The console's routes, and serving it beside the bot (`bot/app.py` calls `start_web_server`).

Served by the bot process rather than a separate `sll web`: one process, one database pool,
one clock, and an answer written on a page wakes the same notice dispatcher that sends it.
"""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack
from pathlib import Path

from aiohttp import web

from web import (
    auth,
    pages_classes,
    pages_imports,
    pages_notices,
    pages_queues,
    pages_results,
    pages_stats,
    pages_today,
)
from web.console import CONSOLE, Console

__all__ = ["build_app", "start_web_server"]

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
MAX_UPLOAD = 10 * 1024 * 1024  # a roster or results workbook is far smaller


def build_app(console: Console) -> web.Application:
    app = web.Application(middlewares=[auth.guard], client_max_size=MAX_UPLOAD)
    app[CONSOLE] = console
    r = app.router
    r.add_get("/vao/{token}", auth.login_form)
    r.add_post("/vao/{token}", auth.login)
    r.add_post("/dang-xuat", auth.logout)
    r.add_static("/tinh/", STATIC)
    r.add_get("/", pages_today.today_page)
    r.add_get("/lop", pages_classes.classes_page)
    r.add_get(r"/lop/{class_id:\d{1,9}}", pages_classes.class_page)
    mark = r"/buoi/{session_id:\d{1,9}}/hoc-vien/{person_id:\d{1,9}}"
    r.add_get(mark, pages_classes.mark_page)
    r.add_post(mark, pages_classes.mark_save)
    r.add_get("/cau-hoi", pages_queues.questions_page)
    r.add_post(r"/cau-hoi/{question_id:\d{1,9}}", pages_queues.answer)
    r.add_post(r"/cau-hoi/{question_id:\d{1,9}}/xong", pages_queues.settle)
    r.add_get("/xin-phep", pages_queues.leave_page)
    r.add_post(r"/xin-phep/{request_id:\d{1,9}}", pages_queues.decide)
    r.add_get("/nhap", pages_imports.imports_page)
    r.add_post("/nhap", pages_imports.import_check)
    r.add_post("/nhap/luu", pages_imports.import_save)
    code = r"/ket-qua/{code:[^/]{1,40}}"
    r.add_get("/ket-qua", pages_results.results_page)
    r.add_get(code, pages_results.result_page)
    r.add_get(code + "/cong-bo", pages_results.publish_confirm)
    r.add_post(code + "/cong-bo", pages_results.publish)
    r.add_get("/thong-bao", pages_notices.notices_page)
    r.add_post(r"/thong-bao/{code:[^/]{1,40}}/gui-lai", pages_notices.resend)
    r.add_get("/thong-ke", pages_stats.stats_page)
    r.add_get("/thong-ke.xlsx", pages_stats.stats_xlsx)
    r.add_get("/thong-ke.png", pages_stats.stats_chart)
    return app


async def start_web_server(stack: AsyncExitStack, console: Console) -> None:
    """Serve the console on [web] listen:port (port 0: not at all)."""
    cfg = console.settings.web
    if not cfg.port:
        return
    runner = web.AppRunner(build_app(console), access_log=None)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    try:
        await web.TCPSite(runner, cfg.listen, cfg.port).start()
    except OSError as exc:
        # The console is for staff at their desks; chat goes on serving people without it.
        log.warning("web console not started on %s:%s: %s", cfg.listen, cfg.port, exc)
        return
    log.info("web console on http://%s:%s/", cfg.listen, cfg.port)
