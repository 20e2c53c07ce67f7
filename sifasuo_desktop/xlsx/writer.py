"""Government-台账 style .xlsx tables: title row, 填报单位/填报日期 row, bold bordered header, Chinese-aware column
widths, real dates, two-decimal amounts, frozen header, A4 landscape print setup with the header repeated.

Used for ledger exports and by other modules for statistics tables:

    from sifasuo_desktop.xlsx.writer import Column, write_table
    write_table("out.xlsx", "2026年执法案件统计表", [Column("乡镇"), Column("案件数", "int")], rows,
                org_name="示范县司法局")

Several tables in one workbook: `wb = new_workbook()`, `add_table_sheet(wb, ...)` per table, `save(wb, path)`.
"""
from __future__ import annotations

import datetime as _dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sifasuo_desktop import fsutil
from sifasuo_desktop.domain import limits
from sifasuo_desktop.domain.errors import UserError

TEXT, LONGTEXT, DATE, MONEY, INT, FLOAT = "text", "longtext", "date", "money", "int", "float"
MAX_WIDTH = 48
LONG_WIDTH = 36
HEADER_ROW = 3   # 1 title, 2 填报单位/日期, 3 header


@dataclass
class Column:
    label: str
    kind: str = TEXT          # text | longtext | date | money | int | float
    width: float | None = None


def text_width(text: str) -> int:
    """Display width: CJK and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="000000")
    return {
        "title": Font(name="宋体", size=16, bold=True),
        "sub": Font(name="宋体", size=11),
        "head": Font(name="宋体", size=11, bold=True),
        "body": Font(name="宋体", size=10),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "fill": PatternFill("solid", fgColor="D9E1F2"),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center"),
        "right": Alignment(horizontal="right", vertical="center"),
        "wrap": Alignment(horizontal="left", vertical="center", wrap_text=True),
    }


def new_workbook():
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    return wb


def _to_cell(kind: str, value):
    if value is None or value == "":
        return None
    if kind == DATE:
        if isinstance(value, _dt.datetime):
            return value.date()
        if isinstance(value, _dt.date):
            return value
        try:
            return _dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    if kind == MONEY or kind == FLOAT:
        try:
            return round(float(value), 2) if kind == MONEY else float(value)
        except (TypeError, ValueError):
            return str(value)
    if kind == INT:
        try:
            return int(value)
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def add_table_sheet(wb, title: str, columns: list[Column], rows, org_name: str = "",
                    report_date: _dt.date | None = None, sheet_name: str | None = None,
                    notes: list[str] | None = None):
    """Append a formatted table sheet to `wb`; rows are sequences in column order. Returns the worksheet.

    report_date: a date (default today) or a text used as is (blank forms: "    年  月  日").
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    st = _styles()
    name = _safe_sheet_name(sheet_name or title, wb)
    ws = wb.create_sheet(name)
    ncol = max(len(columns), 1)
    last = get_column_letter(ncol)
    report_date = report_date or _dt.date.today()

    ws.cell(1, 1, title).font = st["title"]
    ws.cell(1, 1).alignment = st["center"]
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 32
    half = max(ncol // 2, 1)
    c = ws.cell(2, 1, f"填报单位：{org_name}" if org_name else "填报单位：")
    c.font, c.alignment = st["sub"], st["left"]
    if half > 1:
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=half)
    if ncol > half:
        when = report_date if isinstance(report_date, str) else \
            f"{report_date.year}年{report_date.month}月{report_date.day}日"
        c = ws.cell(2, half + 1, f"填报日期：{when}")
        c.font, c.alignment = st["sub"], st["right"]
        if ncol > half + 1:
            ws.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=ncol)
    ws.row_dimensions[2].height = 20

    widths = [text_width(col.label) + 2 for col in columns]
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(HEADER_ROW, j, col.label)
        cell.font, cell.border, cell.fill, cell.alignment = st["head"], st["border"], st["fill"], st["center"]
    ws.row_dimensions[HEADER_ROW].height = 30

    formats = {DATE: "yyyy-mm-dd", MONEY: "#,##0.00", INT: "0", FLOAT: "0.##"}
    aligns = {DATE: st["center"], MONEY: st["right"], INT: st["right"], FLOAT: st["right"], LONGTEXT: st["wrap"]}
    r = HEADER_ROW
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        for j, col in enumerate(columns, start=1):
            value = _to_cell(col.kind, row[j - 1] if j - 1 < len(row) else None)
            cell = ws.cell(r, j, value)
            cell.font, cell.border = st["body"], st["border"]
            cell.alignment = aligns.get(col.kind, st["left"] if col.kind == TEXT else st["wrap"])
            if col.kind in formats and not isinstance(value, str):
                cell.number_format = formats[col.kind]
            if value is not None and r < HEADER_ROW + 2000:
                w = 12 if col.kind == DATE else text_width(f"{value:,.2f}" if col.kind == MONEY and
                                                           not isinstance(value, str) else str(value)) + 2
                if w > widths[j - 1]:
                    widths[j - 1] = w
    for j, col in enumerate(columns, start=1):
        limit = LONG_WIDTH if col.kind == LONGTEXT else MAX_WIDTH
        ws.column_dimensions[get_column_letter(j)].width = col.width or min(max(widths[j - 1], 6), limit)
    if notes:
        r += 2
        for text in notes:
            ws.cell(r, 1, text).font = st["sub"]
            r += 1

    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    return ws


def _safe_sheet_name(name: str, wb) -> str:
    bad = '[]:*?/\\'
    base = "".join("_" if ch in bad else ch for ch in name)[:31] or "Sheet"
    out, i = base, 2
    while out in wb.sheetnames:
        suffix = f"({i})"
        out, i = base[:31 - len(suffix)] + suffix, i + 1
    return out


def defuse_formulas(wb) -> int:
    """Make every text cell that Excel/WPS would take for a formula (limits.FORMULA_PREFIXES: = + - @ tab CR)
    a plain string cell with the quote prefix set, so a 当事人 typed as “=HYPERLINK(...)” is shown, never run.
    The text itself is unchanged (it re-imports as the same value). Returns the number of cells changed."""
    n = 0
    for ws in wb.worksheets:
        for cell in getattr(ws, "_cells", {}).values():
            value = cell.value
            if isinstance(value, str) and limits.looks_like_formula(value):
                cell.data_type = "s"
                cell.quotePrefix = True
                n += 1
    return n


def save(wb, path) -> Path:
    """Save atomically (fsutil: temp file, fsync, rename), never onto a data folder's managed files; a Chinese
    message when the file is open elsewhere or the disk is full (no partial file is left)."""
    path = fsutil.check_output_path(path)
    defuse_formulas(wb)
    failed = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with fsutil.atomic_path(path) as tmp:
            wb.save(str(tmp))
    except PermissionError as exc:
        raise UserError(f"无法写入“{path}”：文件可能正被 Excel/WPS 打开，请关闭后重试。") from exc
    except OSError as exc:
        raise fsutil.write_error(path, exc) from exc
    except UserError:
        raise
    except Exception as exc:  # lxml reports a full disk as SerialisationError (IO_ENOSPC, IO_EFBIG)
        failed = _io_reason(exc)
    if failed is not None:
        _collect_quietly()  # openpyxl's half-run writer generators would print "Exception ignored" at exit
        raise UserError(f"无法写入“{path}”（{failed}），未生成文件；数据没有任何改动。")
    return path


def _collect_quietly() -> None:
    import gc
    import sys

    hook = sys.unraisablehook
    sys.unraisablehook = lambda *_: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _io_reason(exc: Exception) -> str:
    text = str(exc)
    if "ENOSPC" in text or "EFBIG" in text:
        return "磁盘空间不足"
    return text or type(exc).__name__


def write_table(path, title: str, columns: list[Column], rows, org_name: str = "",
                report_date: _dt.date | None = None, sheet_name: str | None = None,
                notes: list[str] | None = None) -> Path:
    """One formatted table in a new workbook saved to `path`."""
    wb = new_workbook()
    add_table_sheet(wb, title, columns, rows, org_name=org_name, report_date=report_date,
                    sheet_name=sheet_name, notes=notes)
    return save(wb, path)
