"""Export a ledger, filtered as on screen (a LedgerQuery), to a formatted .xlsx that imports back."""
from __future__ import annotations

import datetime as _dt

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import (BOOL, DATE, FLOAT, IDNO, INT, JSON, LEDGERS, LONGTEXT, MONEY, PHONE,
                                            REF, Ledger)
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.domain.record_state import HISTORY_FIELD
from sifasuo_desktop.domain.validators import mask_id_number, mask_phone
from sifasuo_desktop.store.ledger_queries import (LedgerQuery, count_rows, county_townships, is_county, iter_rows,
                                                  township_display)

from . import writer as W

_KIND = {DATE: W.DATE, MONEY: W.MONEY, INT: W.INT, FLOAT: W.FLOAT, LONGTEXT: W.LONGTEXT}


def export_fields(ledger: Ledger):
    """Fields written to a sheet: everything a re-import needs, minus internal links."""
    out = []
    for f in ledger.fields:
        if f.kind == JSON or f.name == HISTORY_FIELD:   # 历史导入 is decided by the import (record_state)
            continue
        if f.kind == REF and f.ref not in ("bodies", "powers"):
            continue  # officer/batch/case links are rebuilt from names on import
        out.append(f)
    return out


def township_column(ledger: Ledger) -> str:
    """The county export's leading column: 乡镇, or 所属乡镇 where a 乡镇 header means one of the ledger's fields
    on import (年度监督计划's own 乡镇, 赋权事项's 承接主体), so the sheet still imports back unchanged."""
    from .headers import match_header

    return "所属乡镇" if match_header(ledger, "乡镇") is not None else "乡镇"


def ledger_rows(store, query: LedgerQuery, full_personal: bool = False):
    """(columns, row generator) for a ledger query; personal data masked unless full_personal."""
    ledger = LEDGERS[query.ledger]
    fields = export_fields(ledger)
    refs = {f.ref: store.ref_names(f.ref) for f in fields if f.kind == REF}
    numbered = not any(f.label == "序号" for f in fields)
    # a county's export leads with 乡镇 (the township whose record it is), as its ledger lists do (issue 16)
    townships = county_townships(store) if is_county(store) else None
    columns = ([W.Column("序号", W.INT, 6)] if numbered else []) + \
        ([W.Column(township_column(ledger), W.TEXT, 12)] if townships is not None else []) + \
        [W.Column(f.label, _KIND.get(f.kind, W.TEXT)) for f in fields]

    def gen():        # rows straight from a cursor (store.ledger_queries.iter_rows), one at a time
        n = 0
        for rec in iter_rows(store.conn, query):
            n += 1
            row = [n] if numbered else []
            if townships is not None:
                row.append(township_display(townships, store, rec.get("owner_org")) or None)
            for f in fields:
                v = rec.get(f.name)
                if v is None or v == "":
                    row.append(None)
                    continue
                if f.kind == REF:
                    v = refs[f.ref].get(v, "")
                elif f.kind == BOOL:
                    v = "是" if v else "否"
                elif f.kind == IDNO and not full_personal:
                    v = mask_id_number(v)
                elif f.kind == PHONE and not full_personal:
                    v = mask_phone(v)
                row.append(v)
            yield row
    return columns, gen(), count_rows(store.conn, query)


def export_ledger(store, query: LedgerQuery, out, full_personal: bool = False,
                  title: str | None = None) -> int:
    """Write the ledger rows matching `query` to `out`. Returns the number of records written.

    full_personal=True (身份证号/电话 unmasked) needs the view_personal_full permission.
    """
    if full_personal and not allowed(store.actor, "view_personal_full"):
        raise UserError("当前账号无权导出完整的身份证号和电话号码。")
    ledger = LEDGERS[query.ledger]
    columns, rows, n = ledger_rows(store, query, full_personal)
    org = store.org
    notes = []
    filters = []
    if query.search:
        filters.append(f"关键字“{query.search}”")
    if query.status:
        filters.append(f"状态“{query.status}”")
    if query.date_from or query.date_to:
        filters.append(f"日期 {query.date_from or '…'} 至 {query.date_to or '…'}")
    if query.township and is_county(store):
        filters.append(f"乡镇“{township_display(county_townships(store), store, query.township)}”")
    if filters:
        notes.append("筛选条件：" + "，".join(filters))
    if not full_personal and any(f.sensitive for f in ledger.fields):
        notes.append("注：身份证号、联系电话已脱敏。")
    W.write_table(out, title or f"{org.name}{ledger.title}台账", columns, rows, org_name=org.name,
                  report_date=_dt.date.today(), sheet_name=ledger.title, notes=notes)
    return n
