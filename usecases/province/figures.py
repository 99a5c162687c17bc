"""Loading the province's figures: each centre's period statistics (the same definitions and
queries as its own /thongke, `usecases.stats`), plus its evaluation answers as sums per program
type, in one transaction; the totals are made in `rules`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import UnitOfWork
from db.models import Centre, Class, SurveyAnswer
from usecases.identity import Actor
from usecases.province.rules import (
    CentreFigures,
    ProvinceFigures,
    ProvinceReason,
    centre_figures,
    province_figures,
)
from usecases.refusal import Refused
from usecases.stats.figures import period_figures
from usecases.stats.rules import Period

__all__ = ["compute_province", "load_province", "require_province"]

# centre id → program type → question → (answers, sum of ratings)
_Survey = dict[int, dict[str, dict[str, tuple[int, int]]]]


def require_province(actor: Actor) -> None:
    """Only staff of the provincial school see across centres or write to all of them."""
    if not actor.province:
        raise Refused(ProvinceReason.NOT_PROVINCE)


async def compute_province(
    uow: UnitOfWork, *, actor: Actor, period: Period, now: datetime, tz: ZoneInfo
) -> ProvinceFigures:
    """Every centre's figures for the period, per program type, and the province's total."""
    require_province(actor)
    async with uow:
        return await load_province(uow.session, period, now, tz)


async def load_province(
    session: AsyncSession, period: Period, now: datetime, tz: ZoneInfo
) -> ProvinceFigures:
    """In the caller's transaction (the scheduler's report uses it with no actor)."""
    centres = list(await session.scalars(select(Centre).order_by(Centre.is_province, Centre.name)))
    survey = await _survey_sums(session, period)
    rows: list[CentreFigures] = []
    for centre in centres:
        stats = await period_figures(session, centre.id, period, now, tz)
        by_type = survey.get(centre.id, {})
        rows.append(
            centre_figures(
                centre.name,
                stats,
                _merged(by_type.values()),
                by_type,
                is_province=centre.is_province,
            )
        )
    return province_figures(period, rows)


def _merged(parts: Iterable[Mapping[str, tuple[int, int]]]) -> dict[str, tuple[int, int]]:
    """A centre's answers per question, all its program types together."""
    found: dict[str, tuple[int, int]] = {}
    for sums in parts:
        for key, (count, total) in sums.items():
            had = found.get(key, (0, 0))
            found[key] = (had[0] + count, had[1] + total)
    return found


async def _survey_sums(session: AsyncSession, period: Period) -> _Survey:
    """Rated answers for the period's classes (those overlapping it, as in the statistics),
    per centre, program type and question, in one query."""
    rows = await session.execute(
        select(
            Class.centre_id,
            Class.program_type,
            SurveyAnswer.question_key,
            func.count(),
            func.sum(SurveyAnswer.rating),
        )
        .join(Class, Class.id == SurveyAnswer.class_id)
        .where(
            Class.start_date <= period.end,
            Class.end_date >= period.start,
            SurveyAnswer.rating.is_not(None),
        )
        .group_by(Class.centre_id, Class.program_type, SurveyAnswer.question_key)
    )
    found: _Survey = defaultdict(dict)
    for centre_id, kind, key, count, total in rows:
        found[centre_id].setdefault(kind, {})[key] = (count, int(total or 0))
    return found
