"""Why a units use case says no; worded in `texts/units.py`."""

from __future__ import annotations

from usecases.refusal import Reason

__all__ = ["UnitReason"]


class UnitReason(Reason):
    NOT_YOURS = "units.not_yours"  # no such notice was sent to this leader
    CLASS_NOT_FOUND = "units.class_not_found"
    NOT_PUBLISHED = "units.not_published"
    STAFF_ONLY = "units.staff_only"
    NOT_YOUR_LEARNER = "units.not_your_learner"
    NOMINATION_CLOSED = "units.nomination_closed"
    NOT_DECLINED = "units.not_declined"
    NOT_ANNOUNCED = "units.not_announced"
    CONDUCT_KIND = "units.conduct_kind"
    CONDUCT_REASON = "units.conduct_reason"
    NO_SUCH_NUMBER = "units.no_such_number"
    REPLY_EMPTY = "units.reply_empty"
    REPLY_TOO_LONG = "units.reply_too_long"
    NO_SUCH_REPLY = "units.no_such_reply"
    REPLY_ANSWERED = "units.reply_answered"
    UNIT_NOT_FOUND = "units.unit_not_found"
    PARENT_CYCLE = "units.parent_cycle"
