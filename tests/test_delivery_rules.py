"""The delivery rules without a database: what each answer from a channel does to its row,
the backoff, which reminders claimed together are superseded, and how the staff view counts
and orders what failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from db.models import NotificationStatus as S
from usecases.delivery import rules as R
from usecases.messages import Choice, choices_to_json

NOW = datetime(2024, 3, 4, 1, 0, tzinfo=UTC)
TARGET = R.Target(account_id=9, channel="telegram", chat_id="5001")


def due(row_id: int, **kw: object) -> R.Due:
    fields: dict[str, object] = {
        "id": row_id, "person_id": 1, "kind": "broadcast", "text": "Tin.", "choices": None,
        "attachment_id": None, "due_at": NOW, "attempts": 0, "account_id": None,
        "targets": (TARGET,),
    }  # fmt: skip
    fields.update(kw)
    return R.Due(**fields)  # type: ignore[arg-type]


def outcome(d: R.Due, result: R.SendResult) -> R.Outcome:
    return R.Outcome(d, TARGET, result)


def plan(*outcomes: R.Outcome, max_attempts: int = 3) -> R.RecordPlan:
    return R.plan_record(outcomes, max_attempts=max_attempts, now=NOW)


def test_backoff_doubles_and_stops_at_ten_minutes() -> None:
    assert [R.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert R.backoff(30) == timedelta(minutes=10)


def test_a_delivered_notice_is_sent_with_its_channel_and_attempt_counted() -> None:
    p = plan(outcome(due(1, attempts=2), R.Delivered("m-1")))
    [sent] = p.sent
    assert sent["row_id"] == 1 and sent["attempts"] == 3
    assert (sent["channel"], sent["chat_id"], sent["sent_message_id"]) == (
        "telegram",
        "5001",
        "m-1",
    )
    assert p.later == [] and p.menus == {}


def test_choices_shown_as_numbered_lines_are_remembered_for_the_account() -> None:
    menu = choices_to_json(((Choice("Có mặt", "diemdanh 1"), Choice("Xin nghỉ", "xinnghi 1")),))
    p = plan(outcome(due(1, choices=menu), R.Delivered("m-1", numbered_choices=True)))
    assert [line[:2] for line in p.menus[TARGET.account_id]] == [
        ["Có mặt", "diemdanh 1"],
        ["Xin nghỉ", "xinnghi 1"],
    ]
    with_buttons = plan(outcome(due(1, choices=menu), R.Delivered("m-1")))
    assert with_buttons.menus == {}


def test_flood_control_waits_without_using_an_attempt() -> None:
    [later] = plan(outcome(due(1, attempts=1), R.RetryAfter(7))).later
    assert later["status"] == S.PENDING and later["due_at"] == NOW + timedelta(seconds=7)
    assert "attempts" not in later  # the attempt is not counted


def test_network_errors_back_off_then_give_up_at_the_last_attempt() -> None:
    [again] = plan(outcome(due(1, attempts=1), R.TryAgain("timeout"))).later
    assert again["status"] == S.PENDING and again["attempts"] == 2
    assert again["due_at"] == NOW + R.backoff(2)
    last = plan(outcome(due(1, attempts=2), R.TryAgain("timeout")))
    assert last.later[0]["status"] == S.FAILED
    assert last.later[0]["last_error"] == "gave_up: timeout"
    assert last.files_failed == []  # no file: staff are not told
    with_file = plan(outcome(due(1, attempts=2, attachment_id=5), R.TryAgain("timeout")))
    assert [o.due.id for o in with_file.files_failed] == [1]


def test_a_refused_message_fails_at_once_and_a_refused_file_is_told() -> None:
    text = plan(outcome(due(1), R.Rejected("bad request")))
    assert text.later[0]["last_error"] == "rejected: bad request" and text.files_failed == []
    file = plan(outcome(due(2, attachment_id=5), R.Rejected("too big")))
    assert file.later[0]["last_error"] == "file_rejected: too big"
    assert [o.due.id for o in file.files_failed] == [2]


def test_an_unreachable_account_is_left_for_the_database_to_decide() -> None:
    blocked = outcome(due(1), R.Unreachable("blocked", "Forbidden"))
    p = plan(blocked)
    assert p.unreachable == [blocked] and p.later == [] and p.sent == []
    assert R.unreachable_reason(R.Unreachable("blocked", "Forbidden")) == "blocked: Forbidden"
    assert R.unreachable_reason(R.Unreachable("not_found")) == "not_found"


def test_of_one_persons_reminders_for_a_session_only_the_latest_goes() -> None:
    evening = due(1, kind="reminder", due_at=NOW)
    before = due(2, kind="reminder", due_at=NOW + timedelta(hours=11))
    other_person = due(3, kind="reminder", person_id=2, due_at=NOW)
    other_session = due(4, kind="reminder", due_at=NOW)
    not_a_reminder = due(5)
    sessions = {1: 70, 2: 70, 3: 70, 4: 71}
    batch = [evening, before, other_person, other_session, not_a_reminder]
    assert R.superseded(batch, sessions) == {1}


def test_failures_are_named_by_their_reason_code() -> None:
    assert R.reason_code("blocked: Forbidden: bot was blocked by the user") == "blocked"
    assert R.reason_code("not_linked") == "not_linked"
    assert R.reason_code("something odd") == "other"
    assert R.reason_code(None) == "other"


def test_the_view_counts_each_kind_by_status_in_the_kinds_order() -> None:
    kinds = R.count_kinds(
        [
            ("broadcast", S.SENT, "telegram", 3),
            ("broadcast", S.SENT, "zalo", 2),
            ("broadcast", S.SENDING, "telegram", 1),
            ("announcement", S.FAILED, None, 4),
            ("announcement", S.PENDING, None, 1),
            ("reminder", S.EXPIRED, None, 6),
            ("reminder", S.CANCELLED, None, 2),
        ]
    )
    assert [k.kind for k in kinds] == ["announcement", "reminder", "broadcast"]
    announcement, reminder, broadcast = kinds
    assert (announcement.failed, announcement.pending) == (4, 1)
    assert (reminder.expired, reminder.cancelled) == (6, 2)
    assert (broadcast.sent, broadcast.pending) == (5, 1)
    assert broadcast.sent_by_channel == {"telegram": 3, "zalo": 2}


def test_failures_staff_can_act_on_come_first_once_per_person_and_kind() -> None:
    lines = R.failed_lines(
        [
            (1, "An", "broadcast", "not_linked", None),
            (2, "Bình", "broadcast", "blocked: Forbidden", "telegram"),
            (2, "Bình", "broadcast", "blocked: Forbidden", "telegram"),
            (3, "Chi", "result", "file_rejected: too big", "zalo"),
            (4, "Dũng", "broadcast", "gave_up: timeout", "telegram"),
            (5, "Em", "absence_alert", "gave_up: timeout", "telegram"),
        ]
    )
    assert [(f.name, f.reason_code) for f in lines] == [
        ("Chi", "file_rejected"),
        ("Em", "gave_up"),  # a class's outcome (absence alert) before a broadcast
        ("Dũng", "gave_up"),
        ("Bình", "blocked"),
        ("An", "not_linked"),
    ]
