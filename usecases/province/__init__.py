"""The provincial school sees the province (issue 21): statistics across every centre, per
centre and in total, by program type, and a notice to every centre's staff.

Layout: `rules` (how totals add up, pure), `figures` (loading, reusing `usecases.stats`),
`notices` (to every centre's staff), `sending` (the school's staff get the province's figures
at each period's end). The text and workbook are made in `render/province.py`. Only staff of
the provincial school's centre (`Actor.province`) may ask for the figures or send a notice.
"""

from usecases.province.figures import compute_province, load_province, require_province
from usecases.province.notices import NOTICE_KIND, Sent, notice_key, send_to_centres
from usecases.province.rules import (
    CentreFigures,
    Figures,
    ProvinceFigures,
    ProvinceReason,
    Score,
    parse_period,
)
from usecases.province.sending import KIND, Renderer, send_province_report

__all__ = [
    "KIND",
    "NOTICE_KIND",
    "CentreFigures",
    "Figures",
    "ProvinceFigures",
    "ProvinceReason",
    "Renderer",
    "Score",
    "Sent",
    "compute_province",
    "load_province",
    "notice_key",
    "parse_period",
    "require_province",
    "send_province_report",
    "send_to_centres",
]
