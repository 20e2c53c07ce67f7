"""Holiday schedules (节假日安排) for years the chinesecalendar package does not know (or corrections).

A synced table: the county imports a year's schedule and sends it down; an admin may import it locally.
One row per date: kind 'holiday' (day off) or 'workday' (a working day, e.g. a make-up weekend 调休上班).
"""
from sifasuo_desktop.store.schema import create_synced_table


def migrate(db):
    create_synced_table(db, "holidays", {"date": "TEXT NOT NULL", "kind": "TEXT NOT NULL", "name": "TEXT",
                                         "source": "TEXT"}, indexes=("date",))
