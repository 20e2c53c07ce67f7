"""A checklist visit clicked through the real main window: open the 监督检查 ledger, select a visit, 检查清单…,
mark items 符合/不适用/不符合 (a 不符合 needs a note), one click turns the 不符合 item into a problem, and the
visit prints as a 监督检查记录表."""
import pytest
from PySide6.QtWidgets import QDialog

from sifasuo_desktop.domain import checklist as cl
from sifasuo_desktop.domain.permissions import Actor
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import checklist_ops as ops
from sifasuo_desktop.store import workflow_ops as wops
from sifasuo_desktop.ui.main_window import MainWindow

from tests.ui.helpers import when_modal

LEADER = Actor("zhang", "leader", "张所长")


@pytest.fixture
def setup(qtbot, tmp_path):
    s = Store.open(tmp_path / "d")
    s.init_org("township", "示范镇司法所", "T001", "C001")
    s.actor = LEADER
    body = s.insert("bodies", {"name": "示范镇综合行政执法队"})
    visit = s.insert("visits", {"visit_date": "2026-05-12", "method": "日常监督", "body_id": body["id"],
                                "people": "张所长、李干事"})
    w = MainWindow(s, LEADER)
    qtbot.addWidget(w)
    w.show()
    yield s, w, visit
    w.close()
    s.close()


def _button(view, text):
    return next(b for b in view.record_buttons if b.text() == text)


def test_checklist_visit_to_problem_and_record_sheet(qtbot, setup, tmp_path):
    s, w, visit = setup
    w.show_page("visits") if "visits" in w.page_keys() else None
    view = w.ledger_view("visits")
    view.reload() if hasattr(view, "reload") else None
    assert view.select_record(visit["id"])
    seen = {}
    pdf = tmp_path / "记录表.pdf"

    def fill(dlg):
        seen["items"] = list(dlg.result_boxes)
        assert seen["items"][:2] == ["ZT-01", "ZT-02"] and len(seen["items"]) == 15   # reference.md §1.4
        assert not dlg.problem_buttons["ZD-01"].isEnabled()
        dlg.result_boxes["ZT-01"].setCurrentText(cl.CONFORM)
        dlg.result_boxes["TJ-01"].setCurrentText(cl.NOT_APPLICABLE)
        dlg.result_boxes["ZD-01"].setCurrentText(cl.NONCONFORM)
        assert dlg.problem_buttons["ZD-01"].isEnabled()
        dlg.problem_buttons["ZD-01"].click()          # no note yet: refused, nothing created
        assert "请写明情况" in dlg.error.text()
        assert not wops.problems_from(s, "visits", visit["id"])
        dlg.note_edits["ZD-01"].setText("3件一般程序处罚决定超过7个工作日未公示")
        dlg.problem_buttons["ZD-01"].click()          # one click: saved and registered
        seen["after"] = dlg.problem_buttons["ZD-01"].text()
        # a second time gives the same problem, never a second one (the button then opens it)
        assert ops.problem_from_item(s, visit["id"], "ZD-01")["problem_no"] in seen["after"]
        seen["pdf"] = dlg.print_record(str(pdf))
        dlg.reject()

    state = when_modal(qtbot, fill)
    _button(view, "检查清单…").click()
    qtbot.waitUntil(lambda: state["done"], timeout=5000)
    if state["error"]:
        raise state["error"]

    probs = wops.problems_from(s, "visits", visit["id"])
    assert len(probs) == 1
    p = probs[0]
    assert p["status"] == "待整改" and p["source"] == "监督检查" and p["body_id"] == visit["body_id"]
    assert p["found_date"] == "2026-05-12" and "ZD-01" in p["description"] and "未公示" in p["description"]
    assert seen["after"] == f"已登记 {p['problem_no']}"
    v = s.get("visits", visit["id"])
    _row, _items, results = ops.visit_checklist(s, v)
    assert results["ZT-01"]["result"] == cl.CONFORM and results["TJ-01"]["result"] == cl.NOT_APPLICABLE
    assert results["ZD-01"]["problem_id"] == p["id"]
    assert v["problem_count"] == 1 and v["findings"].startswith("清单检查：符合1项，不符合1项，不适用1项")

    import pdfplumber
    with pdfplumber.open(seen["pdf"]) as doc:
        text = "".join(page.dedupe_chars().extract_text() or "" for page in doc.pages)
    assert "监督检查记录表" in text and p["problem_no"] in text and "不符合" in text


def test_county_saves_a_new_checklist_version_township_cannot(tmp_path):
    s = Store.open(tmp_path / "t")
    s.init_org("township", "示范镇司法所", "T001", "C001")
    s.actor = Actor("admin", "admin", "管理员")
    from sifasuo_desktop.domain.errors import UserError
    with pytest.raises(UserError):
        ops.save_version(s, "监督检查清单", "2027版", [{"code": "A-1", "item": "x"}])
    s.close()
    c = Store.open(tmp_path / "c")
    c.init_org("county", "示范县司法局", "C001")
    c.actor = Actor("admin", "admin", "管理员")
    first = ops.active_checklist(c)
    assert first["version_label"].startswith("默认版")
    new = ops.save_version(c, "监督检查清单", "2027版", [{"code": "A-1", "item": "新增检查项", "evidence": "台账"}])
    assert ops.active_checklist(c)["id"] == new["id"] and ops.items_of(new)[0]["code"] == "A-1"
    assert first["id"] == ops.DEFAULT_ID                          # the shipped default is never stored
    v = c.insert("visits", {"visit_date": "2026-05-12", "checklist_id": ops.DEFAULT_ID})
    assert ops.visit_checklist(c, v)[1][0]["code"] == "ZT-01"      # a visit keeps the version it used
    newer = ops.save_version(c, "监督检查清单", "2028版", [{"code": "B-1", "item": "另一检查项"}])
    assert not c.get("checklists", new["id"])["active"] and ops.active_checklist(c)["id"] == newer["id"]
    with pytest.raises(UserError):
        ops.save_version(c, "监督检查清单", "2029版", [{"code": "A-1", "item": "a"}, {"code": "A-1", "item": "b"}])
    c.close()


def test_power_evaluation_prefilled_from_the_data(tmp_path):
    from sifasuo_desktop.store.evaluation_ops import create_prefilled, prefill
    import datetime as dt

    s = Store.open(tmp_path / "e")
    s.init_org("township", "示范镇司法所", "T001", "C001")
    s.actor = LEADER
    body = s.insert("bodies", {"name": "示范镇人民政府"})
    s.insert("officers", {"name": "甲", "body_id": body["id"], "cert_status": "有效", "duty_status": "在岗"})
    s.insert("officers", {"name": "乙", "body_id": body["id"], "cert_status": "过期", "duty_status": "在岗"})
    used = s.insert("powers", {"code": "P1", "name": "对占道经营的处罚", "body_id": body["id"],
                               "effective_date": "2024-01-01", "status": "有效"})
    idle = s.insert("powers", {"code": "P2", "name": "对乱倒垃圾的处罚", "body_id": body["id"],
                               "effective_date": "2024-01-01", "status": "有效"})
    c = s.insert("cases", {"case_no": "示罚〔2026〕1号", "case_type": "行政处罚(一般程序)", "power_id": used["id"],
                           "body_id": body["id"], "filed_date": "2026-03-01"})
    with s.workflow():   # a scored review as the scoring form leaves it
        s.insert("reviews", {"case_id": c["id"], "case_no": c["case_no"], "reviewers": "甲、乙",
                             "review_date": "2026-05-01", "grade": "不合格"})
    p = prefill(s, used["id"], 2026, dt.date(2026, 11, 20))
    assert (p["case_count"], p["review_failed_count"], p["staff_count"], p["certified_count"]) == (1, 1, 2, 1)
    assert p["power_code"] == "P1" and "评查不合格1件" in p["problems"]
    ev = create_prefilled(s, idle["id"], 2026, dt.date(2026, 11, 20))
    assert ev["case_count"] == 0 and "2026年零办件（上年也无办件）" in ev["problems"]
    s.close()
