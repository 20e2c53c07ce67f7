"""Read a workbook into plain value grids. Merged cells carry the top-left value in every cell they cover."""
from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from sifasuo_desktop.domain import limits
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
    _check_zip(p)
    try:
        wb = openpyxl.load_workbook(str(p), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        log.warning("not a readable workbook %s: %r", p, exc)
        raise UserError(f"无法读取“{p.name}”：不是有效的 Excel 文件（.xlsx/.xls）或 CSV 文件。") from None
    except Exception as exc:  # openpyxl raises assorted errors for damaged files
        log.warning("damaged workbook %s: %r", p, exc)
        raise UserError(f"无法读取“{p.name}”：文件已损坏或格式不受支持，请在 Excel/WPS 中打开后另存为 .xlsx 再导入。") from None
    grids = []
    budget = [limits.MAX_CELLS]
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            try:
                rows, merged = _read_sheet(wb, ws, p.name, budget)
            except UserError:
                raise
            except Exception as exc:  # damaged sheet XML
                log.warning("damaged sheet %r in %s: %r", ws.title, p, exc)
                raise UserError(f"无法读取“{p.name}”的工作表“{ws.title}”：文件已损坏，"
                                "请在 Excel/WPS 中打开后另存为 .xlsx 再导入。") from None
            grids.append(_trimmed(SheetGrid(ws.title, rows, merged)))
    finally:
        wb.close()
    return grids


class FormulaNoValue(str):
    """A formula cell saved without its computed value (written by a program, never opened in Excel/WPS).
    The text is the formula; the value parsers refuse it with a message instead of importing an empty cell."""


def _too_big(name: str, what: str) -> UserError:
    return UserError(f"无法导入“{name}”：{what}，超出本程序允许的范围（可能是损坏或恶意构造的文件）。"
                     "请按年度或单位拆分后再导入，或在 Excel/WPS 中另存为新文件。")


def check_workbook_file(path) -> None:
    """The zip-bomb checks of load_grids for other .xlsx readers (UserError with a Chinese message)."""
    _check_zip(Path(path))


def _check_zip(p: Path) -> None:
    """Refuse an .xlsx whose zip directory or XML is too big to load safely, before openpyxl reads it.

    The zip's declared sizes are what zipfile enforces while decompressing, so checking them bounds the XML;
    the shared strings and worksheets are then streamed once (no tree is built) to bound the number of
    strings and the length of any one text."""
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        log.warning("not a zip %s: %r", p, exc)
        raise UserError(f"无法读取“{p.name}”：不是有效的 Excel 文件（.xlsx/.xls）或 CSV 文件。") from None
    mb = 1024 * 1024
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.MAX_XLSX_MEMBERS:
            raise _too_big(p.name, f"文件内含 {len(infos)} 个部件")
        total = 0
        stream = []
        for info in infos:
            name = info.filename
            if not name.lower().endswith((".xml", ".rels", ".vml")):
                continue   # pictures and other binaries are never parsed
            size = info.file_size
            total += size
            low = name.lower()
            if low.startswith("xl/worksheets/") or low.startswith("xl/chartsheets/"):
                cap, what = limits.MAX_XLSX_SHEET_BYTES, "工作表数据"
                stream.append((info, False))
            elif low == "xl/sharedstrings.xml":
                cap, what = limits.MAX_XLSX_STRINGS_BYTES, "共享文本表"
                stream.append((info, True))
            else:
                cap, what = limits.MAX_XLSX_PART_BYTES, f"部件“{name[:60]}”"
            if size > cap:
                raise _too_big(p.name, f"{what}解压后有 {size // mb} MB（上限 {cap // mb} MB）")
            if size > 4 * mb and size > limits.MAX_XLSX_RATIO * max(info.compress_size, 1):
                raise _too_big(p.name, f"{what}压缩比异常（{size // max(info.compress_size, 1)} 倍）")
        if total > limits.MAX_XLSX_TOTAL_BYTES:
            raise _too_big(p.name, f"解压后共有 {total // mb} MB（上限 {limits.MAX_XLSX_TOTAL_BYTES // mb} MB）")
        for info, strings in stream:
            try:
                _scan_xml(zf, info, strings, p.name)
            except UserError:
                raise
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:   # CRC mismatch, truncated data
                log.warning("damaged member %s in %s: %r", info.filename, p, exc)
                raise UserError(f"无法读取“{p.name}”：文件已损坏，请在 Excel/WPS 中打开后另存为 .xlsx 再导入。") from None


_SI_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?si>")


def _flush(_name):
    pass


def _scan_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo, strings: bool, name: str) -> None:
    """Stream one XML member: no DTD/entities, no text run longer than MAX_CELL_CHARS, and (shared strings)
    at most MAX_SHARED_STRINGS entries. Memory stays at one buffer whatever the member holds."""
    import xml.parsers.expat

    limit = limits.MAX_CELL_CHARS

    class _Stop(Exception):
        pass

    def on_text(data):
        if len(data) > limit:
            raise _Stop(f"有一个单元格的文字超过 {limit} 个字符")

    def on_doctype(*_):
        raise _Stop("含有不允许的文档类型声明（DTD）")

    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 4 * (limit + 1)     # a longer run of text always arrives as one over-long chunk
    parser.CharacterDataHandler = on_text
    parser.EndElementHandler = _flush      # any handler between two texts makes expat deliver them apart
    parser.StartDoctypeDeclHandler = on_doctype
    parser.EntityDeclHandler = on_doctype
    count, tail = 0, b""
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(1024 * 1024)
                if strings:
                    window = tail + chunk
                    count += len(_SI_END.findall(window)) - len(_SI_END.findall(tail))
                    tail = window[-32:]
                    if count > limits.MAX_SHARED_STRINGS:
                        raise _Stop(f"共享文本超过 {limits.MAX_SHARED_STRINGS} 条")
                parser.Parse(chunk, not chunk)
                if not chunk:
                    break
    except _Stop as why:
        raise _too_big(name, str(why)) from None
    except xml.parsers.expat.ExpatError as exc:
        log.warning("bad XML %s in %s: %r", info.filename, name, exc)
        raise UserError(f"无法读取“{name}”：文件已损坏，请在 Excel/WPS 中打开后另存为 .xlsx 再导入。") from None


def _read_sheet(wb, ws, name: str, budget: list[int]):
    """(rows, merged) of a read-only worksheet, streamed: only cells holding a value are kept, the sheet's own
    <dimension> is ignored, and the row/column/cell caps are checked as the rows arrive."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                f = element.find(FORMULA_TAG)
                cell["value"] = FormulaNoValue("=" + (f.text or "") if f.text else "=（共享公式）")
            return cell

    rows: list[list] = []
    max_row, max_col = limits.MAX_SHEET_ROWS, limits.MAX_SHEET_COLUMNS
    with wb._archive.open(ws._worksheet_path) as src:
        parser = Parser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                        date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for idx, cells in parser.parse():
            kept = [c for c in cells if c["value"] is not None]
            if not kept:
                continue
            if idx > max_row:
                raise _too_big(name, f"工作表“{ws.title}”第 {idx} 行有数据（上限 {max_row} 行）")
            width = max(c["column"] for c in kept)
            if width > max_col:
                raise _too_big(name, f"工作表“{ws.title}”第 {get_column_letter(min(width, 16384))} 列有数据"
                                     f"（上限 {max_col} 列）")
            budget[0] -= len(kept)
            if budget[0] < 0:
                raise _too_big(name, f"有数据的单元格超过 {limits.MAX_CELLS} 个")
            while len(rows) < idx - 1:
                rows.append([])
            row = [None] * width
            for c in kept:
                row[c["column"] - 1] = c["value"]
            if len(rows) == idx - 1:
                rows.append(row)
            else:              # the same row number twice (hand-made XML): later cells win
                old = rows[idx - 1]
                old.extend([None] * (width - len(old)))
                for c in kept:
                    old[c["column"] - 1] = c["value"]
        ranges = [m.ref for m in getattr(getattr(parser, "merged_cells", None), "mergeCell", None) or []]
    merged = _fill_merged(rows, ranges, budget, name)
    return rows, merged


def _fill_merged(rows: list[list], ranges, budget: list[int], name: str):
    """Carry each merged range's top-left value into the cells it covers, clipped to the rows and columns
    that hold values (a range over the whole sheet costs nothing)."""
    from openpyxl.utils.cell import range_boundaries

    merged = []
    width = max((len(r) for r in rows), default=0)
    for ref in ranges:
        try:
            c1, r1, c2, r2 = range_boundaries(str(ref))
        except (ValueError, TypeError):
            continue
        r1, c1, r2, c2 = r1 - 1, c1 - 1, r2 - 1, c2 - 1
        merged.append((r1, c1, r2, c2))
        if r1 >= len(rows) or c1 >= width:
            continue
        top = rows[r1][c1] if c1 < len(rows[r1]) else None
        c2 = min(c2, width - 1)
        last = min(r2, len(rows) - 1)
        budget[0] -= (last - r1 + 1) * (c2 - c1 + 1)
        if budget[0] < 0:
            raise _too_big(name, f"合并单元格展开后超过 {limits.MAX_CELLS} 个单元格")
        for r in range(r1, last + 1):
            row = rows[r]
            if len(row) <= c2:
                row.extend([None] * (c2 + 1 - len(row)))
            for c in range(c1, c2 + 1):
                row[c] = top
    return merged


def _load_xls(p: Path) -> list[SheetGrid]:
    """Excel 97-2003 (.xls) through xlrd; date cells become datetimes, merged cells are filled the same way."""
    advice = "请在 Excel/WPS 中“另存为”.xlsx 后再导入"
    import xlrd   # a dependency; imported only when an .xls comes
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise UserError(f"无法打开“{p.name}”：{os_error_text(exc)}。") from None
    if size > limits.MAX_XLS_BYTES:
        raise _too_big(p.name, f"旧版 .xls 文件有 {size // (1024 * 1024)} MB"
                               f"（上限 {limits.MAX_XLS_BYTES // (1024 * 1024)} MB）")
    try:
        try:
            # ragged rows: a row holds only its own cells (one cell at IV65536 must not build a 16-million-cell grid)
            book = xlrd.open_workbook(str(p), formatting_info=True, on_demand=False, ragged_rows=True)
        except NotImplementedError:
            book = xlrd.open_workbook(str(p), ragged_rows=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors... for damaged/encrypted files
        log.warning("unreadable .xls %s: %r", p, exc)
        raise UserError(f"无法读取“{p.name}”：文件可能已加密或损坏，{advice}。") from None
    grids = []
    budget = limits.MAX_CELLS
    for sh in book.sheets():
        if getattr(sh, "visibility", 0) != 0:
            continue
        if sh.nrows > limits.MAX_SHEET_ROWS:
            raise _too_big(p.name, f"工作表“{sh.name}”第 {sh.nrows} 行有数据（上限 {limits.MAX_SHEET_ROWS} 行）")
        if sh.ncols > limits.MAX_SHEET_COLUMNS:
            raise _too_big(p.name, f"工作表“{sh.name}”第 {sh.ncols} 列有数据（上限 {limits.MAX_SHEET_COLUMNS} 列）")
        rows = []
        for r in range(sh.nrows):
            row = []
            width = sh.row_len(r)
            budget -= width
            if budget < 0:
                raise _too_big(p.name, f"单元格超过 {limits.MAX_CELLS} 个")
            for c in range(width):
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
                short = c2 + 1 - len(rows[r])
                if short > 0:   # a ragged row ends inside the merged range: the range's cells count too
                    budget -= short
                    if budget < 0:
                        raise _too_big(p.name, f"单元格超过 {limits.MAX_CELLS} 个")
                    rows[r].extend([None] * short)
                for c in range(c1, c2 + 1):
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
