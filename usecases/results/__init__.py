"""Results: import or enter them, preview, publish once, and show each person what is theirs.

Matching a results row to a learner is strict, because a wrong match sends one person's result
to another person and their unit: a row matches an enrolled learner by folded name and birth
date, else by phone; a row that matches nobody, or more than one, is reported with its row number
and the whole import is refused (nothing is guessed, nothing half-imported).

When the sheet gives no grade, it is derived from the scores by `Settings.grade_scale`
(thresholds, highest first). Several score columns combine as follows: a column that already is
the average ("Điểm TB", "ĐTB", "Điểm trung bình", "Điểm tổng kết"…) is used as is; otherwise the
plain average of all score columns (each column weighs the same), rounded half up to 2 places.

Publishing is one explicit staff action, recorded on the class, and happens once: it enqueues
each learner's own result and ONE summary per unit leader (their unit's learners only, a short
table in the text plus the same as an xlsx file). Idempotency keys name the class and the
recipient, so nobody gets the same result twice, whatever happens after.

Layout: `rules` (grades, matching, typed entries, who is told: pure), `queries` (loading),
`entering` (import, typed entry), `reading` (preview, own, unit), `publishing`, `notices` (the
words of a result). Files are made in `render/results.py`.
"""

from usecases.results.entering import enter_result, import_results
from usecases.results.notices import learner_text, unit_file_caption, unit_text
from usecases.results.publishing import UnitFile, publish_results
from usecases.results.queries import class_attendance
from usecases.results.reading import (
    find_class_by_code,
    list_result_classes,
    preview_results,
    results_for_leader,
    results_for_learner,
)
from usecases.results.rules import (
    AVERAGE_HEADERS,
    Entry,
    Kind,
    ResultsReason,
    derive_grade,
    parse_entry,
)
from usecases.results.values import (
    ClassAttendance,
    ImportReport,
    PublishReport,
    ResultsPreview,
    ResultView,
    UnitSummary,
)

PREVIEW_LINES = 60  # learners listed in the chat preview; the workbook has everyone

__all__ = [
    "AVERAGE_HEADERS",
    "PREVIEW_LINES",
    "ClassAttendance",
    "Entry",
    "ImportReport",
    "Kind",
    "PublishReport",
    "ResultView",
    "ResultsPreview",
    "ResultsReason",
    "UnitFile",
    "UnitSummary",
    "class_attendance",
    "derive_grade",
    "enter_result",
    "find_class_by_code",
    "import_results",
    "learner_text",
    "list_result_classes",
    "parse_entry",
    "preview_results",
    "publish_results",
    "results_for_leader",
    "results_for_learner",
    "unit_file_caption",
    "unit_text",
]
