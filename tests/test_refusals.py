"""Every way a use case can say no is worded, once, and worded the same everywhere."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import usecases
from texts.refusals import REFUSALS, say
from usecases.refusal import Reason, Refused


def _all_reasons() -> list[Reason]:
    for info in pkgutil.walk_packages(usecases.__path__, "usecases."):
        importlib.import_module(info.name)
    return [member for kind in Reason.__subclasses__() for member in kind]


def test_every_reason_of_every_feature_has_its_wording() -> None:
    reasons = _all_reasons()
    assert len(reasons) > 50  # every feature's reasons were found, not an empty walk
    missing = [r.value for r in reasons if r.value not in REFUSALS]
    assert missing == []


def test_reason_values_name_their_feature_and_are_unique() -> None:
    reasons = _all_reasons()
    values = [r.value for r in reasons]
    assert len(values) == len(set(values))
    assert all("." in v for v in values)


def test_a_moment_in_a_refusal_is_said_in_the_centres_time() -> None:
    reason = next(r for r in _all_reasons() if "{when}" in REFUSALS[r.value])
    at = datetime(2024, 3, 4, 0, 30, tzinfo=UTC)  # 7h30 in Hà Nội
    text = say(Refused(reason, when=at, **_blanks(reason, "when")), ZoneInfo("Asia/Ho_Chi_Minh"))
    assert "7h30" in text and "04/03/2024" in text


def _blanks(reason: Reason, *given: str) -> dict[str, str]:
    """Every other placeholder of the wording, filled with a marker."""
    import string

    names = {f for _, f, _, _ in string.Formatter().parse(REFUSALS[reason.value]) if f}
    return {n: "…" for n in names - set(given)}
