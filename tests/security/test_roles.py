"""Role checks live in the domain/storage layer: logged-in accounts, not hidden buttons, decide."""
import datetime as dt

import pytest

from sifasuo_desktop.documents import model as M
from sifasuo_desktop.documents import service as S
from sifasuo_desktop.domain import workflow as wf
from sifasuo_desktop.domain.errors import PermissionDenied
from sifasuo_desktop.security import accounts
from sifasuo_desktop.store import workflow_ops as ops

from .conftest import PASSWORDS

TODAY = dt.date(2026, 5, 20)
VERIFY = dict(verify_method="实地核查", verifier="王核查", verify_date="2026-05-10", verify_result="整改到位")


def _as(store, user):
    store.actor = accounts.authenticate(store, user, PASSWORDS[user])
    return store.actor


@pytest.fixture
def reported(sec_store):
    body = sec_store.insert("bodies", {"name": "甲镇人民政府"})
    p = ops.create_problem(sec_store, {"found_date": "2026-05-01", "source": "监督检查", "body_id": body["id"],
                                       "description": "未按期公示", "requirement": "立即公示",
                                       "deadline": "2026-05-30"}, person="张所长")
    ops.apply_step(sec_store, p["id"], wf.REPORT, step_date="2026-05-08", person="镇执法办", note="已公示",
                   today=TODAY)
    return p["id"]


def test_staff_account_cannot_close_a_problem_leader_can(sec_store, reported):
    _as(sec_store, "clerk")
    with pytest.raises(PermissionDenied, match="问题销号"):
        ops.apply_step(sec_store, reported, wf.CLOSE, step_date="2026-05-12", person="李工作", today=TODAY, **VERIFY)
    assert sec_store.get("problems", reported)["status"] == wf.REPORTED
    _as(sec_store, "lead")
    assert ops.apply_step(sec_store, reported, wf.CLOSE, step_date="2026-05-12", person="张所长", today=TODAY,
                          **VERIFY)["status"] == wf.CLOSED


def test_staff_cannot_bypass_workflow_with_a_generic_edit(sec_store, reported):
    """The generic record form saves through store.update(action='edit'): the store still refuses."""
    _as(sec_store, "clerk")
    before = sec_store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(PermissionDenied, match="问题销号"):
        sec_store.update("problems", reported, {"status": wf.CLOSED})
    with pytest.raises(PermissionDenied):
        sec_store.update("problems", reported, {"closed_date": "2026-05-12"})
    assert sec_store.get("problems", reported)["status"] == wf.REPORTED
    # ordinary edits still work for staff
    sec_store.update("problems", reported, {"requirement": "立即在网站公示"})
    after = sec_store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert after == before + 1


def test_staff_cannot_issue_or_number_a_document_by_any_path(sec_store):
    sec_store.set_setting(S.S_ISSUER, "甲县司法局")
    sec_store.set_setting(S.S_SHORT, "甲")
    sec_store.set_setting(S.S_CONTACT, {"name": "刘明", "phone": "0530-1234567"})
    body = sec_store.insert("bodies", {"name": "甲镇人民政府"})
    sec_store.insert("problems", {"problem_no": "甲问〔2026〕1号", "found_date": "2026-10-01", "body_id": body["id"],
                                  "description": "未经法制审核", "requirement": "补齐", "deadline": "2026-12-01",
                                  "status": "待整改", "source": "监督检查"})
    doc = S.draft_for_problems(sec_store, body["id"], key=M.ZHENGGAI)  # a 司法所 issues its own 整改通知单
    _as(sec_store, "clerk")
    with pytest.raises(PermissionDenied, match="签发文书"):
        S.issue(sec_store, doc["id"], dt.date(2026, 11, 23))
    for change in ({"status": "已签发"}, {"doc_no": "甲司监意〔2026〕9号"}, {"status": "已作废"}):
        with pytest.raises(PermissionDenied):
            sec_store.update("documents", doc["id"], change)
    assert sec_store.get("documents", doc["id"])["status"] == "草稿"
    _as(sec_store, "guest")
    with pytest.raises(PermissionDenied, match="录入和修改"):
        sec_store.update("documents", doc["id"], {"title": "改"})
    _as(sec_store, "lead")
    assert S.issue(sec_store, doc["id"], dt.date(2026, 11, 23))["status"] == "已签发"


@pytest.mark.parametrize("user,action,ok", [
    ("boss", "accounts", True), ("lead", "accounts", False), ("clerk", "settings", False),
    ("guest", "edit", False), ("guest", "view", True), ("lead", "view_personal_full", True),
    ("clerk", "view_personal_full", False), ("clerk", "restore", False), ("boss", "restore", True)])
def test_roles_from_login(sec_store, user, action, ok):
    from sifasuo_desktop.domain.permissions import allowed

    assert allowed(_as(sec_store, user), action) is ok


def test_empty_string_for_an_empty_number_is_not_an_issue(sec_store):
    from sifasuo_desktop.domain.permissions import field_change_actions
    assert field_change_actions("documents", {"doc_no": None, "signer": None}, {"doc_no": "", "signer": ""}) == set()
    assert field_change_actions("problems", {"closed_date": None}, {"closed_date": ""}) == set()
    assert field_change_actions("documents", {"doc_no": None}, {"doc_no": "X〔2026〕1号"}) == {"issue_document"}
    assert field_change_actions("problems", {"status": "已销号"}, {"status": "整改中"}) == {"close_problem"}


def test_staff_cannot_close_an_existing_problem_by_importing_a_spreadsheet(sec_dir, tmp_path, capsys, monkeypatch):
    """`import-xlsx` updates existing problems through store.update: the 销号 guard applies there too."""
    import openpyxl

    from sifasuo_desktop.cli import main
    from sifasuo_desktop.store import Store

    with Store.open(sec_dir) as s:
        with s.workflow():
            p = s.insert("problems", {"problem_no": "安问〔2026〕1号", "found_date": "2026-05-01",
                                      "source": "监督检查", "description": "未按期公示", "status": wf.REPORTED})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题整改"
    ws.append(["问题编号", "发现日期", "来源", "问题描述", "整改状态", "销号日期"])
    ws.append(["安问〔2026〕1号", "2026-05-01", "监督检查", "未按期公示", "已销号", "2026-05-12"])
    path = tmp_path / "problems.xlsx"
    wb.save(path)
    for user in ("clerk", "lead"):
        monkeypatch.setenv("SIFASUO_USER", user)
        monkeypatch.setenv("SIFASUO_PASSWORD", PASSWORDS[user])
        rc = main(["import-xlsx", str(path), "--data-dir", str(sec_dir), "--ledger", "problems"])
        with Store.open(sec_dir) as s:
            status = s.get("problems", p["id"])["status"]
        if user == "clerk":   # refused at planning now (issue 12: the state rule holds for every role)
            err = capsys.readouterr().err
            assert rc == 1 and ("无权问题销号" in err or "整改状态" in err), err
            assert status == wf.REPORTED
        else:   # issue 12: not even a leader closes a problem by import; only `problem step` does
            assert rc == 1 and "整改状态" in capsys.readouterr().err
            assert status == wf.REPORTED


def test_staff_account_cannot_close_through_problem_step_cli(sec_dir, capsys, monkeypatch):
    """Real login through SIFASUO_USER/SIFASUO_PASSWORD, then `sifasuo problem step --action 销号`."""
    from sifasuo_desktop.cli import main
    from sifasuo_desktop.store import Store

    with Store.open(sec_dir) as s:
        p = ops.create_problem(s, {"found_date": "2026-05-01", "source": "监督检查", "description": "未按期公示",
                                   "requirement": "立即公示", "deadline": "2026-05-30"}, person="张所长")
        ops.apply_step(s, p["id"], wf.REPORT, step_date="2026-05-08", person="镇执法办", note="已公示", today=TODAY)
    args = ["problem", "step", p["problem_no"], "--data-dir", str(sec_dir), "--action", wf.CLOSE, "--date",
            "2026-05-12", "--person", "经办人", "--verify-method", "实地核查", "--verifier", "王核查",
            "--verify-date", "2026-05-10", "--verify-result", "整改到位"]
    for user, expected in (("clerk", wf.REPORTED), ("lead", wf.CLOSED)):
        monkeypatch.setenv("SIFASUO_USER", user)
        monkeypatch.setenv("SIFASUO_PASSWORD", PASSWORDS[user])
        rc = main(args)
        err = capsys.readouterr().err
        assert rc == (1 if user == "clerk" else 0), err
        if user == "clerk":
            assert "无权问题销号" in err
        with Store.open(sec_dir) as s:
            assert s.get("problems", p["id"])["status"] == expected
