"""Vietnamese conventions: text forms, phone numbers, dates, times, scores and counts."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time
from decimal import Decimal

import pytest

from vn.dates import (
    DateError,
    format_date,
    format_datetime_short,
    format_time,
    format_when,
    parse_date,
    parse_time,
    parse_time_range,
    weekday_vi,
    year_only,
)
from vn.numbers import ScoreError, format_count, format_percent, format_score, parse_score
from vn.phones import PhoneError, display_phone, mask_phone, normalize_phone
from vn.text import clean, fold, name_key, nfc, title_case_if_shouting, unaccent

NFD = "NFD"


# ------------------------------------------------------------------------------------ text


def test_text_is_stored_nfc_with_single_spaces() -> None:
    decomposed = unicodedata.normalize(NFD, "  Nguyễn\u00a0 Thị\u200b  Ánh ")
    assert nfc(decomposed) == "Nguyễn Thị Ánh"
    assert unicodedata.is_normalized("NFC", nfc(decomposed))
    assert nfc(None) == ""


def test_clean_gives_none_for_empty_cells_and_plain_numbers_for_whole_floats() -> None:
    assert clean(None) is None
    assert clean("   ") is None
    assert clean(12.0) == "12"
    assert clean(" Kinh ") == "Kinh"


def test_fold_matches_headers_with_or_without_accents() -> None:
    assert fold("Họ, tên") == "ho ten"
    assert fold("SỐ ĐIỆN THOẠI") == fold("so dien thoai") == "so dien thoai"
    assert fold(unicodedata.normalize(NFD, "Đơn vị công tác")) == "don vi cong tac"
    assert fold("Ðơn vị") == "don vi"  # the Icelandic eth legacy converters put for Đ
    assert unaccent("7 giờ 30 – 11 giờ") == "7 gio 30 – 11 gio"


def test_same_person_matches_across_files_by_name_key() -> None:
    assert name_key("Nguyễn Văn An") == name_key("NGUYEN  VAN AN") == "nguyen van an"
    assert name_key(unicodedata.normalize(NFD, "Lò Thị Ngọc Hương")) == name_key(
        "Lò Thị Ngọc Hương"
    )
    assert name_key("Lê Thị Lan") != name_key("Lê Thị Ngọc Lan")


def test_names_typed_in_capitals_are_title_cased_others_kept() -> None:
    assert title_case_if_shouting("NGUYỄN VĂN AN") == "Nguyễn Văn An"
    assert title_case_if_shouting("KSOR H'BLANG") == "Ksor H'Blang"
    assert title_case_if_shouting("Mùa A Dế") == "Mùa A Dế"


# ---------------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (963608377, "+84963608377"),  # lost its leading zero in Excel
        (963608377.0, "+84963608377"),
        (731706690, "+84731706690"),  # a range phonenumbers does not list, right length
        (Decimal("912345678"), "+84912345678"),
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("0924.158.683", "+84924158683"),
        ("091-234-5678", "+84912345678"),
        ("(091) 234 5678", "+84912345678"),
        ("84968288360", "+84968288360"),
        ("+84808093972", "+84808093972"),
        ("+84 912 345 678", "+84912345678"),
        ("+84 (0) 912 345 678", "+84912345678"),
        ("0084 912 345 678", "+84912345678"),
        ("841234567", "+84841234567"),  # a 084 number that lost its zero, not '+84 1234567'
        ("912345678.0", "+84912345678"),  # a number cell after a CSV round trip
        ("01686 123 456", "+84386123456"),  # 11-digit number renumbered in 2018
        ("ĐT: 0912 345 678", "+84912345678"),
        ("0912 345 678 (Zalo)", "+84912345678"),
        ("０９１２３４５６７８", "+84912345678"),
        ("024 3823 4567", "+842438234567"),  # a Hanoi landline
    ],
)
def test_phone_numbers_in_every_shape_become_e164(value: object, expected: str) -> None:
    assert normalize_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "0924.158",
        "0123456789",
        "abc",
        "9123456789",
        -912345678,
        912345678.5,
        True,
        "+1 202 555 0100",
    ],
)
def test_wrong_phone_numbers_are_refused_with_a_vietnamese_reason(value: object) -> None:
    with pytest.raises(PhoneError) as caught:
        normalize_phone(value)
    assert "Số" in caught.value.reason
    assert unicodedata.is_normalized("NFC", caught.value.reason)


def test_wrong_phone_reason_shows_the_value_and_an_example() -> None:
    with pytest.raises(PhoneError) as caught:
        normalize_phone("0924.158")
    assert caught.value.reason == (
        "Số điện thoại '0924.158' không đúng (cần 10 chữ số, ví dụ 0912 345 678)."
    )


def test_two_numbers_in_one_cell_are_refused_not_guessed() -> None:
    with pytest.raises(PhoneError, match="nhiều số"):
        normalize_phone("0912 345 678 / 0987 654 321")


def test_empty_phone_is_an_error_for_the_caller_to_allow() -> None:
    for empty in (None, "", "   "):
        with pytest.raises(PhoneError, match="Chưa có"):
            normalize_phone(empty)


def test_phone_is_shown_4_3_3_and_masked_for_others() -> None:
    assert display_phone("+84912345678") == "0912 345 678"
    assert mask_phone("+84912345678") == "09xx xxx 678"
    assert display_phone("+842438234567") == "024 3823 4567"


# ----------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(1996, 8, 16, 0, 0), date(1996, 8, 16)),
        (date(1996, 8, 16), date(1996, 8, 16)),
        ("27/07/1966", date(1966, 7, 27)),
        ("7/3/2024", date(2024, 3, 7)),
        ("27-07-1966", date(1966, 7, 27)),
        ("27.07.1966", date(1966, 7, 27)),
        ("1966-07-27", date(1966, 7, 27)),
        ("1966-07-27 00:00:00", date(1966, 7, 27)),
        (" 27 / 07 / 1966 ", date(1966, 7, 27)),
        ("ngày 4 tháng 3 năm 2024", date(2024, 3, 4)),
        ("27071966", date(1966, 7, 27)),
        (35000, date(1995, 10, 28)),  # Excel serial number in a General cell
        (35000.0, date(1995, 10, 28)),
        ("35000", date(1995, 10, 28)),
    ],
)
def test_dates_in_every_shape_are_read_day_first(value: object, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "reason_part"),
    [
        ("27/07/66", "4 chữ số"),
        ("31/02/2024", "không có thật"),
        ("07/27/1966", "tháng 27"),  # month-first from an English Excel: refused, not swapped
        ("hôm qua", "không đúng"),
        ("", "Chưa có"),
        (None, "Chưa có"),
        (1985, "chỉ có năm"),
        ("1985", "chỉ có năm"),
    ],
)
def test_wrong_dates_are_refused_with_a_reason(value: object, reason_part: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(value)
    assert reason_part in caught.value.reason


def test_a_bare_year_is_recognised_for_birth_year_columns() -> None:
    assert year_only(1985) == 1985
    assert year_only("1985") == 1985
    assert year_only(1985.0) == 1985
    assert year_only("27/07/1966") is None
    assert year_only(35000) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7h30 - 11h00", (time(7, 30), time(11, 0))),
        ("7h30-11h", (time(7, 30), time(11, 0))),
        ("07:30 – 11:00", (time(7, 30), time(11, 0))),
        ("7 giờ 30 - 11 giờ", (time(7, 30), time(11, 0))),
        ("7 giờ 30 phút đến 11 giờ", (time(7, 30), time(11, 0))),
        ("13h30 đến 16h30", (time(13, 30), time(16, 30))),
        ("từ 13h30 đến 17h", (time(13, 30), time(17, 0))),
        ("7g30 - 11g", (time(7, 30), time(11, 0))),
        ("7.30 - 11.00", (time(7, 30), time(11, 0))),
        ("Sáng: 7h30 - 11h", (time(7, 30), time(11, 0))),
        ("1h30 - 4h30 chiều", (time(13, 30), time(16, 30))),
        ("7h tới 9h tối", (time(19, 0), time(21, 0))),
    ],
)
def test_time_ranges_as_written_in_schedules(value: str, expected: tuple[time, time]) -> None:
    assert parse_time_range(value) == expected


@pytest.mark.parametrize(
    ("value", "reason_part"),
    [
        ("11h00 - 7h30", "phải sau"),
        ("7h30 - 7h30", "phải sau"),
        ("1h30 - 4h30", "ban đêm"),  # 24-hour clock expected when no 'chiều' is written
        ("7h30", "không đúng"),
        ("sáng", "không đúng"),
        ("25h - 26h", "không đúng"),
        ("", "Chưa có"),
    ],
)
def test_wrong_time_ranges_are_refused(value: str, reason_part: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_time_range(value)
    assert reason_part in caught.value.reason


def test_single_times_from_cells() -> None:
    assert parse_time("7h30") == time(7, 30)
    assert parse_time("07:30") == time(7, 30)
    assert parse_time("13h") == time(13, 0)
    assert parse_time(0.3125) == time(7, 30)  # Excel stores times as a fraction of a day
    assert parse_time(time(7, 30, 15)) == time(7, 30)
    assert parse_time("1h30 chiều") == time(13, 30)
    with pytest.raises(DateError):
        parse_time("25h")


def test_weekday_names_are_thu_hai_to_chu_nhat() -> None:
    monday = date(2024, 3, 4)
    names = [weekday_vi(date(2024, 3, 4 + i)) for i in range(7)]
    assert names == ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
    assert weekday_vi(monday) == "Thứ Hai"


def test_dates_and_times_are_written_the_vietnamese_way() -> None:
    assert format_date(date(2024, 3, 4)) == "04/03/2024"
    assert format_time(time(7, 30)) == "7h30"
    assert format_time(time(13, 0)) == "13h00"
    assert format_when(datetime(2024, 3, 4, 7, 30)) == "Thứ Hai, 04/03/2024, 7h30"
    assert format_datetime_short(datetime(2024, 3, 4, 13, 30)) == "13h30 04/03"


# ---------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (8, Decimal("8")),
        (8.5, Decimal("8.5")),
        ("8,5", Decimal("8.5")),
        ("8.5", Decimal("8.5")),
        (" 9 ", Decimal("9")),
        ("10,0", Decimal("10")),
        (7.25, Decimal("7.25")),
        (4.4999999999, Decimal("4.5")),  # float noise from a formula cell
        (0, Decimal("0")),
    ],
)
def test_scores_with_decimal_comma_or_point(value: object, expected: Decimal) -> None:
    assert parse_score(value) == expected


@pytest.mark.parametrize("value", [11, -1, "10,5", "abc", "8,5đ", None, "", float("nan")])
def test_scores_outside_0_to_10_or_not_numbers_are_refused(value: object) -> None:
    with pytest.raises(ScoreError):
        parse_score(value)


def test_scores_percentages_and_counts_are_written_the_vietnamese_way() -> None:
    assert format_score(Decimal("8.5")) == "8,5"
    assert format_score(Decimal("9")) == "9"
    assert format_score(parse_score("9,0")) == "9"
    assert format_score(Decimal("7.25")) == "7,25"
    assert format_score(parse_score(10)) == "10"
    assert format_percent(Decimal("0.925")) == "92,5%"
    assert format_percent(1) == "100%"
    assert format_count(2248) == "2.248"
    assert format_count(32399) == "32.399"
