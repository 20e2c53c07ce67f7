"""Excel 97-2003 (.xls) files get the same caps as .xlsx (issue 11 item 12): one far cell must not build a dense
16-million-cell grid, and an oversized file is refused in Chinese before xlrd reads it."""
import pytest

from sifasuo_desktop.domain import limits
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.xlsx.reader import load_grids

xlwt = pytest.importorskip("xlwt")


def _xls(path, cells, merges=()):
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("执法人员")
    for r, c, v in cells:
        ws.write(r, c, v)
    for r1, r2, c1, c2, v in merges:
        ws.write_merge(r1, r2, c1, c2, v)
    wb.save(str(path))
    return path


def test_one_far_cell_keeps_the_grid_sparse(tmp_path):
    f = _xls(tmp_path / "far.xls", [(0, 0, "姓名"), (1, 0, "张三"), (65535, 255, "x")])
    g = load_grids(f)[0]
    assert len(g.rows) == 65536 and g.rows[1][0] == "张三" and g.rows[65535][255] == "x"
    assert sum(len(r) for r in g.rows) < 1000   # dense, this was 16,777,216 cells (≈ 130 MB of list slots)


def test_merged_header_is_still_filled(tmp_path):
    f = _xls(tmp_path / "m.xls", [(1, 0, "姓名"), (1, 3, "执法证号"), (2, 0, "孙七")], merges=[(0, 0, 0, 4, "台账")])
    g = load_grids(f)[0]
    assert g.rows[0][:5] == ["台账"] * 5 and g.rows[2][0] == "孙七"


def test_cell_budget_and_file_size_are_enforced(tmp_path, monkeypatch):
    f = _xls(tmp_path / "many.xls", [(r, c, r * c) for r in range(50) for c in range(20)])
    monkeypatch.setattr(limits, "MAX_CELLS", 500)
    with pytest.raises(UserError, match="单元格超过 500 个"):
        load_grids(f)
    monkeypatch.setattr(limits, "MAX_CELLS", 2_000_000)
    monkeypatch.setattr(limits, "MAX_XLS_BYTES", 1024)
    with pytest.raises(UserError, match=r"旧版 \.xls 文件.*超出本程序允许的范围"):
        load_grids(f)
