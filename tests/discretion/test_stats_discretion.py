"""包容审慎/复议/诉讼/移送/裁量阶次 statistics and the 年报 supplement, against a hand-computed example, through
`sifasuo stats --json` (and the stats page)."""
import json

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.store import Store

GEN, SIM = "行政处罚(一般程序)", "行政处罚(简易程序)"


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "d"
    with Store.open(d) as s:
        s.init_org("township", "测试镇司法所", "T0001", "C0001")
        a = s.insert("bodies", {"name": "甲镇人民政府", "status": "有效"})["id"]
        b = s.insert("bodies", {"name": "乙镇人民政府", "status": "有效"})["id"]
        rows = [
            (a, "1", GEN, "2025-02-01", "2025-03-01", dict(outcome="给予处罚", penalty_kinds="罚款", fine_amount=1000.0,
                                                         discretion_level="一般", reconsideration_result="维持",
                                                         closed_date="2025-03-20")),
            (a, "2", GEN, "2025-03-01", "2025-04-01", dict(outcome="不予处罚", discretion_level="轻微")),
            (a, "3", GEN, "2025-04-01", "2025-05-01", dict(outcome="首违不罚", reconsideration_result="撤销")),
            (a, "4", SIM, "2025-06-01", "2025-06-01", dict(outcome="从轻处罚", penalty_kinds="罚款", fine_amount=100.0,
                                                         discretion_level="一般", litigation_result="撤销")),
            (a, "5", GEN, "2025-06-01", "2025-07-01", dict(outcome="减轻处罚", penalty_kinds="罚款", fine_amount=500.0,
                                                         discretion_level="较重", litigation_result="驳回诉讼请求",
                                                         transfer="移送司法机关")),
            (a, "6", GEN, "2024-12-01", "2024-12-31", dict(outcome="不予处罚", closed_date="2025-01-10")),
            (a, "7", "行政许可", "2025-03-01", "2025-03-03", dict()),
            (b, "8", GEN, "2025-07-01", "2025-08-01", dict(outcome="给予处罚", penalty_kinds="罚款", fine_amount=20000.0,
                                                         discretion_level="严重", reconsideration_result="变更",
                                                         transfer="移送纪检监察")),
            (b, "9", GEN, "2025-09-01", None, dict(outcome="移送")),
            (b, "10", "其他", "2025-09-15", "2025-10-01", dict(outcome="不予处罚")),
        ]
        for body, no, ctype, filed, decided, extra in rows:
            vals = {"case_no": f"测〔2025〕{no}号", "body_id": body, "case_type": ctype, "filed_date": filed,
                    "decision_date": decided, **extra}
            s.insert("cases", {k: v for k, v in vals.items() if v is not None})
    return str(d)


def _stats(data_dir, capsys, *args):
    capsys.readouterr()
    assert main(["stats", "--data-dir", data_dir, "--json", *args]) == 0
    return {t["key"]: t for t in json.loads(capsys.readouterr().out)["tables"]}


def _rows(t):
    return {r[0]: dict(zip(t["columns"], r)) for r in t["rows"]}


def test_annual_discretion_tables_match_hand_count(data_dir, capsys):
    tables = _stats(data_dir, capsys, "--kind", "annual", "--year", "2025", "--as-of", "2026-01-20")
    out = _rows(tables["cf_outcomes"])
    assert out["甲镇人民政府"] == {"执法主体": "甲镇人民政府", "处罚类案件(件)": 5, "不予处罚(件)": 1, "不予处罚占比": "20.0%",
                                "首违不罚(件)": 1, "首违不罚占比": "20.0%", "从轻处罚(件)": 1, "从轻处罚占比": "20.0%",
                                "减轻处罚(件)": 1, "减轻处罚占比": "20.0%", "包容审慎合计(件)": 4, "包容审慎占比": "80.0%"}
    assert out["乙镇人民政府"]["处罚类案件(件)"] == 3 and out["乙镇人民政府"]["不予处罚占比"] == "33.3%"
    assert out["乙镇人民政府"]["首违不罚占比"] == "0.0%"
    total = out["合计"]
    assert (total["处罚类案件(件)"], total["不予处罚(件)"], total["不予处罚占比"], total["首违不罚占比"],
            total["包容审慎合计(件)"], total["包容审慎占比"]) == (8, 2, "25.0%", "12.5%", 5, "62.5%")

    rev = _rows(tables["cf_review"])
    assert [rev["甲镇人民政府"][k] for k in ("被行政复议(件)", "复议纠错(件)", "复议纠错率", "被行政诉讼(件)", "诉讼败诉(件)",
                                        "败诉率", "移送司法机关(件)", "移送合计(件)")] == [2, 1, "50.0%", 2, 1, "50.0%", 1, 1]
    assert [rev["乙镇人民政府"][k] for k in ("被行政复议(件)", "复议纠错率", "被行政诉讼(件)", "败诉率", "移送纪检监察(件)",
                                        "移送(未注明去向)(件)", "移送合计(件)")] == [1, "100.0%", 0, "—", 1, 1, 2]
    assert [rev["合计"][k] for k in ("被行政复议(件)", "复议纠错(件)", "复议纠错率", "败诉率", "移送合计(件)")] == \
        [3, 2, "66.7%", "50.0%", 3]

    lv = _rows(tables["cf_levels"])
    assert [lv["甲镇人民政府"][k] for k in ("轻微(件)", "一般(件)", "较重(件)", "严重(件)", "未记录阶次(件)")] == [1, 2, 1, 0, 1]
    assert [lv["乙镇人民政府"][k] for k in ("轻微(件)", "一般(件)", "较重(件)", "严重(件)", "未记录阶次(件)")] == [0, 0, 0, 1, 2]

    extra = tables["t1b_penalty_extra"]
    assert extra["title"].startswith("表1附") and len(extra["rows"]) == 1
    assert dict(zip(extra["columns"], extra["rows"][0])) == {
        "立案数量(件)": 8, "结案数量(件)": 2, "不予处罚(件)": 3, "其中首违不罚(件)": 1, "减轻处罚(件)": 1, "从轻处罚(件)": 1,
        "被行政复议数(件)": 3, "复议纠错数(件)": 2, "复议纠错率": "66.7%", "被行政诉讼数(件)": 2, "败诉数(件)": 1,
        "败诉率": "50.0%", "移送司法机关数(件)": 1}
    # 不予处罚/首违不罚 decisions have no 处罚种类 and are not reported as "missing" in 表1
    assert not any("另有" in n for n in tables["t1_penalty"]["notes"])


def test_quarterly_report_carries_the_discretion_tables(data_dir, capsys, tmp_path):
    out_file = tmp_path / "q3.xlsx"
    tables = _stats(data_dir, capsys, "--kind", "quarterly", "--year", "2025", "--quarter", "3", "--as-of",
                    "2025-10-10", "--xlsx", str(out_file))
    assert list(tables)[0] == "summary_quarterly" and {"cf_outcomes", "cf_review", "cf_levels"} <= set(tables)
    q3 = _rows(tables["cf_outcomes"])
    # Q3: 甲镇 case 5 (07-01), 乙镇 case 8 (08-01) and case 9 (filed 09-01, undecided); case 10 is in Q4
    assert q3["甲镇人民政府"]["处罚类案件(件)"] == 1 and q3["甲镇人民政府"]["减轻处罚占比"] == "100.0%"
    assert q3["乙镇人民政府"]["处罚类案件(件)"] == 2 and q3["乙镇人民政府"]["不予处罚(件)"] == 0
    import openpyxl
    assert len(openpyxl.load_workbook(out_file).sheetnames) == 6   # + 涉企检查: per body, top 10 (issue 13)
