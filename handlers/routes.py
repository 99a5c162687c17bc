"""The route table: every command, button and kind of message, and who may use it.

Order matters only for help and the main menu, which list routes as written here.
"""

from __future__ import annotations

from handlers import (
    attendance,
    help,
    leave,
    linking,
    province,
    questions,
    results,
    schedule,
    stats,
    survey,
    web,
)
from handlers import delivery as notices
from handlers import lecturers as lecturer
from handlers import nominations as nominees
from handlers import replies as unit_replies
from handlers import units as unit_links
from handlers.base import ANYONE, CONTACT, LINKED, LOCATION, TEXT, Route
from texts import attendance as AT
from texts import leave as LT
from texts import notices as NT
from texts import province as PT
from texts import questions as QT
from texts import results as RT
from texts import stats as ST
from texts import survey as SVT
from texts import units as UT
from texts import web as WT
from usecases.identity import Role

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
    # Questions (issue 5): learners ask, staff answer in chat.
    Route(
        "hoi",
        questions.ask,
        frozenset({Role.LEARNER}),
        description=QT.ASK_DESCRIPTION,
        button=QT.ASK_BUTTON,
        checks_length=True,
    ),
    Route("hoigui", questions.send, frozenset({Role.LEARNER}), checks_length=True),
    Route("hoikhong", questions.drop, frozenset({Role.LEARNER})),
    Route(
        "cauhoicuatoi", questions.mine, frozenset({Role.LEARNER}), description=QT.MINE_DESCRIPTION
    ),
    Route(
        "cauhoi",
        questions.queue,
        frozenset({Role.STAFF}),
        description=QT.QUEUE_DESCRIPTION,
        button=QT.QUEUE_BUTTON,
    ),
    Route("traloi", questions.answer, frozenset({Role.STAFF}), checks_length=True),
    Route("trenlop", questions.in_class, frozenset({Role.STAFF})),
    Route("dongcauhoi", questions.close, frozenset({Role.STAFF})),
    Route("chiasecauhoi", questions.share, frozenset({Role.STAFF})),
    Route(
        "xuatcauhoi",
        questions.export_questions,
        frozenset({Role.STAFF}),
        description=QT.EXPORT_QUESTIONS_DESCRIPTION,
    ),
    Route(
        "xuatdiemdanh",
        questions.export_checkins,
        frozenset({Role.STAFF}),
        description=QT.EXPORT_CHECKINS_DESCRIPTION,
    ),
    # Attendance and leave (issue 4): learners check in, monitors mark, staff review.
    Route(
        "diemdanh",
        attendance.checkin,
        frozenset({Role.LEARNER}),
        description=AT.CHECKIN_DESCRIPTION,
        button=AT.CHECKIN_BUTTON,
    ),
    Route(LOCATION, attendance.location, LINKED),
    Route(
        "xinphep",
        leave.ask,
        frozenset({Role.LEARNER}),
        description=LT.ASK_DESCRIPTION,
        button=LT.ASK_BUTTON,
    ),
    Route(
        "lop",
        attendance.roster,
        frozenset({Role.MONITOR, Role.STAFF}),
        description=AT.ROSTER_DESCRIPTION,
        button=AT.ROSTER_BUTTON,
    ),
    Route("diemdanhlop", attendance.roster, frozenset({Role.MONITOR, Role.STAFF})),
    Route("dd", attendance.mark_one, frozenset({Role.MONITOR, Role.STAFF})),
    Route("ddall", attendance.mark_all, frozenset({Role.MONITOR, Role.STAFF})),
    Route(
        "maphong",
        attendance.room_code,
        frozenset({Role.MONITOR, Role.STAFF}),
        description=AT.CODE_DESCRIPTION,
    ),
    Route(
        "suadiemdanh",
        attendance.correct,
        frozenset({Role.STAFF}),
        description=AT.CORRECT_DESCRIPTION,
    ),
    Route(
        "baocaodiemdanh",
        attendance.report,
        frozenset({Role.STAFF}),
        description=AT.REPORT_DESCRIPTION,
        button=AT.REPORT_BUTTON,
    ),
    Route(
        "bangdiemdanh",
        attendance.export,
        frozenset({Role.STAFF}),
        description=AT.SHEET_DESCRIPTION,
    ),
    Route(
        "duyetphep",
        leave.decide,
        frozenset({Role.STAFF}),
        description=LT.DECIDE_DESCRIPTION,
        button=LT.DECIDE_BUTTON,
    ),
    # Results, statistics, evaluation after training (issue 6); never in group chats.
    Route("ketqua", results.show, LINKED, description=RT.DESCRIPTION, button=RT.BUTTON),
    Route("congbo", results.publish, frozenset({Role.STAFF})),
    Route("nhapdiem", results.enter, frozenset({Role.STAFF}), description=RT.ENTRY_DESCRIPTION),
    Route(
        "thongke",
        stats.show,
        frozenset({Role.STAFF}),
        description=ST.DESCRIPTION,
        button=ST.BUTTON,
    ),
    Route("khaosat", survey.answer, frozenset({Role.LEADER}), description=SVT.DESCRIPTION),
    # Two-way with home units (issue 18): leaders acknowledge, staff see who has not.
    Route("danhan", unit_links.acknowledge, frozenset({Role.LEADER})),
    Route(
        "cudi",
        nominees.leader_answers,
        frozenset({Role.LEADER}),
        description=UT.NOMINATE_DESCRIPTION,
    ),
    Route(
        "cudilop",
        nominees.staff_view,
        frozenset({Role.STAFF}),
        description=UT.NOMINATIONS_DESCRIPTION,
    ),
    Route("nhaccudi", nominees.remind, frozenset({Role.STAFF})),
    Route(
        "donvicon",
        unit_links.sub_units,
        frozenset({Role.LEADER}),
        description=UT.SUBUNITS_DESCRIPTION,
    ),
    Route(
        "phanhoi",
        unit_replies.write,
        frozenset({Role.LEADER}),
        description=UT.REPLY_DESCRIPTION,
        checks_length=True,
    ),
    Route(
        "phanhoidv",
        unit_replies.queue,
        frozenset({Role.STAFF}),
        description=UT.REPLY_QUEUE_DESCRIPTION,
    ),
    Route("traloidv", unit_replies.answer, frozenset({Role.STAFF})),
    Route(
        "renluyen",
        unit_links.conduct,
        frozenset({Role.STAFF}),
        description=UT.CONDUCT_DESCRIPTION,
    ),
    Route(
        "khongdudk",
        unit_links.ineligible,
        frozenset({Role.STAFF}),
        description=UT.INELIGIBLE_DESCRIPTION,
    ),
    Route(
        "chuanhan",
        unit_links.not_acknowledged,
        frozenset({Role.STAFF}),
        description=UT.STATUS_DESCRIPTION,
    ),
    # Notices (issue 3): delivery view, resend, announce, move/cancel a session, broadcast.
    Route("guitin", notices.view, frozenset({Role.STAFF}), description=NT.VIEW_DESCRIPTION),
    Route("guilai", notices.resend, frozenset({Role.STAFF})),
    Route(
        "thongbao", notices.announce, frozenset({Role.STAFF}), description=NT.ANNOUNCE_DESCRIPTION
    ),
    Route("doibuoi", notices.move, frozenset({Role.STAFF}), description=NT.MOVE_DESCRIPTION),
    Route("huybuoi", notices.cancel, frozenset({Role.STAFF}), description=NT.CANCEL_DESCRIPTION),
    Route(
        "nhantin", notices.broadcast, frozenset({Role.STAFF}), description=NT.BROADCAST_DESCRIPTION
    ),
    # The provincial school sees the province (issue 21): its staff only.
    Route(
        "tinh",
        province.show,
        frozenset({Role.STAFF}),
        description=PT.DESCRIPTION,
        province=True,
    ),
    Route(
        province.NOTICE_COMMAND,
        province.notice,
        frozenset({Role.STAFF}),
        description=PT.NOTICE_DESCRIPTION,
        province=True,
    ),
    # Lecturers (issue 17): their schedule, learners' ratings, observation (dự giờ).
    *lecturer.ROUTES,
    # The staff web console (issue 19): a one-time login link, in a private chat only.
    Route("web", web.link, frozenset({Role.STAFF}), description=WT.DESCRIPTION),
    Route("help", help.show, ANYONE, description="Xem hướng dẫn", button="ℹ️ Hướng dẫn"),
    # Free text: a linked learner is offered to send it as a question; others as before.
    Route(TEXT, questions.free_text, ANYONE, checks_length=True),
)
