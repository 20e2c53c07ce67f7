"""典型案例/指导案例: mark with a summary, list, export — through the CLI; a mark without a summary is refused."""
import json

import openpyxl
import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.errors import ValidationError
from sifasuo_desktop.domain.ledgers import LEDGERS, normalize
from sifasuo_desktop.store import Store


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "d"
    with Store.open(d) as s:
        s.init_org("township", "测试镇司法所", "T0001", "C0001")
        b = s.insert("bodies", {"name": "甲镇人民政府"})["id"]
        for no, day in (("测〔2025〕1号", "2025-03-01"), ("测〔2025〕2号", "2025-06-01"), ("测〔2024〕9号", "2024-06-01")):
            s.insert("cases", {"case_no": no, "case_type": "行政处罚(一般程序)", "body_id": b, "decision_date": day,
                               "cause": "占道经营", "outcome": "首违不罚"})
    return str(d)


def test_mark_list_export_and_unmark(data_dir, capsys, tmp_path):
    assert main(["cases", "mark", "测〔2025〕1号", "--kind", "典型案例", "--summary", "首违不罚说理充分",
                 "--data-dir", data_dir]) == 0
    assert main(["cases", "mark", "测〔2024〕9号", "--kind", "指导案例", "--summary", "裁量基准适用规范",
                 "--data-dir", data_dir]) == 0
    capsys.readouterr()
    assert main(["cases", "mark", "测〔2025〕2号", "--kind", "典型案例", "--data-dir", data_dir]) == 1
    assert "须填写案例摘要" in capsys.readouterr().err
    assert main(["cases", "mark", "不存在", "--kind", "典型案例", "--summary", "x", "--data-dir", data_dir]) == 1
    assert "找不到案号" in capsys.readouterr().err

    out = tmp_path / "案例.xlsx"
    assert main(["cases", "exemplary", "--data-dir", data_dir, "--json", "--xlsx", str(out)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["case_no"], r["exemplary_kind"], r["body"]) for r in rows] == [
        ("测〔2025〕1号", "典型案例", "甲镇人民政府"), ("测〔2024〕9号", "指导案例", "甲镇人民政府")]
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row if c]
    assert "首违不罚说理充分" in cells and "裁量基准适用规范" in cells and "案例摘要" in cells
    assert main(["cases", "exemplary", "--data-dir", data_dir, "--json", "--kind", "指导案例"]) == 0
    assert [r["case_no"] for r in json.loads(capsys.readouterr().out)] == ["测〔2024〕9号"]
    assert main(["cases", "exemplary", "--data-dir", data_dir, "--json", "--year", "2025"]) == 0
    assert [r["case_no"] for r in json.loads(capsys.readouterr().out)] == ["测〔2025〕1号"]

    assert main(["cases", "mark", "测〔2025〕1号", "--kind", "取消", "--data-dir", data_dir]) == 0
    with Store.open(data_dir) as s:
        row = s.rows("cases", "case_no = ?", ("测〔2025〕1号",))[0]
        assert row["exemplary_kind"] is None and row["exemplary_summary"] is None
        # the mark is written like any edit: audit trail kept
        assert s.conn.execute("SELECT count(*) FROM audit_log WHERE record_id = ?", (row["id"],)).fetchone()[0] >= 3


def test_form_values_need_a_summary_with_the_mark():
    led = LEDGERS["cases"]
    base = {"case_no": "1", "case_type": "一般程序"}
    with pytest.raises(ValidationError) as exc:
        normalize(led, {**base, "exemplary_kind": "典型案例", "exemplary_summary": "  "})
    assert "案例摘要" in exc.value.errors
    ok = normalize(led, {**base, "exemplary_kind": "典型案例", "exemplary_summary": "摘要"})
    assert ok["exemplary_kind"] == "典型案例" and ok["case_type"] == "行政处罚(一般程序)"
    moved = normalize(led, {**base, "penalty_kinds": "首违不罚"})
    assert moved["outcome"] == "首违不罚" and moved["penalty_kinds"] is None
    kept = normalize(led, {**base, "penalty_kinds": "不予处罚、警告", "outcome": "从轻处罚"})
    assert kept["outcome"] == "从轻处罚" and kept["penalty_kinds"] == "警告"
