"""Errors shared by the sheet parsers: a file we cannot read, and a row we cannot accept."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RowError", "SheetError"]


class SheetError(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, no header, too big…).

    `reason` is a plain Vietnamese sentence to show the staff member as is.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in one row. `row` is the spreadsheet's own row number, as staff see it;
    `reason` is the full sentence to show them, row number included ('Dòng 12: …')."""

    row: int
    reason: str

    @classmethod
    def at(cls, row: int, problem: str) -> RowError:
        """'Số điện thoại … không đúng' at row 12 → 'Dòng 12: số điện thoại … không đúng'."""
        # Acronyms such as 'SĐT' keep their capitals; ordinary first words are lowercased.
        if len(problem) > 1 and problem[0].isupper() and problem[1].islower():
            problem = problem[0].lower() + problem[1:]
        return cls(row, f"Dòng {row}: {problem}")

    def __str__(self) -> str:
        return self.reason
