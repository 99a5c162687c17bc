"""Attendance rules as pure functions (issue 18, item 4): where a learner stands, the level that
means, whether a level was crossed (told once per crossing), who is told, and eligibility.

No I/O and no clock: `usecases/units/standing.py` loads the marks and writes what these decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from fractions import Fraction

__all__ = [
    "Level",
    "Limits",
    "Measure",
    "Standing",
    "crossing",
    "ineligible_reasons",
    "level_of",
    "standing",
    "told",
]

ABSENT, LATE = "absent", "late"  # AttendanceStatus values; "excused" is an absence with leave


class Measure(StrEnum):
    SHARE = "share"  # the share of the course's sessions missed without leave
    RUN = "run"  # the longest run of consecutive absences without leave


class Level(IntEnum):
    OK = 0
    WARNING = 1
    LIMIT = 2


@dataclass(frozen=True)
class Limits:
    max_share: float = 0.2
    warn_share: float = 0.1
    late_is_present: bool = True
    max_run: int = 2
    warn_run: int = 0


@dataclass(frozen=True)
class Standing:
    missed: int  # sessions missed without leave so far
    total: int  # the course's sessions, cancelled ones left out
    run: int  # the longest run of consecutive misses without leave


def standing(marks: Sequence[str | None], total: int, *, late_is_present: bool) -> Standing:
    """`marks`: the learner's status in each closed, not cancelled session, in order (None: no
    mark). An excused absence (leave approved) is no miss and breaks a run."""
    missed = run = longest = 0
    for mark in marks:
        miss = mark == ABSENT or (mark == LATE and not late_is_present)
        missed += miss
        run = run + 1 if miss else 0
        longest = max(longest, run)
    return Standing(missed, total, longest)


def level_of(measure: Measure, s: Standing, limits: Limits) -> Level:
    """SHARE: more than `max_share` of the sessions is over the limit (exactly at it is not).
    RUN: reaching `max_run` in a row is over the limit. A limit of 0 turns the rule off."""
    if measure is Measure.SHARE:
        missed, total = Fraction(s.missed), Fraction(s.total)
        if total and limits.max_share > 0 and missed > Fraction(str(limits.max_share)) * total:
            return Level.LIMIT
        if total and limits.warn_share > 0 and missed > Fraction(str(limits.warn_share)) * total:
            return Level.WARNING
        return Level.OK
    if limits.max_run > 0 and s.run >= limits.max_run:
        return Level.LIMIT
    if limits.warn_run > 0 and s.run >= limits.warn_run:
        return Level.WARNING
    return Level.OK


def crossing(before: Level, crossings: int, now: Level) -> tuple[int, Level | None]:
    """A rise is a crossing, told once: (crossings so far, the level to tell or None). A fall
    (a leave approved, a session cancelled) tells nobody, and the next rise is a new crossing."""
    if now > before:
        return crossings + 1, now
    return crossings, None


def told(level: Level) -> frozenset[str]:
    """A warning tells the learner; the limit tells the learner, their unit's leaders and
    staff."""
    if level is Level.LIMIT:
        return frozenset({"learner", "leader", "staff"})
    if level is Level.WARNING:
        return frozenset({"learner"})
    return frozenset()


def ineligible_reasons(s: Standing, limits: Limits) -> list[Measure]:
    """Why a learner is not eligible to complete the course: each rule over its limit."""
    return [m for m in Measure if level_of(m, s, limits) is Level.LIMIT]
