"""Attendance in chat: /diemdanh (learner), /lop (monitor's roster), /maphong (room code),
/suadiemdanh (staff correction), /baocaodiemdanh and /bangdiemdanh (staff review).

Handlers read the update, call one use case and word the result from ``texts/attendance.py``;
a refusal (`Refused`) is worded by `refusal_text`, in the centre's time.
"""

from handlers.attendance.checkin import checkin, location
from handlers.attendance.common import CODE_OF, MARK_CODES, guarded, refusal_text
from handlers.attendance.roster import mark_all, mark_one, room_code, roster
from handlers.attendance.staff import correct, export, render_session_report, report

__all__ = [
    "CODE_OF",
    "MARK_CODES",
    "checkin",
    "correct",
    "export",
    "guarded",
    "location",
    "mark_all",
    "mark_one",
    "refusal_text",
    "render_session_report",
    "report",
    "room_code",
    "roster",
]
