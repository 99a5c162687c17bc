"""Lecturers' pure rules (issue 17): no database, no clock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from usecases.lecturers.observations import parse_form
from usecases.lecturers.rules import (
    Change,
    LecturerReason,
    MatchStatus,
    SessionState,
    Told,
    attendance_counts,
    changes,
    match_name,
    name_of,
    period,
    rating_refusal,
    reminder_times,
    summarize_ratings,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2024, 3, 4, 7, 30, tzinfo=TZ)
T1 = T0 + timedelta(hours=3, minutes=30)


@pytest.mark.parametrize(
    "cell",
    [
        "Đ/c Nguyễn Thị Huệ",
        "ThS. Nguyễn Thị Huệ",
        "ThS. NGUYỄN THỊ HUỆ, Trưởng khoa Xây dựng Đảng",
        "đồng chí Nguyễn Thị Huệ - Phó Giám đốc",
        "Nguyen Thi Hue",
        "PGS.TS Nguyễn Thị Huệ (Trường Chính trị tỉnh)",
        "Giảng viên: Nguyễn Thị Huệ",
    ],
)
def test_titles_and_positions_are_not_part_of_the_name(cell: str) -> None:
    assert name_of(cell) == "nguyen thi hue"


def test_two_lecturers_with_the_same_given_name_are_not_confused() -> None:
    by_name = {name_of("Vũ Công Thành"): [1], name_of("Lương Trọng Thành"): [2]}
    assert match_name("Đ/c Vũ Công Thành", by_name).lecturer_id == 1
    assert match_name("Đ/c Lương Trọng Thành", by_name).lecturer_id == 2
    assert match_name("Đ/c Thành", by_name).status == MatchStatus.UNKNOWN


def test_a_shared_name_is_ambiguous_never_guessed() -> None:
    match = match_name("Đ/c Nguyễn Thị Huệ", {"nguyen thi hue": [3, 4]})
    assert match.status == MatchStatus.AMBIGUOUS and match.lecturer_id is None
    assert match.count == 2
    assert match_name("  ", {"nguyen thi hue": [3]}).status == MatchStatus.EMPTY


def _state(
    lecturer: int | None = 1, *, starts: datetime = T0, place: str = "P2", cancelled: bool = False
) -> SessionState:
    return SessionState(10, lecturer, starts, starts + (T1 - T0), place, cancelled)


def _told(
    lecturer: int = 1, *, starts: datetime = T0, place: str = "P2", status: str = "scheduled"
) -> Told:
    return Told(lecturer, starts, starts + (T1 - T0), place, status)


def test_what_a_lecturer_is_told() -> None:
    assert [e.change for e in changes(_state(), [])] == [Change.NEW]
    assert changes(_state(), [_told()]) == []
    moved = changes(_state(starts=T0 + timedelta(days=1)), [_told()])
    assert [(e.change, e.lecturer_id) for e in moved] == [(Change.MOVED, 1)]
    assert moved[0].before is not None and moved[0].before.starts_at == T0
    assert [e.change for e in changes(_state(place="Hội trường"), [_told()])] == [Change.MOVED]
    assert [e.change for e in changes(_state(cancelled=True), [_told()])] == [Change.CANCELLED]
    assert changes(_state(cancelled=True), [_told(status="cancelled")]) == []
    restored = changes(_state(), [_told(status="cancelled")])
    assert [e.change for e in restored] == [Change.RESTORED]
    assert changes(_state(cancelled=True), []) == []  # never told: nothing to take back


def test_a_reassigned_session_tells_both_lecturers() -> None:
    events = changes(_state(lecturer=2), [_told(lecturer=1)])
    assert {(e.change, e.lecturer_id) for e in events} == {(Change.AWAY, 1), (Change.TO_YOU, 2)}
    back = changes(_state(lecturer=1), [_told(lecturer=1, status="away"), _told(lecturer=2)])
    assert {(e.change, e.lecturer_id) for e in back} == {(Change.AWAY, 2), (Change.TO_YOU, 1)}
    removed = changes(_state(lecturer=None), [_told(lecturer=1)])
    assert [(e.change, e.lecturer_id) for e in removed] == [(Change.AWAY, 1)]


def test_reminders_the_evening_before_and_before_the_session() -> None:
    slots = dict(reminder_times(T0, evening_at=time(19), minutes_before=60, tz=TZ))
    assert slots["evening"] == datetime(2024, 3, 3, 19, 0, tzinfo=TZ)
    assert slots["before"] == T0 - timedelta(hours=1)
    assert [s for s, _ in reminder_times(T0, evening_at=time(19), minutes_before=0, tz=TZ)] == [
        "evening"
    ]


def test_only_a_learner_present_may_rate_and_only_for_a_day() -> None:
    closed = T1 + timedelta(hours=1)
    ok = {"score": 4, "closes_at": closed, "now": closed + timedelta(hours=2)}
    assert rating_refusal(attendance="present", **ok) is None
    assert rating_refusal(attendance="late", **ok) is None
    for status in ("absent", "excused", None):
        assert rating_refusal(attendance=status, **ok) == LecturerReason.NOT_PRESENT
    assert rating_refusal(attendance="present", score=6, closes_at=closed, now=closed) == (
        LecturerReason.BAD_SCORE
    )
    late = closed + timedelta(days=1, minutes=1)
    assert rating_refusal(attendance="present", score=3, closes_at=closed, now=late) == (
        LecturerReason.RATING_CLOSED
    )
    early = closed - timedelta(minutes=1)
    assert rating_refusal(attendance="present", score=3, closes_at=closed, now=early) == (
        LecturerReason.NOT_CLOSED
    )


def test_aggregates_need_three_ratings_and_carry_no_order_of_who_wrote() -> None:
    assert summarize_ratings([(5, "Hay")]).average is None
    assert summarize_ratings([(5, "Hay")]).comments == ()
    summary = summarize_ratings([(5, "Rất hay"), (4, None), (3, "Cần thêm ví dụ"), (4, " ")])
    assert summary.count == 4 and summary.average == 4.0
    assert summary.comments == ("Cần thêm ví dụ", "Rất hay")  # sorted, not in answer order


def test_attendance_counts_count_unmarked_learners_as_absent() -> None:
    counts = attendance_counts(["present", "present", "late", "excused", "absent"], enrolled=7)
    assert (counts.present, counts.late, counts.excused, counts.absent) == (2, 1, 1, 3)


def test_periods() -> None:
    assert period("03/2024")[:2] == (date(2024, 3, 1), date(2024, 4, 1))  # type: ignore[index]
    assert period("12/2024")[:2] == (date(2024, 12, 1), date(2025, 1, 1))  # type: ignore[index]
    assert period("Quý 4/2024")[:2] == (date(2024, 10, 1), date(2025, 1, 1))  # type: ignore[index]
    assert period("2024")[:2] == (date(2024, 1, 1), date(2025, 1, 1))  # type: ignore[index]
    assert period("13/2024") is None and period("năm ngoái") is None


def test_the_observation_form() -> None:
    form = parse_form("Điểm: 4\nƯu điểm: Sinh động, nhiều ví dụ\nCần rút kinh nghiệm: Giữ giờ")
    assert form is not None
    assert (form.score, form.strengths, form.improve) == (4, "Sinh động, nhiều ví dụ", "Giữ giờ")
    assert parse_form("Ưu điểm: tốt") is None and parse_form("Điểm: 9") is None
