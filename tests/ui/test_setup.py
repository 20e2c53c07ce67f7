"""First start on an empty data folder: the setup dialog initialises the organisation."""
from PySide6.QtCore import Qt

from sifasuo_desktop.ui import app as app_module
from sifasuo_desktop.ui.setup_dialog import SetupDialog

from .helpers import type_text, when_modal


def test_first_start_runs_setup(qtbot, tmp_path, monkeypatch):
    from sifasuo_desktop.ui import security_gui

    monkeypatch.setattr(security_gui, "after_setup", lambda parent, store: True)  # the admin step: tested elsewhere
    seen = {}

    def fill(dialog):
        assert isinstance(dialog, SetupDialog)
        dialog.role.setCurrentIndex(dialog.role.findData("county"))
        type_text(dialog.name, "测试县司法局")
        qtbot.keyClicks(dialog.code, "bad code!")
        dialog._ok()
        seen["error"] = dialog.error.text()
        dialog.code.clear()
        qtbot.keyClicks(dialog.code, "379901")
        dialog._ok()

    state = when_modal(qtbot, fill)
    store = app_module.open_or_setup(tmp_path / "new")
    assert state["error"] is None, state["error"]
    assert "机构代码" in seen["error"]
    assert store.org.role == "county" and store.org.name == "测试县司法局" and store.org.code == "379901"
    store.close()


def test_cancelled_setup_leaves_no_org(qtbot, tmp_path, monkeypatch):
    from sifasuo_desktop.ui import security_gui

    monkeypatch.setattr(security_gui, "after_setup", lambda parent, store: True)
    when_modal(qtbot, lambda d: d.reject())
    assert app_module.open_or_setup(tmp_path / "new") is None
    from sifasuo_desktop.store import Store
    with Store.open(tmp_path / "new") as s:
        assert not s.initialized
