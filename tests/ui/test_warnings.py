"""The 预警 page, badges, live recomputation, the settings dialog and holiday import, driven as a user would."""
import datetime as dt

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from sifasuo_desktop.domain.permissions import SYSTEM, Actor
from sifasuo_desktop.store.rules_queries import SETTINGS_KEY
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.record_form import RecordForm

from .helpers import when_modal


def settle(qtbot, engine, after_runs=0):
    qtbot.waitUntil(lambda: engine.runs > after_runs and not engine.busy and engine.result is not None,
                    timeout=20000)


def dispose(qtbot, w):
    """Delete the window (and its pages' timers) while the store is still open."""
    engine = w.rules_engine
    qtbot.waitUntil(lambda: not engine.busy, timeout=20000)
    w.close()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


@pytest.fixture
def window(qtbot, demo_store):
    w = MainWindow(demo_store, SYSTEM)
    w.show()
    settle(qtbot, w.rules_engine)
    yield w
    dispose(qtbot, w)


def test_page_groups_by_severity_and_rule_and_opens_the_record(qtbot, window):
    engine, page = window.rules_engine, window.warnings_page
    assert "warnings" in window.page_keys()
    window.show_page("warnings")
    assert window.stack.currentWidget() is page
    red = engine.counts()["red"]
    assert red > 0 and f"红色预警 {red} 条" in page.summary.text()
    top = page.tree.topLevelItem(0)
    assert top.text(0).startswith("红色预警") and top.childCount() > 0
    assert page.tree.topLevelItem(1).text(0).startswith("黄色预警")
    rule = top.child(0)
    assert rule.text(0).split(" ")[0] in {f.code for f in engine.result.findings if f.severity == "red"}
    rule.setExpanded(True)
    assert rule.childCount() > 0
    item = rule.child(0)
    table, record_id = item.data(0, Qt.UserRole + 1)
    seen = {}

    def inspect(dialog):
        seen["form"] = dialog
        seen["id"] = getattr(dialog, "record", {}).get("id") if isinstance(getattr(dialog, "record", None), dict) else None
        dialog.reject()

    state = when_modal(qtbot, inspect)
    page.tree.setCurrentItem(item)
    assert page.open_button.isEnabled()
    qtbot.mouseClick(page.open_button, Qt.LeftButton)
    assert state["done"] and state["error"] is None
    assert isinstance(seen["form"], RecordForm)
    assert seen["form"].ledger.table == table
    assert window.stack.currentWidget() is window.ledger_view(table)


def test_counts_and_badges_update_after_an_edit(qtbot, window, demo_store):
    engine, page = window.rules_engine, window.warnings_page
    before = engine.counts()["red"]
    runs = engine.runs
    body = demo_store.rows("bodies", limit=1)[0]
    rec = demo_store.insert("cases", {"case_no": "测罚〔2026〕999号", "body_id": body["id"], "case_type": "行政许可",
                                      "filed_date": "2026-11-01", "officer_names": "某某", "status": "办理中"})
    settle(qtbot, engine, runs)
    assert engine.counts()["red"] > before
    badge = window.badge_for("cases", rec["id"])
    assert badge and badge[0] == "red" and "RY-01" in badge[1]
    assert f"红色预警 {engine.counts()['red']} 条" in page.summary.text()
    nav_item = next(window.nav.item(r) for r in range(window.nav.count())
                    if window.nav.item(r).data(Qt.UserRole) == "warnings")
    counts = engine.counts()
    # short enough for the narrow navigation column; the red/yellow split is in the tooltip
    assert nav_item.text() == f"预警（{counts['red'] + counts['yellow']}）"
    assert f"红色预警 {counts['red']} 条" in nav_item.toolTip()
    # fixing the record clears its warnings
    runs = engine.runs
    demo_store.update("cases", rec["id"], {"officer_names": "张三、李四"})
    settle(qtbot, engine, runs)
    assert not any(f.code == "RY-01" and f.record_id == rec["id"] for f in engine.result.findings)


def test_settings_dialog_changes_thresholds(qtbot, window, demo_store):
    from sifasuo_desktop.ui.settings_dialog import RuleSettingsDialog

    engine = window.rules_engine
    assert any(f.code == "RY-01" for f in engine.result.findings)
    runs = engine.runs

    def edit(dialog):
        assert isinstance(dialog, RuleSettingsDialog)
        dialog.enabled["RY-01"].setChecked(False)
        dialog.inputs[("GS-01", "deadline_workdays")].setValue(9)
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    state = when_modal(qtbot, edit)
    action = next(a for a in window.menus["工具"].actions() if a.text() == "预警阈值设置")
    action.trigger()
    assert state["done"] and state["error"] is None
    stored = demo_store.get_setting(SETTINGS_KEY)
    assert stored["RY-01"]["enabled"] is False and stored["GS-01"]["deadline_workdays"] == 9
    settle(qtbot, engine, runs)
    assert not any(f.code == "RY-01" for f in engine.result.findings)


def test_settings_refused_for_non_admin(qtbot, demo_store, monkeypatch):
    from sifasuo_desktop.ui import settings_dialog

    staff = Actor("xiaowang", "staff", "小王")
    demo_store.actor = staff
    w = MainWindow(demo_store, staff)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    assert settings_dialog.open_rule_settings(w) is False
    assert shown == [settings_dialog.NO_RIGHT]
    settle(qtbot, w.rules_engine)
    dispose(qtbot, w)


def test_holiday_import_from_the_menu_function(qtbot, window, demo_store, tmp_path, monkeypatch):
    from sifasuo_desktop.ui.extensions_rules import import_holidays_dialog

    messages = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: messages.append(("info", a[2])))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: messages.append(("warn", a[2])))
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-01-01,maybe\n", encoding="utf-8")
    assert import_holidays_dialog(window, str(bad)) is None
    assert messages[-1][0] == "warn" and "类型" in messages[-1][1]
    assert demo_store.count("holidays") == 0
    good = tmp_path / "2027.json"
    good.write_text('[{"date": "2027-01-01", "kind": "holiday"}]', encoding="utf-8")
    runs = window.rules_engine.runs
    assert import_holidays_dialog(window, str(good))["added"] == 1
    assert messages[-1][0] == "info" and "2027" in messages[-1][1]
    settle(qtbot, window.rules_engine, runs)  # a store change triggers a recomputation


def test_large_rule_groups_load_in_chunks(qtbot):
    from PySide6.QtCore import QObject, Signal

    from sifasuo_desktop.domain.rules import Finding
    from sifasuo_desktop.store.rules_queries import CheckResult
    from sifasuo_desktop.ui import warnings_page as wp

    class FakeEngine(QObject):
        updated = Signal()
        failed = Signal(str)
        result = None
        busy = False

        def recompute(self):
            pass

    opened = []

    class FakeWindow:
        def open_record(self, table, record_id):
            opened.append((table, record_id))

    engine = FakeEngine()
    page = wp.WarningsPage(FakeWindow(), engine)
    qtbot.addWidget(page)
    findings = [Finding("RY-02", "red", "cases", f"id{i}", f"案{i}", "无证", None, "主体", "", "T1", "无有效执法证件执法")
                for i in range(1200)]
    findings.append(Finding("RY-03", "yellow", "officers", "o1", "张三", "将到期", "2026-12-01", title="执法证即将到期"))
    engine.result = CheckResult(findings, ["2027年……"], dt.date(2026, 11, 20))
    engine.updated.emit()
    assert "红色预警 1200 条，黄色预警 1 条" in page.summary.text() and page.notices.isVisibleTo(page)
    rule = page.tree.topLevelItem(0).child(0)
    assert rule.text(0) == "RY-02 无有效执法证件执法（1200）"
    rule.setExpanded(True)
    assert rule.childCount() == wp.CHUNK + 1 and "还有700条" in rule.child(wp.CHUNK).text(0)
    page.tree.setCurrentItem(rule.child(wp.CHUNK))
    page.open_current()  # "显示更多"
    assert rule.childCount() == 2 * wp.CHUNK + 1
    page._on_activated(rule.child(2 * wp.CHUNK))
    assert rule.childCount() == 1200 and len(page.finding_items()) == 1200
    yellow = page.tree.topLevelItem(1).child(0)
    yellow.setExpanded(True)
    page._on_activated(yellow.child(0))
    assert opened == [("officers", "o1")]
    # a new result keeps the rule expanded
    engine.updated.emit()
    assert page.tree.topLevelItem(0).child(0).isExpanded()


def test_a_big_folder_is_checked_in_a_separate_process(qtbot, demo_store, monkeypatch):
    """Issue 19: from SEPARATE_PROCESS_RECORDS on, `sifasuo check` runs as a child process and the window reads
    its findings from the cache (the rules never run in the GUI process); badges and counts are the same."""
    import datetime as _dt

    from sifasuo_desktop.store import findings_cache
    from sifasuo_desktop.store import rules_queries
    from sifasuo_desktop.ui import warnings_engine

    expected = rules_queries.check_store(demo_store, use_cache=False)
    children = []
    real = warnings_engine.run_check_process

    def child(data_dir, today):
        children.append(today)
        return real(data_dir, today)

    def not_here(*a, **kw):
        raise AssertionError("the rules ran inside the GUI process")

    monkeypatch.setattr(warnings_engine, "SEPARATE_PROCESS_RECORDS", 0)
    monkeypatch.setattr(warnings_engine, "run_check_process", child)
    monkeypatch.setattr(rules_queries, "run_streamed", not_here)
    w = MainWindow(demo_store, SYSTEM)
    w.show()
    engine = w.rules_engine
    settle(qtbot, engine)
    try:
        assert children == [_dt.date.today()] and engine.error is None
        assert [f.to_dict() for f in engine.result.findings] == [f.to_dict() for f in expected.findings]
        f = expected.findings[0]
        assert engine.badge(f.record_type, f.record_id)[0] in ("red", "yellow")
        assert findings_cache.cache_path(demo_store.data_dir, _dt.date.today()).exists()
    finally:
        dispose(qtbot, w)


def test_a_failing_check_process_falls_back_to_the_thread(qtbot, demo_store, monkeypatch):
    from sifasuo_desktop.store import findings_cache
    from sifasuo_desktop.ui import warnings_engine

    monkeypatch.setattr(warnings_engine, "SEPARATE_PROCESS_RECORDS", 0)
    monkeypatch.setattr(warnings_engine, "check_command", lambda d, t: [str(demo_store.data_dir / "no-such-program")])
    w = MainWindow(demo_store, SYSTEM)
    w.show()
    settle(qtbot, w.rules_engine)
    try:
        assert w.rules_engine.error is None and w.rules_engine.result.findings
    finally:
        dispose(qtbot, w)
    findings_cache.drop(demo_store.data_dir)
