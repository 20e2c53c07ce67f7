"""Read a workbook into plain value grids. Merged cells carry the top-left value in every cell they cover."""
from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from sifasuo_desktop.domain.errors import UserError, os_error_text

log = logging.getLogger(__name__)
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass
class SheetGrid:
    name: str
    rows: list[list]                     # rows[r][c], 0-based; trailing empty columns trimmed
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r1, c1, r2, c2) 0-based inclusive
    encoding: str = ""                   # CSV only: the detected encoding (shown in the summary)
    delimiter: str = ""                  # CSV only: the detected delimiter, in Chinese

    @property
    def ncols(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def _is_blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def load_grids(path) -> list[SheetGrid]:
    """All visible worksheets of an .xlsx/.xls file, or the one table of a .csv file, as SheetGrids.

    The format is decided by the file's first bytes (a renamed file still reads), .csv by its name.
    Raises UserError with a Chinese message for unreadable files; the library's own text goes to the log.
    """
    import openpyxl

    p = Path(path)
    if not p.is_file():
        raise UserError(f"找不到文件“{p}”。")
    try:
        with open(p, "rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        log.warning("cannot open %s: %r", p, exc)
        raise UserError(f"无法打开“{p.name}”：{os_error_text(exc)}。") from None
    if magic.startswith(b"\xd0\xcf\x11\xe0"):   # OLE2: Excel 97-2003 .xls (or WPS .et)
        return _load_xls(p)
    if not magic.startswith(b"PK") and p.suffix.lower() in CSV_SUFFIXES:
        from .csv_reader import load_csv
        return load_csv(p)
    try:
        wb = openpyxl.load_workbook(str(p), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        log.warning("not a readable workbook %s: %r", p, exc)
        raise UserError(f"无法读取“{p.name}”：不是有效的 Excel 文件（.xlsx/.xls）或 CSV 文件。") from None
    except Exception as exc:  # openpyxl raises assorted errors for damaged files
        log.warning("damaged workbook %s: %r", p, exc)
        raise UserError(f"无法读取“{p.name}”：文件已损坏或格式不受支持，请在 Excel/WPS 中打开后另存为 .xlsx 再导入。") from None
    grids = []
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            merged = []
            for rng in ws.merged_cells.ranges:
                r1, c1, r2, c2 = rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1
                merged.append((r1, c1, r2, c2))
                if r1 >= len(rows):
                    continue
                top = rows[r1][c1] if c1 < len(rows[r1]) else None
                for r in range(r1, min(r2, len(rows) - 1) + 1):
                    row = rows[r]
                    if len(row) <= c2:
                        row.extend([None] * (c2 + 1 - len(row)))
                    for c in range(c1, c2 + 1):
                        row[c] = top
            grids.append(_trimmed(SheetGrid(ws.title, rows, merged)))
    finally:
        wb.close()
    return grids


def _load_xls(p: Path) -> list[SheetGrid]:
    """Excel 97-2003 (.xls) through xlrd; date cells become datetimes, merged cells are filled the same way."""
    advice = "请在 Excel/WPS 中“另存为”.xlsx 后再导入"
    try:
        import xlrd
    except ImportError:
        raise UserError(f"“{p.name}”是旧版 Excel 97-2003 (.xls) 文件，本程序缺少读取组件；{advice}。") from None
    try:
        try:
            book = xlrd.open_workbook(str(p), formatting_info=True, on_demand=False)
        except NotImplementedError:
            book = xlrd.open_workbook(str(p))
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors... for damaged/encrypted files
        log.warning("unreadable .xls %s: %r", p, exc)
        raise UserError(f"无法读取“{p.name}”：文件可能已加密或损坏，{advice}。") from None
    grids = []
    for sh in book.sheets():
        if getattr(sh, "visibility", 0) != 0:
            continue
        rows = []
        for r in range(sh.nrows):
            row = []
            for c in range(sh.ncols):
                t, v = sh.cell_type(r, c), sh.cell_value(r, c)
                if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    v = None
                elif t == xlrd.XL_CELL_DATE:
                    try:
                        v = xlrd.xldate_as_datetime(v, book.datemode)
                    except Exception:  # out-of-range serials stay numbers (reported by the value check)
                        pass
                elif t == xlrd.XL_CELL_BOOLEAN:
                    v = bool(v)
                row.append(v)
            rows.append(row)
        merged = []
        for rlo, rhi, clo, chi in getattr(sh, "merged_cells", []) or []:
            r1, c1, r2, c2 = rlo, clo, rhi - 1, chi - 1
            merged.append((r1, c1, r2, c2))
            if r1 >= len(rows):
                continue
            top = rows[r1][c1] if c1 < len(rows[r1]) else None
            for r in range(r1, min(r2, len(rows) - 1) + 1):
                for c in range(c1, min(c2, len(rows[r]) - 1) + 1):
                    rows[r][c] = top
        grids.append(_trimmed(SheetGrid(sh.name, rows, merged)))
    book.release_resources()
    return grids


def _trimmed(grid: SheetGrid) -> SheetGrid:
    rows = grid.rows
    width = 0
    for row in rows:
        for i in range(len(row) - 1, -1, -1):
            if not _is_blank(row[i]):
                width = max(width, i + 1)
                break
    rows = [row[:width] for row in rows]
    while rows and all(_is_blank(v) for v in rows[-1]):
        rows.pop()
    grid.rows = rows
    return grid
