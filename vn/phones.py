"""Vietnamese phone numbers: one stored shape (E.164, "+84…"), two human shapes.

Rosters hold numbers in every shape people type: 0912 345 678, 0912.345.678, 84912345678,
+84 912 345 678, 0084…, and plain numbers that lost their leading zero because Excel stored
the cell as a number (912345678, or 912345678.0 after a CSV round trip). We normalize all of
them so a learner can be matched when they later share their contact from Telegram or Zalo.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

import phonenumbers

__all__ = ["PhoneError", "display_phone", "mask_phone", "normalize_phone"]

COUNTRY_CODE = "84"
EXAMPLE = "0912 345 678"

# A number of the mobile shape: 9 digits after the 0, starting 3, 5, 7, 8 or 9. phonenumbers
# calls many of these invalid (new or rarely listed ranges such as 073…, 080…) although they
# are real; we accept the shape rather than turn a learner away.
_MOBILE_NSN_RE = re.compile(r"[35789]\d{8}")

# 11-digit mobile numbers were renumbered to 10 digits in 2018; old class lists still carry
# them. Same subscriber, new prefix (Decision 798/QĐ-BTTTT), so converting loses nothing.
_OLD_MOBILE_PREFIXES = {
    "162": "32", "163": "33", "164": "34", "165": "35", "166": "36", "167": "37",
    "168": "38", "169": "39",  # Viettel
    "120": "70", "121": "79", "122": "77", "126": "76", "128": "78",  # MobiFone
    "123": "83", "124": "84", "125": "85", "127": "81", "129": "82",  # VinaPhone
    "186": "56", "188": "58",  # Vietnamobile
    "199": "59",  # Gmobile
}  # fmt: skip

# What may surround the digits: spaces of any kind, dots, dashes, slashes, brackets.
_SEPARATORS_RE = re.compile(r"[\s.\-‐‑–—/()]+")
_NOTE_RE = re.compile(r"\([^\d()]*\)")
_LABEL_RE = re.compile(r"^[^\d+:]{1,12}:\s*")
# Two numbers in one cell ("0912 345 678 / 0987 654 321"): refuse rather than guess which.
_SEVERAL_RE = re.compile(
    r"\d[\d .\-]{7,}\d\s*(?:[/;,&|]|\s-\s|\s+hoặc\s+|\n)\s*\+?\d[\d .\-]{7,}\d"
)


class PhoneError(ValueError):
    """A cell that is not a usable Vietnamese phone number; `reason` is plain Vietnamese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalize_phone(value: object) -> str:
    """Any common shape of a Vietnamese number → '+84xxxxxxxxx', or PhoneError."""
    shown = _shown(value)
    digits = _digits(value, shown)
    national = _national_significant(digits, shown)
    national = _renumber_old_mobile(national)
    if not national.isdigit() or national.startswith("0"):
        raise PhoneError(_wrong(shown))
    # The digits are already separated from the country code, so the number is built
    # directly: phonenumbers' text parser would only redo that work (a third of an import).
    number = phonenumbers.PhoneNumber(country_code=int(COUNTRY_CODE), national_number=int(national))
    possible_mobile = bool(_MOBILE_NSN_RE.fullmatch(national)) and phonenumbers.is_possible_number(
        number
    )
    if not (possible_mobile or phonenumbers.is_valid_number(number)):
        raise PhoneError(_wrong(shown))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """'+84912345678' → '0912 345 678' (4-3-3, how Vietnamese people write mobiles)."""
    national = _national_of(e164)
    if len(national) == 9:
        return f"0{national[:3]} {national[3:6]} {national[6:]}"
    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def mask_phone(e164: str) -> str:
    """'+84912345678' → '09xx xxx 678': enough to recognise one's own number, not to call it."""
    shown = display_phone(e164)
    digits_seen = 0
    total = sum(ch.isdigit() for ch in shown)
    out = []
    for ch in shown:
        if ch.isdigit():
            digits_seen += 1
            keep = digits_seen <= 2 or digits_seen > total - 3
            out.append(ch if keep else "x")
        else:
            out.append(ch)
    return "".join(out)


def _shown(value: object) -> str:
    """The value as the user typed it, for error messages."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value).strip() if value is not None else ""


def _digits(value: object, shown: str) -> str:
    """Digits with a leading '+' kept; anything that is not a phone number is refused here."""
    if value is None or shown == "":
        raise PhoneError("Chưa có số điện thoại.")
    if isinstance(value, bool):
        raise PhoneError(_wrong(shown))
    if isinstance(value, int | float | Decimal):
        if not shown.isdigit():  # negative, fractional, 9.1e+08 …
            raise PhoneError(_wrong(shown))
        return shown
    if not isinstance(value, str):
        raise PhoneError(_wrong(shown))
    if _SEVERAL_RE.search(shown):
        raise PhoneError(f"Ô '{shown}' có nhiều số điện thoại: chỉ ghi một số cho mỗi người.")
    # Full-width digits from some phone keyboards; a label before the number ('ĐT: 0912…');
    # a note in brackets after it ('0912 345 678 (Zalo)').
    text = unicodedata.normalize("NFKC", shown)
    text = _LABEL_RE.sub("", _NOTE_RE.sub("", text)).strip()
    if re.fullmatch(r"\d+\.0", text):  # a number cell that went through CSV as 912345678.0
        text = text[:-2]
    text = _SEPARATORS_RE.sub("", text)
    plus = text.startswith("+")
    body = text[1:] if plus else text
    if not body.isdigit() or not body.isascii():
        raise PhoneError(_wrong(shown))
    return ("+" if plus else "") + body


def _national_significant(digits: str, shown: str) -> str:
    """The digits after '+84' (or after the trunk 0), deciding what a bare '84…' means."""
    if digits.startswith("+"):
        if not digits.startswith("+" + COUNTRY_CODE):
            raise PhoneError(f"Số '{shown}' không phải số Việt Nam (+84).")
        national = digits[3:]
    elif digits.startswith("00"):
        if not digits.startswith("00" + COUNTRY_CODE):
            raise PhoneError(f"Số '{shown}' không phải số Việt Nam (+84).")
        national = digits[4:]
    elif digits.startswith("0"):
        national = digits[1:]
    elif digits.startswith(COUNTRY_CODE) and len(digits) in (11, 12):
        # 84 + 9-digit mobile or 84 + 10-digit landline. A 9-digit '84…' is a 084 VinaPhone
        # number that lost its zero, handled below.
        national = digits[2:]
    else:
        national = digits  # lost its leading zero in Excel
    if national.startswith("0"):  # +840912…: the trunk zero typed after the country code
        national = national[1:]
    return national


def _renumber_old_mobile(national: str) -> str:
    if len(national) == 10 and national[:3] in _OLD_MOBILE_PREFIXES:
        return _OLD_MOBILE_PREFIXES[national[:3]] + national[3:]
    return national


def _national_of(e164: str) -> str:
    if not e164.startswith("+" + COUNTRY_CODE):
        raise PhoneError(f"Số '{e164}' không phải số Việt Nam (+84).")
    return e164[3:]


def _wrong(shown: str) -> str:
    return f"Số điện thoại '{shown}' không đúng (cần 10 chữ số, ví dụ {EXAMPLE})."
