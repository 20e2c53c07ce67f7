"""Spreadsheets of what the store computes: statistics tables, the 典型案例 list, review standards.

The store returns rows (store.stats_queries, store.exemplary_queries, store.workflow_ops); this module writes
them with xlsx.writer (and reads a review standard's sheet back for workflow_ops.add_standard).
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from sifasuo_desktop.domain.errors import UserError

from .writer import Column, add_table_sheet, new_workbook, save


def _column_kind(label: str, values) -> str:
    vals = [v for v in values if v is not None and v != ""]
    if vals and all(isinstance(v, bool) is False and isinstance(v, int) for v in vals):
        return "int"
    if vals and all(isinstance(v, (int, float)) for v in vals):
        return "money" if ("金额" in label or "元" in label) else "float"
    return "text"


def export_tables_xlsx(tables, path, org_name: str = "", report_date: _dt.date | None = None):
    """Every table (domain.stats.StatTable) on its own formatted sheet, notes under each table."""
    wb = new_workbook()
    for t in tables:
        cols = [Column(label, _column_kind(label, [r[j] for r in t.rows if j < len(r)]))
                for j, label in enumerate(t.columns)]
        add_table_sheet(wb, t.title, cols, t.rows, org_name=org_name, report_date=report_date,
                        sheet_name=t.title.split(" ")[0] if t.key.startswith("t") else t.title, notes=t.notes)
    return save(wb, path)


def export_exemplary(store, rows: list[dict], path) -> None:
    """The marked cases (store.exemplary_queries.list_exemplary) as a formatted .xlsx (案例指导汇编 sheet)."""
    from sifasuo_desktop.store.exemplary_queries import EXPORT_HEADERS

    wb = new_workbook()
    cols = [Column(label, kind) for label, _, kind in EXPORT_HEADERS]
    data = [[r.get(key) for _, key, _ in EXPORT_HEADERS] for r in rows]
    add_table_sheet(wb, "典型案例、指导案例汇编", cols, data, org_name=store.org.name, report_date=_dt.date.today(),
                    sheet_name="典型案例", notes=[f"共{len(rows)}件。"])
    save(wb, path)


def import_standard_xlsx(store, path) -> dict:
    """Load a review standard from a spreadsheet (admin only). Nothing is written when the sheet is refused."""
    from sifasuo_desktop.domain.permissions import require
    from sifasuo_desktop.store.workflow_ops import add_standard

    from .reader import check_workbook_file

    require(store.actor, "settings")
    path = Path(path)
    if not path.is_file():
        raise UserError(f"找不到文件“{path}”。")
    check_workbook_file(path)   # zip-bomb caps before openpyxl reads anything
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        raise UserError(f"无法读取表格“{path.name}”：{exc}") from exc
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()   # the sheet's own <dimension> may claim a billion cells
        rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    return add_standard(store, rows)


def export_standard_xlsx(store, standard_id: str | None, path) -> Path:
    """Write a standard in the importable layout (a template to edit and load back with a new 版本)."""
    from sifasuo_desktop.domain import review as rv
    from sifasuo_desktop.store.workflow_ops import get_standard

    _, std = get_standard(store, standard_id)
    wb = new_workbook()
    ws = wb.create_sheet("评查标准")
    for row in rv.standard_to_rows(std):
        ws.append(row)
    ws.column_dimensions["C"].width = 18
    ws.column_dimensions["D"].width = 60
    return save(wb, path)
