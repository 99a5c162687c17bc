"""Decisions about units and their leaders, as pure functions over plain values.

No I/O, no database, no clock: the service modules load the values, pass `now` in and write
what these decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import datetime, timedelta

from vn.text import fold

__all__ = [
    "CONDUCT_KINDS",
    "Tally",
    "acknowledged_units",
    "conduct_kind",
    "conduct_tally",
    "descendants",
    "leaders_to_nudge",
    "leaders_to_remind",
    "nomination_open",
    "reminder_due",
    "tally",
    "tells_leader_at_once",
    "units_without_leader",
    "would_cycle",
]


def acknowledged_units(leaders: Mapping[int, Set[int]], acked_leaders: Set[int]) -> frozenset[int]:
    """The units that have acknowledged: a unit has when any one of its leaders has pressed
    "✅ Đã nhận" (`leaders` maps each leader to the units of the subject they lead)."""
    return frozenset(
        u for leader, units in leaders.items() if leader in acked_leaders for u in units
    )


def units_without_leader(units: Set[int], leaders: Mapping[int, Set[int]]) -> frozenset[int]:
    """Units with learners in the subject but no leader to tell: nobody there can answer."""
    led = {u for units_of in leaders.values() for u in units_of}
    return frozenset(units - led)


def reminder_due(published_at: datetime, now: datetime, after_days: int) -> bool:
    """One reminder is due once `after_days` full days have passed since publishing; 0 turns
    reminders off."""
    return after_days > 0 and now >= published_at + timedelta(days=after_days)


def leaders_to_remind(
    leaders: Mapping[int, Set[int]], told: Set[int], acked_leaders: Set[int]
) -> list[int]:
    """Leaders who were sent the summary, have not acknowledged, and lead at least one unit
    that no leader has acknowledged for (a co-leader's press counts for the unit)."""
    done = acknowledged_units(leaders, acked_leaders)
    return sorted(
        leader
        for leader, units in leaders.items()
        if leader in told and leader not in acked_leaders and set(units) - done
    )


# --- nominees confirmed before the class opens ------------------------------------------------

CONFIRMED, DECLINED = "confirmed", "declined"  # NominationStatus values


def nomination_open(first_start: datetime | None, now: datetime) -> bool:
    """Leaders answer until the first session starts; a class with no session yet is open."""
    return first_start is None or now < first_start


@dataclass(frozen=True)
class Tally:
    confirmed: int = 0
    declined: int = 0
    no_answer: int = 0

    @property
    def total(self) -> int:
        return self.confirmed + self.declined + self.no_answer


def tally(statuses: Iterable[str | None]) -> Tally:
    """Confirmed / declined / no answer (None) among one unit's learners."""
    seen = list(statuses)
    return Tally(seen.count(CONFIRMED), seen.count(DECLINED), seen.count(None))


def leaders_to_nudge(leaders: Mapping[int, Set[int]], unanswered_units: Set[int]) -> list[int]:
    """The leaders of every unit with a learner still without an answer."""
    return sorted(leader for leader, units in leaders.items() if set(units) & unanswered_units)


# --- conduct (rèn luyện) ---------------------------------------------------------------------

CONDUCT_KINDS = ("reminder", "criticism", "violation")  # ConductKind values, mildest first
_CONDUCT_WORDS = {
    "nhacnho": "reminder", "nhac": "reminder", "reminder": "reminder",
    "phebinh": "criticism", "criticism": "criticism",
    "vipham": "violation", "violation": "violation",
}  # fmt: skip


def conduct_kind(word: str) -> str | None:
    """The kind staff typed, however written: "vi phạm", "vipham", "vi-pham" → "violation"."""
    return _CONDUCT_WORDS.get(fold(word).replace(" ", ""))


def conduct_tally(kinds: Iterable[str]) -> list[tuple[str, int]]:
    """How many of each kind, mildest first, kinds never recorded left out."""
    seen = list(kinds)
    return [(k, seen.count(k)) for k in CONDUCT_KINDS if k in seen]


def tells_leader_at_once(kind: str) -> bool:
    """A violation is told to the learner's unit leaders at once; the rest wait for results."""
    return kind == "violation"


# --- the district between school and commune ---------------------------------------------------


def descendants(parents: Mapping[int, int | None], unit: int) -> frozenset[int]:
    """Every unit under `unit`, however deep (`parents` maps each unit to its parent)."""
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found: set[int] = set()
    todo = list(children.get(unit, ()))
    while todo:
        u = todo.pop()
        if u not in found and u != unit:
            found.add(u)
            todo += children.get(u, ())
    return frozenset(found)


def would_cycle(parents: Mapping[int, int | None], unit: int, parent: int) -> bool:
    """Setting `parent` above `unit` would make a unit its own ancestor."""
    return parent == unit or parent in descendants(parents, unit)
