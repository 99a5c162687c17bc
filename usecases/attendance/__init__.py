"""Attendance (DESIGN §2, journey 4): learners check in, monitors mark, staff correct and review,
and units hear of absences when a session closes.

The package: `rules` (pure decisions: the window, late or present, the room code, who is told),
`views` (what the use cases return), `store` (loading, rights, writing a mark), and one module
per use: `checkin`, `marks` (room code, roster, monitor marks, venue), `corrections`,
`closing`, `grid` (reports and the learners × sessions grid). Callers import from here.
A use case that will not do what was asked raises `Refused(AttendanceReason.X, …)`.
"""

from usecases.attendance.checkin import WRONG_CODE_ACTION, check_in, checkin_choices
from usecases.attendance.closing import CATCH_UP_HOURS, close_due_sessions, close_session
from usecases.attendance.corrections import correct, mark_history, recent_sessions
from usecases.attendance.grid import (
    attendance_matrix,
    class_report,
    session_report,
    staff_classes,
)
from usecases.attendance.marks import (
    RECENT_SESSIONS,
    UPCOMING_CODE_HOURS,
    mark,
    mark_all_present,
    markable_sessions,
    room_code,
    roster,
    set_venue,
)
from usecases.attendance.rules import (
    ATTENDED,
    CODE_DIGITS,
    MAX_WRONG_CODES,
    PAGE_SIZE,
    STATUS_CYCLE,
    AttendanceReason,
    count,
    haversine_m,
)
from usecases.attendance.store import (
    MarkWrite,
    load_session,
    replaying,
    session_info,
    write_mark,
)
from usecases.attendance.views import (
    AttendanceMatrix,
    ChangeView,
    Checkin,
    CheckinChoices,
    ClassReport,
    CloseReport,
    CodeView,
    Correction,
    MarkHistory,
    MatrixRow,
    RosterLine,
    RosterView,
    SessionCounts,
    SessionInfo,
    SessionReport,
    TimeOfDay,
)

__all__ = [
    "ATTENDED",
    "CATCH_UP_HOURS",
    "CODE_DIGITS",
    "MAX_WRONG_CODES",
    "PAGE_SIZE",
    "RECENT_SESSIONS",
    "STATUS_CYCLE",
    "UPCOMING_CODE_HOURS",
    "WRONG_CODE_ACTION",
    "AttendanceMatrix",
    "AttendanceReason",
    "ChangeView",
    "Checkin",
    "CheckinChoices",
    "ClassReport",
    "CloseReport",
    "CodeView",
    "Correction",
    "MarkHistory",
    "MarkWrite",
    "MatrixRow",
    "RosterLine",
    "RosterView",
    "SessionCounts",
    "SessionInfo",
    "SessionReport",
    "TimeOfDay",
    "attendance_matrix",
    "check_in",
    "checkin_choices",
    "class_report",
    "close_due_sessions",
    "close_session",
    "correct",
    "count",
    "haversine_m",
    "load_session",
    "mark",
    "mark_all_present",
    "mark_history",
    "markable_sessions",
    "recent_sessions",
    "replaying",
    "room_code",
    "roster",
    "session_info",
    "session_report",
    "set_venue",
    "staff_classes",
    "write_mark",
]
