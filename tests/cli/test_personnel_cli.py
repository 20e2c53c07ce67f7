"""`sifasuo personnel ...`: statistics, 年审汇总表 (.xlsx), exam targets, an officer's record, recording events."""
import json

import openpyxl
import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.store import Store
from sifasuo_desktop.store.cert_events import record_event


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "d"
    with Store.open(d) as s:
        s.init_org("township", "示范镇司法所", "T01", "C01")
        gov = s.insert("bodies", {"name": "示范镇人民政府", "township": "示范镇", "status": "有效"})
        squad = s.insert("bodies", {"name": "示范镇综合行政执法队", "township": "示范镇", "status": "有效"})
        a = s.insert("officers", {"name": "张三", "body_id": gov["id"], "cert_no": "A1", "cert_status": "有效",
                                  "cert_issued": "2022-01-01", "cert_expiry": "2030-01-01", "duty_status": "在岗"})
        b = s.insert("officers", {"name": "李四", "body_id": gov["id"], "cert_no": "A2", "cert_status": "有效",
                                  "cert_issued": "2022-01-01", "cert_expiry": "2030-01-01", "duty_status": "在岗"})
        s.insert("officers", {"name": "王五", "body_id": squad["id"], "duty_status": "在岗"})  # no certificate
        record_event(s, {"officer_id": a["id"], "event_type": "审验", "event_date": "2026-02-01", "review_year": 2025,
                         "result": "合格", "doc_no": "示司审〔2026〕1号"})
        record_event(s, {"officer_id": b["id"], "event_type": "离岗", "event_date": "2025-04-01", "reason": "病假"})
        record_event(s, {"officer_id": b["id"], "event_type": "返岗", "event_date": "2025-10-01", "result": "合格"})
        for name, oid, cat, h in (("张三", a["id"], "公共法律知识", 30), ("张三", a["id"], "业务知识", 40),
                                  ("李四", b["id"], "公共法律知识", 10)):
            s.insert("trainings", {"officer_name": name, "officer_id": oid, "training_date": "2025-05-01",
                                   "title": "培训", "category": cat, "hours": h})
        batch = s.insert("exam_batches", {"name": "2025年闭卷考试", "exam_date": "2025-11-01", "year": 2025,
                                          "pass_mark": 60})
        s.insert("exam_scores", {"batch_id": batch["id"], "officer_id": a["id"], "officer_name": "张三", "score": 88})
    return str(d)


def _json(capsys, *argv):
    capsys.readouterr()
    assert main(list(argv)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_stats_per_body_and_township(data_dir, capsys):
    assert main(["rules", "set", "RY-10", "public_law_hours=20", "business_hours=40", "--data-dir", data_dir]) == 0
    out = _json(capsys, "personnel", "stats", "--year", "2025", "--today", "2026-04-01", "--json", "--data-dir", data_dir)
    t = out["tables"][0]
    rows = {r[0]: dict(zip(t["columns"], r)) for r in t["rows"]}
    gov = rows["示范镇人民政府"]
    assert (gov["执法岗位人数"], gov["持有效证人数"], gov["持证率"]) == (2, 2, "100.0%")
    assert (gov["应年审"], gov["年审合格"], gov["年审完成率"]) == (2, 1, "50.0%")
    assert gov["公共法律知识达标率（≥20学时）"] == "50.0%" and gov["业务+技能达标率（≥40学时）"] == "50.0%"
    assert (gov["本年离岗"], gov["本年返岗"]) == (1, 1)
    assert rows["示范镇综合行政执法队"]["持证率"] == "0.0%"
    assert rows["示范镇小计"]["执法岗位人数"] == 3 and rows["合计"]["持证率"] == "66.7%"
    exams = out["tables"][1]
    assert exams["rows"][0][:5] == [2025, 1, 2, 1, "50.0%"] and exams["rows"][0][5] == "未设定"


def test_exam_target_and_sampling(data_dir, capsys):
    assert main(["personnel", "exam-target", "--year", "2025", "--percent", "30", "--data-dir", data_dir]) == 0
    assert main(["personnel", "exam-target", "--year", "2026", "--percent", "100", "--data-dir", data_dir]) == 0
    out = _json(capsys, "personnel", "stats", "--year", "2025", "--today", "2026-04-01", "--json", "--data-dir", data_dir)
    rows = {r[0]: r for r in out["tables"][1]["rows"]}
    assert rows[2025][5:7] == ["30%", "达标"] and rows[2026][3] == 0 and rows[2026][6] == "未达标"
    assert main(["personnel", "exam-target", "--year", "2025", "--percent", "120", "--data-dir", data_dir]) == 1
    assert "0到100" in capsys.readouterr().err


def test_review_summary_xlsx(data_dir, tmp_path, capsys):
    out_file = tmp_path / "年审汇总.xlsx"
    out = _json(capsys, "personnel", "review-summary", "--year", "2025", "--json", "--xlsx", str(out_file),
                "--data-dir", data_dir)
    t = out["tables"][0]
    rows = {r[1]: dict(zip(t["columns"], r)) for r in t["rows"]}
    assert set(rows) == {"张三", "李四"}
    assert (rows["张三"]["审验结果"], rows["张三"]["审验文号"], rows["张三"]["年度培训学时"]) == ("合格", "示司审〔2026〕1号", 70)
    assert rows["李四"]["审验结果"] == "未审验"
    assert "审验合格1人" in t["notes"][0]
    ws = openpyxl.load_workbook(out_file).worksheets[0]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "张三" in values and "示司审〔2026〕1号" in values
    assert main(["personnel", "review-summary", "--year", "2025", "--xlsx", "x.csv", "--data-dir", data_dir]) == 1


def test_show_and_event(data_dir, capsys):
    out = _json(capsys, "personnel", "show", "李四", "--json", "--data-dir", data_dir)
    assert [i["type"] for i in out["timeline"]] == ["离岗", "返岗"] and out["hours"]["2025"]["公共法律知识"] == 10
    assert main(["personnel", "event", "李四", "--type", "注销", "--date", "2026-01-05", "--reason", "调离",
                 "--data-dir", data_dir]) == 0
    assert "当前证件状态：注销" in capsys.readouterr().out
    assert main(["personnel", "event", "李四", "--type", "作废", "--date", "2026-01-05", "--data-dir", data_dir]) == 1
    assert "不是可选值" in capsys.readouterr().err
    assert main(["personnel", "event", "李四", "--type", "审验", "--date", "2026-01-05", "--data-dir", data_dir]) == 1
    assert "--review-year" in capsys.readouterr().err
    assert main(["personnel", "show", "无此人", "--data-dir", data_dir]) == 1
    assert "没有“无此人”" in capsys.readouterr().err
    with Store.open(data_dir) as s:
        assert s.count("cert_events") == 4
