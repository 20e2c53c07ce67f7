"""Things a clerk saw on screen: a blank statistics page, numbers broken across lines in the printed report,
tiny print-preview dialogs, an elided 说明 column in the 预警 tree."""
import datetime as dt

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from sifasuo_desktop.domain.permissions import SYSTEM


class FakeWindow(QWidget):
    def __init__(self, store):
        super().__init__()
        self.store, self.actor = store, SYSTEM


def _body(store):
    return store.insert("bodies", {"name": "测试镇人民政府", "body_type": "乡镇政府"})


def test_stats_page_shows_the_current_period_on_first_visit(qtbot, store):
    from sifasuo_desktop.ui.stats_page import StatsPage

    body = _body(store)
    store.insert("cases", {"case_no": "1", "case_type": "行政处罚(一般程序)", "body_id": body["id"],
                           "filed_date": "2026-11-02", "decision_date": "2026-11-10", "fine_amount": 355900})
    win = FakeWindow(store)
    qtbot.addWidget(win)
    page = StatsPage(win, today=dt.date(2026, 11, 23))
    assert page.tabs.count() == 0
    page.on_show()
    # 月汇总 + 包容审慎, 复议诉讼移送, 裁量阶次 + 涉企检查 per body and top 10
    assert page.tabs.count() == 6 and page.period.label == "2026年10月"   # the last full month (issue 18)
    assert page.print_button.isEnabled() and page.print_button.shortcut().toString() == "Ctrl+P"
    # a second visit keeps what the clerk chose instead of recomputing over it
    page.kind.setCurrentIndex(2)
    page.run()
    page.on_show()
    assert page.tabs.count() > 1
    # printed table: numbers and rates never wrap inside their cell, the name column may
    html = page.html()
    assert "<td align=right style='white-space:nowrap'>1</td>" in html
    assert "<td>测试镇人民政府</td>" in html or "<td>合计</td>" in html


def test_size_to_window_gives_dialogs_most_of_the_window(qtbot, monkeypatch):
    from PySide6.QtCore import QRect

    from sifasuo_desktop.ui import widgets
    from sifasuo_desktop.ui.widgets import size_to_window

    monkeypatch.setattr(widgets, "available_geometry", lambda widget=None: QRect(0, 0, 1920, 1040))

    top = QWidget()
    qtbot.addWidget(top)
    top.resize(1200, 700)
    dlg = QDialog(top)
    dlg.resize(400, 300)
    size_to_window(dlg, top)
    assert dlg.width() >= 1000 and dlg.height() >= 600
    big = QDialog(top)
    big.resize(1300, 900)       # never shrinks a dialog that is already larger
    size_to_window(big, top)
    assert big.width() == 1300 and big.height() == 900


def test_warnings_tree_gives_spare_width_to_the_message(qtbot, store):
    from sifasuo_desktop.ui.warnings_page import WarningsPage

    class FakeEngine(QObject):
        updated = Signal(object)
        failed = Signal(str)

        def recompute(self):
            pass

    win = FakeWindow(store)
    qtbot.addWidget(win)
    engine = FakeEngine()
    page = WarningsPage(win, engine)
    qtbot.addWidget(page)
    page.resize(1150, 600)
    page.show()
    qtbot.waitExposed(page)
    header = page.tree.header()
    assert not header.stretchLastSection()
    assert header.sectionSize(1) > header.sectionSize(3) > 0


def test_dashboard_leaves_months_still_to_come_blank(store):
    from sifasuo_desktop.ui.dashboard import compute

    body = _body(store)
    store.insert("problems", {"found_date": "2026-03-01", "source": "监督检查", "description": "未按期公示",
                              "body_id": body["id"], "deadline": "2026-03-10"})
    rate = compute(store, dt.date(2026, 11, 23))["series"]["rectification_rate"]
    assert rate[2] is not None and rate[10] is not None     # March .. November are known
    assert rate[11] is None                                 # December has not ended (not even begun)
    past = compute(store, dt.date(2027, 1, 5))["series"]    # another year: nothing masked
    assert past["year"] == 2027


def test_file_dialog_labels_are_chinese(qtbot):
    """Qt 6.12 spells them "&Look in:" / "Files of &type:"; qtbase_zh_CN only knows the old spelling."""
    from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

    from sifasuo_desktop.ui.app import make_app

    app = QApplication.instance()
    before = list(getattr(app, "_translators", []))
    make_app()
    added = [t for t in app._translators if t not in before]
    try:
        dlg = QFileDialog(None, "导入", "", "Excel 文件 (*.xlsx *.xls)")
        dlg.setOption(QFileDialog.DontUseNativeDialog)
        qtbot.addWidget(dlg)
        labels = [lab.text() for lab in dlg.findChildren(QLabel) if lab.text()]
        assert "查找范围：" in labels and "文件类型：" in labels, labels
        assert not [t for t in labels if any("a" <= ch.lower() <= "z" for ch in t.replace("(&N)", ""))], labels
    finally:
        for t in added:
            app.removeTranslator(t)
        app._translators = before


def test_sync_page_says_none_and_enables_buttons_with_a_selection(qtbot, store):
    from sifasuo_desktop.ui.sync_ui import SyncPage, _fill

    win = FakeWindow(store)
    qtbot.addWidget(win)
    page = SyncPage(win)
    win.show()
    page.show()  # the page fills itself when shown (not at start-up)
    assert page.conflicts_label.text() == "未处理的同步冲突：无"
    assert page.recs_label.text() == "待核对事项：无"
    assert not page.keep_btn.isEnabled() and not page.force_btn.isEnabled()
    _fill(page.held, [["abcd1234", "示范镇", "1–5", "", "缺少序号 1 之前的包"]], ["pkg"])
    page.held.selectRow(0)
    assert page.force_btn.isEnabled() and not page.keep_btn.isEnabled()


def test_history_dialog_reads_as_chinese_and_plain_numbers(qtbot, store):
    from sifasuo_desktop.ui.history_dialog import HistoryDialog

    body = _body(store)
    rec = store.insert("cases", {"case_no": "测罚〔2026〕1号", "case_type": "行政处罚(简易程序)", "body_id": body["id"],
                                 "filed_date": "2026-11-02", "fine_amount": 500.0})
    dlg = HistoryDialog(store, "cases", rec["id"])
    qtbot.addWidget(dlg)
    cells = [dlg.table.item(r, c).text() for r in range(dlg.table.rowCount()) for c in range(dlg.table.columnCount())]
    assert "system" not in cells and "系统" in cells
    assert "500" in cells and "500.0" not in cells


def test_problem_steps_entered_by_the_system_read_系统(qtbot, store):
    from sifasuo_desktop.store import workflow_ops as ops
    from sifasuo_desktop.ui.problem_panel import ProblemDialog

    body = _body(store)
    p = ops.create_problem(store, {"found_date": "2026-05-01", "source": "监督检查", "description": "未按期公示",
                                   "body_id": body["id"], "deadline": "2026-05-30", "requirement": "立即公示"})
    win = FakeWindow(store)
    qtbot.addWidget(win)
    dlg = ProblemDialog(win, p["id"], today=dt.date(2026, 5, 20))
    qtbot.addWidget(dlg)
    assert dlg.history.rowCount() >= 1
    assert dlg.history.item(0, 7).text() == "系统"


def test_home_page_summary_counts_this_weeks_deadlines_first(qtbot, store):
    from sifasuo_desktop.store import workflow_ops as ops
    from sifasuo_desktop.ui.main_window import MainWindow

    body = _body(store)
    for found, deadline in (("2026-04-01", "2026-04-10"),    # long overdue
                            ("2026-05-01", "2026-05-17"),    # overdue since 3 days
                            ("2026-05-02", "2026-05-22"),    # due this week (week ends 05-24)
                            ("2026-05-03", "2026-05-26")):   # due next week
        ops.create_problem(store, {"found_date": found, "source": "监督检查", "description": "未按期公示",
                                   "body_id": body["id"], "deadline": deadline})
    w = MainWindow(store, SYSTEM)
    qtbot.addWidget(w)
    dash = w.page("dashboard")
    dash.fixed_today = dt.date(2026, 5, 20)
    dash.refresh()
    text = dash.summary_label.text()
    assert "本周内到期 1 项，近 7 天新逾期 1 项" in text, text
    assert "逾期或已违反 2 项" in text, text
    # the 本周内到期 card lists just that one, whatever its colour
    assert dash.week_button.text() == "本周内到期\n1 项"
    dash.week_button.click()
    assert [i["due_date"] for i in dash.visible_items()] == ["2026-05-22"]
    assert dash.todo.rowCount() == 1 and dash.todo.item(0, 5).text() == "2026-05-22"
    dash.all_button.click()
    assert dash.todo.rowCount() >= 3
    w.close()


def test_crowded_chart_labels_alternate_rows_instead_of_disappearing():
    from sifasuo_desktop.ui.charts import label_layout

    assert label_layout(12, 50, 30) == [(i, 0, 1.0) for i in range(12)]          # months: one row
    crowded = label_layout(19, 26, 40)                                            # 19 rule codes "GS-01"
    assert [i for i, _r, _s in crowded] == list(range(19))                        # every label drawn
    assert {r for _i, r, _s in crowded} == {0, 1}
    sparse = label_layout(40, 10, 45)                                             # far too narrow: skip some
    assert len(sparse) < 40 and all(s * 10 * 0.95 >= 45 for _i, _r, s in sparse)


def test_ctrl_p_on_the_documents_page_previews_the_selected_document(qtbot, store):
    from PySide6.QtGui import QKeySequence

    from sifasuo_desktop.ui.main_window import MainWindow

    w = MainWindow(store, SYSTEM)
    qtbot.addWidget(w)
    view = w.ledger_view("documents")
    # 预览/打印 sits in the 导出/打印 ▾ menu (i18c); Ctrl+P is the page's shortcut for it
    assert view.print_shortcut.key() == QKeySequence(QKeySequence.Print)
    preview = next(b for b in view.record_buttons if b.text() == "预览/打印")
    fired = []
    preview.clicked.connect(lambda: fired.append(1))
    preview.setEnabled(True)
    view.print_shortcut.activated.emit()
    assert fired == [1]
    w.close()
