"""Vietnamese text helpers: one canonical form for storing, one loose form for matching.

Spreadsheets arrive in NFC or NFD (macOS, some web forms), with non-breaking spaces and
zero-width characters pasted from Word. We store NFC with single spaces (`nfc`), and match header
names and people's names on a folded form without diacritics (`fold`), because the same
name is typed with and without accents by different people.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean", "fold", "name_key", "nfc", "nfc_lines", "title_case_if_shouting", "unaccent"]

# Characters that look like spaces or are invisible in Excel but break equality.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Letters that NFD does not decompose: đ/Đ, and the Icelandic eth that legacy
# TCVN3/VNI converters put in place of Đ.
_FOLD_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_NON_WORD_RE = re.compile(r"[\W_]+")


def nfc(value: str | None) -> str:
    """NFC, invisible characters removed, whitespace collapsed and stripped; None gives ''."""
    if not value:
        return ""
    if not value.isascii():  # fast path: most cells of a big file are digits and dates
        value = unicodedata.normalize("NFC", value).translate(_INVISIBLE)
    return " ".join(value.split())  # every Unicode space, NBSP included, becomes one space


def nfc_lines(value: str | None) -> str:
    """NFC for a message someone wrote: invisible characters removed, each line's trailing
    spaces and the blank lines around it trimmed, but its line breaks kept (a notice is a
    list, a timetable, paragraphs; `nfc` would run it into one line)."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value).translate(_INVISIBLE)
    return "\n".join(line.rstrip() for line in value.splitlines()).strip("\n").rstrip()


def clean(value: object) -> str | None:
    """A cell as clean text, or None when it is empty; numbers keep their plain form."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = nfc(value if isinstance(value, str) else str(value))
    return text or None


def fold(value: str | None) -> str:
    """Lowercase, no diacritics, đ→d, punctuation as single spaces: 'Họ, tên' → 'ho ten'."""
    if not value:
        return ""
    text = unicodedata.normalize("NFD", value.translate(_FOLD_LETTERS).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD_RE.sub(" ", text.translate(_FOLD_LETTERS)).strip()


def unaccent(value: str | None) -> str:
    """Lowercase, no diacritics, punctuation kept: '7 giờ 30 – 11 giờ' → '7 gio 30 – 11 gio'.

    For parsers that need the separators `fold` removes (times, dates written in words).
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFD", nfc(value).translate(_FOLD_LETTERS).lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_FOLD_LETTERS)


def name_key(full_name: str | None) -> str:
    """Key for 'same person in two files': folded, so 'Nguyễn Văn An' == 'NGUYEN VAN AN'.

    Loose on purpose (typed without accents, different case); callers combine it with the
    birth date or unit when two people could share a name.
    """
    return fold(full_name)


def title_case_if_shouting(name: str) -> str:
    """'NGUYỄN VĂN AN' → 'Nguyễn Văn An'; names already in mixed case are kept as typed.

    Rows typed with Caps Lock on would otherwise greet people in capitals in every message.
    """
    # str.title() also capitalises after an apostrophe, which is right for H'Hen, Ksor H'Blang.
    return name.title() if name.isupper() else name
