"""RY-05 … RY-10 end to end through the CLI: import officer/event/training/case sheets (.xlsx), `sifasuo check
--json`, then `sifasuo rules set RY-10 public_law_hours=20` and check again."""
import json

import openpyxl
import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.store import Store

TODAY = "2026-04-15"
BODY = "示范镇人民政府"
OFFICER_HEADERS = ["姓名", "所属单位", "编制类型", "执法证号", "发证日期", "有效期至", "证件状态", "在岗状态",
                   "离岗时间", "审验年度", "审验结果"]
OFFICERS = [
    # name, staffing, cert, issued, expiry, status, duty, left, review year, review result
    ("甲新证", "行政", "001", "2025-06-10", "2030-06-09", "有效", "在岗", None, None, None),          # RY-05
    ("乙离岗", "行政", "002", "2022-01-01", "2027-01-01", "有效", "离岗", "2026-01-10", 2025, "合格"),  # RY-06
    ("丙返岗", "参公", "003", "2022-01-01", "2027-01-01", "有效", "在岗", None, 2025, "合格"),          # RY-07
    ("丁合同", "合同工", "004", "2022-01-01", "2027-01-01", "有效", "在岗", None, 2025, "合格"),        # RY-08
    ("戊不合格", "事业", "005", "2022-01-01", "2027-01-01", "有效", "在岗", None, 2025, "不合格"),      # RY-09
    ("己未审", "行政", "006", "2022-01-01", "2027-01-01", "有效", "在岗", None, 2024, "合格"),          # RY-09
    ("庚合规", "行政", "007", "2022-01-01", "2027-01-01", "有效", "在岗", None, 2025, "合格"),          # nothing
]


def _xlsx(path, title, headers, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
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
    officers = _xlsx(tmp_path / "officers.xlsx", "执法人员", OFFICER_HEADERS,
                     [(n, BODY, *rest) for n, *rest in OFFICERS])
    events = _xlsx(tmp_path / "events.xlsx", "证件履历", ["姓名", "事件类型", "日期", "文号", "事由/原因", "结果"], [
        ("丙返岗", "离岗", "2025-03-01", None, "借调", None),
        ("丙返岗", "返岗", "2025-09-01", "示司〔2025〕9号", None, "合格"),
    ])
    trainings = _xlsx(tmp_path / "trainings.xlsx", "培训记录", ["姓名", "培训日期", "培训名称", "培训类别", "学时"], [
        ("甲新证", "2025-05-01", "行政处罚法", "公共法律知识", 10),
        ("丙返岗", "2025-06-01", "离岗培训", "离岗培训", 20),
        ("庚合规", "2025-03-01", "行政复议法", "公共法律知识", 30),
    ])
    cases = _xlsx(tmp_path / "cases.xlsx", "执法案件", ["案号", "执法主体", "案件类型", "立案日期", "承办人"], [
        ("示综罚〔2026〕5号", BODY, "行政处罚(一般程序)", "2026-02-01", "乙离岗、庚合规"),
        ("示综罚〔2025〕9号", BODY, "行政处罚(一般程序)", "2025-12-01", "乙离岗、庚合规"),  # before 乙 left
    ])
    for f, ledger in ((officers, "执法人员与证件"), (events, "证件履历"), (trainings, "培训记录"), (cases, "执法案件")):
        assert main(["import-xlsx", f, "--ledger", ledger, "--data-dir", d]) == 0, capsys.readouterr().err
    capsys.readouterr()
    return d


def _check(d, capsys):
    capsys.readouterr()
    assert main(["check", "--data-dir", d, "--today", TODAY, "--json"]) == 0
    return [f for f in json.loads(capsys.readouterr().out) if f["code"] in
            ("RY-05", "RY-06", "RY-07", "RY-08", "RY-09", "RY-10")]


def _pairs(found):
    return sorted((f["code"], f["severity"], f["ref"]) for f in found)


def test_imported_sheets_give_ry05_to_ry09_then_ry10_after_rules_set(data_dir, capsys):
    found = _check(data_dir, capsys)
    assert _pairs(found) == sorted([
        ("RY-05", "red", "甲新证"),
        ("RY-06", "red", "示综罚〔2026〕5号"),
        ("RY-07", "red", "丙返岗"),
        ("RY-08", "red", "丁合同"),
        ("RY-09", "red", "戊不合格"),
        ("RY-09", "red", "己未审"),
        ("RY-09", "red", "甲新证"),   # issued 2025-06-10, no 2025 review recorded
    ])
    by = {(f["code"], f["ref"]): f for f in found}
    assert by[("RY-06", "示综罚〔2026〕5号")]["record_type"] == "cases" and "乙离岗" in by[("RY-06", "示综罚〔2026〕5号")]["message"]
    assert "离岗培训20学时" in by[("RY-07", "丙返岗")]["message"]
    for f in found:
        assert {"code", "severity", "record_type", "record_id", "ref", "message", "due_date"} <= set(f)

    # the sheet's 离岗时间/审验年度/审验结果 columns became events; the event sheet's 返岗 set 丙 back 在岗
    with Store.open(data_dir) as s:
        officers = {o["name"]: o for o in s.rows("officers")}
        kinds = sorted((e["officer_name"], e["event_type"]) for e in s.rows("cert_events"))
        assert ("乙离岗", "离岗") in kinds and ("戊不合格", "审验") in kinds and ("丙返岗", "返岗") in kinds
        assert officers["乙离岗"]["left_date"] == "2026-01-10" and officers["丙返岗"]["duty_status"] == "在岗"
        assert officers["戊不合格"]["review_result"] == "不合格"

    # RY-10 is off by default (0 hours); 阜宁's 公共法律知识 20 switches its first part on
    assert main(["rules", "set", "RY-10", "public_law_hours=20", "--data-dir", data_dir]) == 0
    found = _check(data_dir, capsys)
    ry10 = sorted(f["ref"] for f in found if f["code"] == "RY-10")
    # 2025 is a finished year: red for every active certified officer under 20 公共法律知识 hours
    # (乙 has left, 庚 had 30, 甲's certificate dates from 2025 and counts)
    assert ry10 == sorted(["甲新证", "丙返岗", "丁合同", "戊不合格", "己未审"])
    assert all(f["severity"] == "red" and f["due_date"] == "2025-12-31" for f in found if f["code"] == "RY-10")
    assert main(["rules", "set", "RY-10", "enabled=false", "--data-dir", data_dir]) == 0
    assert not [f for f in _check(data_dir, capsys) if f["code"] == "RY-10"]


def test_reimport_does_not_duplicate_events(data_dir, tmp_path, capsys):
    with Store.open(data_dir) as s:
        before = s.count("cert_events")
    officers = _xlsx(tmp_path / "again.xlsx", "执法人员", OFFICER_HEADERS, [(n, BODY, *rest) for n, *rest in OFFICERS])
    assert main(["import-xlsx", officers, "--ledger", "执法人员与证件", "--data-dir", data_dir]) == 0
    with Store.open(data_dir) as s:
        assert s.count("cert_events") == before


def test_staffing_accepts_the_new_kinds_and_refuses_others(tmp_path, capsys):
    d = str(tmp_path / "d2")
    assert main(["init", "--data-dir", d, "--role", "township", "--org-name", "乙所", "--org-code", "379901102000"]) == 0
    ok = _xlsx(tmp_path / "ok.xlsx", "执法人员", ["姓名", "编制类型"],
               [("甲", "合同工"), ("乙", "临时工"), ("丙", "劳务派遣"), ("丁", "辅助人员")])
    assert main(["import-xlsx", ok, "--ledger", "执法人员与证件", "--data-dir", d]) == 0
    bad = _xlsx(tmp_path / "bad.xlsx", "执法人员", ["姓名", "编制类型"], [("戊", "外包")])
    assert main(["import-xlsx", bad, "--ledger", "执法人员与证件", "--data-dir", d]) == 1
    out = capsys.readouterr()
    assert "外包" in out.out + out.err and "未写入任何数据" in out.err
    with Store.open(d) as s:
        assert sorted(o["staffing"] for o in s.rows("officers")) == sorted(["合同工", "临时工", "劳务派遣", "辅助人员"])
