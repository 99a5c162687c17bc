"""Why a units use case says no; worded in `texts/units.py`."""

from __future__ import annotations

from usecases.refusal import Reason

__all__ = ["UnitReason"]


class UnitReason(Reason):
    NOT_YOURS = "units.not_yours"  # no such notice was sent to this leader
    CLASS_NOT_FOUND = "units.class_not_found"
    NOT_PUBLISHED = "units.not_published"
    STAFF_ONLY = "units.staff_only"
