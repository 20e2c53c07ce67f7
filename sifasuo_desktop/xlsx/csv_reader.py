"""Read a .csv export (online platforms, the 12345 system) into the same SheetGrid the workbook reader gives.

Platforms export CSV in GB18030/GBK (Excel's default "CSV" on a Chinese Windows), sometimes UTF-8 with or
without a BOM. The encoding is decided from the bytes: a BOM wins; otherwise text that decodes as UTF-8 is
UTF-8, and anything else is GB18030 (a superset of GBK and GB2312 that decodes every byte sequence those
produce). The delimiter (`,` `;` or tab) is the one that splits the first lines into the most consistent
number of columns (`csv.Sniffer`, with a counting fallback). Values stay text: the ledger's value parsers
read dates, amounts and check marks exactly as they do for cells typed as text in Excel.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
from pathlib import Path

from sifasuo_desktop.domain import limits
from sifasuo_desktop.domain.errors import UserError

log = logging.getLogger(__name__)

DELIMITERS = ",;\t"
SNIFF_BYTES = 64 * 1024
MAX_BYTES = limits.MAX_CSV_BYTES   # refuse what is clearly not a platform export
MAX_CELL_CHARS = limits.MAX_CELL_CHARS


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name shown to the user) for the bytes of a CSV file."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "UTF-8（带BOM）"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    return data.decode("gb18030", errors="replace"), "GB18030/GBK"


def sniff_delimiter(sample: str) -> str:
    lines = [ln for ln in sample.splitlines()[:30] if ln.strip()]
    if not lines:
        return ","
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS)
        if dialect.delimiter in DELIMITERS:
            return dialect.delimiter
    except csv.Error:
        pass
    # fallback: the delimiter occurring most often on the most lines (quoted text is rare in headers)
    best, best_score = ",", -1
    for d in DELIMITERS:
        counts = [ln.count(d) for ln in lines]
        score = sum(1 for c in counts if c) * 1000 + sum(counts)
        if score > best_score:
            best, best_score = d, score
    return best


def load_csv(path: Path):
    """The file as one SheetGrid named after the file. Raises UserError (Chinese) on unreadable files."""
    from .reader import SheetGrid, _trimmed

    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise UserError(f"“{p.name}”有 {size // (1024 * 1024)} MB，超过可导入的上限"
                            f"（{MAX_BYTES // (1024 * 1024)} MB）；请按年度或单位拆分后再导入。")
        data = p.read_bytes()
    except OSError as exc:
        log.warning("cannot read %s: %r", p, exc)
        from sifasuo_desktop.domain.errors import os_error_text
        raise UserError(f"无法打开“{p.name}”：{os_error_text(exc)}。") from None
    if b"\x00" in data[:SNIFF_BYTES] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UserError(f"“{p.name}”不是文本格式的 CSV 文件（含二进制内容），请确认导出格式后再导入。")
    text, encoding = decode_bytes(data)
    delimiter = sniff_delimiter(text[:SNIFF_BYTES])
    rows: list[list] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for row in reader:
            for cell in row:
                if len(cell) > MAX_CELL_CHARS:
                    raise UserError(f"“{p.name}”第 {reader.line_num} 行有一个单元格超过 {MAX_CELL_CHARS} 个字符，"
                                    "不像台账数据，未导入。")
            rows.append([c.strip() if c.strip() else None for c in row])
    except csv.Error as exc:
        log.warning("csv parse error in %s: %r", p, exc)
        raise UserError(f"“{p.name}”的 CSV 格式有误（第 {reader.line_num} 行引号不成对或换行有误），"
                        "请在 Excel/WPS 中打开检查后另存再导入。") from None
    grid = _trimmed(SheetGrid(p.stem, rows, []))
    grid.encoding = encoding          # shown in the import summary
    grid.delimiter = {",": "逗号", ";": "分号", "\t": "制表符"}[delimiter]
    log.info("csv %s: encoding %s, delimiter %r, %d rows", p.name, encoding, delimiter, len(rows))
    return [grid]
