"""Planning notices: what is sent to whom, and when.

`rules` decides (which keys, who is told, when reminders fall, quiet hours) without I/O;
`wording` writes the notices' texts; `planning`, `changes` and `announce` load, decide and
write into the outbox (`usecases.outbox`) in one transaction, so a class change and its
notices are committed together or not at all.
"""

from usecases.notices.announce import Announced, announce_class, broadcast
from usecases.notices.changes import cancel_session, find_session, move_session
from usecases.notices.planning import (
    learner_ids,
    plan_reminders,
    plan_upcoming_reminders,
    session_moved,
)
from usecases.notices.rules import (
    REMINDER_HORIZON,
    URGENT_CHANGE_WITHIN,
    Kind,
    NoticeReason,
    in_quiet_hours,
    quiet_release,
    reminder_times,
)
from usecases.notices.wording import reminder_heading, reword_reminder

__all__ = [
    "REMINDER_HORIZON",
    "URGENT_CHANGE_WITHIN",
    "Announced",
    "Kind",
    "NoticeReason",
    "announce_class",
    "broadcast",
    "cancel_session",
    "find_session",
    "in_quiet_hours",
    "learner_ids",
    "move_session",
    "plan_reminders",
    "plan_upcoming_reminders",
    "quiet_release",
    "reminder_heading",
    "reminder_times",
    "reword_reminder",
    "session_moved",
]
