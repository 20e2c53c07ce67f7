"""Issue 12, "Warnings a clerk can act on": a leader marks a finding 已知悉/已纠正/无法纠正 with a reason;
audited, in `check --json`, out of the to-do count, still in the statistics, travelling to the county."""
from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain import handling as H
from sifasuo_desktop.domain.errors import PermissionDenied, UserError
from sifasuo_desktop.domain.permissions import Actor, SYSTEM
from sifasuo_desktop.store import stats_queries as sq
from sifasuo_desktop.store.handling_ops import handle_finding, handlings, unhandle_finding
from sifasuo_desktop.store.rules_queries import check_store

TODAY = dt.date(2026, 12, 3)


def _first(store, code=None):
    res = check_store(store, today=TODAY)
    return next(f for f in res.findings if code is None or f.code == code)


def test_handled_finding_leaves_the_todo_list_but_stays_counted(demo_store):
    f = _first(demo_store)
    before = check_store(demo_store, today=TODAY)
    week = sq.week_items(demo_store, TODAY, before)
    assert week["handled"] == 0
    row = handle_finding(demo_store, f.code, f.record_type, f.record_id, "无法纠正", "  2024年已公示，\n无法补救 ")
    assert row["reason"] == "2024年已公示， 无法补救" and row["handled_by"] == "系统"
    after = check_store(demo_store, today=TODAY)
    assert len(after.findings) == len(before.findings) and after.counts() == before.counts()   # statistics
    g = next(x for x in after.findings if (x.code, x.record_type, x.record_id) == (f.code, f.record_type, f.record_id))
    assert g.handled and g.handling == "无法纠正：2024年已公示， 无法补救"
    assert g.to_dict()["handled"] is True
    week2 = sq.week_items(demo_store, TODAY, after)
    assert week2["handled"] == 1 and len(week2["items"]) == len(week["items"]) - 1
    assert not any(i["record_id"] == f.record_id and i["code"] == f.code for i in week2["items"])
    # audited: the insert is in the hash chain
    audit = demo_store.conn.execute("SELECT action, after FROM audit_log WHERE table_name = ? ORDER BY seq",
                                    (H.TABLE,)).fetchall()
    assert [a[0] for a in audit] == ["insert"] and "无法纠正" in audit[0][1]
    # handling again the same finding updates the one row (stable identity), unhandle brings it back
    handle_finding(demo_store, f.code, f.record_type, f.record_id, "已纠正", "已补正")
    assert demo_store.count(H.TABLE) == 1
    assert unhandle_finding(demo_store, f.code, f.record_type, f.record_id)
    assert not unhandle_finding(demo_store, f.code, f.record_type, f.record_id)
    assert not any(x.handled for x in check_store(demo_store, today=TODAY).findings)
    handle_finding(demo_store, f.code, f.record_type, f.record_id, "已知悉", "再次处置")
    assert demo_store.count(H.TABLE) == 1 and list(handlings(demo_store).values())[0]["disposition"] == "已知悉"


@pytest.mark.parametrize("kw, text", [
    (dict(disposition="已处理"), "处置方式"),
    (dict(reason=""), "理由"),
    (dict(reason=" \n\t "), "理由"),
    (dict(reason="长" * (H.MAX_REASON + 1)), "太长"),
    (dict(code="ZZ-99"), "未知的预警规则"),
    (dict(reason="理由\x00隐藏"), "控制字符"),
    (dict(reason="\u202e理由"), "控制字符"),
    (dict(code="GS-01'; DROP TABLE cases;--"), "规则"),
    (dict(record_type="sqlite_master"), "记录类型"),
    (dict(record_type="cases", record_id=str(uuid.uuid4())), "找不到"),
])
def test_bad_handlings_are_refused_and_nothing_is_stored(demo_store, kw, text):
    f = _first(demo_store)
    args = dict(code=f.code, record_type=f.record_type, record_id=f.record_id, disposition="已知悉", reason="理由")
    args.update(kw)
    with pytest.raises(UserError) as exc:
        handle_finding(demo_store, args["code"], args["record_type"], args["record_id"], args["disposition"],
                       args["reason"])
    assert text in exc.value.message
    assert demo_store.count(H.TABLE) == 0


def test_only_a_leader_or_admin_handles(demo_store):
    f = _first(demo_store)
    demo_store.as_actor(Actor("clerk", "staff", "小王"))
    with pytest.raises(PermissionDenied):
        handle_finding(demo_store, f.code, f.record_type, f.record_id, "已知悉", "理由")
    demo_store.as_actor(Actor("boss", "leader", "所长"))
    assert handle_finding(demo_store, f.code, f.record_type, f.record_id, "已知悉", "理由")["handled_by"] == "所长"
    demo_store.as_actor(Actor("clerk", "staff", "小王"))
    with pytest.raises(PermissionDenied):
        unhandle_finding(demo_store, f.code, f.record_type, f.record_id)
    demo_store.as_actor(SYSTEM)


def test_cli_handle_and_unhandle(tmp_path, capsys, monkeypatch):
    d = str(tmp_path / "demo")
    assert main(["demo", "--data-dir", d, "--cases", "40"]) == 0
    monkeypatch.setenv("SIFASUO_USER", "admin")
    monkeypatch.setenv("SIFASUO_PASSWORD", "demo1234")
    capsys.readouterr()
    assert main(["check", "--data-dir", d, "--json", "--today", "2026-12-03"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert all(i["handled"] is False and i["handling"] == "" for i in items)
    f = items[0]
    base = ["check", "handle", f["code"], "--record-type", f["record_type"], "--record-id", f["record_id"],
            "--data-dir", d]
    for bad, text in ((["--as", "随便", "--reason", "x"], "处置方式"), (["--as", "已知悉", "--reason", ""], "理由"),
                      (["--as", "已知悉", "--reason", "长" * 600], "太长")):
        assert main(base + bad) == 1
        err = capsys.readouterr().err
        assert text in err and "Traceback" not in err
    assert main(["check", "handle", f["code"], "--record-type", "nosuch", "--record-id", f["record_id"],
                 "--as", "已知悉", "--reason", "x", "--data-dir", d]) == 1
    assert "记录类型" in capsys.readouterr().err
    assert main(base + ["--as", "已知悉", "--reason", "已向县局说明"]) == 0
    capsys.readouterr()
    assert main(["check", "--data-dir", d, "--json", "--today", "2026-12-03"]) == 0
    items2 = json.loads(capsys.readouterr().out)
    mine = [i for i in items2 if (i["code"], i["record_id"]) == (f["code"], f["record_id"])]
    assert mine and all(i["handled"] and i["handling"] == "已知悉：已向县局说明" for i in mine)
    assert len(items2) == len(items)
    assert main(["check", "--data-dir", d, "--today", "2026-12-03"]) == 0
    assert "【已处置：已知悉：已向县局说明】" in capsys.readouterr().out
    # a ledger title and the record's number work too
    if f["record_type"] == "cases" and f["ref"]:
        assert main(["check", "handle", f["code"], "--record-type", "执法案件", "--record-id", f["ref"],
                     "--as", "已纠正", "--reason", "已补正", "--data-dir", d]) == 0
    capsys.readouterr()
    assert main(["check", "unhandle", f["code"], "--record-type", f["record_type"], "--record-id", f["record_id"],
                 "--data-dir", d]) == 0
    assert main(["check", "unhandle", f["code"], "--record-type", f["record_type"], "--record-id", f["record_id"],
                 "--data-dir", d]) == 1
    assert "没有处置记录" in capsys.readouterr().err
