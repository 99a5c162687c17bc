"""Two-way with home units (issue 18): unit leaders acknowledge what they receive.

`rules` holds the decisions as pure functions over plain values; `acks` loads, decides and
writes in one transaction. Public names are importable from here.
"""

from __future__ import annotations

from db.models import AckKind
from usecases.units.acks import (
    REMINDER_KIND,
    AckOutcome,
    AckStatus,
    ClassAckCount,
    UnitAck,
    UnitReason,
    ack_choices,
    ack_overview,
    ack_status,
    acknowledge,
    plan_ack_reminders,
)

__all__ = [
    "REMINDER_KIND",
    "AckKind",
    "AckOutcome",
    "AckStatus",
    "ClassAckCount",
    "UnitAck",
    "UnitReason",
    "ack_choices",
    "ack_overview",
    "ack_status",
    "acknowledge",
    "plan_ack_reminders",
]
