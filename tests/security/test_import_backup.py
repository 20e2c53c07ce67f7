"""A spreadsheet import keeps a backup of the state before it."""
import sqlite3

import openpyxl

from sifasuo_desktop.store.import_apply import apply_plan
from sifasuo_desktop.xlsx.planner import plan_import


def test_xlsx_import_takes_a_backup_first(store, tmp_path):
    store.insert("bodies", {"name": "导入前已有的单位"})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "执法主体"
    ws.append(["主体名称", "主体类型", "联系电话"])
    ws.append(["县市场监督管理局", "县直部门", "0530-1234567"])
    ws.append(["示范镇综合行政执法队", "乡镇政府", "0530-7654321"])
    path = tmp_path / "bodies.xlsx"
    wb.save(path)
    plan = plan_import(store, path, ledger="bodies")
    assert not plan.errors, plan.errors
    apply_plan(store, plan)
    assert store.count("bodies") == 3
    backups = list((store.data_dir / "backups").glob("pre-xlsx-import-*.sqlite3"))
    assert len(backups) == 1
    conn = sqlite3.connect(backups[0])
    names = {r[0] for r in conn.execute("SELECT name FROM bodies")}
    conn.close()
    assert names == {"导入前已有的单位"}  # the state before the import
