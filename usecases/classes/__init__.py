"""Setting a class up: the class, its roster, its schedule, its monitors and the units' leaders.

Imports take rows already parsed from the centre's files (`sheets/`), so the same rules serve the
CLI today and a file sent in chat later. `rules` decides without I/O (who a typed "who" is, what
a row writes, where a shifted schedule lands); `setup`, `roster` and `schedule` load, decide and
write in one transaction.
"""

from usecases.classes.roster import RosterReport, import_roster, units_by_key
from usecases.classes.rules import (
    ClassReason,
    ImportRejected,
    matching,
    shifted_onto_weekend,
)
from usecases.classes.schedule import ScheduleReport, import_schedule
from usecases.classes.setup import (
    ClassSummary,
    LearnerLine,
    add_unit_leader,
    class_by_code,
    create_class,
    find_class,
    list_classes,
    list_learners,
    list_sessions,
    set_monitor,
    staff_class,
)

__all__ = [
    "ClassReason",
    "ClassSummary",
    "ImportRejected",
    "LearnerLine",
    "RosterReport",
    "ScheduleReport",
    "add_unit_leader",
    "class_by_code",
    "create_class",
    "find_class",
    "import_roster",
    "import_schedule",
    "list_classes",
    "list_learners",
    "list_sessions",
    "matching",
    "set_monitor",
    "shifted_onto_weekend",
    "staff_class",
    "units_by_key",
]
