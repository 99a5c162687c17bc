"""Lecturers (issue 17): people who teach, told of their sessions in time, rated by learners
in aggregate, observed by colleagues. Decisions live in `rules` (pure); the modules beside it
load, decide and write in one transaction."""

from usecases.lecturers.after import plan_after_sessions
from usecases.lecturers.briefing import (
    LecturerSession,
    plan_lecturer_notices,
    upcoming_for_lecturer,
)
from usecases.lecturers.people import (
    ImportReport,
    LecturerLine,
    add_lecturer,
    find_lecturer,
    import_lecturers,
    lecturer_invites,
    link_schedule,
    list_lecturers,
)
from usecases.lecturers.ratings import (
    comment,
    my_ratings,
    rate,
    rating_report,
    rating_report_between,
)
from usecases.lecturers.rules import LecturerReason

__all__ = [
    "ImportReport",
    "LecturerLine",
    "LecturerReason",
    "LecturerSession",
    "add_lecturer",
    "comment",
    "find_lecturer",
    "import_lecturers",
    "lecturer_invites",
    "link_schedule",
    "list_lecturers",
    "my_ratings",
    "plan_after_sessions",
    "plan_lecturer_notices",
    "rate",
    "rating_report",
    "rating_report_between",
    "upcoming_for_lecturer",
]
