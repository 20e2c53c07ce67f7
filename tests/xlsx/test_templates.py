import openpyxl

from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.store.import_apply import apply_plan
from sifasuo_desktop.xlsx.headers import IMPORTABLE
from sifasuo_desktop.xlsx.planner import plan_import
from sifasuo_desktop.xlsx.templates import build_template, template_name, template_path


def test_shipped_templates_exist():
    for key in ("officers", "trainings", "powers", "cases", "inspections", "problems"):
        assert template_path(key) is not None, key


def test_template_detects_its_ledger_and_skips_example(store, tmp_path):
    for key in IMPORTABLE:
        if key == "bodies":
            continue
        p = build_template(key, tmp_path / template_name(key))
        wb = openpyxl.load_workbook(p)
        assert wb.sheetnames == [LEDGERS[key].title.replace("/", "_"), "填写说明"]
        plan = plan_import(store, p)
        assert [s.detection.ledger for s in plan.sheets] == [key]
        assert plan.summary()["rows_read"] == 0 and plan.errors == []


def test_filled_template_imports(store, tmp_path):
    p = build_template("cases", tmp_path / "c.xlsx")
    wb = openpyxl.load_workbook(p)
    ws = wb.worksheets[0]
    example = [c.value for c in ws[4]]
    example[0] = example[0].replace("【示例】", "")
    ws.append(example)
    wb.save(p)
    plan = plan_import(store, p)
    assert plan.errors == []
    s = apply_plan(store, plan)
    assert s["created"] == 1
    case = store.rows("cases")[0]
    assert (case["case_no"], case["fine_amount"], case["decision_date"]) == ("示综罚〔2025〕1号", 2000.0, "2025-04-01")


def test_shipped_templates_match_ledger_metadata(tmp_path):
    """Regenerate with `python -m sifasuo_desktop.xlsx.templates` when ledgers.py changes."""
    for key in IMPORTABLE:
        if key == "bodies":
            continue
        shipped = openpyxl.load_workbook(template_path(key)).worksheets[0]
        fresh = openpyxl.load_workbook(build_template(key, tmp_path / f"{key}.xlsx")).worksheets[0]
        assert [c.value for c in shipped[3]] == [c.value for c in fresh[3]], key
