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
from usecases.units.conduct import (
    CONDUCT_KIND,
    ConductLine,
    class_conduct,
    conduct_lines,
    record_conduct,
)
from usecases.units.nominations import (
    NOMINATION_REMINDER_KIND,
    NomineeLine,
    NomineeList,
    UnitNominees,
    answer_nominee,
    classes_to_confirm,
    confirm_all,
    nomination_choices,
    nomination_status,
    nominee_list,
    remind_nominations,
)
from usecases.units.notes import results_notes, unit_notes, with_notes
from usecases.units.parents import (
    PARENT_KIND,
    ParentSummary,
    SubUnitAck,
    parents_from_roster,
    plan_parent_summaries,
    set_parent,
    sub_unit_acks,
)
from usecases.units.replies import (
    ReplyView,
    answer_reply,
    open_replies,
    reply_classes,
    reply_learners,
    reply_text,
    send_reply,
)
from usecases.units.standing import RULE_KIND, Ineligible, evaluate_rules, ineligible, why

__all__ = [
    "CONDUCT_KIND",
    "NOMINATION_REMINDER_KIND",
    "PARENT_KIND",
    "REMINDER_KIND",
    "RULE_KIND",
    "AckKind",
    "AckOutcome",
    "AckStatus",
    "ClassAckCount",
    "ConductLine",
    "Ineligible",
    "NomineeLine",
    "NomineeList",
    "ParentSummary",
    "ReplyView",
    "SubUnitAck",
    "UnitAck",
    "UnitNominees",
    "UnitReason",
    "ack_choices",
    "ack_overview",
    "ack_status",
    "acknowledge",
    "answer_nominee",
    "answer_reply",
    "class_conduct",
    "classes_to_confirm",
    "conduct_lines",
    "confirm_all",
    "evaluate_rules",
    "ineligible",
    "nomination_choices",
    "nomination_status",
    "nominee_list",
    "open_replies",
    "parents_from_roster",
    "plan_ack_reminders",
    "plan_parent_summaries",
    "record_conduct",
    "remind_nominations",
    "reply_classes",
    "reply_learners",
    "reply_text",
    "results_notes",
    "send_reply",
    "set_parent",
    "sub_unit_acks",
    "unit_notes",
    "why",
    "with_notes",
]
