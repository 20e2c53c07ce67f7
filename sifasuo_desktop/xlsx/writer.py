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
WIDTH_ROWS = 2000   # column widths follow the first rows (all of them would mean holding every row)


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


def new_workbook(write_only: bool = False):
    """A workbook without sheets. write_only=True streams each sheet's rows to disk as they come (memory stays
    flat for 100,000 rows); such a sheet is written once by add_table_sheet and cannot be edited afterwards."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=write_only)
    if not write_only:
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


class _CellStyles:
    """One StyleArray per look, registered with the workbook once and copied onto each cell: assigning font,
    border and alignment objects cell by cell costs a style lookup per attribute per cell."""

    def __init__(self, ws):
        from openpyxl.cell import WriteOnlyCell

        self.ws = ws
        self.st = _styles()
        self.cache: dict = {}
        self._make = lambda: WriteOnlyCell(ws)

    def get(self, font: str, align: str, number_format: str | None = None, head: bool = False,
            quote: bool = False, border: bool = True):
        key = (font, align, number_format, head, quote, border)
        style = self.cache.get(key)
        if style is None:
            c = self._make()
            c.font, c.alignment = self.st[font], self.st[align]
            if border:
                c.border = self.st["border"]
            if head:
                c.fill = self.st["fill"]
            if number_format:
                c.number_format = number_format
            if quote:
                c.quotePrefix = True
            style = self.cache[key] = c._style
        return style

    def ids(self, style) -> str:
        """The workbook's cellXfs index of a StyleArray (what a cell's s="" attribute says)."""
        return str(self.ws.parent._cell_styles.add(style))


class _Body(list):
    """The values of one body row of a write-only sheet, written by _FastRows."""


class _FastRows:
    """Writes a write-only sheet's body rows as <row> elements built directly, the way openpyxl writes a styled
    WriteOnlyCell (inline strings, dates as serial numbers, numbers as %.16g, the same style ids and the same
    refusal of characters a worksheet cannot hold): 100,000 rows × 40 columns in a fraction of the time and
    without four million cell objects. Other rows (title, header, notes) take openpyxl's own path."""

    def __init__(self, ws, columns, body_ids, text_ids, quoted_ids, formats):
        from openpyxl.utils import get_column_letter

        self.ws = ws
        self.letters = [get_column_letter(j) for j in range(1, len(columns) + 1)]
        self.body_ids, self.text_ids, self.quoted_ids = body_ids, text_ids, quoted_ids
        self.numeric = [col.kind in formats for col in columns]
        ws._get_writer()
        self._cells_of, self._write = ws._values_to_row, ws._writer.write_row
        ws._values_to_row = self._values_to_row
        ws._writer.write_row = self._write_row

    def append(self, row) -> None:
        self.ws.append(row)

    def _values_to_row(self, values, row_idx):
        return values if type(values) is _Body else self._cells_of(values, row_idx)

    def _write_row(self, xf, row, row_idx):
        if type(row) is not _Body:
            return self._write(xf, row, row_idx)
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.compat import safe_string
        from openpyxl.utils.datetime import to_excel
        from openpyxl.utils.exceptions import IllegalCharacterError
        from openpyxl.xml.functions import XML_NS, Element, SubElement

        r = str(row_idx)
        el = Element("row", {"r": r})
        epoch = self.ws.parent.epoch
        for j, v in enumerate(row):
            attrs = {"r": self.letters[j] + r, "s": self.body_ids[j]}
            if v is None:
                SubElement(el, "c", attrs)
            elif isinstance(v, str):
                v = v[:32767]
                if ILLEGAL_CHARACTERS_RE.search(v):
                    raise IllegalCharacterError(f"{v} cannot be used in worksheets.")
                if limits.looks_like_formula(v):           # shown as text, never run (see defuse_formulas)
                    attrs["s"] = self.quoted_ids[j]
                elif self.numeric[j]:
                    attrs["s"] = self.text_ids[j]
                attrs["t"] = "inlineStr"
                text = SubElement(SubElement(SubElement(el, "c", attrs), "is"), "t",
                                  {f"{{{XML_NS}}}space": "preserve"} if v != v.strip() else {})
                text.text = v
            else:
                attrs["t"] = "n"
                if isinstance(v, _dt.date):
                    v = to_excel(v, epoch)
                SubElement(SubElement(el, "c", attrs), "v").text = safe_string(v)
        xf.write(el)


def add_table_sheet(wb, title: str, columns: list[Column], rows, org_name: str = "",
                    report_date: _dt.date | None = None, sheet_name: str | None = None,
                    notes: list[str] | None = None):
    """Append a formatted table sheet to `wb`; rows are sequences in column order (any iterable: a generator
    is consumed once, row by row). Returns the worksheet.

    In a write-only workbook (new_workbook(write_only=True)) rows go to disk as they come: column widths are
    taken from the first WIDTH_ROWS rows, which are the only ones held in memory.
    report_date: a date (default today) or a text used as is (blank forms: "    年  月  日").
    """
    from copy import copy

    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.worksheet import Worksheet

    streaming = bool(getattr(wb, "write_only", False))
    name = _safe_sheet_name(sheet_name or title, wb)
    ws = wb.create_sheet(name)
    styles = _CellStyles(ws)
    ncol = max(len(columns), 1)
    last = get_column_letter(ncol)
    report_date = report_date or _dt.date.today()

    formats = {DATE: "yyyy-mm-dd", MONEY: "#,##0.00", INT: "0", FLOAT: "0.##"}
    aligns = {DATE: "center", MONEY: "right", INT: "right", FLOAT: "right", LONGTEXT: "wrap", TEXT: "left"}
    body = [styles.get("body", aligns.get(col.kind, "wrap"), formats.get(col.kind)) for col in columns]
    body_text = [styles.get("body", aligns.get(col.kind, "wrap")) for col in columns]   # a text in a number column
    quoted = [styles.get("body", aligns.get(col.kind, "wrap"), quote=True) for col in columns]

    def cell(value, style, data_type=None):
        c = WriteOnlyCell(ws, value)
        c._style = copy(style)
        if data_type:
            c.data_type = data_type
        return c

    def body_cell(j: int, value):
        if isinstance(value, str):
            if limits.looks_like_formula(value):     # shown as text, never run (see defuse_formulas)
                return cell(value, quoted[j], "s")
            return cell(value, body_text[j] if columns[j].kind in formats else body[j])
        return cell(value, body[j])

    # column widths from the header and the first WIDTH_ROWS rows (held back until the widths are known:
    # a write-only sheet needs its <cols> before its first row)
    widths = [text_width(col.label) + 2 for col in columns]
    it = iter(rows)
    head_rows: list[list] = []
    for row in it:
        values = [_to_cell(col.kind, row[j] if j < len(row) else None) for j, col in enumerate(columns)]
        head_rows.append(values)
        for j, col in enumerate(columns):
            value = values[j]
            if value is not None:
                w = 12 if col.kind == DATE else text_width(f"{value:,.2f}" if col.kind == MONEY and
                                                           not isinstance(value, str) else str(value)) + 2
                if w > widths[j]:
                    widths[j] = w
        if len(head_rows) >= WIDTH_ROWS:
            break
    for j, col in enumerate(columns, start=1):
        limit = LONG_WIDTH if col.kind == LONGTEXT else MAX_WIDTH
        ws.column_dimensions[get_column_letter(j)].width = col.width or min(max(widths[j - 1], 6), limit)
    ws.row_dimensions[1].height = 32
    ws.row_dimensions[2].height = 20
    ws.row_dimensions[HEADER_ROW].height = 30

    title_style = styles.get("title", "center", border=False)
    sub_left, sub_right = styles.get("sub", "left", border=False), styles.get("sub", "right", border=False)
    line2: list = [None] * ncol
    line2[0] = cell(f"填报单位：{org_name}" if org_name else "填报单位：", sub_left)
    half = max(ncol // 2, 1)
    if ncol > half:
        when = report_date if isinstance(report_date, str) else \
            f"{report_date.year}年{report_date.month}月{report_date.day}日"
        line2[half] = cell(f"填报日期：{when}", sub_right)
    head_style = styles.get("head", "center", head=True)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"               # sheet view and properties precede the rows
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    append = ws.append                                    # takes the cells made above in either kind of sheet
    append([cell(title, title_style)])
    append(line2)
    append([cell(col.label, head_style) for col in columns])
    merges = [f"A1:{last}1"]
    if half > 1:
        merges.append(f"A2:{get_column_letter(half)}2")
    if ncol > half + 1:
        merges.append(f"{get_column_letter(half + 1)}2:{last}2")
    for m in merges:
        if streaming:
            ws.merged_cells.add(m)
        else:
            ws.merge_cells(m)
    if streaming:     # body rows straight to XML: the same cells, without a cell object per value
        fast = _FastRows(ws, columns, [styles.ids(s) for s in body], [styles.ids(s) for s in body_text],
                         [styles.ids(s) for s in quoted], formats)
        append = fast.append

        def body_row(values):
            return _Body(values)
    else:
        def body_row(values):
            return [body_cell(j, v) for j, v in enumerate(values)]
    for values in head_rows:
        append(body_row(values))
    del head_rows
    for row in it:
        append(body_row([_to_cell(col.kind, row[j] if j < len(row) else None) for j, col in enumerate(columns)]))
    append = ws.append
    if notes:
        append([])
        for text in notes:
            append([cell(text, sub_left)])

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
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
    failure = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with fsutil.atomic_path(path) as tmp:
            wb.save(str(tmp))
    except UserError:
        raise
    except Exception as exc:  # lxml reports a full disk as SerialisationError (IO_ENOSPC, IO_EFBIG)
        failure = exc
    if failure is None:
        return path
    _collect_quietly(failure)  # openpyxl's half-written zip and writer generators: no "Exception ignored" later
    if isinstance(failure, PermissionError):
        raise UserError(f"无法写入“{path}”：文件可能正被 Excel/WPS 打开，请关闭后重试。")
    if isinstance(failure, OSError):
        raise fsutil.write_error(path, failure)
    raise UserError(f"无法写入“{path}”（{_io_reason(failure)}），未生成文件；数据没有任何改动。")


def _collect_quietly(failure: BaseException) -> None:
    """Free what the failed save left open (its frames hold openpyxl's ZipFile: closing it on a full disk
    fails again) now, with the 'Exception ignored' reports silenced, instead of at a later collection or exit."""
    import gc
    import sys
    import traceback

    hook = sys.unraisablehook
    sys.unraisablehook = lambda *_: None
    try:
        traceback.clear_frames(failure.__traceback__)
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
    """One formatted table in a new workbook saved to `path`; rows are streamed (write-only workbook)."""
    path = fsutil.check_output_path(path)      # refused before any row is read or written
    wb = new_workbook(write_only=True)
    add_table_sheet(wb, title, columns, rows, org_name=org_name, report_date=report_date,
                    sheet_name=sheet_name, notes=notes)
    return save(wb, path)
