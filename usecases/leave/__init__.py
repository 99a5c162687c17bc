"""Leave requests (DESIGN §2, journey 5): a learner asks to miss a session with a reason; staff
approve or refuse with one tap; the learner is told through the outbox; an approved request
marks the session excused (kept as a change of the mark, like any other).

`rules` holds the pure decisions, `requests` the use cases; callers import from here.
"""

from usecases.leave.requests import (
    Decision,
    LeaveView,
    Requested,
    decide_leave,
    leave_sessions,
    pending_leave,
    request_leave,
)
from usecases.leave.rules import MAX_REASON, MIN_REASON, LeaveReason

__all__ = [
    "MAX_REASON",
    "MIN_REASON",
    "Decision",
    "LeaveReason",
    "LeaveView",
    "Requested",
    "decide_leave",
    "leave_sessions",
    "pending_leave",
    "request_leave",
]
