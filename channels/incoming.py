"""What a person did in chat, in a shape that no longer knows which channel it came from."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

__all__ = ["Incoming", "ascii_digits", "clean_text"]

# Control characters (NUL first: PostgreSQL refuses it in text), except tab and newline.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Invisible characters that change how text looks or reads but carry nothing: zero-width
# space, direction marks, embeddings, overrides and isolates, the byte-order mark. Zero-width
# (non-)joiners stay in free text, where emoji and some scripts need them.
_INVISIBLE = re.compile(r"[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SHORT = 32  # a typed code, id or menu number is shorter than this and has no spaces
NAME_MAX = 128  # Telegram's first and last name together; the database keeps 200


def clean_text(text: str) -> str:
    """NFC, without control characters or invisible direction marks."""
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", _CONTROLS.sub("", text)))


def ascii_digits(text: str) -> str:
    """Decimal digits of any script as ASCII: `١٢٣٤` and `１２３４` are 1234. Superscripts and
    circled numbers are not decimal digits, so `²²²²` stays what it is (not a number)."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def _clean_word(word: str) -> str:
    """A command or argument: no invisible character of any kind (category Cf)."""
    return ascii_digits("".join(c for c in clean_text(word) if unicodedata.category(c) != "Cf"))


@dataclass(frozen=True)
class Incoming:
    channel: str  # db.models.Channel value
    user_id: str  # the sender's id on that channel
    chat_id: str
    is_group: bool = False
    display_name: str = ""
    text: str = ""
    command: str | None = None  # "lichhoc" for "/lichhoc" or a pressed button's data
    args: tuple[str, ...] = ()
    contact_phone: str | None = None
    contact_is_own: bool = False
    location: tuple[float, float] | None = None
    pressed: bool = False  # the command came from a button
    has_media: bool = False  # a photo, sticker, file… that carries no text
    captioned_media: bool = False  # a photo or file whose caption is `text`

    @property
    def arg_text(self) -> str:
        return " ".join(self.args)

    def cleaned(self) -> Incoming:
        """The same message with what no route should see taken out: control characters and
        NUL, invisible marks, other scripts' digits in commands, arguments and short typed
        answers (a room code or a menu number typed on any keyboard)."""
        text = clean_text(self.text)
        if len(text.strip()) <= _SHORT and not any(c.isspace() for c in text.strip()):
            text = _clean_word(text)
        args = tuple(word for word in map(_clean_word, self.args) if word)
        return replace(
            self,
            display_name=clean_text(self.display_name)[:NAME_MAX],
            text=text,
            command=_clean_word(self.command) if self.command is not None else None,
            args=args,
            contact_phone=(
                _clean_word(self.contact_phone) if self.contact_phone is not None else None
            ),
        )
