"""Issue 12: state fields change only through their workflow, for every caller of the store."""
import datetime as dt

import openpyxl
import pytest

from sifasuo_desktop.documents import service as S
from sifasuo_desktop.domain import workflow as wf
from sifasuo_desktop.domain.record_state import RecordStateError, case_status
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import workflow_ops as ops


@pytest.fixture()
def store(tmp_path):
    s = Store.open(tmp_path / "d")
    s.init_org("township", "示范镇司法所", "T1")
    yield s
    s.close()


def _problem(store):
    return ops.create_problem(store, {"found_date": "2026-05-01", "source": "监督检查", "description": "未按期公示",
                                      "requirement": "立即公示", "deadline": "2026-05-30"}, person="张所长")


def test_generic_update_cannot_close_a_problem(store):
    p = _problem(store)
    with pytest.raises(RecordStateError, match="整改状态"):
        store.update("problems", p["id"], {"status": wf.CLOSED, "closed_date": "2026-05-20"})
    assert store.get("problems", p["id"])["status"] == wf.TODO
    store.update("problems", p["id"], {"description": "未按期公示（补充）"})   # other fields stay editable


def test_generic_insert_cannot_create_a_closed_problem_or_issued_document_or_scored_review(store):
    with pytest.raises(RecordStateError, match="整改状态"):
        store.insert("problems", {"found_date": "2026-05-01", "source": "监督检查", "description": "d",
                                  "status": wf.CLOSED})
    with pytest.raises(RecordStateError, match="文号"):
        store.insert("documents", {"doc_type": "督办函", "title": "t", "recipient": "r", "status": "已签发",
                                   "doc_no": "示司督〔2026〕1号"})
    with pytest.raises(RecordStateError, match="得分"):
        store.insert("reviews", {"case_no": "A", "reviewers": "甲", "score": 95, "grade": "优秀"})
    assert store.count("problems") == store.count("documents") == store.count("reviews") == 0
    store.insert("problems", {"found_date": "2026-05-01", "source": "监督检查", "description": "d",
                              "status": wf.TODO})   # the initial state is fine


def test_workflow_operations_still_change_state(store):
    p = _problem(store)
    p = ops.apply_step(store, p["id"], wf.REPORT, step_date="2026-05-08", person="镇执法办", note="已公示",
                       today=dt.date(2026, 5, 9))
    assert p["status"] == wf.REPORTED


def test_issued_document_edit_is_a_chinese_error(store):
    d = S.create_draft(store, "dubanhan", {"recipient": "某镇", "problems": [{"description": "x"}]})
    with pytest.raises(RecordStateError, match="签发"):
        store.update("documents", d["id"], {"status": "已签发", "doc_no": "X〔2026〕1号"})


def test_import_cannot_close_an_existing_problem(store, tmp_path, monkeypatch, capsys):
    from sifasuo_desktop.cli import main

    p = _problem(store)
    store.close()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题整改"
    ws.append(["问题编号", "发现日期", "来源", "问题描述", "整改状态", "销号日期"])
    ws.append([p["problem_no"], "2026-05-01", "监督检查", "未按期公示", "已销号", "2026-05-12"])
    path = tmp_path / "p.xlsx"
    wb.save(path)
    rc = main(["import-xlsx", str(path), "--data-dir", str(tmp_path / "d"), "--ledger", "problems"])
    assert rc == 1 and "整改状态" in capsys.readouterr().err
    with Store.open(tmp_path / "d") as s:
        assert s.get("problems", p["id"])["status"] == wf.TODO


def test_case_status_follows_dates():
    assert case_status({}) == "办理中"
    assert case_status({"decision_date": "2026-01-02"}) == "已决定"
    assert case_status({"decision_date": "2026-01-02", "closed_date": "2026-02-01"}) == "已结案"
    assert case_status({"status": "已撤销", "closed_date": "2026-02-01"}) == "已撤销"
