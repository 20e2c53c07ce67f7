"""sifasuo problem list/history/step, including refusal of 销号 for a 工作人员 account."""
import json

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import workflow_ops as ops

CLOSE_ARGS = ["--verify-method", "实地核查", "--verifier", "王核查", "--verify-date", "2026-05-11",
              "--verify-result", "整改到位"]


@pytest.fixture
def data(tmp_path, capsys):
    d = tmp_path / "d"
    assert main(["init", "--data-dir", str(d), "--role", "township", "--org-name", "示范镇司法所",
                 "--org-code", "379901101000"]) == 0
    with Store.open(d) as s:
        s.actor = SYSTEM
        p = ops.create_problem(s, {"found_date": "2026-05-01", "source": "监督检查", "description": "未按期公示",
                                   "deadline": "2026-05-10"})
    capsys.readouterr()
    return d, p["problem_no"]


def test_problem_cli_life_cycle(data, capsys, tmp_path):
    d, no = data
    ev = tmp_path / "截图.png"
    ev.write_bytes(b"png")
    assert main(["problem", "list", "--data-dir", str(d), "--due", "--today", "2026-05-20", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["problem_no"], r["display_status"]) for r in rows] == [(no, "待整改（逾期）")]
    assert main(["problem", "step", no, "--data-dir", str(d), "--action", "报告整改", "--date", "2026-05-08",
                 "--person", "镇执法办", "--note", "已公示", "--evidence", str(ev)]) == 0
    assert main(["problem", "step", no, "--data-dir", str(d), "--action", "销号", "--date", "2026-05-12",
                 "--person", "张所长"]) == 1
    assert "核查方式" in capsys.readouterr().err
    assert main(["problem", "step", no, "--data-dir", str(d), "--action", "销号", "--date", "2026-05-12",
                 "--person", "张所长", *CLOSE_ARGS]) == 0
    assert "已销号" in capsys.readouterr().out
    assert main(["problem", "history", no, "--data-dir", str(d), "--json"]) == 0
    h = json.loads(capsys.readouterr().out)
    assert h["status"] == "已销号" and [s["action"] for s in h["steps"]] == ["交办", "报告整改", "销号"]
    assert h["steps"][1]["attachments"] == ["截图.png"]
    assert main(["problem", "step", "不存在", "--data-dir", str(d), "--action", "开始整改", "--date", "2026-05-08",
                 "--person", "x"]) == 1
    assert "找不到问题编号" in capsys.readouterr().err


def test_staff_account_refused_through_cli(data, capsys, monkeypatch):
    from sifasuo_desktop.domain.permissions import Actor
    import sifasuo_desktop.cli.common as common

    d, no = data
    # act as a 工作人员 whatever the security module would decide
    monkeypatch.setattr(common, "resolve_cli_actor", lambda store, write: Actor("li", "staff", "李干事"))
    assert main(["problem", "step", no, "--data-dir", str(d), "--action", "报告整改", "--date", "2026-05-08",
                 "--person", "李干事", "--note", "已整改"]) == 0
    capsys.readouterr()
    assert main(["problem", "step", no, "--data-dir", str(d), "--action", "销号", "--date", "2026-05-12",
                 "--person", "李干事", *CLOSE_ARGS]) == 1
    assert "无权问题销号" in capsys.readouterr().err
    with Store.open(d) as s:
        assert s.rows("problems", "problem_no = ?", (no,))[0]["status"] == "已报告"


def test_review_cli(data, capsys, tmp_path, monkeypatch):
    import openpyxl

    import sifasuo_desktop.cli.common as common
    from sifasuo_desktop.domain.permissions import Actor

    d, _ = data
    tpl = tmp_path / "标准.xlsx"
    assert main(["review", "export-standard", str(tpl), "--data-dir", str(d)]) == 0
    wb = openpyxl.load_workbook(tpl)
    wb.active["B2"] = "县局2027版"
    wb.save(tpl)
    monkeypatch.setattr(common, "resolve_cli_actor", lambda store, write: Actor("li", "leader", "所长"))
    assert main(["review", "import-standard", str(tpl), "--data-dir", str(d)]) == 1
    assert "无权修改设置" in capsys.readouterr().err
    monkeypatch.setattr(common, "resolve_cli_actor", lambda store, write: Actor("admin", "admin", "管理员"))
    assert main(["review", "import-standard", str(tpl), "--data-dir", str(d)]) == 0
    capsys.readouterr()
    assert main(["review", "standards", "--data-dir", str(d), "--json"]) == 0
    labels = [r["version_label"] for r in json.loads(capsys.readouterr().out)]
    assert "县局2027版" in labels
    with Store.open(d) as s:
        s.actor = SYSTEM
        b = ops.create_batch(s, "一季度评查", 2026)
        body = s.insert("bodies", {"name": "示范镇人民政府"})
        ops.save_review(s, b["id"], case_no="A", reviewers="甲、乙", body_id=body["id"], deductions={"D01": 4})
        ops.save_review(s, b["id"], case_no="B", reviewers="甲、乙", body_id=body["id"], veto_hits=["V01"])
    capsys.readouterr()
    assert main(["review", "results", "--batch", "一季度评查", "--data-dir", str(d), "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["summary"]["count"] == 2 and r["by_body"]["示范镇人民政府"]["average"] == 48
    assert main(["review", "results", "--batch", "没有", "--data-dir", str(d)]) == 1
