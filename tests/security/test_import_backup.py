"""A spreadsheet import keeps a backup of the state before it: the CLI and the GUI take it (the store's
apply_plan writes records only, it does not reach into security/)."""
import sqlite3

import openpyxl

from sifasuo_desktop.cli import main
from sifasuo_desktop.store.import_apply import apply_plan
from sifasuo_desktop.xlsx.planner import plan_import


def _bodies_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "执法主体"
    ws.append(["主体名称", "主体类型", "联系电话"])
    ws.append(["县市场监督管理局", "县直部门", "0530-1234567"])
    ws.append(["示范镇综合行政执法队", "乡镇政府", "0530-7654321"])
    path = tmp_path / "bodies.xlsx"
    wb.save(path)
    return path


def _backups(data_dir):
    return sorted((data_dir / "backups").glob("pre-xlsx-import-*.sqlite3"))


def test_cli_import_takes_a_backup_first(store, tmp_path):
    store.insert("bodies", {"name": "导入前已有的单位"})
    data_dir = store.data_dir
    store.close()
    assert main(["import-xlsx", str(_bodies_sheet(tmp_path)), "--data-dir", str(data_dir), "--ledger", "执法主体"]) == 0
    backups = _backups(data_dir)
    assert len(backups) == 1
    conn = sqlite3.connect(backups[0])
    names = {r[0] for r in conn.execute("SELECT name FROM bodies")}
    conn.close()
    assert names == {"导入前已有的单位"}  # the state before the import


def test_cli_dry_run_and_refused_file_take_no_backup(store, tmp_path):
    data_dir = store.data_dir
    store.close()
    sheet = _bodies_sheet(tmp_path)
    assert main(["import-xlsx", str(sheet), "--data-dir", str(data_dir), "--ledger", "执法主体", "--dry-run"]) == 0
    bad = tmp_path / "bad.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["与任何台账都无关的列"])
    wb.active.append(["x"])
    wb.save(bad)
    assert main(["import-xlsx", str(bad), "--data-dir", str(data_dir), "--ledger", "执法主体"]) == 1
    assert _backups(data_dir) == []


def test_store_apply_plan_writes_records_only(store, tmp_path):
    plan = plan_import(store, _bodies_sheet(tmp_path), ledger="bodies")
    assert not plan.errors, plan.errors
    apply_plan(store, plan)
    assert store.count("bodies") == 2
    assert _backups(store.data_dir) == []
