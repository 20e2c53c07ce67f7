"""Issue 12: an old sheet's closed problems and issued/served documents come in as HISTORY (state_imported = 1,
audit "import_history", read-only 历史导入), never as a way around the workflow; bulk_insert checks every row."""
import json

import openpyxl
import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain import workflow as wf
from sifasuo_desktop.domain.record_state import HISTORY_FIELD, RecordStateError, as_history
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import workflow_ops as ops


@pytest.fixture()
def folder(tmp_path):
    d = tmp_path / "d"
    with Store.open(d) as s:
        s.init_org("township", "示范镇司法所", "379901101000", "379901")
    return d


def _book(path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


PROBLEMS = ["问题编号", "发现日期", "来源", "问题描述", "整改状态", "销号日期"]
DOCS = ["文书类型", "文号", "标题", "主送单位", "成文日期", "状态", "送达日期"]


def _history_book(tmp_path):
    return _book(tmp_path / "old.xlsx", {
        "问题整改": [PROBLEMS,
                 ["示问〔2024〕3", "2024-03-01", "监督检查", "公示超期", "已销号", "2024-04-02"],
                 ["", "2024-05-01", "监督检查", "未按期报送", "", "2024-06-01"],     # a 销号日期 alone: closed
                 ["", "2024-07-01", "监督检查", "尚在整改", "待整改", ""]],
        "监督文书": [DOCS,
                 ["督办函", "示司督〔2024〕2号", "关于督办的函", "某镇政府", "2024-05-06", "已签发", ""],
                 ["监督意见书", "示司意〔2024〕1号", "意见书", "某局", "2024-06-06", "", "2024-06-09"],
                 ["监督建议书", "", "草稿建议书", "某局", "2024-07-01", "草稿", ""]],
    })


def test_cli_import_stores_closed_and_issued_rows_as_history(folder, tmp_path, capsys):
    path = _history_book(tmp_path)
    rc = main(["import-xlsx", str(path), "--data-dir", str(folder), "--json"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    summary = json.loads(out.out)
    assert summary["created"] == 6 and summary["history"] == 4
    with Store.open(folder) as s:
        probs = {p["description"]: p for p in s.rows("problems")}
        assert probs["公示超期"]["status"] == wf.CLOSED and probs["公示超期"][HISTORY_FIELD] == 1
        assert probs["未按期报送"]["status"] == wf.CLOSED and probs["未按期报送"][HISTORY_FIELD] == 1
        assert probs["尚在整改"]["status"] == wf.TODO and not probs["尚在整改"][HISTORY_FIELD]
        docs = {d["title"]: d for d in s.rows("documents")}
        assert docs["关于督办的函"]["status"] == "已签发" and docs["关于督办的函"][HISTORY_FIELD] == 1
        assert docs["意见书"]["status"] == "已送达" and docs["意见书"][HISTORY_FIELD] == 1
        assert docs["草稿建议书"]["status"] == "草稿" and not docs["草稿建议书"][HISTORY_FIELD]
        actions = dict(s.conn.execute("SELECT record_id, action FROM audit_log WHERE table_name IN "
                                      "('problems', 'documents')").fetchall())
        assert actions[probs["公示超期"]["id"]] == "import_history"
        assert actions[probs["尚在整改"]["id"]] == "insert"
        # the history is read-only: no normal update changes its state or drops the mark
        pid = probs["公示超期"]["id"]
        with pytest.raises(RecordStateError, match="整改状态"):
            s.update("problems", pid, {"status": wf.WORKING})
        with pytest.raises(RecordStateError, match="历史导入"):
            s.update("problems", pid, {HISTORY_FIELD: 0})
        s.update("problems", pid, {"description": "公示超期（补记）"})     # other fields stay editable
        assert s.get("problems", pid)["status"] == wf.CLOSED
    from sifasuo_desktop.security.audit import verify_all
    with Store.open(folder) as s:
        assert verify_all(s.conn, folder).ok
    # the same sheet again: nothing changes (the history rows match themselves)
    rc = main(["import-xlsx", str(path), "--data-dir", str(folder), "--json"])
    again = json.loads(capsys.readouterr().out)
    assert rc == 0 and again["created"] == 0 and again["history"] == 0


def test_cli_import_cannot_close_an_existing_problem_even_as_history(folder, tmp_path, capsys):
    with Store.open(folder) as s:
        p = ops.create_problem(s, {"found_date": "2026-05-01", "source": "监督检查", "description": "未按期公示",
                                   "requirement": "立即公示", "deadline": "2026-05-30"}, person="张所长")
    path = _book(tmp_path / "p.xlsx", {"问题整改": [PROBLEMS + ["历史导入"],
                                                [p["problem_no"], "2026-05-01", "监督检查", "未按期公示", "已销号",
                                                 "2026-05-12", "是"]]})
    rc = main(["import-xlsx", str(path), "--data-dir", str(folder)])
    err = capsys.readouterr().err
    assert rc == 1 and "整改状态" in err and "整改流程" in err
    with Store.open(folder) as s:
        row = s.get("problems", p["id"])
        assert row["status"] == wf.TODO and not row[HISTORY_FIELD]


def test_no_bypass_through_insert_update_or_bulk_insert(folder):
    closed = {"found_date": "2024-03-01", "source": "监督检查", "description": "d", "status": wf.CLOSED,
              "closed_date": "2024-04-01"}
    with Store.open(folder) as s:
        with pytest.raises(RecordStateError, match="整改状态"):
            s.bulk_insert("problems", [{"found_date": "2024-03-01", "source": "监督检查", "description": "ok"},
                                       closed])
        # the mark itself is not a key: a normal insert/bulk insert may not set it
        with pytest.raises(RecordStateError, match="历史导入"):
            s.insert("problems", as_history("problems", closed))
        with pytest.raises(RecordStateError, match="历史导入"):
            s.bulk_insert("problems", [as_history("problems", closed)])
        with pytest.raises(RecordStateError, match="文号"):
            s.bulk_insert("documents", [{"doc_type": "督办函", "title": "t", "recipient": "r",
                                         "doc_no": "示司督〔2026〕1号", "status": "已签发"}])
        with pytest.raises(RecordStateError, match="得分"):
            s.bulk_insert("reviews", [{"case_no": "A", "reviewers": "甲、乙", "score": 95, "grade": "优秀"}])
        # the history path relaxes only marked rows of problems/documents, never an update
        with s.history_import():
            with pytest.raises(RecordStateError, match="整改状态"):
                s.bulk_insert("problems", [closed])
            with pytest.raises(RecordStateError, match="得分"):
                s.bulk_insert("reviews", [{"case_no": "A", "reviewers": "甲", "score": 95, "grade": "优秀"}])
            open_p = s.insert("problems", {"found_date": "2024-03-01", "source": "监督检查", "description": "x"})
            with pytest.raises(RecordStateError):
                s.update("problems", open_p["id"], as_history("problems", closed))
        assert s.count("problems", "status = ?", (wf.CLOSED,)) == 0
        assert s.count("documents") == s.count("reviews") == 0


def test_case_status_follows_dates_on_every_write(folder, tmp_path, capsys):
    with Store.open(folder) as s:
        c = s.insert("cases", {"case_no": "示罚〔2026〕1号", "case_type": "行政处罚(一般程序)", "status": "已结案"})
        assert c["status"] == "办理中"                         # typed 已结案 without a 结案日期
        c = s.update("cases", c["id"], {"decision_date": "2026-03-01"})
        assert c["status"] == "已决定"
        c = s.update("cases", c["id"], {"status": "办理中"})    # cannot be typed back either
        assert c["status"] == "已决定"
        c = s.update("cases", c["id"], {"closed_date": "2026-04-01"})
        assert c["status"] == "已结案"
        c = s.update("cases", c["id"], {"status": "已撤销"})    # 撤销 is the one status chosen by hand
        assert c["status"] == "已撤销"
        s.bulk_insert("cases", [{"case_no": "示罚〔2026〕2号", "case_type": "行政处罚(一般程序)", "status": "已结案",
                                 "decision_date": "2026-02-01"}])
        assert s.rows("cases", "case_no = ?", ("示罚〔2026〕2号",))[0]["status"] == "已决定"
    path = _book(tmp_path / "c.xlsx", {"执法案件": [["案号", "案件类型", "立案日期", "决定日期", "办理状态"],
                                                ["示罚〔2026〕3号", "行政处罚(一般程序)", "2026-01-05", "", "已结案"],
                                                ["示罚〔2026〕2号", "行政处罚(一般程序)", "2026-01-05", "2026-02-01", "已结案"]]})
    rc = main(["import-xlsx", str(path), "--data-dir", str(folder), "--ledger", "cases"])
    assert rc == 0, capsys.readouterr().err
    with Store.open(folder) as s:
        got = {r["case_no"]: r["status"] for r in s.rows("cases")}
    assert got["示罚〔2026〕3号"] == "办理中" and got["示罚〔2026〕2号"] == "已决定"
