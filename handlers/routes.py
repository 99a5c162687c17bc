"""The route table: every command, button and kind of message, and who may use it.

Order matters only for help and the main menu, which list routes as written here.
"""

from __future__ import annotations

from handlers import help, linking, schedule
from handlers.base import ANYONE, CONTACT, LINKED, TEXT, Route

__all__ = ["ROUTES"]

ROUTES: tuple[Route, ...] = (
    Route("start", linking.start, ANYONE),
    Route(CONTACT, linking.contact, ANYONE),
    Route(
        "lichhoc",
        schedule.show,
        LINKED,
        description="Xem lịch học sắp tới",
        button="📅 Lịch học",
    ),
    Route("help", help.show, ANYONE, description="Xem hướng dẫn", button="ℹ️ Hướng dẫn"),
    Route(TEXT, linking.text, ANYONE),
)
