"""What attendance use cases return: plain frozen data, built from the rows by the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from texts import attendance as T
from vn.dates import format_time, format_when

__all__ = [
    "AttendanceMatrix",
    "ChangeView",
    "Checkin",
    "CheckinChoices",
    "ClassReport",
    "CloseReport",
    "CodeView",
    "Correction",
    "MarkHistory",
    "MatrixRow",
    "RosterLine",
    "RosterView",
    "SessionCounts",
    "SessionInfo",
    "SessionReport",
    "TimeOfDay",
]


@dataclass(frozen=True)
class TimeOfDay:
    """A moment to be shown as a time of day only ("8h30"), in a refusal's details."""

    at: datetime

    def describe(self, tz: ZoneInfo) -> str:
        return format_time(self.at.astimezone(tz).time())


@dataclass(frozen=True)
class SessionInfo:
    id: int
    class_id: int
    class_code: str
    class_name: str
    centre_id: int
    number: int | None
    starts_at: datetime
    ends_at: datetime
    opens_at: datetime  # check-in window
    closes_at: datetime
    close_at: datetime  # when the session is closed (absent marks, unit alerts)
    cancelled: bool
    closed: bool
    has_venue: bool

    def label(self) -> str:
        """'Buổi 3' (or 'Buổi học' when the schedule has no numbers)."""
        return T.SESSION_LABEL.format(number=self.number) if self.number else T.SESSION_UNNUMBERED

    def of_class(self) -> str:
        """'Buổi 3 lớp Sơ cấp lý luận chính trị khóa IV'."""
        return T.SESSION_OF_CLASS.format(label=self.label(), class_name=self.class_name)

    def describe(self, tz: ZoneInfo) -> str:
        """'Buổi 3 lớp Sơ cấp … (Thứ Hai, 04/03/2024, 7h30)'."""
        return T.SESSION_LINE.format(
            session=self.of_class(), when=format_when(self.starts_at.astimezone(tz))
        )


@dataclass(frozen=True)
class SessionCounts:
    present: int = 0
    late: int = 0
    excused: int = 0
    absent: int = 0
    unmarked: int = 0

    @property
    def total(self) -> int:
        return self.present + self.late + self.excused + self.absent + self.unmarked

    @property
    def attended(self) -> int:
        return self.present + self.late

    @property
    def held(self) -> int:
        """Learners with a mark (for whom the session has taken place)."""
        return self.total - self.unmarked


@dataclass(frozen=True)
class CheckinChoices:
    """What /diemdanh offers before a code is typed: one open session (ask its code) or several
    to choose from."""

    options: tuple[SessionInfo, ...]


@dataclass(frozen=True)
class Checkin:
    """A check-in that went through: `recorded` now, or the learner was already marked."""

    session: SessionInfo
    mark: str | None  # the learner's mark after (or already before) this check-in
    recorded: bool
    at: datetime | None = None
    distance_m: float | None = None


@dataclass(frozen=True)
class CodeView:
    session: SessionInfo
    code: str


@dataclass(frozen=True)
class RosterLine:
    number: int
    person_id: int
    name: str
    unit: str | None
    status: str | None


@dataclass(frozen=True)
class RosterView:
    session: SessionInfo
    lines: tuple[RosterLine, ...]  # this page
    counts: SessionCounts
    page: int
    pages: int
    can_mark: bool  # open for marking now


@dataclass(frozen=True)
class ChangeView:
    at: datetime
    old: str | None
    new: str
    method: str
    by_name: str | None
    reason: str | None


@dataclass(frozen=True)
class Correction:
    session: SessionInfo
    name: str
    old: str | None
    new: str
    changed: bool
    history: tuple[ChangeView, ...] = ()


@dataclass(frozen=True)
class MarkHistory:
    session: SessionInfo
    name: str
    current: str | None
    history: tuple[ChangeView, ...]


@dataclass
class CloseReport:
    session_id: int
    closed_now: bool  # False: someone else closed it first, nothing done
    marked_absent: int = 0
    alerts: int = 0
    absent_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class SessionReport:
    session: SessionInfo
    counts: SessionCounts
    absent: tuple[str, ...]
    excused: tuple[str, ...]
    late: tuple[str, ...]
    unmarked: tuple[str, ...]


@dataclass(frozen=True)
class ClassReport:
    class_id: int
    code: str
    name: str
    learners: int
    sessions: tuple[tuple[SessionInfo, SessionCounts], ...]  # held sessions only
    rate: float  # attended / (learners × held sessions)


@dataclass(frozen=True)
class MatrixRow:
    number: int
    person_id: int
    name: str
    unit: str | None
    marks: tuple[str | None, ...]  # one per session, in order
    counts: SessionCounts

    @property
    def rate(self) -> float:
        held = self.counts.held
        return self.counts.attended / held if held else 0.0


@dataclass(frozen=True)
class AttendanceMatrix:
    class_id: int
    code: str
    name: str
    sessions: tuple[SessionInfo, ...]  # not cancelled, in order
    rows: tuple[MatrixRow, ...]

    def held(self, now: datetime) -> list[int]:
        """Indexes of the sessions that have started."""
        return [i for i, s in enumerate(self.sessions) if s.starts_at <= now]
