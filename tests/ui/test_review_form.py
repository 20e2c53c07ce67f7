"""The review scoring form: running score and grade, veto, reviewers rule, saving, batch results."""
import pytest
from PySide6.QtWidgets import QWidget

from sifasuo_desktop.domain.permissions import Actor
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import workflow_ops as ops

LEADER = Actor("zhang", "leader", "张所长")


class FakeWindow(QWidget):
    def __init__(self, store, actor):
        super().__init__()
        self.store, self.actor = store, actor


@pytest.fixture
def form(qtbot, tmp_path):
    from sifasuo_desktop.ui.review_form import ReviewScoringDialog

    s = Store.open(tmp_path / "d")
    s.init_org("township", "示范镇司法所", "T001", "C001")
    s.actor = LEADER
    body = s.insert("bodies", {"name": "示范镇人民政府"})
    case = s.insert("cases", {"case_no": "示罚〔2026〕1号", "case_type": "行政处罚(一般程序)", "body_id": body["id"]})
    win = FakeWindow(s, LEADER)
    qtbot.addWidget(win)
    dlg = ReviewScoringDialog(win, case=case)
    yield dlg, s, body, win
    s.close()


def test_running_score_and_save(form, qtbot):
    from sifasuo_desktop.ui.review_form import ReviewResultsDialog

    dlg, s, body, win = form
    assert "100" in dlg.score_label.text() and "优秀" in dlg.score_label.text()
    assert dlg.create_batch("2026年第一批") is not None
    dlg.spins["D06"].setValue(7)
    dlg.spins["D09"].setValue(5)
    assert "88" in dlg.score_label.text() and "良好" in dlg.score_label.text()
    dlg.spins["D01"].setValue(99)           # clamped to the item's 4 points
    assert dlg.spins["D01"].value() == 4
    assert "84" in dlg.score_label.text()
    dlg.veto_checks["V02"].setChecked(True)
    assert "0 分" in dlg.score_label.text() and "不合格" in dlg.score_label.text()
    dlg.veto_checks["V02"].setChecked(False)
    dlg.reviewers.setText("张三")
    dlg.save()
    assert "至少需要2名" in dlg.error.text() and dlg.saved is None
    dlg.reviewers.setText("张三、李四")
    dlg.save()
    r = dlg.saved
    assert (r["score"], r["grade"], r["body_id"], r["reviewers"]) == (84, "良好", body["id"], "张三、李四")
    res = ReviewResultsDialog(win)
    cells = [[res.table.item(i, c).text() for c in range(9)] for i in range(res.table.rowCount())]
    assert cells[0][:3] == ["示范镇人民政府", "1", "0"] and cells[-1][0] == "合计" and cells[-1][6] == "84.00"


def test_reopen_existing_review(form, qtbot):
    from sifasuo_desktop.ui.review_form import ReviewScoringDialog

    dlg, s, body, win = form
    b = ops.create_batch(s, "批次", 2026)
    r = ops.save_review(s, b["id"], case_no="示罚〔2026〕1号", reviewers="甲、乙", veto_hits=["V04"],
                        deductions={"D02": 2})
    again = ReviewScoringDialog(win, review=r)
    assert again.veto_checks["V04"].isChecked() and again.spins["D02"].value() == 2
    again.veto_checks["V04"].setChecked(False)
    again.save()
    assert again.saved["id"] == r["id"] and again.saved["score"] == 98 and again.saved["grade"] == "优秀"


def test_results_export(form, qtbot, tmp_path):
    import openpyxl

    from sifasuo_desktop.ui.review_form import ReviewResultsDialog

    dlg, s, body, win = form
    b = ops.create_batch(s, "批次", 2026)
    ops.save_review(s, b["id"], case_no="示罚〔2026〕1号", reviewers="甲、乙", body_id=body["id"],
                    deductions={"D02": 2})
    res = ReviewResultsDialog(win, b["id"])
    out = tmp_path / "r.xlsx"
    assert res.export_to(str(out))
    rows = list(openpyxl.load_workbook(out).active.iter_rows(min_row=4, values_only=True))
    assert rows[0][:3] == ("示范镇人民政府", 1, 1) and rows[-1][0] == "合计"
