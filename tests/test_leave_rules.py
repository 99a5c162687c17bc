"""Leave decisions without a database: when a request is taken, the reason it needs, what a
second decision says, and the notices' keys. These run in milliseconds."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from texts.refusals import REFUSALS, say
from usecases.attendance import SessionInfo
from usecases.leave.rules import (
    MAX_REASON,
    MIN_REASON,
    LeaveReason,
    already_decided,
    clean_reason,
    decision_key,
    request_key,
    request_refusal,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2024, 3, 4, 7, 30, tzinfo=TZ)
END = START + timedelta(hours=3, minutes=30)
INFO = SessionInfo(
    id=7,
    class_id=1,
    class_code="SC-1",
    class_name="Sơ cấp",
    centre_id=1,
    number=3,
    starts_at=START,
    ends_at=END,
    opens_at=START - timedelta(minutes=30),
    closes_at=START + timedelta(minutes=60),
    close_at=END,
    cancelled=False,
    closed=False,
    has_venue=False,
)
EVE = START - timedelta(hours=13)


def why(
    info: SessionInfo = INFO,
    *,
    enrolled: bool = True,
    earlier: str | None = None,
    reason: str = "Ốm",
    now: datetime = EVE,
) -> str | None:
    refused = request_refusal(info, enrolled=enrolled, earlier=earlier, reason=reason, now=now)
    return refused.reason if refused else None


def test_a_request_with_a_reason_before_the_session_closes_is_taken() -> None:
    assert why() is None
    assert why(now=END) is None  # until the session is closed


def test_a_request_after_the_session_closed_is_too_late() -> None:
    assert why(now=END + timedelta(seconds=1)) == LeaveReason.TOO_LATE
    assert why(replace(INFO, closed=True)) == LeaveReason.TOO_LATE


def test_who_may_not_ask_is_told_first() -> None:
    # Not in the class comes before anything about the session or the reason.
    assert why(enrolled=False, reason="", now=END + timedelta(days=1)) == LeaveReason.NOT_ENROLLED
    assert why(replace(INFO, cancelled=True), reason="") == LeaveReason.CANCELLED


def test_an_earlier_request_is_answered_unless_it_was_refused() -> None:
    assert why(earlier="pending") == LeaveReason.ALREADY_PENDING
    assert why(earlier="approved") == LeaveReason.ALREADY_APPROVED
    assert why(earlier=None) is None  # refused requests are not passed: ask again


def test_the_reason_needs_a_couple_of_letters() -> None:
    assert why(reason="x" * (MIN_REASON - 1)) == LeaveReason.REASON_TOO_SHORT
    assert why(reason="x" * MIN_REASON) is None
    assert why(reason=clean_reason("   ")) == LeaveReason.REASON_TOO_SHORT


def test_a_reason_is_one_line_of_bounded_length() -> None:
    assert clean_reason("  Ốm \n\n  nặng\t") == "Ốm nặng"
    assert len(clean_reason("a " * MAX_REASON)) == MAX_REASON


def test_a_second_decision_says_what_the_first_was() -> None:
    approved = already_decided("approved", "Lò Văn A")
    refused = already_decided("refused", "Lò Văn A")
    assert approved.reason == LeaveReason.ALREADY_APPROVED_BY_STAFF
    assert say(approved) == "Đơn của Lò Văn A đã được duyệt trước đó."
    assert say(refused) == "Đơn của Lò Văn A đã được từ chối trước đó."


def test_each_staff_member_and_the_learner_are_told_once() -> None:
    assert request_key(5, 1) != request_key(5, 2) != request_key(6, 1)
    assert decision_key(5) == decision_key(5) != decision_key(6)


def test_every_reason_is_worded() -> None:
    assert {r.value for r in LeaveReason} <= set(REFUSALS)
