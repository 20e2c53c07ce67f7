"""Who owns what, and which rows travel in which direction (sync.md §3.1, §3.5). Plain Python."""
from __future__ import annotations

import math
import re

from ..domain.ledgers import IDNO, LEDGERS, PHONE
from ..domain.limits import attachment_extension_ok, attachment_path_problem
from ..domain.validators import mask_id_number, mask_phone

# Catalogs authored only by the county: rows from a township are refused (conflict:hard "not owner").
COUNTY_ONLY_TABLES = {"review_standards", "review_batches"}
# Never sent up: installation-local configuration (settings rows share ids derived from their key).
LOCAL_UP_TABLES = {"settings"}
# County-owned rows of these tables go down to every township.
# (holidays: the county's schedules go down; a township's own local corrections stay its own rows)
DOWN_ALL_TABLES = COUNTY_ONLY_TABLES | {"orgs", "powers", "plan_tasks", "holidays"}
# 包容审慎清单 and 行政裁量权基准: the county's catalogs go down; a township's own local items go up
DOWN_ALL_TABLES |= {"leniency_items", "discretion_standards"}
# the county's 监督检查清单 and 报送日历 go down to every township (issue 16); only the county authors them: a
# township's copy is the county's rows, replaced by each package, and a township row of them is refused
COUNTY_CATALOGS = {"checklists", "report_calendar"}
COUNTY_ONLY_TABLES |= COUNTY_CATALOGS
DOWN_ALL_TABLES |= COUNTY_CATALOGS
# County-owned rows of these tables go down only to the township named in the column.
ADDRESSED = {"documents": "target_org"}
# Settings the county manages for all townships (rule thresholds, calendars, sync options).
PUSHED_SETTING_KEYS = {"rules"}      # store.rules_queries.SETTINGS_KEY: warning-rule thresholds
PUSHED_SETTING_PREFIXES = ("rules.", "calendar.", "holidays", "county.", "review.", "sync.mail_cap", "sync.hold_days")

_PERIOD = re.compile(r"^\d{4}-\d{2}")


def pushed_setting(key: str) -> bool:
    return key in PUSHED_SETTING_KEYS or any(str(key).startswith(p) for p in PUSHED_SETTING_PREFIXES)


def attachment_travels(table: str, row: dict) -> bool:
    """An attachment row whose path or name the receiver would refuse (stored before issue 11's limits:
    an .exe, a name over 200 bytes …) stays local, so old data never blocks every later package."""
    if table != "attachments" or row.get("deleted"):
        return True
    name = row.get("file_name")
    return attachment_path_problem(row.get("stored_path")) is None and (
        name is None or attachment_extension_ok(str(name)))


def goes_up(table: str, row: dict, township: str) -> bool:
    """Township -> county: everything the township owns except local tables and county catalogs."""
    return (row["owner_org"] == township and table not in LOCAL_UP_TABLES and table not in COUNTY_ONLY_TABLES
            and attachment_travels(table, row))


def goes_down(table: str, row: dict, county: str, township: str) -> bool:
    """County -> one township: county-owned catalogs, pushed settings, documents addressed to it."""
    if row["owner_org"] != county or not attachment_travels(table, row):
        return False
    if table == "settings":
        return pushed_setting(row.get("key", ""))
    if table in DOWN_ALL_TABLES:
        return True
    col = ADDRESSED.get(table)
    return bool(col) and row.get(col) == township


def period_of(table: str, row: dict) -> str | None:
    """The month ('YYYY-MM') a ledger row belongs to, from the ledger's date field."""
    ledger = LEDGERS.get(table)
    if ledger is None or not ledger.date_field:
        return None
    value = row.get(ledger.date_field) or ""
    return value[:7] if isinstance(value, str) and _PERIOD.match(value) else None


# Personal data going up (issue 7): only the fields the county needs travel in full, the others masked the same
# way lists mask them. A county-pushed setting (prefix "county.") lists them as "table.field".
PERSONAL_SETTING = "county.sync_full_personal_fields"
DEFAULT_FULL_PERSONAL = ("officers.id_number",)  # the county bureau manages officers' certificates


def personal_fields(table: str) -> list[str]:
    ledger = LEDGERS.get(table)
    return [f.name for f in ledger.fields if f.kind in (IDNO, PHONE)] if ledger else []


def outgoing_row(table: str, row: dict, full_fields) -> dict:
    """The row as it travels up: personal fields not listed in `full_fields` are masked."""
    names = [n for n in personal_fields(table) if row.get(n) and f"{table}.{n}" not in full_fields]
    if not names:
        return row
    out = dict(row)
    kinds = {f.name: f.kind for f in LEDGERS[table].fields}
    for n in names:
        out[n] = mask_id_number(out[n]) if kinds[n] == IDNO else mask_phone(out[n])
    return out


def finite_row(row: dict) -> dict:
    """The row as it travels: a stored inf/nan (poison from before the limits) travels as empty, so one bad
    value never blocks every later export; the sender's own 预警 still reports it as DQ-01."""
    bad = [k for k, v in row.items() if isinstance(v, float) and not math.isfinite(v)]
    if not bad:
        return row
    return dict(row, **{k: None for k in bad})
