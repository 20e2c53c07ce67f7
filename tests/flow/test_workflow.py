"""Problem state machine: table-driven transitions, validation, undo-by-new-step, overdue, role refusal."""
import datetime as dt

import pytest

from sifasuo_desktop.domain import workflow as wf
from sifasuo_desktop.domain.errors import PermissionDenied, UserError, ValidationError
from sifasuo_desktop.store import workflow_ops as ops

from .conftest import LEADER, STAFF

TODAY = dt.date(2026, 5, 20)
VERIFY = dict(verify_method="实地核查", verifier="王核查", verify_date="2026-05-10", verify_result="整改到位")

# (from status, action, expected target or None when refused)
TABLE = [
    (wf.TODO, wf.START, wf.WORKING),
    (wf.TODO, wf.REPORT, wf.REPORTED),
    (wf.TODO, wf.RETURN, None),
    (wf.TODO, wf.CLOSE, None),
    (wf.WORKING, wf.START, None),
    (wf.WORKING, wf.REPORT, wf.REPORTED),
    (wf.WORKING, wf.RETURN, None),
    (wf.WORKING, wf.CLOSE, None),
    (wf.REPORTED, wf.START, None),
    (wf.REPORTED, wf.REPORT, None),
    (wf.REPORTED, wf.RETURN, wf.RETURNED),
    (wf.REPORTED, wf.CLOSE, wf.CLOSED),
    (wf.RETURNED, wf.START, wf.WORKING),
    (wf.RETURNED, wf.REPORT, wf.REPORTED),
    (wf.RETURNED, wf.CLOSE, None),
    (wf.CLOSED, wf.START, None),
    (wf.CLOSED, wf.REPORT, None),
    (wf.CLOSED, wf.RETURN, None),
    (wf.CLOSED, wf.CLOSE, None),
]

OPENING = {"step_date": "2026-05-01", "action": wf.ASSIGN, "from_status": None, "to_status": wf.TODO,
           "created_at": "1"}


@pytest.mark.parametrize("status,action,target", TABLE)
def test_transition_table(status, action, target):
    problem = {"status": status, "found_date": "2026-05-01", "deadline": "2026-05-30"}
    kwargs = dict(step_date="2026-05-12", person="李干事", note="已整改", today=TODAY, **VERIFY)
    if target is None:
        with pytest.raises(UserError, match="不能执行"):
            wf.plan_step(problem, [OPENING], action, **kwargs)
    else:
        plan = wf.plan_step(problem, [OPENING], action, **kwargs)
        assert (plan.from_status, plan.to_status) == (status, target)
        assert plan.closed_date == ("2026-05-12" if target == wf.CLOSED else None)
        assert plan.permission == ("close_problem" if action == wf.CLOSE else "edit")


@pytest.mark.parametrize("action,missing,field", [
    (wf.REPORT, {"note": ""}, "说明"),
    (wf.RETURN, {"note": ""}, "说明"),
    (wf.CLOSE, {"verify_method": None}, "核查方式"),
    (wf.CLOSE, {"verifier": " "}, "核查人"),
    (wf.CLOSE, {"verify_date": None}, "核查日期"),
    (wf.CLOSE, {"verify_date": "2026-05-13"}, "核查日期"),   # after the 销号 date
    (wf.CLOSE, {"verify_result": ""}, "核查结论"),
    (wf.START, {"person": ""}, "经办人"),
    (wf.START, {"step_date": "2026-04-30"}, "日期"),         # before 发现日期
    (wf.START, {"step_date": "2026-05-21"}, "日期"),         # after today
    (wf.START, {"step_date": "2026-13-01"}, "日期"),         # not a date
])
def test_step_validation(action, missing, field):
    status = wf.REPORTED if action in (wf.CLOSE, wf.RETURN) else wf.TODO
    problem = {"status": status, "found_date": "2026-05-01"}
    kwargs = dict(step_date="2026-05-12", person="李干事", note="说明", today=TODAY, **VERIFY)
    kwargs.update(missing)
    with pytest.raises(ValidationError) as exc:
        wf.plan_step(problem, [OPENING], action, **kwargs)
    assert field in exc.value.errors


@pytest.mark.parametrize("deadline,status,expected", [
    ("2026-05-19", wf.WORKING, "overdue"),     # day after the deadline
    ("2026-05-20", wf.WORKING, "due_soon"),    # deadline day itself is on time
    ("2026-05-23", wf.TODO, "due_soon"),       # 3 days before
    ("2026-05-24", wf.TODO, None),             # 4 days before
    ("2026-05-01", wf.CLOSED, None),           # closed problems are never overdue
    (None, wf.WORKING, None),
])
def test_deadline_state(deadline, status, expected):
    assert wf.deadline_state({"status": status, "deadline": deadline}, TODAY) == expected


def test_display_status_marks_overdue():
    assert wf.display_status({"status": wf.WORKING, "deadline": "2026-05-01"}, TODAY) == "整改中（逾期）"
    assert wf.display_status({"status": wf.WORKING, "deadline": "2026-06-01"}, TODAY) == "整改中"


def test_next_problem_no():
    assert wf.next_problem_no("示范", 2026, []) == "示范问〔2026〕1号"
    assert wf.next_problem_no("示范", 2026, ["示范问〔2026〕9号", "示范问〔2026〕10号", "示范问〔2025〕30号"]) == \
        "示范问〔2026〕11号"


# ---------------------------------------------------------------------------- store ops
def _new(store, body, **kw):
    vals = {"found_date": "2026-05-01", "source": "监督检查", "body_id": body["id"], "description": "未按期公示",
            "requirement": "立即公示", "deadline": "2026-05-30"}
    vals.update(kw)
    return ops.create_problem(store, vals, person="张所长")


def test_full_life_cycle_with_evidence_and_history(store, body, tmp_path):
    p = _new(store, body)
    assert p["status"] == wf.TODO and p["problem_no"] == "示范问〔2026〕1号"
    ev = tmp_path / "整改报告.pdf"
    ev.write_bytes(b"%PDF-1.4 evidence")
    ops.apply_step(store, p["id"], wf.START, step_date="2026-05-03", person="镇执法办", today=TODAY)
    ops.apply_step(store, p["id"], wf.REPORT, step_date="2026-05-08", person="镇执法办", note="已在网站公示",
                   evidence_files=[ev], today=TODAY)
    ops.apply_step(store, p["id"], wf.RETURN, step_date="2026-05-09", person="张所长", note="截图不清晰", today=TODAY)
    ops.apply_step(store, p["id"], wf.REPORT, step_date="2026-05-10", person="镇执法办", note="补充截图", today=TODAY)
    done = ops.apply_step(store, p["id"], wf.CLOSE, step_date="2026-05-12", person="张所长", today=TODAY, **VERIFY)
    assert done["status"] == wf.CLOSED and done["closed_date"] == "2026-05-12"
    hist = ops.problem_history(store, p["id"])
    assert [s["action"] for s in hist] == [wf.ASSIGN, wf.START, wf.REPORT, wf.RETURN, wf.REPORT, wf.CLOSE]
    assert hist[-1]["verifier"] == "王核查" and hist[-1]["verify_date"] == "2026-05-10"
    att = hist[2]["attachments"]
    assert len(att) == 1 and att[0]["file_name"] == "整改报告.pdf"
    assert ops.attachment_path(store, att[0]).read_bytes() == b"%PDF-1.4 evidence"
    # audit trail for the problem: insert + 5 status updates
    n = store.conn.execute("SELECT count(*) FROM audit_log WHERE table_name='problems' AND record_id=?",
                           (p["id"],)).fetchone()[0]
    assert n == 6


def test_undo_is_a_new_step_and_history_is_kept(store, body):
    p = _new(store, body)
    ops.apply_step(store, p["id"], wf.REPORT, step_date="2026-05-08", person="镇执法办", note="已整改", today=TODAY)
    ops.apply_step(store, p["id"], wf.CLOSE, step_date="2026-05-12", person="张所长", today=TODAY, **VERIFY)
    back = ops.apply_step(store, p["id"], wf.UNDO, step_date="2026-05-13", person="张所长", note="误操作", today=TODAY)
    assert back["status"] == wf.REPORTED and back["closed_date"] is None
    back = ops.apply_step(store, p["id"], wf.UNDO, step_date="2026-05-13", person="张所长", note="报告不全",
                          today=TODAY)
    assert back["status"] == wf.TODO
    with pytest.raises(UserError, match="没有可撤销"):
        ops.apply_step(store, p["id"], wf.UNDO, step_date="2026-05-13", person="张所长", note="再撤", today=TODAY)
    actions = [s["action"] for s in ops.problem_history(store, p["id"])]
    assert actions == [wf.ASSIGN, wf.REPORT, wf.CLOSE, wf.UNDO, wf.UNDO]
    assert store.count("problem_steps", "problem_id = ?", (p["id"],)) == 5


def test_staff_cannot_close_or_undo_a_close(store, body):
    p = _new(store, body)
    store.actor = STAFF
    ops.apply_step(store, p["id"], wf.REPORT, step_date="2026-05-08", person="李干事", note="已整改", today=TODAY)
    with pytest.raises(PermissionDenied, match="问题销号"):
        ops.apply_step(store, p["id"], wf.CLOSE, step_date="2026-05-12", person="李干事", today=TODAY, **VERIFY)
    # refused before validation too: bad input from staff still gets the permission message
    with pytest.raises(PermissionDenied):
        ops.apply_step(store, p["id"], wf.CLOSE, step_date="", person="", today=TODAY)
    assert store.get("problems", p["id"])["status"] == wf.REPORTED
    assert store.count("problem_steps", "problem_id = ?", (p["id"],)) == 2
    store.actor = LEADER
    ops.apply_step(store, p["id"], wf.CLOSE, step_date="2026-05-12", person="张所长", today=TODAY, **VERIFY)
    store.actor = STAFF
    with pytest.raises(PermissionDenied):
        ops.apply_step(store, p["id"], wf.UNDO, step_date="2026-05-13", person="李干事", note="撤", today=TODAY)
    assert store.get("problems", p["id"])["status"] == wf.CLOSED


def test_bad_input_leaves_data_untouched(store, body, tmp_path):
    p = _new(store, body)
    before = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(UserError, match="找不到佐证材料"):
        ops.apply_step(store, p["id"], wf.REPORT, step_date="2026-05-08", person="x", note="n",
                       evidence_files=[tmp_path / "nope.pdf"], today=TODAY)
    with pytest.raises(ValidationError):
        ops.apply_step(store, p["id"], wf.REPORT, step_date="2026-05-08", person="x", note="", today=TODAY)
    with pytest.raises(ValidationError):
        ops.create_problem(store, {"found_date": "2026-05-10", "source": "监督检查", "description": "d",
                                   "deadline": "2026-05-01"})
    assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
    assert store.get("problems", p["id"])["status"] == wf.TODO


def test_create_from_visit_and_due_problems(store, body):
    visit = store.insert("visits", {"visit_date": "2026-05-02", "method": "专项监督", "body_id": body["id"],
                                    "people": "张三、李四"})
    p = ops.create_problem_from(store, "visits", visit["id"], {"description": "执法证过期仍执法",
                                                               "deadline": "2026-05-19"})
    assert (p["source"], p["found_date"], p["body_id"]) == ("监督检查", "2026-05-02", body["id"])
    assert [x["id"] for x in ops.problems_from(store, "visits", visit["id"])] == [p["id"]]
    q = _new(store, body, deadline="2026-05-22")
    _new(store, body, deadline="2026-06-30")
    due = ops.due_problems(store, TODAY)
    assert [x["id"] for x in due["overdue"]] == [p["id"]]
    assert [x["id"] for x in due["due_soon"]] == [q["id"]]


def test_staff_cannot_close_by_writing_the_record_directly(store, body):
    p = _new(store, body)
    ops.apply_step(store, p["id"], wf.REPORT, step_date="2026-05-08", person="x", note="已整改", today=TODAY)
    store.actor = STAFF
    with pytest.raises(PermissionDenied):
        store.update("problems", p["id"], {"status": wf.CLOSED, "closed_date": "2026-05-12"})
    assert store.get("problems", p["id"])["status"] == wf.REPORTED


def test_foreign_owned_problem_is_read_only(store, body):
    from sifasuo_desktop.domain.permissions import SYSTEM

    store.actor = SYSTEM
    store.insert("orgs", {"code": "T002", "name": "东镇司法所", "role": "township"}, owner_org="T002")
    p = store.insert("problems", {"found_date": "2026-05-01", "source": "监督检查", "description": "x",
                                  "status": wf.TODO}, owner_org="T002")
    store.actor = LEADER
    with pytest.raises(UserError, match="东镇司法所"):
        ops.apply_step(store, p["id"], wf.START, step_date="2026-05-02", person="x", today=TODAY)
    assert store.get("problems", p["id"])["status"] == wf.TODO
