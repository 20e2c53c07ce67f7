"""Issue 12: a 自然人's 身份证号 is its own IDNO column (validated, masked in exports and packages), never the
统一社会信用代码 field."""
import json

import openpyxl

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.validators import make_id_number, make_uscc
from sifasuo_desktop.sync import policy

PID = make_id_number("11010519491231002")
USCC = make_uscc("91379901MA3C00001")


def test_person_id_typed_as_credit_code_moves_to_party_id(store):
    row = store.insert("cases", {"case_no": "测罚〔2026〕1号", "case_type": "行政处罚(简易程序)", "party": "张三",
                                 "party_type": "自然人", "party_code": PID})
    assert row["party_code"] is None and row["party_id_number"] == PID
    org = store.insert("cases", {"case_no": "测罚〔2026〕2号", "case_type": "行政处罚(简易程序)", "party": "某公司",
                                 "party_type": "法人", "party_code": USCC})
    assert org["party_code"] == USCC and not org.get("party_id_number")
    store.bulk_insert("cases", [{"case_no": "测罚〔2026〕3号", "case_type": "行政处罚(简易程序)",
                                 "party_type": "自然人", "party_code": PID}])
    bulk = store.rows("cases", "case_no = ?", ("测罚〔2026〕3号",))[0]
    assert bulk["party_code"] is None and bulk["party_id_number"] == PID
    # travels up masked (only officers.id_number goes in full by default)
    out = policy.outgoing_row("cases", row, policy.DEFAULT_FULL_PERSONAL)
    assert out["party_id_number"] != PID and out["party_id_number"].endswith(PID[-4:])


def test_import_and_default_export_never_show_the_full_id(store, tmp_path, capsys):
    src = tmp_path / "cases.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["案号", "案件类型", "当事人", "当事人类型", "身份证号", "立案日期"])
    ws.append(["测罚〔2026〕9号", "行政处罚(简易程序)", "李四", "自然人", PID, "2026-03-01"])
    wb.save(src)
    data = store.data_dir
    store.close()
    code = main(["import-xlsx", str(src), "--data-dir", str(data), "--ledger", "执法案件", "--json"])
    out = capsys.readouterr().out
    assert code == 0 and json.loads(out)["created"] == 1, out
    from sifasuo_desktop.store import Store

    with Store.open(data) as s:
        r = s.rows("cases", "case_no = ?", ("测罚〔2026〕9号",))[0]
        assert r["party_id_number"] == PID and not r["party_code"]
    dst = tmp_path / "out.xlsx"
    assert main(["export-xlsx", "--data-dir", str(data), "--ledger", "执法案件", "--out", str(dst)]) == 0
    cells = [str(c.value) for row in openpyxl.load_workbook(dst).active.iter_rows() for c in row if c.value]
    assert PID not in cells
