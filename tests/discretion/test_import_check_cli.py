"""Through the CLI: the 包容审慎清单 / 行政裁量权基准 ledgers import and export; a case sheet with 不予处罚/首违不罚 in
处罚种类 and the short 案件类型 forms imports; `sifasuo check --json` reports CF-01/CF-02/CF-03 on what was imported."""
import json

import openpyxl
import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.validators import make_uscc
from sifasuo_desktop.store import Store

USCC = make_uscc("91379901MA3C00001")


def book(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(str(path))
    return str(path)


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "d"
    with Store.open(d) as s:
        s.init_org("township", "示范镇司法所", "T0001", "C0001")
    return str(d)


def imp(path, data_dir, ledger, capsys):
    capsys.readouterr()
    code = main(["import-xlsx", path, "--data-dir", data_dir, "--ledger", ledger, "--json"])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if out.out.strip() else None), out.err


def standards_sheet(tmp_path):
    return book(tmp_path / "基准.xlsx", [
        ["示范县行政裁量权基准"],
        ["基准编码", "违法行为", "法律依据", "裁量阶次", "适用情形", "罚款下限（元）", "罚款上限（元）", "其他处罚", "制定单位",
         "发布日期"],
        ["JZ-001", "占道经营", "《城市市容和环境卫生管理条例》第三十六条", "一般", "首次", "500", "1,000元", "", "示范县司法局",
         "2025-01-10"],
        ["JZ-001", "占道经营", "同上", "较重", "多次", 1000, "0.3万元", "", "示范县司法局", "2025/1/10"],
        ["备注：金额单位为元"]])


def list_sheet(tmp_path):
    return book(tmp_path / "清单.xlsx", [
        ["清单类型", "事项编码", "违法行为", "适用条件", "法律依据", "制定单位", "发布日期", "状态"],
        ["首违不罚", "BZ-01", "占道经营", "首次且及时改正", "《行政处罚法》第三十三条", "示范县司法局", "2025年3月1日", "有效"],
        ["不予处罚", "BZ-02", "未按规定设置门前三包标识", "轻微并及时改正", "同上", "示范县司法局", "2025.3.1", "有效"]])


CASE_HEADER = ["案号", "执法主体", "案件类型", "案由", "当事人", "当事人类型", "统一社会信用代码", "决定日期", "处罚种类",
               "罚款(元)", "基准编码", "裁量阶次", "清单事项", "处理结果", "承办人"]


def cases_sheet(tmp_path):
    return book(tmp_path / "案件.xlsx", [
        ["示范镇行政处罚案件台账"],
        CASE_HEADER,
        ["示罚〔2025〕1号", "示范镇人民政府", "一般程序", "占道经营", "示范县鑫盛建材有限公司", "法人", USCC, "2025-04-01",
         "罚款", 800, "JZ-001", "一般", "", "给予处罚", "张三、李四"],
        ["示罚〔2025〕2号", "示范镇人民政府", "一般程序", "占道经营", "示范县鑫盛建材有限公司", "法人", USCC, "2025-09-01",
         "首违不罚", None, "", "", "BZ-01", "", "张三、李四"],
        ["示罚〔2025〕3号", "示范镇人民政府", "简易程序", "占道经营", "赵七", "自然人", "", "2025-05-01",
         "罚款", 5000, "JZ-001", "一般", "", "给予处罚", "张三、李四"],
        ["示罚〔2025〕4号", "示范镇人民政府", "一般程序", "未按规定设置门前三包标识", "钱八", "自然人", "", "2025-05-02",
         "不予处罚", None, "", "", "BZ-02", "", "张三、李四"],
        ["示罚〔2025〕5号", "示范镇人民政府", "一般程序", "未按规定设置门前三包标识", "孙九", "自然人", "", "2025-05-03",
         "罚款", 200, "JZ-009", "一般", "BZ-02", "给予处罚", "张三、李四"],
        ["示罚〔2025〕6号", "示范镇人民政府", "一般程序", "占道经营", "周十", "自然人", "", "2025-06-03",
         "警告、罚款", 2000, "JZ-001", "较重", "", "从轻处罚", "张三、李四"],
    ])


def test_catalogs_and_cases_import_and_check_reports_cf_rules(tmp_path, data_dir, capsys):
    code, s, err = imp(standards_sheet(tmp_path), data_dir, "行政裁量权基准", capsys)
    assert code == 0, err
    assert s["created"] == 2 and s["sheets"][0]["ledger"] == "discretion_standards" and s["sheets"][0]["header_row"] == 2
    code, s, err = imp(list_sheet(tmp_path), data_dir, "包容审慎清单", capsys)
    assert code == 0 and s["created"] == 2, err
    code, s, err = imp(cases_sheet(tmp_path), data_dir, "执法案件", capsys)
    assert code == 0, err
    assert s["created"] == 6 and s["errors"] == []

    with Store.open(data_dir) as st:
        rows = {r["case_no"]: r for r in st.rows("cases")}
        stds = {(r["code"], r["level"]): r for r in st.rows("discretion_standards")}
    assert stds[("JZ-001", "较重")]["fine_max"] == 3000.0 and stds[("JZ-001", "一般")]["fine_max"] == 1000.0
    # 不予处罚/首违不罚 written in 处罚种类 mean 处理结果; 一般程序/简易程序 mean 行政处罚
    assert rows["示罚〔2025〕2号"]["outcome"] == "首违不罚" and rows["示罚〔2025〕2号"]["penalty_kinds"] is None
    assert rows["示罚〔2025〕4号"]["outcome"] == "不予处罚"
    assert rows["示罚〔2025〕4号"]["case_type"] == "行政处罚(一般程序)"
    assert rows["示罚〔2025〕3号"]["case_type"] == "行政处罚(简易程序)"
    assert rows["示罚〔2025〕6号"]["outcome"] == "从轻处罚" and rows["示罚〔2025〕6号"]["penalty_kinds"] == "警告、罚款"

    capsys.readouterr()
    assert main(["check", "--data-dir", data_dir, "--today", "2025-12-01", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    cf = sorted((f["code"], f["severity"], f["ref"]) for f in found if f["code"].startswith("CF-"))
    assert cf == [("CF-01", "red", "示罚〔2025〕2号"),
                  ("CF-02", "yellow", "示罚〔2025〕5号"),
                  ("CF-03", "red", "示罚〔2025〕3号"),
                  ("CF-03", "yellow", "示罚〔2025〕5号")]
    f01 = next(f for f in found if f["code"] == "CF-01")
    assert {"code", "severity", "record_type", "record_id", "ref", "message", "due_date"} <= set(f01)
    assert f01["record_type"] == "cases" and "示罚〔2025〕1号" in f01["message"]
    f03 = next(f for f in found if f["code"] == "CF-03" and f["severity"] == "red")
    assert "5000" in f03["message"] and "500–1000元" in f03["message"]

    # --rule filters to the code; a changed threshold reaches the rule
    capsys.readouterr()
    assert main(["check", "--data-dir", data_dir, "--today", "2025-12-01", "--json", "--rule", "CF-01"]) == 0
    assert [f["code"] for f in json.loads(capsys.readouterr().out)] == ["CF-01"]
    with Store.open(data_dir) as st:
        st.set_setting("rules", {"CF-01": {"months": 4}})
    assert main(["check", "--data-dir", data_dir, "--today", "2025-12-01", "--json", "--rule", "CF-01"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_reimport_is_idempotent_and_bad_values_refuse_the_whole_file(tmp_path, data_dir, capsys):
    path = standards_sheet(tmp_path)
    assert imp(path, data_dir, "行政裁量权基准", capsys)[0] == 0
    code, s, _ = imp(path, data_dir, "行政裁量权基准", capsys)
    assert code == 0 and s["created"] == 0 and s["unchanged"] == 2
    bad = book(tmp_path / "坏.xlsx", [
        ["基准编码", "违法行为", "裁量阶次", "罚款下限", "罚款上限"],
        ["JZ-002", "乱贴小广告", "一般", "100", "500"],
        ["JZ-002", "乱贴小广告", "很重", "abc", "500"]])
    code, s, err = imp(bad, data_dir, "行政裁量权基准", capsys)
    assert code == 1
    msgs = " ".join(e["message"] for e in s["errors"]) if s else err
    assert "很重" in msgs
    with Store.open(data_dir) as st:
        assert st.count("discretion_standards") == 2   # nothing half-imported


def test_export_catalogs_and_exemplary_cases(tmp_path, data_dir, capsys):
    imp(list_sheet(tmp_path), data_dir, "包容审慎清单", capsys)
    out = tmp_path / "清单导出.xlsx"
    assert main(["export-xlsx", "--data-dir", data_dir, "--ledger", "包容审慎清单", "--out", str(out)]) == 0
    ws = openpyxl.load_workbook(out).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "清单类型" in values and "首违不罚" in values and "BZ-02" in values
    # the exported sheet imports back unchanged
    code, s, _ = imp(str(out), data_dir, "包容审慎清单", capsys)
    assert code == 0 and s["unchanged"] == 2 and s["created"] == 0
