"""Issue 18: on a 1366×768 office laptop (a 40 px taskbar leaves 1366×728) no dialog is larger than the screen;
what cannot shrink scrolls inside, and the save/close buttons stay on screen. Short forms have no ballooning
date rows."""
import json
import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui import widgets
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.record_form import RecordForm

LAPTOP = QRect(0, 0, 1366, 728)     # 1366×768 minus a Windows taskbar


@pytest.fixture
def laptop(monkeypatch):
    monkeypatch.setattr(widgets, "available_geometry", lambda widget=None: QRect(LAPTOP))
    return LAPTOP


@pytest.fixture
def window(qtbot, demo_store, laptop):
    w = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w)
    w.resize(1366, 700)
    w.show()
    return w


def assert_fits(qtbot, dlg: QDialog, avail: QRect = LAPTOP):
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    fw, fh = widgets.FRAME_ALLOWANCE
    assert dlg.width() + fw <= avail.width() and dlg.height() + fh <= avail.height(), \
        f"{dlg.windowTitle()} is {dlg.width()}×{dlg.height()}"
    assert dlg.x() >= avail.left() and dlg.y() >= avail.top()
    assert dlg.x() + dlg.width() + fw <= avail.right() + 1 and dlg.y() + dlg.height() + fh <= avail.bottom() + 1
    # every dialog button (保存, 导入, 关闭...) is inside the visible dialog, not scrolled away
    for box in dlg.findChildren(QDialogButtonBox):
        if not box.isVisible():
            continue
        for btn in box.buttons():
            if btn.isVisible():
                top_left = btn.mapTo(dlg, QPoint(0, 0))
                assert dlg.rect().contains(QRect(top_left, btn.size())), f"{btn.text()} is off the dialog"
    dlg.close()


def test_review_scoring_dialog_fits_with_its_save_button(qtbot, window):
    from sifasuo_desktop.ui.review_form import ReviewScoringDialog

    dlg = ReviewScoringDialog(window)
    assert_fits(qtbot, dlg)
    assert dlg.save_button.text() == "保存评分" and dlg.height() <= 728 - widgets.FRAME_ALLOWANCE[1]


def test_xlsx_import_dialog_fits_above_a_taskbar(qtbot, window):
    from sifasuo_desktop.ui.xlsx_import import XlsxImportDialog

    dlg = XlsxImportDialog(window)
    assert_fits(qtbot, dlg)
    assert dlg.import_btn.text() == "导入"


def _dialogs(window):
    store = window.store
    from sifasuo_desktop.ui.accounts_dialog import AccountsDialog
    from sifasuo_desktop.ui.checklist_ui import ChecklistVisitDialog
    from sifasuo_desktop.ui.documents_ui import DocumentEditor, ReplyDialog, ServiceDialog
    from sifasuo_desktop.ui.history_dialog import HistoryDialog
    from sifasuo_desktop.ui.personnel_ui import OfficerDialog
    from sifasuo_desktop.ui.problem_panel import NewProblemDialog, ProblemDialog
    from sifasuo_desktop.ui.review_form import ReviewResultsDialog
    from sifasuo_desktop.ui.security_gui import BackupNowDialog, BackupSettingsDialog
    from sifasuo_desktop.ui.settings_dialog import RuleSettingsDialog
    from sifasuo_desktop.ui.sync_ui import ExportDialog

    first = {t: (store.rows(t, limit=1) or [None])[0] for t in ("problems", "officers", "cases", "documents",
                                                                "visits")}
    yield "评查结果", lambda: ReviewResultsDialog(window)
    yield "预警设置", lambda: RuleSettingsDialog(window, store)
    yield "导出同步包", lambda: ExportDialog(window)
    yield "立即备份", lambda: BackupNowDialog(store, window)
    yield "备份设置", lambda: BackupSettingsDialog(store, window)
    yield "账号管理", lambda: AccountsDialog(store, window)
    yield "登记问题", lambda: NewProblemDialog(window)
    yield "修改记录", lambda: HistoryDialog(store, "cases", first["cases"]["id"], window)
    if first["problems"]:
        yield "问题整改", lambda: ProblemDialog(window, first["problems"]["id"])
    if first["officers"]:
        yield "执法人员", lambda: OfficerDialog(window, first["officers"]["id"])
    if first["documents"]:
        yield "编辑文书", lambda: DocumentEditor(window, store, first["documents"]["id"])
        yield "送达", lambda: ServiceDialog(window, store, first["documents"]["id"])
        yield "回复", lambda: ReplyDialog(window, store, first["documents"]["id"])
    if first["visits"]:
        yield "监督检查记录", lambda: ChecklistVisitDialog(window, first["visits"])


def test_every_dialog_fits_the_laptop_screen(qtbot, window):
    opened = []
    for name, make in _dialogs(window):
        assert_fits(qtbot, make())
        opened.append(name)
    assert len(opened) >= 12


@pytest.mark.parametrize("key", sorted(LEDGERS))
def test_every_record_form_fits(qtbot, window, key):
    ledger = LEDGERS[key]
    rows = window.store.rows(ledger.table, limit=1)
    assert_fits(qtbot, RecordForm(window, ledger, rows[0] if rows else None))


@pytest.mark.parametrize("key", ["visits", "inspections", "reviews", "plan_tasks", "supervisors", "officers",
                                 "problems", "powers"])
def test_date_rows_do_not_balloon_in_short_forms(qtbot, window, key):
    from sifasuo_desktop.ui.widgets import DateEdit

    ledger = LEDGERS[key]
    form = RecordForm(window, ledger)
    qtbot.addWidget(form)
    form.resize(form.width(), 700)      # more room than the fields need: the spare height is not given to dates
    form.show()
    qtbot.waitExposed(form)
    dates = [w for w in form.widgets.values() if isinstance(w, DateEdit)]
    assert dates, key
    line = form.findChild(type(dates[0].edit)).sizeHint().height()
    for d in dates:
        assert d.height() <= line + 8, f"{key}: a date row is {d.height()} px high"


def test_a_dialog_too_big_for_the_screen_scrolls_inside(qtbot, laptop):
    from PySide6.QtWidgets import QLabel, QVBoxLayout

    dlg = widgets.FitDialog()
    lay = QVBoxLayout(dlg)
    tall = QLabel("很高的内容")
    tall.setMinimumSize(1500, 1200)
    lay.addWidget(tall)
    buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
    lay.addWidget(buttons)
    assert_fits(qtbot, dlg)
    assert dlg.fit_scroll is not None and dlg.fit_scroll.widget().isAncestorOf(tall)
    assert not dlg.fit_scroll.isAncestorOf(buttons)   # the buttons stay below the scrolled content


def test_size_to_window_never_exceeds_the_screen(qtbot, laptop):
    from PySide6.QtWidgets import QWidget

    top = QWidget()
    qtbot.addWidget(top)
    top.resize(1900, 1000)
    dlg = QDialog(top)
    widgets.size_to_window(dlg, top)
    assert dlg.width() <= 1366 - widgets.FRAME_ALLOWANCE[0] and dlg.height() <= 728 - widgets.FRAME_ALLOWANCE[1]


SCRIPT = textwrap.dedent("""
    import json, sys, tempfile, pathlib
    from PySide6.QtWidgets import QApplication
    from sifasuo_desktop.ui.app import make_app
    app = make_app()
    from sifasuo_desktop.store import Store
    from sifasuo_desktop.domain.permissions import SYSTEM
    from sifasuo_desktop.ui.main_window import MainWindow
    from sifasuo_desktop.ui.review_form import ReviewScoringDialog
    from sifasuo_desktop.ui.xlsx_import import XlsxImportDialog
    s = Store.open(pathlib.Path(sys.argv[1]))
    s.init_org("township", "测试镇司法所", "T0001", "C0001")
    w = MainWindow(s, SYSTEM); w.show()
    out = {"screen": list(app.primaryScreen().availableGeometry().getRect())}
    for name, cls in (("review", ReviewScoringDialog), ("import", XlsxImportDialog)):
        d = cls(w); d.show(); app.processEvents()
        out[name] = [d.x(), d.y(), d.width(), d.height()]
        d.close()
    print(json.dumps(out))
    s.close()
""")


def test_real_1366x768_screen_fits_the_big_dialogs(tmp_path):
    """The offscreen platform with a 1366×768 screen (not the patched geometry): the helper reads QScreen."""
    conf = tmp_path / "screen.json"
    conf.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
                                             "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={conf}")
    res = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "data")], env=env, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["screen"] == [0, 0, 1366, 768]
    fw, fh = widgets.FRAME_ALLOWANCE
    for name in ("review", "import"):
        x, y, w, h = out[name]
        assert w + fw <= 1366 and h + fh <= 768, (name, out[name])
        assert x >= 0 and y >= 0 and x + w + fw <= 1366 and y + h + fh <= 768, (name, out[name])


def test_bulk_edit_and_sync_setup_dialogs_fit(qtbot, window, tmp_path):
    from sifasuo_desktop.ui.sync_setup_ui import SyncSetupWizard

    window.show_page("cases")
    view = window.ledger_view("cases")
    view.ensure_loaded()
    view.select_records([view.model.record_at(r)["id"] for r in range(3)])
    dlg = view.bulk_edit(run=False)
    dlg.select_field("published_date")
    assert_fits(qtbot, dlg)
    assert_fits(qtbot, SyncSetupWizard(window, str(tmp_path)))
