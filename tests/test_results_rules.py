"""The decisions of results without a database: grades from scores, which learner a sheet's
row is, what a typed result means, who is told on publishing, and every refusal's wording."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import pytest

from sheets.results import ResultRow
from texts import results as T
from texts.refusals import REFUSALS, say
from usecases.refusal import Refused
from usecases.results.rules import (
    Entry,
    Learner,
    ResultsReason,
    derive_grade,
    entry_columns,
    leaders_by_unit,
    match_rows,
    parse_entry,
    refuse_group,
    refuse_if_published,
    score_columns,
)
from usecases.settings import Settings
from vn.text import name_key

from .conftest import TZ

SCALE = Settings().grade_scale


def refusal(call: Callable[..., object], *args: object) -> Refused:
    with pytest.raises(Refused) as refused:
        call(*args)
    return refused.value


def learner(id_: int, name: str, birth: date | None, phone: str | None = None) -> Learner:
    return Learner(id_, name, name_key(name), birth, phone)


def row(n: int, name: str, birth: date | None, phone: str | None = None) -> ResultRow:
    return ResultRow(n, name, birth, None, phone, {"Điểm": Decimal(8)}, None, None)


LAN = learner(1, "Lê Thị Ngọc Lan", date(1985, 5, 2), "+84912000001")
LAN_TWIN = learner(2, "Lê Thị Ngọc Lan", date(1985, 5, 2), "+84912000002")
HAI = learner(3, "Bùi Đức Hải", date(1966, 1, 1), "+84963608377")


def test_the_grade_comes_from_the_average_of_the_score_columns() -> None:
    def grade(**scores: str) -> str | None:
        return derive_grade({k: Decimal(v) for k, v in scores.items()}, SCALE)

    assert grade(a="9", b="9") == "Xuất sắc"
    assert grade(a="8", b="9") == "Giỏi"  # 8.5
    assert grade(a="7", b="6") == "Khá"  # 6.5 exactly reaches Khá
    assert grade(a="7", b="5.9") == "Trung bình"  # 6.45
    assert grade(a="5", b="4.99") == "Trung bình"  # 4.995 rounds half up to 5.00
    assert grade(a="5", b="4.98") == "Không đạt"  # 4.99
    assert derive_grade({}, SCALE) is None
    # A column that already is the average is used as is.
    assert derive_grade({"Điểm kiểm tra": Decimal(10), "Điểm TB": Decimal("6.4")}, SCALE) == (
        "Trung bình"
    )


def test_a_row_matches_by_folded_name_and_birth_date_else_by_phone() -> None:
    rows = [
        row(4, "BUI DUC HAI", date(1966, 1, 1)),  # shouting, without accents
        row(5, "Lê Thị Ngọc Lan", date(1999, 9, 9), "+84912000001"),  # birth date mistyped
    ]
    matched, errors = match_rows(rows, [LAN, HAI], "SC-K4")
    assert errors == []
    assert [(r.row, p.id) for r, p in matched] == [(4, HAI.id), (5, LAN.id)]


def test_twins_by_name_and_birth_are_told_apart_by_phone_or_refused() -> None:
    told = row(4, "Lê Thị Ngọc Lan", date(1985, 5, 2), "+84912000002")
    matched, errors = match_rows([told], [LAN, LAN_TWIN], "SC-K4")
    assert [p.id for _, p in matched] == [LAN_TWIN.id] and errors == []
    matched, errors = match_rows(
        [row(4, "Lê Thị Ngọc Lan", date(1985, 5, 2))], [LAN, LAN_TWIN], "X"
    )
    assert matched == []
    assert errors == [
        T.ROW_AMBIGUOUS.format(
            row=4, name="Lê Thị Ngọc Lan", birth=" (sinh 02/05/1985)", count=2, code="X"
        )
    ]


def test_unknown_keyless_and_repeated_rows_are_reported_with_their_numbers() -> None:
    rows = [
        row(4, "Bùi Đức Hải", date(1966, 1, 1)),
        row(5, "Người Lạ", date(1990, 1, 1)),
        row(6, "Không Khóa", None),
        row(7, "Bui Duc Hai", None, "+84963608377"),
    ]
    matched, errors = match_rows(rows, [LAN, HAI], "SC-K4")
    assert [r.row for r, _ in matched] == [4]
    assert errors[0].startswith("Dòng 5: không tìm thấy học viên «Người Lạ» (sinh 01/01/1990)")
    assert errors[1] == T.ROW_NO_KEY.format(row=6, name="Không Khóa")
    assert errors[2] == "Dòng 7: cùng một học viên với dòng 4 (Bùi Đức Hải)."


def test_a_typed_result_is_read_as_scores_grade_and_remark() -> None:
    assert parse_entry("8,5 9 khá ; Tích cực phát biểu") == Entry(
        [Decimal("8.5"), Decimal(9)], "Khá", "Tích cực phát biểu"
    )
    assert parse_entry("7").grade is None
    assert parse_entry("Hoàn thành") == Entry([], "Hoàn thành", None)
    bad_score = refusal(parse_entry, "11")
    assert bad_score.reason == ResultsReason.ENTRY_BAD_SCORE
    assert say(bad_score).startswith("«11»: ")
    assert refusal(parse_entry, "; chỉ có nhận xét").reason == (ResultsReason.ENTRY_BAD)


def test_typed_scores_fill_the_sheets_columns_then_numbered_ones() -> None:
    columns = score_columns([{"Điểm kiểm tra": "8"}, {"Điểm kiểm tra": "7", "Thu hoạch": "9"}])
    assert columns == ["Điểm kiểm tra", "Thu hoạch"]
    assert entry_columns(columns, 1) == columns
    assert entry_columns([], 3) == ["Điểm", "Điểm 2", "Điểm 3"]
    assert entry_columns(["Điểm kiểm tra"], 2) == ["Điểm kiểm tra", "Điểm 2"]


def test_each_leader_gets_their_units_and_units_nobody_leads_are_named() -> None:
    units: dict[int | None, str | None] = {10: "Đoàn xã", 11: "Hội phụ nữ", 12: "UBND", None: None}
    units_of, unled = leaders_by_unit([(100, 10), (100, 11), (101, 11)], units)
    assert units_of == {100: {10, 11}, 101: {11}}
    assert unled == ["UBND"]


def test_results_are_never_shown_in_groups_and_never_change_once_published() -> None:
    refuse_group(False)
    assert say(refusal(refuse_group, True)) == T.NOT_IN_GROUPS
    refuse_if_published("SC-K4", None, TZ)
    published = datetime(2024, 3, 14, 9, 0, tzinfo=TZ)
    refused = refusal(refuse_if_published, "SC-K4", published, TZ)
    assert "đã được công bố lúc Thứ Năm, 14/03/2024, 9h00" in say(refused)


def test_every_refusal_of_results_has_wording() -> None:
    for reason in ResultsReason:
        assert reason.value in REFUSALS, reason
