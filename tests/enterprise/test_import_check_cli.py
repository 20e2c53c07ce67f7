"""涉企检查 (issue 13) end to end through the CLI: a body's 行政检查事项目录 and 涉企检查计划 and its inspections are
imported from ordinary sheets (the Chinese ledger names given to --ledger exactly as written, and without
--ledger), then `sifasuo check --json` reports JC-03 … JC-06 by code with the contract's boundary days. A careless
clerk's sheets (empty cells, impossible dates, unknown 检查事项, duplicates) are refused or flagged in Chinese
and leave the data untouched."""
import json

import openpyxl
import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.validators import make_uscc

BODY = "示范镇人民政府"
BODY2 = "示范县市场监督管理局"
A, B, C, E = (make_uscc(f"91379901MA000000{n}") for n in (1, 2, 3, 4))
JC = ("JC-03", "JC-04", "JC-05", "JC-06")


def xlsx(path, headers, rows, title=None, sheet="Sheet1"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(headers)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return str(path)


ITEM_HEADERS = ["事项编码", "事项名称", "实施主体", "检查依据", "检查对象", "公示日期", "状态"]
ITEMS = [
    ("XJ-001", "食品经营监督检查", BODY, "《食品安全法》第一百一十条", "食品经营者", "2025-03-01", "有效"),
    ("XJ-002", "燃气安全检查", BODY, "《城镇燃气管理条例》", "燃气经营者", "2025-09-01", "有效"),   # published late
    ("XJ-003", "旧版事项", BODY, "", "", "2024-01-01", "停用"),
    ("SJ-001", "产品质量监督检查", BODY2, "《产品质量法》", "生产企业", "2025-01-10", "有效"),
]
PLAN_HEADERS = ["计划年度", "执法主体", "检查事项", "检查对象范围", "检查比例", "检查频次", "检查方式", "公布日期",
                "报司法局备案日期"]
PLANS = [
    (2025, BODY, "食品经营监督检查", "食品经营者", "5%", "1次/年", "现场检查", "2025-03-31", "2025-04-03"),  # on the day
    (2025, BODY2, "产品质量监督检查", "生产企业", "3%", "1次/年", "现场检查", "2025-04-01", "2025-04-02"),  # a day late
]
INSP_HEADERS = ["检查日期", "执法主体", "检查对象", "统一社会信用代码", "检查类型", "检查事项", "任务来源", "检查方式",
                "审批日期", "审批人", "报备时间", "报备编号", "企业评价"]
INSP = [
    # fine in every respect
    ("2025-08-05", BODY, "甲商贸有限公司", A, "日常检查", "食品经营监督检查", "年度计划", "现场检查", "2025-08-01", "王镇长",
     "2025-08-05 09:30", "JCM-01", "满意"),
    # JC-03 (item published 09-01, inspected 08-20), JC-04 red (报备 the day after)
    ("2025-08-20", BODY, "乙燃气有限公司", B, "专项检查", "燃气安全检查", "年度计划", "", "2025-08-18", "王镇长",
     "2025-08-21 10:00", "JCM-02", "基本满意"),
    # JC-03 (停用 item), JC-05 red (approval after the inspection)
    ("2025-10-15", BODY, "丙超市", C, "日常检查", "旧版事项", "投诉举报", "现场检查", "2025-10-16", "王镇长",
     "2025-10-15", "JCM-03", "不满意"),
    # emergency on Tue 09-30: 报备 on Thu 10-09 (1 working day after, National Day) is on time; approval Sat 10-11
    # (a make-up working day, the 3rd) is late: JC-05 red
    ("2025-09-30", BODY, "丁化工有限公司", E, "个案检查", "食品经营监督检查", "紧急情形", "现场检查", "2025-10-11", "王镇长",
     "2025-10-09 08:00", "JCM-04", "满意"),
    # 书面核查: none of the rules apply
    ("2025-11-03", BODY, "甲商贸有限公司", A, "日常检查", "", "其他", "书面核查", "", "", "", "", ""),
    # the county body: item in its own catalog, plan published a day late → JC-06 red on the body
    ("2025-06-10", BODY2, "甲商贸有限公司", A, "日常检查", "产品质量监督检查", "年度计划", "现场检查", "2025-06-01", "李局长",
     "2025-06-10 14:00", "SCJ-01", "满意"),
]


@pytest.fixture
def data_dir(tmp_path, capsys):
    d = str(tmp_path / "d")
    assert main(["init", "--data-dir", d, "--role", "township", "--org-name", "示范镇司法所", "--org-code", "379901101000",
                 "--parent-code", "379901"]) == 0
    files = [
        (xlsx(tmp_path / "items.xlsx", ITEM_HEADERS, ITEMS, title="行政检查事项目录"), "行政检查事项目录"),
        (xlsx(tmp_path / "plans.xlsx", PLAN_HEADERS, PLANS), "涉企检查计划"),
        (xlsx(tmp_path / "insp.xlsx", INSP_HEADERS, INSP, sheet="涉企检查台账"), None),
    ]
    for f, ledger in files:
        args = ["import-xlsx", f, "--data-dir", d] + (["--ledger", ledger] if ledger else [])
        assert main(args) == 0, capsys.readouterr().err
    capsys.readouterr()
    return d


def check(d, capsys, today="2025-12-01"):
    capsys.readouterr()
    assert main(["check", "--data-dir", d, "--today", today, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    return sorted((f["code"], f["severity"], f["ref"]) for f in out if f["code"] in JC), out


def test_imported_sheets_give_the_jc_rules(data_dir, capsys):
    found, raw = check(data_dir, capsys)
    assert found == sorted([
        ("JC-03", "red", "乙燃气有限公司 2025-08-20"),
        ("JC-03", "red", "丙超市 2025-10-15"),
        ("JC-04", "red", "乙燃气有限公司 2025-08-20"),
        ("JC-05", "red", "丙超市 2025-10-15"),
        ("JC-05", "red", "丁化工有限公司 2025-09-30"),
        ("JC-06", "red", f"{BODY2} 2025年度"),
    ])
    by = {(f["code"], f["ref"]): f for f in raw}
    assert "于2025-09-01才公布" in by[("JC-03", "乙燃气有限公司 2025-08-20")]["message"]
    assert "停用" in by[("JC-03", "丙超市 2025-10-15")]["message"]
    assert by[("JC-05", "丁化工有限公司 2025-09-30")]["due_date"] == "2025-10-10"
    jc06 = by[("JC-06", f"{BODY2} 2025年度")]
    assert jc06["record_type"] == "bodies" and jc06["due_date"] == "2025-03-31" and jc06["body"] == BODY2
    for f in raw:
        if f["code"] in JC:
            assert f["title"] and set(f) >= {"code", "severity", "record_type", "record_id", "ref", "message"}


def test_settings_from_the_cli_move_the_rules(data_dir, capsys):
    assert main(["rules", "set", "JC-05", "grace_workdays=3", "--data-dir", data_dir]) == 0
    assert main(["rules", "set", "JC-03", "start_date=20251001", "--data-dir", data_dir]) == 0
    assert main(["rules", "set", "JC-06", "day=1", "month=4", "--data-dir", data_dir]) == 0
    found, _ = check(data_dir, capsys)
    assert ("JC-05", "red", "丁化工有限公司 2025-09-30") not in found     # Sat 10-11 is the 3rd working day
    assert ("JC-03", "red", "乙燃气有限公司 2025-08-20") not in found     # before the new start date
    assert ("JC-03", "red", "丙超市 2025-10-15") in found
    assert not [f for f in found if f[0] == "JC-06"]
    capsys.readouterr()
    assert main(["rules", "set", "JC-04", "start_date=20251301", "--data-dir", data_dir]) == 1
    err = capsys.readouterr().err
    assert "不是有效日期" in err and "Traceback" not in err


def test_jc06_yellow_in_march_for_a_new_year(data_dir, tmp_path, capsys):
    f = xlsx(tmp_path / "new.xlsx", INSP_HEADERS, [
        ("2026-02-10", BODY, "甲商贸有限公司", A, "日常检查", "食品经营监督检查", "年度计划", "现场检查", "2026-02-01", "王镇长",
         "2026-02-10", "JCM-10", "满意")])
    assert main(["import-xlsx", f, "--data-dir", data_dir, "--ledger", "行政检查"]) == 0
    found, _ = check(data_dir, capsys, "2026-02-28")
    assert ("JC-06", "yellow", f"{BODY} 2026年度") not in found
    found, _ = check(data_dir, capsys, "2026-03-01")
    assert ("JC-06", "yellow", f"{BODY} 2026年度") in found
    found, _ = check(data_dir, capsys, "2026-04-01")
    assert ("JC-06", "red", f"{BODY} 2026年度") in found


def test_export_and_reimport_keeps_the_new_columns(data_dir, tmp_path, capsys):
    for ledger in ("行政检查事项目录", "涉企检查计划", "行政检查"):
        out = tmp_path / f"{ledger}.xlsx"
        assert main(["export-xlsx", "--ledger", ledger, "--out", str(out), "--data-dir", data_dir]) == 0, \
            capsys.readouterr().err
        capsys.readouterr()
        assert main(["import-xlsx", str(out), "--data-dir", data_dir, "--ledger", ledger, "--dry-run"]) == 0
        text = capsys.readouterr().out
        assert "将新增0条" in text and "将更新0条" in text, text
    wb = openpyxl.load_workbook(tmp_path / "行政检查.xlsx")
    heads = [c.value for row in wb.active.iter_rows(max_row=6) for c in row if c.value]
    for h in ("检查事项", "任务来源", "检查方式", "审批日期", "审批人", "报备时间", "报备编号", "企业评价"):
        assert h in heads


# ---------------------------------------------------------------------- a careless clerk
def _count(d, table):
    import sqlite3
    from pathlib import Path

    con = sqlite3.connect(Path(d) / "sifasuo.sqlite3")
    try:
        return con.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("ledger,headers,row,needle", [
    ("行政检查事项目录", ITEM_HEADERS, ("XJ-9", "", BODY, "", "", "2025-01-01", "有效"), "必填"),
    ("行政检查事项目录", ITEM_HEADERS, ("XJ-9", "新事项", BODY, "", "", "2025-02-30", "有效"), "日期“2025-02-30”不存在"),
    ("行政检查事项目录", ITEM_HEADERS, ("XJ-9", "新事项", BODY, "", "", "2025-05-01", "作废了"), "不是可选值"),
    ("行政检查事项目录", ITEM_HEADERS, ("XJ-9", "新事项", "", "", "", "2025-05-01", "有效"), "必填"),
    ("涉企检查计划", PLAN_HEADERS, ("二〇二五", BODY, "x", "", "", "", "", "2025-03-01", ""), "应为整数"),
    ("涉企检查计划", PLAN_HEADERS, (2025, BODY, "x", "", "", "", "", "三月底", ""), "无法识别的日期"),
    ("行政检查", INSP_HEADERS, ("2025-13-01", BODY, "甲商贸有限公司", A, "日常检查", "", "", "", "", "", "", "", ""),
     "不存在"),
    ("行政检查", INSP_HEADERS, ("2025-08-01", BODY, "甲商贸有限公司", A, "日常检查", "", "随便查查", "", "", "", "", "", ""),
     "不是可选值"),
    ("行政检查", INSP_HEADERS, ("2025-08-01", BODY, "甲商贸有限公司", A, "日常检查", "", "", "上门", "", "", "", "", ""),
     "不是可选值"),
    ("行政检查", INSP_HEADERS, ("2025-08-01", BODY, "甲商贸有限公司", A, "日常检查", "", "", "", "", "", "上午九点", "", ""),
     "无法识别的日期或时间"),
    ("行政检查", INSP_HEADERS, ("2025-08-01", BODY, "甲商贸有限公司", A, "日常检查", "", "", "", "", "", "2025-08-01 25:10",
                             "", ""), "时间“2025-08-01 25:10”不存在"),
    ("行政检查", INSP_HEADERS, ("2025-08-01", BODY, "甲商贸有限公司", A, "日常检查", "", "", "", "", "", "", "", "还行"),
     "不是可选值"),
])
def test_bad_cells_are_refused_in_chinese_and_nothing_is_written(data_dir, tmp_path, capsys, ledger, headers, row,
                                                                 needle):
    before = {t: _count(data_dir, t) for t in ("inspection_items", "inspection_plans", "inspections")}
    f = xlsx(tmp_path / "bad.xlsx", headers, [row])
    capsys.readouterr()
    assert main(["import-xlsx", f, "--data-dir", data_dir, "--ledger", ledger]) != 0
    out = capsys.readouterr()
    err = out.out + out.err
    assert needle in err and "Traceback" not in err, err
    assert {t: _count(data_dir, t) for t in before} == before


def test_unknown_item_is_imported_with_a_warning_and_reported(data_dir, tmp_path, capsys):
    f = xlsx(tmp_path / "u.xlsx", INSP_HEADERS, [
        ("2025-11-20", BODY, "戊餐饮店", make_uscc("92379901MA0000005"), "日常检查", "消防安全检查", "年度计划", "现场检查",
         "2025-11-19", "王镇长", "2025-11-20 09:00", "JCM-20", "")])
    capsys.readouterr()
    assert main(["import-xlsx", f, "--data-dir", data_dir]) == 0
    out = capsys.readouterr()
    assert "“消防安全检查”不在本主体的行政检查事项目录中（JC-03）" in out.out + out.err
    found, _ = check(data_dir, capsys)
    assert ("JC-03", "red", "戊餐饮店 2025-11-20") in found


def test_duplicates_update_instead_of_doubling(data_dir, tmp_path, capsys):
    before = {t: _count(data_dir, t) for t in ("inspection_items", "inspection_plans", "inspections")}
    # the same catalog again with one 公示日期 corrected, the same plan, the same inspections (matched by 报备编号)
    items = [list(r) for r in ITEMS]
    items[1][5] = "2025-08-01"
    for ledger, headers, rows in (("行政检查事项目录", ITEM_HEADERS, items), ("涉企检查计划", PLAN_HEADERS, PLANS),
                                  ("行政检查", INSP_HEADERS, INSP)):
        assert main(["import-xlsx", xlsx(tmp_path / "again.xlsx", headers, rows), "--data-dir", data_dir,
                     "--ledger", ledger]) == 0
    assert {t: _count(data_dir, t) for t in before} == before
    found, _ = check(data_dir, capsys)
    assert ("JC-03", "red", "乙燃气有限公司 2025-08-20") not in found   # now published before the inspection
    # a duplicated row inside one file is said out loud
    f = xlsx(tmp_path / "dup.xlsx", ITEM_HEADERS, [ITEMS[0], ITEMS[0]])
    capsys.readouterr()
    assert main(["import-xlsx", f, "--data-dir", data_dir, "--ledger", "行政检查事项目录"]) == 0
    out = capsys.readouterr()
    assert "重复" in out.out + out.err


def test_ledger_names_are_listed_in_the_unknown_ledger_message(data_dir, tmp_path, capsys):
    f = xlsx(tmp_path / "x.xlsx", ITEM_HEADERS, ITEMS)
    capsys.readouterr()
    assert main(["import-xlsx", f, "--data-dir", data_dir, "--ledger", "检查事项"]) != 0
    err = capsys.readouterr().err
    assert "行政检查事项目录" in err and "涉企检查计划" in err and "Traceback" not in err


def _stats(d, capsys, *args):
    capsys.readouterr()
    assert main(["stats", "--data-dir", d, "--json", *args]) == 0
    return {t["key"]: t for t in json.loads(capsys.readouterr().out)["tables"]}


def test_monthly_quarterly_and_annual_stats_match_a_hand_count(data_dir, capsys, tmp_path):
    # 2025-08 (示范镇人民政府): 08-05 reported on the day, 08-20 reported the day after; both 年度计划; 满意, 基本满意
    t = _stats(data_dir, capsys, "--kind", "monthly", "--year", "2025", "--month", "8")
    body = t["jc_bodies"]
    row = dict(zip(body["columns"], next(r for r in body["rows"] if r[0] == BODY)))
    assert (row["现场检查(次)"], row["涉企现场检查(次)"], row["已按时报备(次)"], row["报备率"], row["计划内占比"],
            row["检查企业(家)"], row["企业评价(次)"], row["不满意率"]) == (2, 2, 1, "50.0%", "100.0%", 2, 2, "0.0%")
    # Q4: 10-15 on site (投诉举报, 不满意), 11-03 书面核查 (not on site, no rating)
    t = _stats(data_dir, capsys, "--kind", "quarterly", "--year", "2025", "--quarter", "4")
    row = dict(zip(t["jc_bodies"]["columns"], t["jc_bodies"]["rows"][0]))
    assert (row["执法主体"], row["现场检查(次)"], row["计划内占比"], row["不满意(次)"], row["不满意率"]) == (
        BODY, 1, "0.0%", 1, "100.0%")
    # the year: 甲商贸 inspected on site twice (by both bodies; the 书面核查 does not count), first in the top 10
    out = tmp_path / "年报.xlsx"
    t = _stats(data_dir, capsys, "--kind", "annual", "--year", "2025", "--xlsx", str(out))
    top = t["jc_top"]["rows"]
    assert top[0][1:5] == ["甲商贸有限公司", A, 2, 2] and len(top) == 4   # 甲 乙 丙 丁
    total = dict(zip(t["jc_bodies"]["columns"], t["jc_bodies"]["rows"][-1]))
    # on site: 6 − 1 书面核查 = 5; reported in time: 08-05, 10-15, 09-30 (emergency, reported), 06-10 = 4 of 5
    assert (total["执法主体"], total["现场检查(次)"], total["已按时报备(次)"], total["报备率"]) == ("合计", 5, 4, "80.0%")
    wb = openpyxl.load_workbook(out)
    assert any("涉企行政检查情况" in name for name in wb.sheetnames)
    assert any("被检查次数最多的企业" in name for name in wb.sheetnames)


def test_enterprise_command_lists_every_body_and_the_rules(data_dir, capsys):
    capsys.readouterr()
    assert main(["enterprise", A.lower(), "--year", "2025", "--today", "2025-12-01", "--json",
                 "--data-dir", data_dir]) == 0
    v = json.loads(capsys.readouterr().out)
    assert v["name"] == "甲商贸有限公司" and v["cap"] == 2
    assert [(r["inspect_date"], r["body"]) for r in v["rows"]] == [("2025-06-10", BODY2), ("2025-08-05", BODY),
                                                                   ("2025-11-03", BODY)]
    assert {p["body"]: p["counted"] for p in v["per_body"]} == {BODY: 1, BODY2: 1}   # 书面核查 not counted
    assert v["rows"][0]["findings"] == [] and v["codes_hit"] == ["JC-06"]
    assert [b["body"] for b in v["body_findings"]] == [BODY2]
    assert main(["enterprise", "91379901MA0000009Z", "--data-dir", data_dir]) == 1
    assert "没有找到" in capsys.readouterr().err
