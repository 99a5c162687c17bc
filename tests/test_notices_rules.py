"""The notice rules without a database: quiet hours, when reminders fall and which are still
worth planning, what a notice's key says, which change is urgent, who tells each unit leader,
and how a reminder's first line reads at the moment it is sent."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from usecases.notices import rules
from usecases.notices.wording import reminder_heading, reword_reminder
from usecases.settings import NoticeSettings

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOTICES = NoticeSettings()  # evening reminder 19:00, 60 minutes before; quiet 21:30–06:00
CLASS_STARTS = datetime(2024, 3, 4, 7, 30, tzinfo=TZ)  # a Monday morning


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=TZ)


def test_quiet_hours_may_wrap_midnight_or_not() -> None:
    assert rules.in_quiet_hours(at(3, 22), NOTICES, TZ)
    assert rules.in_quiet_hours(at(4, 5, 59), NOTICES, TZ)
    assert not rules.in_quiet_hours(at(4, 6), NOTICES, TZ)
    assert not rules.in_quiet_hours(at(3, 21, 29), NOTICES, TZ)
    noon = replace(NOTICES, quiet_start=time(12), quiet_end=time(13, 30))
    assert rules.in_quiet_hours(at(4, 12, 45), noon, TZ)
    assert not rules.in_quiet_hours(at(4, 22), noon, TZ)
    never = replace(NOTICES, quiet_start=time(6), quiet_end=time(6))
    assert not rules.in_quiet_hours(at(4, 3), never, TZ)


def test_a_held_notice_goes_out_when_quiet_hours_end() -> None:
    assert rules.quiet_release(at(3, 22), NOTICES, TZ) == at(4, 6)
    assert rules.quiet_release(at(4, 2), NOTICES, TZ) == at(4, 6)
    assert rules.quiet_release(at(4, 6), NOTICES, TZ) == at(5, 6)


def test_reminders_fall_the_evening_before_and_minutes_before() -> None:
    assert rules.reminder_times(CLASS_STARTS, NOTICES, TZ) == [
        ("evening", at(3, 19)),
        ("before", at(4, 6, 30)),
    ]
    evening_only = replace(NOTICES, minutes_before=0)
    assert rules.reminder_times(CLASS_STARTS, evening_only, TZ) == [("evening", at(3, 19))]


def test_only_reminders_still_ahead_are_planned() -> None:
    def slots(now: datetime, *, cancelled: bool = False) -> list[str]:
        found = rules.reminder_slots(
            CLASS_STARTS, cancelled=cancelled, notices=NOTICES, tz=TZ, now=now
        )
        return [slot for slot, _ in found]

    assert slots(at(3, 8)) == ["evening", "before"]
    assert slots(at(3, 20)) == ["before"]  # the evening one has passed
    assert slots(at(4, 7)) == []  # both passed
    assert slots(at(4, 8)) == []  # the session has begun
    assert slots(at(3, 8), cancelled=True) == []


def test_keys_name_what_a_notice_is_about() -> None:
    first = rules.reminder_key("evening", 7, CLASS_STARTS, 42)
    assert first == rules.reminder_key("evening", 7, CLASS_STARTS, 42)  # planning twice: once
    moved = rules.reminder_key("evening", 7, CLASS_STARTS + timedelta(days=1), 42)
    assert len({first, moved, rules.reminder_key("before", 7, CLASS_STARTS, 42)}) == 3
    assert rules.reminder_key("evening", 7, CLASS_STARTS, 43) != first
    changes = {rules.change_key(w, 7, CLASS_STARTS, 42) for w in ("moved", "cancelled")}
    assert len(changes) == 2
    assert rules.announce_key(3, 42) != rules.leader_key(3, 42)
    assert rules.broadcast_key(100, 42) != rules.broadcast_key(101, 42)  # each broadcast anew


def test_a_change_is_urgent_when_it_touches_the_next_day() -> None:
    now = at(3, 22)
    assert rules.is_urgent(CLASS_STARTS, now)
    assert not rules.is_urgent(CLASS_STARTS + timedelta(days=2), now)


def test_each_leader_is_told_of_their_units_learners_in_roster_order() -> None:
    learners = [("Lan", 1), ("Hải", 2), ("Minh", 1), ("Tùng", None), ("Hoa", 3)]
    assert rules.learner_units(learners) == [1, 2, 3]
    leaders = [(500, 1, "Đoàn xã"), (500, 2, "Hội nông dân"), (501, 1, "Đoàn xã")]
    assert rules.units_per_leader(learners, leaders) == {
        500: [("Đoàn xã", ["Lan", "Minh"]), ("Hội nông dân", ["Hải"])],
        501: [("Đoàn xã", ["Lan", "Minh"])],
    }


def test_a_reminders_first_line_is_true_when_it_is_sent() -> None:
    name = "Sơ cấp LLCT"
    assert "ngày mai" in reminder_heading(name, CLASS_STARTS, at(3, 19), TZ)
    assert "hôm nay" in reminder_heading(name, CLASS_STARTS, at(4, 5), TZ)
    assert "Còn 60 phút" in reminder_heading(name, CLASS_STARTS, at(4, 6, 30), TZ)
    assert "Còn 1 phút" in reminder_heading(
        name,
        CLASS_STARTS,
        at(
            4,
            7,
            29,
        ),
        TZ,
    )
    assert "04/03/2024" in reminder_heading(name, CLASS_STARTS, at(1, 19), TZ)
    planned = reminder_heading(name, CLASS_STARTS, at(4, 6, 30), TZ) + "\nBuổi 1: …"
    late = reword_reminder(planned, name, CLASS_STARTS, at(4, 7, 20), TZ)
    assert late.startswith("⏰ Còn 10 phút") and late.endswith("\nBuổi 1: …")
