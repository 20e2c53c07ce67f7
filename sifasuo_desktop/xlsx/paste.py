"""Rows pasted from Excel/WPS (the clipboard's tab-separated text) as a table the importer reads, so a paste
gets the same header mapping, validation and preview as an imported file (issue 18)."""
from __future__ import annotations

import csv
import io

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import LEDGERS

from .headers import match_header

MAX_PASTE_ROWS = 5000
NO_TABLE = "剪贴板中没有表格数据：请先在Excel或WPS中选中要粘贴的行（可连同表头一起）并复制（Ctrl+C）。"


def clipboard_rows(text: str) -> list[list[str]]:
    """Excel's clipboard text: tab-separated, quoted cells may hold line breaks; blank rows dropped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text), delimiter="\t")]
    return [r for r in rows if any(c for c in r)]


def has_header(ledger_key: str, row: list[str]) -> bool:
    """The first pasted row names ledger fields (2 of them, or its only cell)."""
    ledger = LEDGERS[ledger_key]
    hits = sum(1 for c in row if c and match_header(ledger, c))
    return hits >= min(2, len([c for c in row if c]))


def pasted_table(text: str, ledger_key: str, column_labels: list[str]) -> str:
    """Tab-separated text with a header row. Without one, the pasted columns are taken to line up with
    `column_labels` (the ledger's columns as shown on screen, left to right)."""
    rows = clipboard_rows(text)
    if not rows or ("\t" not in text and len(rows) == 1):   # one word copied, not rows of a sheet
        raise UserError(NO_TABLE)
    if len(rows) > MAX_PASTE_ROWS:
        raise UserError(f"一次最多粘贴 {MAX_PASTE_ROWS} 行（剪贴板中有 {len(rows)} 行）；更多的行请保存为Excel文件后导入。")
    if not has_header(ledger_key, rows[0]):
        width = max(len(r) for r in rows)
        if width > len(column_labels):
            raise UserError(f"粘贴的数据有 {width} 列，而台账只显示 {len(column_labels)} 列，无法对应。"
                            "请连同Excel的表头一起复制，或先按台账的列顺序整理。")
        rows.insert(0, list(column_labels[:width]))
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\n").writerows(rows)
    return out.getvalue()
