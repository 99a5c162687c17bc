"""Statistics for a month, quarter or year: the figures centres put in their reports
("32 lớp với 2.248 học viên…"), as text, as a workbook and as a chart.

Definitions (so the figures can be checked by hand):
- a class belongs to a period when its dates (first to last session) overlap the period, so a
  class running across two months counts in both;
- learner places (lượt học viên) are enrolments in those classes; learners are distinct people;
- attendance counts only sessions in the period that were held (not cancelled, begun, and with
  at least one mark): present + late over (enrolled learners × held sessions);
- results by grade count the published results of the period's classes;
- survey averages are the mean rating of each question over the period's classes' answers.

Layout: `rules` (periods and sums, pure), `figures` (loading), `sending` (to staff at each
period's end). The text, workbook and chart are made in `render/stats.py`; `send_period_stats`
takes that renderer from its caller.
"""

from usecases.stats.figures import compute_stats
from usecases.stats.rules import (
    ClassRow,
    Period,
    PeriodKind,
    Rate,
    Stats,
    StatsReason,
    SurveyRow,
    TypeRow,
    UnitRow,
    parse_period,
    period_of,
    previous_period,
)
from usecases.stats.sending import KIND, PeriodReport, Renderer, send_period_stats

__all__ = [
    "KIND",
    "ClassRow",
    "Period",
    "PeriodKind",
    "PeriodReport",
    "Rate",
    "Renderer",
    "Stats",
    "StatsReason",
    "SurveyRow",
    "TypeRow",
    "UnitRow",
    "compute_stats",
    "parse_period",
    "period_of",
    "previous_period",
    "send_period_stats",
]
