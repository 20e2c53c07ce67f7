"""The streamed (write-only) table sheet writes the same cells as the normal one: values, types, number formats,
fonts, borders, alignment, the formula guard, merges, widths and print setup (issue 19: export-xlsx of 100,000
cases streams its rows)."""
import datetime as dt

import openpyxl
import pytest

from sifasuo_desktop.xlsx import writer as W

COLUMNS = [W.Column("序号", W.INT, 6), W.Column("案号"), W.Column("立案日期", W.DATE), W.Column("罚款金额", W.MONEY),
           W.Column("比例", W.FLOAT), W.Column("案情", W.LONGTEXT)]
ROWS = [
    [1, "示综罚〔2026〕1号", "2026-03-05", 1234.5, 0.25, "擅自燃放烟花爆竹"],
    [2, "=HYPERLINK(\"http://evil.example\",\"点\")", dt.date(2026, 1, 2), "待定", None, "  前后有空格  "],
    [3, None, "不是日期", -2, 3, "+1+cmd|' /C calc'!A0"],
    [4, "@SUM(1,1)", None, None, "n/a", "\t=1+1"],
]


def _write(tmp_path, write_only: bool):
    wb = W.new_workbook(write_only=write_only)
    W.add_table_sheet(wb, "2026年执法案件台账", COLUMNS, iter(ROWS), org_name="示范镇司法所",
                      report_date=dt.date(2026, 12, 3), sheet_name="执法案件", notes=["注：身份证号已脱敏。"])
    return W.save(wb, tmp_path / f"t-{write_only}.xlsx")


def _cells(path):
    ws = openpyxl.load_workbook(path).active
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            out[c.coordinate] = (c.value, c.data_type, c.number_format, c.font.b, c.font.sz, c.font.name,
                                 c.border.left.style, c.alignment.horizontal, c.alignment.wrap_text, c.quotePrefix,
                                 c.fill.fgColor.rgb if c.fill.fill_type else None)
    return ws, out


def test_streamed_sheet_equals_the_normal_sheet(tmp_path):
    ws_a, normal = _cells(_write(tmp_path, False))
    ws_b, streamed = _cells(_write(tmp_path, True))
    assert streamed == normal
    assert {str(r) for r in ws_b.merged_cells.ranges} == {str(r) for r in ws_a.merged_cells.ranges}
    for col in "ABCDEF":
        assert ws_b.column_dimensions[col].width == ws_a.column_dimensions[col].width
    assert ws_b.freeze_panes == ws_a.freeze_panes == "A4"
    assert ws_b.print_title_rows == ws_a.print_title_rows
    assert ws_b.page_setup.orientation == "landscape" and ws_b.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert ws_b.row_dimensions[1].height == 32


def test_streamed_sheet_values_and_formula_guard(tmp_path):
    ws, cells = _cells(_write(tmp_path, True))
    assert cells["C4"][0] == dt.datetime(2026, 3, 5) and cells["C4"][2] == "yyyy-mm-dd"
    assert cells["D4"][0] == 1234.5 and cells["D4"][2] == "#,##0.00"
    assert cells["D5"][0] == "待定" and cells["D5"][2] == "General"        # text in a number column
    assert cells["F5"][0] == "  前后有空格  "                                # spaces kept
    for ref in ("B5", "F6", "B7", "F7"):
        assert cells[ref][1] == "s" and cells[ref][9] is True, ref       # never a live formula
    assert cells["A9"][0] == "注：身份证号已脱敏。"


def test_streamed_sheet_refuses_what_a_worksheet_cannot_hold(tmp_path):
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = W.new_workbook(write_only=True)
    with pytest.raises(IllegalCharacterError):
        W.add_table_sheet(wb, "t", COLUMNS, [[1, "控制\x01字符"]])


def test_streamed_sheet_widths_follow_the_first_rows_only(tmp_path, monkeypatch):
    monkeypatch.setattr(W, "WIDTH_ROWS", 2)
    rows = [[i, "短"] for i in range(5)] + [[9, "很长很长很长很长很长很长很长很长很长很长"]]
    wb = W.new_workbook(write_only=True)
    W.add_table_sheet(wb, "t", COLUMNS[:2], iter(rows))
    path = W.save(wb, tmp_path / "w.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws.max_row == 3 + len(rows) and ws["B9"].value == rows[-1][1]
    assert ws.column_dimensions["B"].width < 20


def test_refused_or_failed_streamed_export_prints_nothing_else(tmp_path):
    """A refused path or a value no worksheet holds: one Chinese line (or the exception), no 'Exception ignored'
    from half-written sheet streams on the way out."""
    import subprocess
    import sys

    code = f"""
import sys
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.xlsx import writer as W
cols = [W.Column("a"), W.Column("b")]
try:
    W.write_table("/dev/null", "t", cols, iter([["1", "2"]]))
except UserError as exc:
    print("refused", exc.message[:10])
try:
    W.write_table({str(tmp_path / "y.xlsx")!r}, "t", cols, iter([["1", "2"], ["控制\\x01", "x"]]))
except Exception as exc:
    print("failed", type(exc).__name__)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "refused" in r.stdout and "failed IllegalCharacterError" in r.stdout, r.stdout
    assert r.stderr == "", r.stderr
    assert not (tmp_path / "y.xlsx").exists()
