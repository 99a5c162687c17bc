"""Scores, percentages and counts written the Vietnamese way: '8,5', '92,5%', '2.248'.

Babel's 'vi' locale supplies the symbols (decimal comma, dot for thousands), so the same
functions stay right if a template ever asks for a different pattern. Scores are Decimals,
never floats: 8.5 must stay 8.5 all the way to the learner's message and the unit's report.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal
from babel.numbers import format_percent as _babel_percent

from vn.text import nfc

__all__ = [
    "SCORE_MAX",
    "SCORE_MIN",
    "ScoreError",
    "format_count",
    "format_percent",
    "format_score",
    "parse_score",
]

LOCALE = "vi"
SCORE_MIN = Decimal(0)
SCORE_MAX = Decimal(10)
# Scores are given to the quarter point at most (7,25); two places keep that exact while
# rounding away float noise such as 7.4999999 from a formula cell.
_SCORE_PLACES = Decimal("0.01")
_SCORE_PATTERN = "#,##0.##"
_PERCENT_PATTERN = "#,##0.#%"
_SCORE_TEXT_RE = re.compile(r"[+]?\d+(?:[.,]\d+)?")


class ScoreError(ValueError):
    """A score cell that is not a number from 0 to 10; `reason` is plain Vietnamese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_score(value: object) -> Decimal:
    """8, 8.5, '8,5', '8.5', ' 9 ' → Decimal in 0–10, or ScoreError."""
    if value is None or isinstance(value, bool):
        raise ScoreError("Chưa có điểm.")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = nfc(str(value))
        if not text:
            raise ScoreError("Chưa có điểm.")
        if not _SCORE_TEXT_RE.fullmatch(text):
            raise ScoreError(f"Điểm '{text}' không phải là số (ví dụ 8 hoặc 8,5).")
        number = Decimal(text.replace(",", "."))
    if not number.is_finite():  # NaN or infinity from a broken formula cell
        raise ScoreError(f"Điểm '{value}' không phải là số (ví dụ 8 hoặc 8,5).")
    number = number.quantize(_SCORE_PLACES, rounding=ROUND_HALF_UP)
    if not SCORE_MIN <= number <= SCORE_MAX:
        raise ScoreError(f"Điểm '{_plain(value)}' phải từ 0 đến 10.")
    return _trim(number)


def format_score(score: Decimal) -> str:
    """Decimal('8.5') → '8,5'; Decimal('9') → '9'; Decimal('7.25') → '7,25'."""
    return format_decimal(score, _SCORE_PATTERN, locale=LOCALE)


def format_percent(ratio: Decimal | float) -> str:
    """0.925 → '92,5%'; 1 → '100%'."""
    return _babel_percent(ratio, _PERCENT_PATTERN, locale=LOCALE)


def format_count(n: int) -> str:
    """2248 → '2.248' (dot groups thousands in Vietnamese)."""
    return format_decimal(n, "#,##0", locale=LOCALE)


def _trim(number: Decimal) -> Decimal:
    """8.50 → 8.5 and 10.00 → 10 (not 1E+1), so equal scores also print alike."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def _plain(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value))
