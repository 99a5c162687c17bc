"""Channel-neutral replies: text plus choices, rendered by each channel its own way.

Telegram shows choices as inline buttons; Zalo, which has none, as numbered lines. A journey is
written once against these types (DESIGN §4, "Two channels, one product").
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Choice",
    "Document",
    "Reply",
    "choices_from_json",
    "choices_to_json",
    "numbered",
    "numbered_menu",
]


@dataclass(frozen=True)
class Choice:
    """A button. `data` is a command line without the slash ("lichhoc", "diemdanh 12"), so a
    press and a typed command take the same route. Telegram limits it to 64 bytes."""

    label: str
    data: str
    # The number to type for it on a channel without buttons, when the label shows one (a
    # roster number): the number shown is the number typed. Unset: the next free number.
    number: int | None = None


@dataclass(frozen=True)
class Document:
    filename: str
    data: bytes
    mime_type: str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[tuple[Choice, ...], ...] = ()  # rows of buttons
    ask_contact: bool = False  # offer "share my phone number" (Telegram only)
    document: Document | None = None
    photo: bytes | None = None  # a PNG shown as a picture (charts); `text` is its caption
    edit: bool = False  # replace the message whose button was pressed, instead of a new one
    toast: str | None = None  # a short pop-up answer to a button press (Telegram only)
    expect_input: str | None = None  # a command line that the person's next free text completes

    @staticmethod
    def rows(*rows: list[Choice] | tuple[Choice, ...]) -> tuple[tuple[Choice, ...], ...]:
        return tuple(tuple(row) for row in rows if row)


def choices_to_json(choices: tuple[tuple[Choice, ...], ...]) -> list[list[list[str]]]:
    """The outbox stores choices as JSON rows of [label, data]."""
    return [[[c.label, c.data] for c in row] for row in choices]


def choices_from_json(value: list[list[list[str]]] | None) -> tuple[tuple[Choice, ...], ...]:
    return tuple(tuple(Choice(label, data) for label, data in row) for row in value or ())


def numbered(choices: tuple[tuple[Choice, ...], ...]) -> list[tuple[int, Choice]]:
    """Each choice with the number typed for it on a channel without buttons, row by row: its
    own `number` if it has one, else one more than the last number given."""
    out: list[tuple[int, Choice]] = []
    last = 0
    for row in choices:
        for choice in row:
            number = choice.number if choice.number is not None else last + 1
            last = max(last, number)
            out.append((number, choice))
    return out


def numbered_menu(choices: tuple[tuple[Choice, ...], ...]) -> list[list[str]]:
    """The menu kept on a chat account for a channel without buttons: [label, data, number]
    as shown (see `numbered`), so a typed number means the line that showed it."""
    return [[c.label, c.data, str(n)] for n, c in numbered(choices)]
