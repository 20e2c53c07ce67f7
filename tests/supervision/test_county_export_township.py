"""The county's Excel exports lead with 乡镇 like its ledger lists (issue 16): CLI export-xlsx for every
ledger, the GUI 导出Excel of a ledger filtered by township; a township's export has no such column."""
import collections

import openpyxl
import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.xlsx.headers import IMPORTABLE


def _sheet(path):
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] in ("序号", "所属乡镇", "乡镇"))
    cols = list(rows[head])
    body = [r for r in rows[head + 1:] if any(v is not None for v in r[1:3])]
    return cols, body


@pytest.fixture(scope="module")
def county_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("county") / "c"
    assert main(["demo", "--data-dir", str(d), "--role", "county", "--cases", "60"]) == 0
    return d


def test_every_ledger_export_of_the_county_says_which_township(county_dir, tmp_path, capsys):
    seen = {}
    for key in IMPORTABLE:
        out = tmp_path / f"{key}.xlsx"
        assert main(["export-xlsx", "--data-dir", str(county_dir), "--ledger", LEDGERS[key].title,
                     "--out", str(out)]) == 0, key
        cols, body = _sheet(out)
        label = "所属乡镇" if key in ("supervision_plans", "powers") else "乡镇"
        assert label in cols[:2], (key, cols[:4])
        assert cols.count(label) == 1, (key, cols)
        i = cols.index(label)
        seen[key] = collections.Counter(r[i] for r in body)
    # ledgers the demo fills for each township: every row names its township, all three present
    for key in ("cases", "officers", "bodies", "inspections", "problems", "powers"):
        assert {"青石镇", "柳河乡", "东湖镇"} <= set(seen[key]), (key, seen[key])
        assert None not in seen[key], key
    # the county's same-named body is one row per township, each saying which
    cols, body = _sheet(tmp_path / "bodies.xlsx")
    name = cols.index("主体名称") if "主体名称" in cols else cols.index("名称")
    city = sorted(r[cols.index("乡镇")] for r in body if r[name] == "示范县城市管理局")
    assert city == sorted(["青石镇", "柳河乡", "东湖镇"])


def test_a_township_export_has_no_township_column(tmp_path, capsys):
    d = tmp_path / "t"
    assert main(["demo", "--data-dir", str(d), "--cases", "20"]) == 0
    out = tmp_path / "cases.xlsx"
    assert main(["export-xlsx", "--data-dir", str(d), "--ledger", "执法案件", "--out", str(out)]) == 0
    cols, _ = _sheet(out)
    assert "乡镇" not in cols and "所属乡镇" not in cols


def test_gui_export_of_a_township_filtered_county_ledger(qtbot, county_dir, tmp_path):
    from sifasuo_desktop.domain.permissions import SYSTEM
    from sifasuo_desktop.store import Store
    from sifasuo_desktop.ui.extensions_xlsx import export_current
    from sifasuo_desktop.ui.main_window import MainWindow

    s = Store.open(county_dir)
    s.actor = SYSTEM
    w = MainWindow(s, SYSTEM)
    qtbot.addWidget(w)
    w.show()
    try:
        view = w.ledger_view("cases")
        w.show_page("cases")
        view.ensure_loaded()
        box = view.township_box
        names = [box.itemText(i) for i in range(box.count())]
        i = names.index("柳河乡")
        total = view.model.rowCount()
        box.setCurrentIndex(i)
        code = box.itemData(i)
        expected = s.count("cases", "owner_org = ?", (code,))
        qtbot.waitUntil(lambda: view.model.rowCount() == expected, timeout=3000)
        assert 0 < expected < total
        out = export_current(w, out=str(tmp_path / "filtered.xlsx"), full_personal=False)
        assert out is not None
        cols, body = _sheet(out)
        assert cols[:2] == ["序号", "乡镇"]
        assert len(body) == expected and {r[1] for r in body} == {"柳河乡"}
        text = " ".join(str(v) for r in openpyxl.load_workbook(out).active.iter_rows(values_only=True)
                        for v in r if v)
        assert "乡镇“柳河乡”" in text
    finally:
        w.close()
        s.close()


@pytest.mark.parametrize("title", ["赋权事项", "年度监督计划", "执法案件", "执法主体", "执法人员"])
def test_the_county_export_imports_back_unchanged(county_dir, tmp_path, capsys, title):
    """The leading 乡镇 column never takes a field's place on import (赋权事项: 乡镇 is a name of 承接主体, so the
    column is 所属乡镇 there): a dry-run re-import of the county's own export changes nothing."""
    import json

    out = tmp_path / "rt.xlsx"
    assert main(["export-xlsx", "--data-dir", str(county_dir), "--ledger", title, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["import-xlsx", str(out), "--data-dir", str(county_dir), "--ledger", title, "--dry-run",
                 "--json"]) == 0
    d = json.JSONDecoder().raw_decode(capsys.readouterr().out)[0]
    assert d["rows_read"] > 0 and d["unchanged"] == d["rows_read"], d
    assert d["created"] == d["updated"] == d["rejected"] == 0 and not d["errors"]
