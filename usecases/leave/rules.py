"""Leave decisions as pure functions over plain values (no database, no clock)."""

from __future__ import annotations

from datetime import datetime

from db.models import LeaveStatus
from usecases.attendance import SessionInfo
from usecases.refusal import Reason, Refused

__all__ = [
    "MAX_REASON",
    "MIN_REASON",
    "LeaveReason",
    "already_decided",
    "clean_reason",
    "decision_key",
    "request_key",
    "request_refusal",
]

MIN_REASON = 2  # characters: "ốm" (ill) is a whole reason, a stray letter is not
MAX_REASON = 1000


class LeaveReason(Reason):
    """Why a leave request is not taken or decided; worded in ``texts/leave.py`` REFUSALS."""

    NOT_FOUND = "leave.not_found"
    NOT_ENROLLED = "leave.not_enrolled"
    CANCELLED = "leave.cancelled"
    TOO_LATE = "leave.too_late"
    ALREADY_PENDING = "leave.already_pending"
    ALREADY_APPROVED = "leave.already_approved"
    REASON_TOO_SHORT = "leave.reason_too_short"
    ALREADY_APPROVED_BY_STAFF = "leave.already_decided_approved"
    ALREADY_REFUSED_BY_STAFF = "leave.already_decided_refused"


def clean_reason(reason: str) -> str:
    """One line, single spaces, at most MAX_REASON characters."""
    return " ".join(reason.split())[:MAX_REASON]


def request_refusal(
    info: SessionInfo, *, enrolled: bool, earlier: str | None, reason: str, now: datetime
) -> Refused | None:
    """Why a learner may not ask leave for this session now (None: they may). `earlier`: the
    status of their earlier request that was not refused, if any; `reason` already cleaned."""
    if not enrolled:
        return Refused(LeaveReason.NOT_ENROLLED, session=info)
    if info.cancelled:
        return Refused(LeaveReason.CANCELLED, session=info)
    if info.closed or now > info.close_at:
        return Refused(LeaveReason.TOO_LATE, session=info)
    if earlier == LeaveStatus.PENDING:
        return Refused(LeaveReason.ALREADY_PENDING, session=info)
    if earlier == LeaveStatus.APPROVED:
        return Refused(LeaveReason.ALREADY_APPROVED, session=info)
    if len(reason) < MIN_REASON:
        return Refused(LeaveReason.REASON_TOO_SHORT, session=info)
    return None


def already_decided(status: str, learner_name: str) -> Refused:
    """A second decision on one request changes nothing; say which the first one was."""
    if status == LeaveStatus.APPROVED:
        return Refused(LeaveReason.ALREADY_APPROVED_BY_STAFF, name=learner_name)
    return Refused(LeaveReason.ALREADY_REFUSED_BY_STAFF, name=learner_name)


def request_key(request_id: int, staff_id: int) -> str:
    """Each staff member is told of a request once."""
    return f"leave:new:{request_id}:{staff_id}"


def decision_key(request_id: int) -> str:
    """The learner is told of the decision once."""
    return f"leave:decided:{request_id}"
