"""Issue 12 through the GUI: the setup dialog refuses a 机构代码 that is not a plausible 行政区划代码 (it can never
change) and takes the township's 机关代字; 文书设置 edits the 机关代字 with the checks of `sifasuo docs code`."""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from sifasuo_desktop.documents import service as S
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.store import Store
from sifasuo_desktop.ui import documents_ui as U
from sifasuo_desktop.ui import extensions
from sifasuo_desktop.ui.main_window import MainWindow
from sifasuo_desktop.ui.setup_dialog import SetupDialog

from .helpers import type_text


def test_setup_dialog_validates_org_code_and_takes_doc_code(qtbot, tmp_path):
    store = Store.open(tmp_path / "new")
    try:
        dlg = SetupDialog(store)
        qtbot.addWidget(dlg)
        dlg.show()
        dlg.role.setCurrentIndex(dlg.role.findData("township"))
        type_text(dlg.name, "青石镇司法所")
        assert dlg.doc_code.isVisible() and "青司所" in dlg.doc_code.placeholderText()
        for code, parent, doc, said in (("37990110100A", "", "", "只能由数字"),
                                        ("3799011", "", "", "6位、9位或12位"),
                                        ("379901", "", "", "县级代码"),
                                        ("379900101000", "", "", "地市级"),
                                        ("379901101001", "", "", "村级"),
                                        ("379902101000", "379901", "", "开头"),
                                        ("379901102000", "379901", "青〔", "机关代字")):
            dlg.code.setText(code)
            dlg.parent_code.setText(parent)
            dlg.doc_code.setText(doc)
            dlg._ok()
            assert said in dlg.error.text(), (code, dlg.error.text())
            assert not store.initialized and dlg.isVisible()
        dlg.code.setText("３７９９０１１０２０００")        # full-width digits are stored half-width
        dlg.doc_code.setText("青石所")
        dlg._ok()
        assert store.initialized and store.org.code == "379901102000" and store.org.parent_code == "379901"
        assert S.township_code(store) == "青石所"
    finally:
        store.close()


def test_setup_dialog_county_code(qtbot, tmp_path):
    store = Store.open(tmp_path / "new")
    try:
        dlg = SetupDialog(store)
        qtbot.addWidget(dlg)
        dlg.show()
        dlg.role.setCurrentIndex(dlg.role.findData("county"))
        assert not dlg.doc_code.isVisible()
        type_text(dlg.name, "示范县司法局")
        dlg.code.setText("379901101000")
        dlg._ok()
        assert "乡镇级" in dlg.error.text() and not store.initialized
        dlg.code.setText("379901")
        dlg._ok()
        assert store.initialized and store.org.code == "379901"
    finally:
        store.close()


def _window(qtbot, store):
    w = MainWindow(store, SYSTEM)
    qtbot.addWidget(w)
    if "sifasuo_desktop.ui.documents_ui" not in extensions.EXTENSIONS:
        U.install(w)
    w.show()
    return w


def _settings(qtbot, window, steps):
    """Open 文书设置 and run `steps(dialog, controller)` while it is open."""
    c = window.documents_controller
    state = {"error": None}

    def poll():
        dlg = QApplication.activeModalWidget()
        if dlg is None:
            QTimer.singleShot(20, poll)
            return
        try:
            steps(dlg, c)
        except BaseException as exc:  # noqa: BLE001
            state["error"] = exc
            dlg.reject()

    QTimer.singleShot(0, poll)
    c.settings_dialog()
    if state["error"]:
        raise state["error"]


def _save(dlg):
    box = dlg.findChild(QDialogButtonBox)
    box.button(QDialogButtonBox.Save).click()


def test_township_sets_its_doc_code_in_settings(qtbot, demo_store):
    w = _window(qtbot, demo_store)
    own = demo_store.org.code
    seen = {}

    def steps(dlg, c):
        edit = c.code_edits[own]
        assert edit.text() == S.township_code(demo_store) and not edit.isReadOnly()
        edit.setText("示〔所")
        _save(dlg)
        seen["error"] = c.settings_error.text()
        assert dlg.isVisible()            # refused: the dialog stays open with the reason
        edit.setText("示范所")
        _save(dlg)

    _settings(qtbot, w, steps)
    assert "括号" in seen["error"]
    assert S.township_code(demo_store) == "示范所"


def test_county_changes_a_townships_doc_code_in_settings(qtbot, tmp_path):
    from sifasuo_desktop.demo import generate

    store = Store.open(tmp_path / "county")
    generate(store, cases=12, seed=3, role="county")
    try:
        w = _window(qtbot, store)
        towns = S.township_codes(store)
        a, b = towns[0], towns[1]
        seen = {}

        def steps(dlg, c):
            assert set(c.code_edits) == {t["org_code"] for t in towns}
            c.code_edits[a["org_code"]].setText(b["code"])      # another township's: not unique
            _save(dlg)
            seen["error"] = c.settings_error.text()
            assert dlg.isVisible()
            c.code_edits[a["org_code"]].setText("新甲司所")
            _save(dlg)

        _settings(qtbot, w, steps)
        assert "唯一" in seen["error"]
        assert S.township_code(store, a["org_code"]) == "新甲司所"
        assert S.township_code(store, b["org_code"], b["name"]) == b["code"]
    finally:
        store.close()
