"""Issue 18: rows copied in Excel (the clipboard's tab-separated text) are pasted into a ledger through the
import's header mapping, validation and preview; nothing is written before 导入."""
import pytest
from PySide6.QtWidgets import QApplication

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.xlsx.paste import clipboard_rows, pasted_table

from .helpers import when_modal


@pytest.fixture
def view(qtbot, store, monkeypatch):
    import sifasuo_desktop.ui.xlsx_import as xi

    monkeypatch.setattr(xi.QMessageBox, "information", lambda *a, **k: None)
    w = MainWindow(store, SYSTEM)
    qtbot.addWidget(w)
    w.show()
    w.show_page("supervisors")
    v = w.ledger_view("supervisors")
    v.ensure_loaded()
    return v


def test_clipboard_rows_with_a_header_are_imported_after_the_preview(qtbot, view):
    store = view.store
    QApplication.clipboard().setText("姓名\t身份\t工作单位\t聘任日期\r\n王五\t人大代表\t东风村\t2026/1/5\r\n"
                                     "赵六\t律师/法律顾问\t\"某律师\n事务所\"\t2026-02-01\r\n")
    seen = {}

    def check(dlg):
        seen["created"] = dlg.plan.summary()["created"]
        seen["rows"] = dlg.preview.rowCount()
        assert store.rows("supervisors") == []          # the preview writes nothing
        dlg.do_import()

    state = when_modal(qtbot, check)
    view.paste_rows()
    qtbot.waitUntil(lambda: state["done"])
    assert state["error"] is None
    assert seen == {"created": 2, "rows": 2}
    assert len(list((store.data_dir / "backups").glob("pre-xlsx-import-*"))) == 1   # the GUI took the backup
    rows = {r["name"]: r for r in store.rows("supervisors")}
    assert rows["王五"]["term_start"] == "2026-01-05" and rows["赵六"]["employer"] == "某律师\n事务所"


def test_rows_without_a_header_follow_the_columns_on_screen(qtbot, view):
    store = view.store
    labels = view.visible_labels()
    assert labels[:3] == ["姓名", "身份", "工作单位"]
    QApplication.clipboard().setText("孙七\t政协委员\t西湖社区\n")

    def go(dlg):
        assert dlg.plan.summary()["created"] == 1
        dlg.do_import()

    state = when_modal(qtbot, go)
    view.paste_rows()
    qtbot.waitUntil(lambda: state["done"])
    assert state["error"] is None
    assert [(r["name"], r["identity"], r["employer"]) for r in store.rows("supervisors")] == [
        ("孙七", "政协委员", "西湖社区")]


def test_invalid_pasted_rows_are_shown_and_not_imported(qtbot, view):
    QApplication.clipboard().setText("姓名\t聘任日期\n\t2026-13-45\n李雷\t2026-01-01\n")

    def look(dlg):
        assert not dlg.plan.ok and dlg.plan.errors
        assert not dlg.import_btn.isEnabled()
        dlg.reject()

    state = when_modal(qtbot, look)
    view.paste_rows()
    qtbot.waitUntil(lambda: state["done"])
    assert state["error"] is None
    assert view.store.rows("supervisors") == []


def test_pasted_table_rules():
    assert clipboard_rows("a\tb\r\n\r\nc\td\r\n") == [["a", "b"], ["c", "d"]]
    with pytest.raises(UserError):
        pasted_table("", "supervisors", ["姓名"])
    with pytest.raises(UserError):
        pasted_table("只是一个词", "supervisors", ["姓名"])
    with pytest.raises(UserError):              # more columns than the ledger shows and no header
        pasted_table("a\tb\tc\n", "supervisors", ["姓名", "身份"])
    assert pasted_table("王五\t人大代表\n", "supervisors", ["姓名", "身份"]).splitlines()[0] == "姓名\t身份"
