"""A problem's life-cycle clicked through the workflow dialog; role refusal in the GUI; new problem from a visit."""
import datetime as dt

import pytest
from PySide6.QtWidgets import QWidget
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from sifasuo_desktop.domain import workflow as wf
from sifasuo_desktop.domain.permissions import Actor
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import workflow_ops as ops

TODAY = dt.date(2026, 5, 20)
LEADER = Actor("zhang", "leader", "张所长")
STAFF = Actor("li", "staff", "李干事")


class FakeWindow(QWidget):
    """The part of the main window the dialogs use."""

    def __init__(self, store, actor):
        super().__init__()
        self.store, self.actor = store, actor
        self.opened = []

    def open_record(self, table, record_id):
        self.opened.append((table, record_id))


@pytest.fixture
def setup(qtbot, tmp_path):
    s = Store.open(tmp_path / "d")
    s.init_org("township", "示范镇司法所", "T001", "C001")
    s.actor = LEADER
    body = s.insert("bodies", {"name": "示范镇人民政府"})
    p = ops.create_problem(s, {"found_date": "2026-05-01", "source": "监督检查", "description": "未按期公示",
                               "body_id": body["id"], "deadline": "2026-05-30", "requirement": "立即公示"})
    yield s, body, p
    s.close()


def _in_modal(fill):
    """Run `fill(dialog)` on the modal dialog that the next exec() opens."""
    def go():
        dlg = QApplication.activeModalWidget()
        if dlg is None:
            QTimer.singleShot(20, go)
            return
        fill(dlg)
    QTimer.singleShot(0, go)


def test_life_cycle_through_the_dialog(qtbot, setup, tmp_path):
    from sifasuo_desktop.ui.problem_panel import ProblemDialog

    s, body, p = setup
    win = FakeWindow(s, LEADER)
    qtbot.addWidget(win)
    dlg = ProblemDialog(win, p["id"], today=TODAY)
    enabled = {a for a, b in dlg.action_buttons.items() if b.isEnabled()}
    assert enabled == {wf.START, wf.REPORT}
    assert "待整改" in dlg.header.text()

    def start(d):
        d.date.setText("2026-05-03")
        d.ok_button.click()
    _in_modal(start)
    assert dlg.run_action(wf.START)

    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(b"%PDF report")

    def report_empty_then_ok(d):
        d.date.setText("2026-05-08")
        d.ok_button.click()                       # no 整改情况: refused, dialog stays open
        assert "整改情况" in d.error.text() and d.isVisible()
        d.note.setText("已在门户网站补充公示")
        d.add_file(str(evidence))
        d.ok_button.click()
    _in_modal(report_empty_then_ok)
    assert dlg.run_action(wf.REPORT)
    assert {a for a, b in dlg.action_buttons.items() if b.isEnabled()} == {wf.RETURN, wf.CLOSE, wf.UNDO}

    def close(d):
        d.date.setText("2026-05-12")
        d.verify_method.setCurrentText("实地核查")
        d.verifier.setText("王核查")
        d.verify_date.setText("2026-05-11")
        d.verify_result.setText("已整改到位")
        d.ok_button.click()
    _in_modal(close)
    assert dlg.run_action(wf.CLOSE)
    assert s.get("problems", p["id"])["status"] == wf.CLOSED
    rows = [[dlg.history.item(r, c).text() for c in range(8)] for r in range(dlg.history.rowCount())]
    assert [r[1] for r in rows] == [wf.ASSIGN, wf.START, wf.REPORT, wf.CLOSE]
    assert rows[2][6] == "整改报告.pdf"
    assert rows[3][5].startswith("实地核查，王核查，2026-05-11")
    assert {a for a, b in dlg.action_buttons.items() if b.isEnabled()} == {wf.UNDO}


def test_staff_sees_close_disabled_and_is_refused(qtbot, setup):
    from sifasuo_desktop.ui.problem_panel import ProblemDialog, StepDialog

    s, body, p = setup
    ops.apply_step(s, p["id"], wf.REPORT, step_date="2026-05-08", person="镇执法办", note="已整改", today=TODAY)
    s.actor = STAFF
    win = FakeWindow(s, STAFF)
    qtbot.addWidget(win)
    dlg = ProblemDialog(win, p["id"], today=TODAY)
    assert not dlg.action_buttons[wf.CLOSE].isEnabled()
    assert dlg.action_buttons[wf.RETURN].isEnabled()
    assert "无权" in dlg.action_buttons[wf.CLOSE].toolTip()
    # even a step dialog opened some other way is refused by the store
    step = StepDialog(dlg, s, s.get("problems", p["id"]), wf.CLOSE, STAFF, TODAY)
    step.verify_method.setCurrentText("书面核查")
    step.verifier.setText("李干事")
    step.verify_result.setText("到位")
    step.submit()
    assert "无权问题销号" in step.error.text()
    assert s.get("problems", p["id"])["status"] == wf.REPORTED


def test_new_problem_from_a_visit(qtbot, setup):
    from sifasuo_desktop.ui.problem_panel import NewProblemDialog

    s, body, _ = setup
    visit = s.insert("visits", {"visit_date": "2026-05-06", "method": "台账核查", "body_id": body["id"]})
    win = FakeWindow(s, LEADER)
    qtbot.addWidget(win)
    dlg = NewProblemDialog(win, "visits", visit)
    dlg.submit()
    assert "问题描述" in dlg.error.text() and dlg.created is None
    dlg.description.setText("执法证过期仍参与执法")
    dlg.deadline.setText("2026-06-06")
    dlg.submit()
    assert dlg.result() == QDialog.Accepted
    p = dlg.created
    assert (p["source"], p["found_date"], p["body_id"], p["status"]) == ("监督检查", "2026-05-06", body["id"], "待整改")
    assert ops.problems_from(s, "visits", visit["id"])[0]["id"] == p["id"]


def test_main_window_registers_flow_actions(qtbot, setup):
    from sifasuo_desktop.ui.main_window import MainWindow

    s, body, p = setup
    w = MainWindow(s, LEADER)
    qtbot.addWidget(w)
    assert "stats" in w.page_keys()
    assert "整改流程…" in [t for t, _ in w.record_actions("problems")]
    assert "登记发现的问题…" in [t for t, _ in w.form_actions("visits")]
    assert "登记问题…" in [t for t, _ in w.form_actions("reviews")]
    assert "评分表…" in [t for t, _ in w.record_actions("reviews")]
    menu_texts = [a.text() for a in w.menus["监督"].actions()]
    assert "案卷评查评分…" in menu_texts
    w.close()


def test_evidence_with_a_forged_path_is_not_opened(qtbot, setup, tmp_path, monkeypatch):
    """Issue 11 item 5: a synced attachment row naming keys/local.secret or an .exe is refused on open."""
    from sifasuo_desktop.ui import problem_panel
    from sifasuo_desktop.ui.problem_panel import ProblemDialog

    s, body, p = setup
    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(b"%PDF report")
    ops.apply_step(s, p["id"], wf.REPORT, step_date="2026-05-08", person="镇执法办", note="已整改",
                   evidence_files=[evidence], today=TODAY)
    opened, warned = [], []
    monkeypatch.setattr(problem_panel.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    monkeypatch.setattr(problem_panel.QMessageBox, "warning", lambda *a: warned.append(a[2]))
    win = FakeWindow(s, LEADER)
    qtbot.addWidget(win)

    def double_click_evidence():
        dlg = ProblemDialog(win, p["id"], today=TODAY)
        row = [dlg.history.item(r, 1).text() for r in range(dlg.history.rowCount())].index(wf.REPORT)
        dlg.history.cellDoubleClicked.emit(row, 6)
        dlg.deleteLater()

    double_click_evidence()
    assert len(opened) == 1 and opened[0].endswith("整改报告.pdf") and not warned
    for forged in ("../keys/local.secret", "/usr/bin/xterm", "problem_steps/x/整改报告2.exe"):
        with s.transaction():
            s.conn.execute("UPDATE attachments SET stored_path = ?", (forged,))
        double_click_evidence()
        assert len(opened) == 1, forged
        assert warned and "不能打开附件" in warned[-1]
