"""What the results use cases return: plain values for handlers, the CLI and render/."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

__all__ = [
    "ClassAttendance",
    "ImportReport",
    "PublishReport",
    "ResultView",
    "ResultsPreview",
    "UnitSummary",
]


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    graded_by_scale: int = 0
    missing: list[str] = field(default_factory=list)  # enrolled, still without a result


@dataclass(frozen=True)
class ClassAttendance:
    """Held sessions (not cancelled, begun, with at least one mark: a session nobody marked
    says nothing about who came) and, per learner, those they attended (present or late)."""

    held: int
    attended: Mapping[int, int]

    def of(self, person_id: int) -> tuple[int, int]:
        return self.attended.get(person_id, 0), self.held


@dataclass(frozen=True)
class ResultView:
    class_id: int
    class_code: str
    class_name: str
    person_id: int
    number: int  # place in the class list (TT)
    full_name: str
    birth_date: date | None
    unit_id: int | None
    unit_name: str | None
    scores: dict[str, Decimal]
    grade: str | None
    remark: str | None
    attended: int
    held: int

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.attended) / Decimal(self.held) if self.held else None


@dataclass(frozen=True)
class ResultsPreview:
    class_id: int
    code: str
    name: str
    enrolled: int
    results: list[ResultView]
    missing: list[str]
    grades: dict[str, int]
    published_at: datetime | None


@dataclass(frozen=True)
class UnitSummary:
    """What one unit leader sees of one class: their units' learners only."""

    class_id: int
    class_code: str
    class_name: str
    start_date: date | None
    end_date: date | None
    unit_names: list[str]
    results: list[ResultView]


@dataclass
class PublishReport:
    learners: int = 0
    leaders: int = 0
    units_without_leader: list[str] = field(default_factory=list)
