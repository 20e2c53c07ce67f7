"""Issue 18: the 首页's first-run checklist ticks each step from the data (office details + 机关代字, accounts,
the old sheets imported, identities exchanged with the county, a first backup on the USB stick)."""
import pytest

from sifasuo_desktop.documents import service as S
from sifasuo_desktop.domain.first_run import IMPORT_LEDGERS, checklist
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, store):
    w = MainWindow(store, SYSTEM)
    qtbot.addWidget(w)
    w.resize(1366, 700)
    w.show()
    w.show_page("dashboard")
    return w


def _done(store):
    return {s.key: s.done for s in checklist(store)}


def test_steps_tick_themselves_from_the_data(qtbot, window, tmp_path):
    store = window.store
    panel = window.page("dashboard").first_run
    assert panel.isVisible()
    assert not any(_done(store).values())
    assert "0/5" in panel.title()
    # office details and 机关代字
    store.set_setting(S.S_OWN_CODE, "测司所")
    assert not _done(store)["office"]                        # contact still missing
    store.set_setting(S.S_CONTACT, {"name": "王所长", "phone": "0731-1234567"})
    qtbot.waitUntil(lambda: "office" in panel.done_keys())
    # accounts: the administrator and one clerk
    from sifasuo_desktop.security import accounts

    accounts.create_account(store, "admin", "Admin-pass-123", "admin", with_recovery=False)
    assert not _done(store)["accounts"]
    accounts.create_account(store, "clerk", "Clerk-pass-123", "staff")
    window.show_page("cases")                                 # accounts change no ledger: seen when the 首页 shows
    window.show_page("dashboard")
    assert "accounts" in panel.done_keys()
    # the old sheets: each ledger ticks on its own
    store.insert("bodies", {"name": "县市场监管局"})
    qtbot.waitUntil(lambda: "import.bodies" in panel.done_keys())
    assert "import" not in panel.done_keys()
    # identities exchanged with the county
    from sifasuo_desktop.sync.engine import trust_identity
    from sifasuo_desktop.sync.keys import LocalKeys

    county = LocalKeys.generate("C0001", "测试县司法局", "county")
    trust_identity(store, county.public)
    assert _done(store)["identity"]
    # the first backup on the USB stick (no table changes: the page looks again when shown)
    from sifasuo_desktop.security import backup as bk

    usb = tmp_path / "usb"
    usb.mkdir()
    bk.set_second_dir(store, str(usb))
    assert not _done(store)["backup"]
    bk.auto_backup(store, force=True)
    window.show_page("cases")
    window.show_page("dashboard")
    assert "backup" in panel.done_keys() and "identity" in panel.done_keys()
    assert panel.marks["backup"].text() == "✔"
    # the last step: every ledger has its records → the checklist folds to one line
    for key in IMPORT_LEDGERS:
        if not store.count(key):
            _fill(store, key)
    window.show_page("cases")
    window.show_page("dashboard")
    assert panel.title() == "首次使用清单：已全部完成" and not panel.body.isVisible()
    # a step undone by the data (the USB folder emptied) comes back
    for p in usb.iterdir():
        if p.is_file():
            p.unlink()
    window.show_page("cases")
    window.show_page("dashboard")
    assert "backup" not in panel.done_keys() and panel.body.isVisible()


def _fill(store, key):
    import datetime as dt

    today = dt.date.today().isoformat()
    body = store.rows("bodies")[0]["id"]
    values = {"officers": {"name": "张三", "body_id": body},
              "powers": {"name": "测试事项", "code": "P1"},
              "cases": {"case_no": "测〔2026〕1号", "filed_date": today},
              "inspections": {"inspect_date": today, "body_id": body},
              "trainings": {"title": "培训", "train_date": today},
              "problems": {"found_date": today, "source": "监督检查", "description": "问题"}}[key]
    from sifasuo_desktop.domain.ledgers import LEDGERS, normalize

    led = LEDGERS[key]
    full = {f.name: values.get(f.name) for f in led.fields if f.required}
    full.update({k: v for k, v in values.items() if led.has(k)})
    for f in led.fields:
        if f.required and not full.get(f.name):
            full[f.name] = f.choices[0] if f.choices else {"date": "2026-01-01", "float": "2", "int": "2",
                                                           "money": "2"}.get(f.kind, "测试")
    store.insert(key, normalize(led, full))


def test_checklist_buttons_open_the_right_dialogs(qtbot, window):
    panel = window.page("dashboard").first_run
    from .helpers import when_modal

    seen = []
    state = when_modal(qtbot, lambda dlg: (seen.append(dlg.windowTitle()), dlg.reject()))
    panel._import("officers")
    qtbot.waitUntil(lambda: state["done"])
    assert panel.import_dialog.ledger_box.currentData() == "officers"
    assert seen and "导入" in seen[0]


def test_office_step_opens_the_jiguan_daizi_field(qtbot, window):
    """i18c: the 机关代字 step opens 文书设置 with the cursor in the township's own 机关代字 field."""
    from PySide6.QtWidgets import QDialogButtonBox, QPushButton

    from .helpers import when_modal

    store = window.store
    store.set_setting(S.S_CONTACT, {"name": "王所长", "phone": "0731-1234567"})
    panel = window.page("dashboard").first_run
    panel.refresh()
    button = next(b for b in panel.findChildren(QPushButton) if b.text() == "填写机关代字…")
    docs = window.documents_controller

    def fill(dlg):
        target = dlg.focus_target
        assert target is docs.code_edits[store.org.code] and target.isVisible()
        target.setText("测司所")
        dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.Save).click()

    state = when_modal(qtbot, fill)
    button.click()
    qtbot.waitUntil(lambda: state["done"])
    assert state["error"] is None, state["error"]
    assert S.township_code(store) == "测司所"
    step = next(s for s in checklist(store) if s.key == "office")
    assert step.done, step.detail
    qtbot.waitUntil(lambda: "office" in panel.done_keys())
    qtbot.wait(20)
    labels = {b.text() for b in panel.findChildren(QPushButton) if not b.isHidden()}
    assert "文书设置…" in labels and "填写机关代字…" not in labels


def test_manual_backup_to_another_drive_ticks_the_backup_step(qtbot, window, tmp_path, monkeypatch):
    """i18c: a 立即备份 (make_backup) to a folder on another drive than the data folder ticks the step without a
    configured second backup folder; one on the same disk does not, and says why."""
    from sifasuo_desktop.security import backup as bk

    store = window.store
    same = bk.make_backup(store, tmp_path / "same.sqlite3")
    step = next(s for s in checklist(store) if s.key == "backup")
    assert not step.done and "同一块磁盘" in step.detail
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(bk, "other_drive", lambda path, data_dir: str(usb) in str(path))
    made = bk.make_backup(store, usb)
    step = next(s for s in checklist(store) if s.key == "backup")
    assert step.done and str(made) in step.detail
    window.show_page("cases")
    window.show_page("dashboard")
    assert "backup" in window.page("dashboard").first_run.done_keys()
    made.unlink()                                   # the stick's file gone: the step is open again
    assert not next(s for s in checklist(store) if s.key == "backup").done
    assert same.is_file()


def test_the_checklist_is_read_once_when_the_home_page_first_shows(qtbot, store, monkeypatch):
    """Issue 19 (start-up): the panel is built when the 首页 is first shown and reads the data once then (it was
    built before and read again right away by the first show)."""
    from sifasuo_desktop.ui import first_run_ui

    calls = []
    real = first_run_ui.checklist
    monkeypatch.setattr(first_run_ui, "checklist", lambda s: calls.append(1) or real(s))
    w = MainWindow(store, SYSTEM)
    qtbot.addWidget(w)
    w.show()
    panel = w.page("dashboard").first_run
    assert panel is not None and panel.isVisible() and len(calls) == 1
    assert "0/5" in panel.title()
    w.show_page("cases")
    w.show_page("dashboard")                 # each later visit looks again
    assert len(calls) == 2
