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
                 "--org-code", "T1"]) == 0
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
