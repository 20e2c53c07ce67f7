"""sifasuo stats: JSON, xlsx export and Chinese errors."""
import json

import openpyxl

from sifasuo_desktop.cli import main


def _init(tmp_path):
    d = tmp_path / "d"
    assert main(["init", "--data-dir", str(d), "--role", "township", "--org-name", "示范镇司法所",
                 "--org-code", "379901101000"]) == 0
    return d


def test_stats_json_and_xlsx(tmp_path, capsys):
    d = _init(tmp_path)
    from sifasuo_desktop.store import Store

    with Store.open(d) as s:
        b = s.insert("bodies", {"name": "示范镇人民政府"})
        s.insert("cases", {"case_no": "1", "case_type": "行政处罚(一般程序)", "body_id": b["id"],
                           "decision_date": "2025-03-03", "penalty_kinds": "罚款、吊销许可证件", "fine_amount": 5000})
    capsys.readouterr()
    out = tmp_path / "年报.xlsx"
    assert main(["stats", "--data-dir", str(d), "--kind", "annual", "--year", "2025", "--json",
                 "--xlsx", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    t1 = data["tables"][0]
    assert t1["title"] == "表1 行政处罚实施情况"
    assert t1["rows"][0][t1["columns"].index("吊销许可证件")] == 1
    assert t1["rows"][0][t1["columns"].index("罚没金额(元)")] == 5000
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["表1", "表2"] and len(wb.sheetnames) == 12 and "表1附" in wb.sheetnames
    ws = wb["表1"]
    assert ws["A1"].value == "表1 行政处罚实施情况" and ws["E4"].value == 1


def test_stats_errors(tmp_path, capsys):
    d = _init(tmp_path)
    capsys.readouterr()
    assert main(["stats", "--data-dir", str(d), "--kind", "monthly", "--year", "2025"]) == 1
    assert "需要指定月份" in capsys.readouterr().err
    assert main(["stats", "--data-dir", str(d), "--kind", "annual", "--year", "2025", "--month", "3"]) == 1
    assert "不需要" in capsys.readouterr().err
    assert main(["stats", "--data-dir", str(d), "--kind", "quarterly", "--year", "2025", "--quarter", "2",
                 "--xlsx", str(tmp_path / "x.csv")]) == 1
    assert ".xlsx" in capsys.readouterr().err
    assert main(["stats", "--data-dir", str(tmp_path / "none"), "--kind", "annual", "--year", "2025"]) == 1
