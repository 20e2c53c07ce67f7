"""JH-01, RW-01, FQ-03, JD-01, TS-01 end to end through the CLI: ordinary sheets (the headers offices use) are
imported — with and without --ledger — and `sifasuo check --json` reports the contract's codes, refs and
boundary days (rules.md "Rules added for the 2025–2026 priorities")."""
import json

import openpyxl
import pytest

from sifasuo_desktop.cli import main

TODAY = "2026-04-15"   # a Wednesday
BODY = "示范镇人民政府"
CODES = ("JH-01", "RW-01", "FQ-03", "JD-01", "TS-01")


def _xlsx(path, title, headers, rows, title_row=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    if title_row:
        ws.append([title_row])
    ws.append(headers)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return str(path)


@pytest.fixture
def data_dir(tmp_path, capsys):
    d = str(tmp_path / "d")
    assert main(["init", "--data-dir", d, "--role", "township", "--org-name", "示范镇司法所", "--org-code", "379901101000",
                 "--parent-code", "379901"]) == 0
    sheets = [
        (_xlsx(tmp_path / "tasks.xlsx", "Sheet1", ["任务编号", "任务内容", "责任单位", "时间节点", "进度"], [
            ("RW1", "建立行政执法监督员制度", "司法所", "2026-04-10", "推进中"),    # red
            ("RW2", "开展案卷评查", "司法所", "2026-04-30", "未开始"),            # yellow: 15 days ahead
            ("RW3", "完善赋权事项清单", "司法所", "2026-05-01", "未开始"),        # 16 days: nothing
            ("RW4", "常态化监督", "司法所", "2026-01-01", "持续推进"),            # never fires
            ("RW5", "制定年度计划", "司法所", "2026-01-01", "已完成"),
        ], title_row="三年行动任务台账"), "三年行动任务"),
        (_xlsx(tmp_path / "supervisors.xlsx", "名册", ["姓名", "工作单位", "聘任日期", "聘期至", "状态"], [
            ("赵监督", "示范村委会", "2024-04-15", "2026-04-14", "在聘"),       # yellow
            ("钱监督", "示范县律师事务所", "2024-04-16", "2026-04-15", "在聘"),  # last day of term: nothing
            ("孙监督", "示范县政协", "2023-01-01", "2025-12-31", "期满"),
        ], title_row="行政执法监督员名册"), None),
        (_xlsx(tmp_path / "complaints.xlsx", "投诉", ["来源渠道", "工单编号", "受理日期", "被投诉单位", "内容摘要",
                                                     "办结时限", "办结日期", "状态"], [
            ("12345", "GD001", "2026-03-01", BODY, "占道经营无人管", "2026-04-14", None, "办理中"),    # red
            ("12345", "GD002", "2026-04-01", BODY, "噪音扰民", "2026-04-17", None, "办理中"),         # yellow (Fri)
            ("12345", "GD003", "2026-04-02", BODY, "违规停车", "2026-04-20", None, "办理中"),         # Mon: nothing
            ("12345", "GD004", "2026-03-01", BODY, "垃圾清运", "2026-03-20", "2026-03-19", "已办结"),
            ("来信来访", None, "2026-01-05", BODY, "违规收费问题反映", None, None, None),                # red, derived
        ]), None),
        (_xlsx(tmp_path / "plan.xlsx", "年度监督计划", ["计划年度", "序号", "监督事项", "监督方式", "被监督单位",
                                                        "计划完成时间", "责任人", "状态"], [
            (2026, "1", "一季度行政执法案卷评查", "案卷评查", BODY, "2026-03-31", "王所长", "未开始"),   # red
            (2026, "2", "涉企检查专项监督", "专项监督", BODY, "2026-04-22", "王所长", "进行中"),          # yellow
            (2026, "3", "执法台账核查", "台账核查", BODY, "2026-03-31", "王所长", "进行中"),             # linked visit
            (2026, "4", "执法证件专项检查", "专项监督", BODY, "2026-03-01", "王所长", "已完成"),
        ]), "年度监督计划"),
        (_xlsx(tmp_path / "visits.xlsx", "监督检查", ["检查日期", "监督方式", "被监督单位", "检查人员", "监督计划事项"], [
            ("2026-03-30", "台账核查", BODY, "王所长、李干事", "执法台账核查"),
        ]), "监督检查"),
        (_xlsx(tmp_path / "powers.xlsx", "赋权事项", ["事项编码", "事项名称", "承接主体", "生效日期", "状态"], [
            ("FQ1", "对占道经营的处罚", BODY, "2024-01-01", "有效"),      # never evaluated: red
            ("FQ2", "对乱倒垃圾的处罚", BODY, "2024-01-01", "有效"),      # evaluated 2025-06-01
            ("FQ3", "对违规搭建的处罚", BODY, "2025-06-01", "有效"),      # in force < 12 months
            ("FQ4", "对噪声污染的处罚", BODY, "2020-01-01", "有效"),      # last evaluated 2024-04-14: red
            ("FQ5", "对违规广告的处罚", BODY, "2020-01-01", "有效"),      # evaluated 2024-04-15: inside
        ]), "赋权事项"),
        (_xlsx(tmp_path / "evals.xlsx", "Sheet1", ["事项编码", "事项名称", "评估日期", "评估年度", "评估方式", "办件量",
                                                    "存在问题", "评估结论"], [
            ("FQ2", "对乱倒垃圾的处罚", "2025-06-01", 2025, "自评", 3, "无", "保留"),
            ("FQ4", "对噪声污染的处罚", "2024-04-14", 2024, "第三方评估", 0, "零办件", "调整"),
            ("FQ5", "对违规广告的处罚", "2024-04-15", 2024, "群众评议", 1, "", "保留"),
        ], title_row="赋权事项评估表"), None),
    ]
    for f, ledger in sheets:
        args = ["import-xlsx", f, "--data-dir", d] + (["--ledger", ledger] if ledger else [])
        assert main(args) == 0, capsys.readouterr().err
    capsys.readouterr()
    return d


def _check(d, capsys, today=TODAY):
    capsys.readouterr()
    assert main(["check", "--data-dir", d, "--today", today, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    return sorted((f["code"], f["severity"], f["ref"]) for f in out if f["code"] in CODES), out


def test_imported_sheets_give_the_supervision_year_rules(data_dir, capsys):
    found, raw = _check(data_dir, capsys)
    assert found == sorted([
        ("RW-01", "red", "RW1 建立行政执法监督员制度"),
        ("RW-01", "yellow", "RW2 开展案卷评查"),
        ("JD-01", "yellow", "赵监督"),
        ("TS-01", "red", "GD001"),
        ("TS-01", "yellow", "GD002"),
        ("TS-01", "red", "违规收费问题反映"),
        ("JH-01", "red", "2026年度 一季度行政执法案卷评查"),
        ("JH-01", "yellow", "2026年度 涉企检查专项监督"),
        ("FQ-03", "red", "对占道经营的处罚 FQ1"),
        ("FQ-03", "red", "对噪声污染的处罚 FQ4"),
    ])
    by = {(f["code"], f["ref"]): f for f in raw}
    assert by[("RW-01", "RW1 建立行政执法监督员制度")]["due_date"] == "2026-04-10"
    assert by[("TS-01", "GD002")]["due_date"] == "2026-04-17"
    assert "受理日期后15个工作日" in by[("TS-01", "违规收费问题反映")]["message"]
    assert by[("JH-01", "2026年度 一季度行政执法案卷评查")]["record_type"] == "supervision_plans"
    assert by[("FQ-03", "对占道经营的处罚 FQ1")]["due_date"] == "2025-01-01"
    for f in raw:
        if f["code"] in CODES:
            assert set(f) >= {"code", "severity", "record_type", "record_id", "ref", "message", "due_date"}


def test_boundary_days_move_with_today(data_dir, capsys):
    # the day after: 钱监督's term has ended, GD003 (Mon 04-20) is within 2 working days of Thu 04-16
    found, _ = _check(data_dir, capsys, "2026-04-16")
    assert ("JD-01", "yellow", "钱监督") in found
    assert ("TS-01", "yellow", "GD003") in found
    assert ("RW-01", "yellow", "RW3 完善赋权事项清单") in found
    assert ("FQ-03", "red", "对违规广告的处罚 FQ5") in found


def test_rule_params_from_the_cli(data_dir, capsys):
    assert main(["rules", "set", "RW-01", "warn_days=20", "--data-dir", data_dir]) == 0
    assert main(["rules", "set", "TS-01", "enabled=false", "--data-dir", data_dir]) == 0
    found, _ = _check(data_dir, capsys)
    assert ("RW-01", "yellow", "RW3 完善赋权事项清单") in found
    assert not [f for f in found if f[0] == "TS-01"]
