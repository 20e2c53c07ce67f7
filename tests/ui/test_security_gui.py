"""Security in the GUI: login, forced password change, first admin, screen lock, history, accounts, restore."""
import pytest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from sifasuo_desktop.domain.permissions import Actor
from sifasuo_desktop.security import accounts
from sifasuo_desktop.security import backup as bk
from sifasuo_desktop.store import Store
from sifasuo_desktop.ui import security_gui as sg
from sifasuo_desktop.ui.accounts_dialog import AccountsDialog, NewAccountDialog
from sifasuo_desktop.ui.login_dialog import (ChangePasswordDialog, FirstAdminDialog, LockDialog, LoginDialog,
                                             RecoveryCodeDialog)
from sifasuo_desktop.ui.main_window import MainWindow

from .helpers import when_modal


@pytest.fixture
def acc_store(store):
    accounts.create_account(store, "boss", "boss-pass-1", "admin", "张所长")
    store.actor = Actor("boss", "admin")
    accounts.create_account(store, "clerk", "clerk-pass-1", "staff", "李工作")
    return store


def _wait_done(qtbot, state):
    qtbot.waitUntil(lambda: state["done"], timeout=5000)
    if state["error"]:
        raise state["error"]


def test_login_dialog_wrong_then_right_password(qtbot, acc_store):
    dlg = LoginDialog(acc_store)
    qtbot.addWidget(dlg)
    dlg.username.setText("clerk")
    dlg.password.setText("nope-nope-1")
    dlg._ok()
    assert dlg.result() != QDialog.Accepted and "用户名或密码错误" in dlg.error.text()
    assert dlg.password.text() == ""
    dlg.password.setText("clerk-pass-1")
    dlg._ok()
    assert dlg.result() == QDialog.Accepted and dlg.actor == Actor("clerk", "staff", "李工作")
    assert LoginDialog(acc_store).username.text() == "clerk"  # remembered for next time


def test_reset_password_forces_change_at_login(qtbot, acc_store):
    accounts.reset_password(acc_store, "clerk", "temp-pass-77")
    dlg = LoginDialog(acc_store)
    qtbot.addWidget(dlg)
    dlg.username.setText("clerk")
    dlg.password.setText("temp-pass-77")

    def change(w):
        assert isinstance(w, ChangePasswordDialog) and w.old.text() == "temp-pass-77"
        w.new.setText("my-own-pass-1")
        w.new2.setText("my-own-pass-1")
        w._ok()
    state = when_modal(qtbot, change)
    dlg._ok()
    _wait_done(qtbot, state)
    assert dlg.result() == QDialog.Accepted
    assert accounts.authenticate(acc_store, "clerk", "my-own-pass-1").username == "clerk"


def test_first_admin_after_setup_then_login_without_second_prompt(qtbot, store):
    def fill(w):
        assert isinstance(w, FirstAdminDialog)
        w.username.setText("chief")
        w.password.setText("chief-pass-1")
        w.password2.setText("chief-pass-2")
        w._ok()
        assert "不一致" in w.error.text()
        w.password2.setText("chief-pass-1")
        code_state.update(when_modal(qtbot, confirm_code))
        w._ok()

    def confirm_code(w):
        assert isinstance(w, RecoveryCodeDialog)
        assert not w.ok_button.isEnabled()
        w.reject()  # Esc does not skip the code
        assert w.isVisible()
        w.confirm.setChecked(True)
        codes.append(w.code_label.text())
        w.ok_button.click()

    codes, code_state = [], {}
    state = when_modal(qtbot, fill)
    assert sg.after_setup(None, store) is True
    _wait_done(qtbot, state)
    assert len(codes) == 1 and len(codes[0]) == 24
    assert sg.login(None, store) == Actor("chief", "admin", "")
    assert accounts.recover_with_code(store, "chief", codes[0], "chief-pass-9")


def test_quit_after_startup_actor_is_readonly_with_accounts(acc_store, tmp_path):
    assert sg.quit_after_startup_actor(acc_store).role == "readonly"
    with Store.open(tmp_path / "x") as s:
        assert sg.quit_after_startup_actor(s).role == "system"


@pytest.fixture
def window(qtbot, acc_store):
    acc_store.actor = Actor("clerk", "staff", "李工作")
    w = MainWindow(acc_store, acc_store.actor)
    qtbot.addWidget(w)
    sg.install(w)
    w.show()
    yield w
    # stop the dashboard's pending refresh before the store fixture closes the database
    dash = w.page("dashboard")
    if hasattr(dash, "_timer"):
        dash._timer.stop()
    w.close()
    w.deleteLater()
    qtbot.wait(10)


def test_idle_lock_needs_the_users_password(qtbot, window, acc_store):
    ctl = window._security
    acc_store.actor = Actor("boss", "admin")
    acc_store.set_setting("security.idle_lock_minutes", 1)
    acc_store.actor = window.actor
    assert ctl.check_idle(now=ctl.last_activity + 30) is False  # not idle long enough

    def unlock(w):
        assert isinstance(w, LockDialog)
        assert not window.centralWidget().isVisible()  # the ledger is hidden while locked
        w.password.setText("wrong-pass-1")
        w._ok()
        assert w.isVisible() and "用户名或密码错误" in w.error.text()
        w.password.setText("clerk-pass-1")
        w._ok()
    state = when_modal(qtbot, unlock)
    assert ctl.check_idle(now=ctl.last_activity + 61) is True
    _wait_done(qtbot, state)
    assert window.isVisible() and not ctl.locked and window.centralWidget().isVisible()


def test_idle_lock_can_be_switched_off(window, acc_store):
    acc_store.actor = Actor("boss", "admin")
    acc_store.set_setting("security.idle_lock_minutes", 0)
    ctl = window._security
    assert ctl.check_idle(now=ctl.last_activity + 10 ** 6) is False


def test_history_record_action_on_every_ledger(qtbot, window, acc_store):
    from sifasuo_desktop.domain.ledgers import LEDGERS
    for key in LEDGERS:
        assert "修改历史" in [t for t, _ in window.record_actions(key)]
    rec = acc_store.insert("officers", {"name": "王五", "phone": "13912345678"})
    acc_store.update("officers", rec["id"], {"phone": "13800001111"})
    callback = dict(window.record_actions("officers"))["修改历史"]
    seen = {}

    def look(w):
        t = w.table
        seen["rows"] = [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]
        w.reject()
    state = when_modal(qtbot, look)
    callback(acc_store.get("officers", rec["id"]))
    _wait_done(qtbot, state)
    flat = [" ".join(r) for r in seen["rows"]]
    assert any("修改" in r and "联系电话" in r and "139****5678" in r and "138****1111" in r for r in flat)
    assert any("clerk" in r for r in flat) and not any("13912345678" in r for r in flat)


def test_accounts_dialog_admin_creates_account_staff_refused(qtbot, acc_store):
    from sifasuo_desktop.domain.errors import PermissionDenied
    acc_store.actor = Actor("clerk", "staff")
    with pytest.raises(PermissionDenied):
        AccountsDialog(acc_store)
    acc_store.actor = Actor("boss", "admin")
    dlg = AccountsDialog(acc_store)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 2

    def fill(w):
        assert isinstance(w, NewAccountDialog)
        w.username.setText("wang")
        w.role.setCurrentIndex(1)  # 所长/负责人
        w.password.setText("wang-temp-11")
        w.password2.setText("wang-temp-11")
        w._ok()
    state = when_modal(qtbot, fill)
    dlg._new()
    _wait_done(qtbot, state)
    acc = accounts.get_account(acc_store, "wang")
    assert acc.role == "leader" and acc.must_change
    assert dlg.table.rowCount() == 3 and dlg.selected_username() == "wang"
    dlg.select("boss")
    dlg._toggle_active()
    assert "自己" in dlg.message.text() and accounts.get_account(acc_store, "boss").active
    dlg.idle.setValue(25)
    dlg._save_settings()
    assert acc_store.get_setting("security.idle_lock_minutes") == 25


def test_backup_on_exit_and_periodic_only_with_changes(window, acc_store):
    ctl = window._security
    ctl.backup_on_exit()
    first = ctl.last_backup.path
    assert first and first.exists()
    assert ctl.periodic_backup() is None  # nothing changed since
    acc_store.insert("bodies", {"name": "新单位"})
    job = ctl.periodic_backup()
    assert job is not None and ctl.periodic_backup() is None   # one at a time
    job.thread.join(60)
    window._security._backup_finished()
    res = ctl.last_backup
    assert res is not None and res.path != first and "已自动备份" in window.statusBar().currentMessage()
    assert ctl.periodic_backup() is None          # the worker's record of the backup is seen by the window


def test_periodic_backup_runs_in_a_worker_thread(window, acc_store, monkeypatch):
    """The 30-minute backup never runs in the GUI thread (≈5 s frozen at 100,000 cases)."""
    import threading

    ctl = window._security
    acc_store.insert("bodies", {"name": "又一个单位"})
    threads = []
    real = sg.bk.auto_backup

    def spy(store, *a, **k):
        threads.append(threading.current_thread())
        assert store is not acc_store                 # its own connection, not the window's
        return real(store, *a, **k)
    monkeypatch.setattr(sg.bk, "auto_backup", spy)
    job = ctl.periodic_backup()
    job.thread.join(60)
    assert threads and threads[0] is not threading.main_thread() and threads[0].name == "auto-backup"
    ctl._backup_finished()
    assert ctl.last_backup is job.result and job.result.path.exists()


def test_a_failing_periodic_backup_is_reported_not_raised(window, acc_store, monkeypatch):
    from sifasuo_desktop.domain.errors import UserError

    ctl = window._security
    acc_store.insert("bodies", {"name": "第三个单位"})

    def broken(store, *a, **k):
        raise UserError("备份文件夹不可写")
    monkeypatch.setattr(sg.bk, "auto_backup", broken)
    job = ctl.periodic_backup()
    job.thread.join(60)
    ctl._backup_finished()
    assert "自动备份失败：备份文件夹不可写" in window.statusBar().currentMessage()


def test_offer_restore_on_broken_database(qtbot, tmp_path):
    d = tmp_path / "d"
    with Store.open(d) as s:
        s.init_org("township", "损坏测试所", "BR1")
        s.insert("bodies", {"name": "备份里的单位"})
        bk.auto_backup(s, force=True)
    _db, _damaged, err = _damage(d)

    def click_restore(w):
        assert isinstance(w, QMessageBox) and "最近的完好备份" in w.text()
        info_state.update(when_modal(qtbot, lambda m: m.accept()))
        [b for b in w.buttons() if b.text() == "恢复"][0].click()

    info_state = {}
    state = when_modal(qtbot, click_restore)
    assert sg.offer_restore(None, d, err) is True
    _wait_done(qtbot, state)
    with Store.open(d, check=True) as s:
        assert s.count("bodies", "name = '备份里的单位'") == 1
    assert list((d / "backups").glob("replaced-*.sqlite3"))


def test_offer_restore_stays_out_of_non_damage_errors(tmp_path):
    from sifasuo_desktop.store import StoreError
    err = StoreError("无法打开数据文件“x”：数据文件夹是只读的（没有写入权限）。")
    assert sg.offer_restore(None, tmp_path, err) is False


def test_timers_stop_quietly_once_the_store_is_closed(qtbot, acc_store):
    from PySide6.QtWidgets import QMainWindow

    w = QMainWindow()  # the controller needs only store, actor and the window itself
    w.store, w.actor = acc_store, Actor("clerk", "staff", "李工作")
    qtbot.addWidget(w)
    ctl = sg.SecurityController(w)
    w.show()
    acc_store.conn.close()  # e.g. a window left behind after its store was closed
    assert ctl.check_idle(now=ctl.last_activity + 10 ** 6) is False
    assert ctl.periodic_backup() is None
    ctl.backup_on_exit()
    assert not ctl.idle_timer.isActive() and not ctl.backup_timer.isActive()


def test_restore_from_the_menu_replaces_data_and_closes(qtbot, acc_store, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QMainWindow

    acc_store.insert("bodies", {"name": "备份前的单位"})
    acc_store.actor = Actor("boss", "admin")
    backup = bk.make_backup(acc_store, tmp_path / "b.sqlite3")
    acc_store.insert("bodies", {"name": "备份后的单位"})
    w = QMainWindow()
    w.store, w.actor = acc_store, acc_store.actor
    qtbot.addWidget(w)
    w._security = sg.SecurityController(w)
    w.show()
    shown = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(backup), "")))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.Yes))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: shown.append(a[2])))
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: None))
    data_dir = acc_store.data_dir
    sg._restore(w)
    assert shown and "恢复完成" in shown[0]
    assert not w.isVisible() and w._security.closed_for_restore
    with Store.open(data_dir) as s:
        names = {r["name"] for r in s.rows("bodies")}
    assert "备份前的单位" in names and "备份后的单位" not in names
    # the state just before the restore was kept too
    assert list((data_dir / "backups").glob("replaced-*.sqlite3"))


def test_restore_menu_is_for_administrators_only(qtbot, acc_store, monkeypatch):
    from PySide6.QtWidgets import QMainWindow

    w = QMainWindow()
    w.store, w.actor = acc_store, Actor("clerk", "staff")
    qtbot.addWidget(w)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: shown.append(a[2])))
    sg._restore(w)
    assert shown == ["只有管理员可以从备份恢复。"]


def _broken_with_admin_backup(tmp_path):
    d = tmp_path / "d"
    with Store.open(d) as s:
        s.init_org("township", "损坏测试所", "BR2")
        accounts.create_account(s, "boss", "boss-pass-1", "admin", "张所长")
        accounts.create_account(s, "clerk", "clerk-pass-1", "staff", "李工作")
        s.actor = Actor("boss", "admin")
        s.insert("bodies", {"name": "备份里的单位"})
        bk.auto_backup(s, force=True)
    return (d, *_damage(d))


def _damage(d):
    """Zero the database header: (db path, the damaged bytes, the error opening it raises)."""
    db = d / "sifasuo.sqlite3"
    raw = bytearray(db.read_bytes())
    raw[0:100] = b"\x00" * 100
    db.write_bytes(bytes(raw))
    with pytest.raises(Exception) as err:
        Store.open(d, check=True).close()
    return db, bytes(raw), err.value


def test_restore_over_a_broken_database_needs_the_backups_admin(qtbot, tmp_path):
    """Issue 11: with the damaged file's accounts unreadable, the backup's own administrator signs the restore
    (a clerk of the backup, a wrong password or a cancel restores nothing)."""
    d, db, damaged, err = _broken_with_admin_backup(tmp_path)
    seen = {}

    def admin(w):
        assert isinstance(w, sg.BackupAdminDialog)
        w.username.setText("clerk")
        w.password.setText("clerk-pass-1")
        w.buttons.button(w.buttons.StandardButton.Ok).click()
        seen["clerk"] = w.error.text()
        assert w.isVisible()
        w.username.setText("boss")
        w.password.setText("wrong-pass-9")
        w.buttons.button(w.buttons.StandardButton.Ok).click()
        seen["wrong"] = w.error.text()
        w.reject()
        seen.update(refused=when_modal(qtbot, lambda m: (seen.setdefault("msg", m.text()), m.accept())))

    def click_restore(w):
        seen["admin"] = when_modal(qtbot, admin)
        [b for b in w.buttons() if b.text() == "恢复"][0].click()

    state = when_modal(qtbot, click_restore)
    assert sg.offer_restore(None, d, err) is False
    _wait_done(qtbot, state)
    _wait_done(qtbot, seen["admin"])
    _wait_done(qtbot, seen["refused"])
    assert seen["clerk"] and seen["wrong"] and "没有确认备份中的管理员账号" in seen["msg"]
    assert db.read_bytes() == damaged            # untouched

    def admin_ok(w):
        w.username.setText("boss")
        w.password.setText("boss-pass-1")
        seen["info"] = when_modal(qtbot, lambda m: m.accept())
        w.buttons.button(w.buttons.StandardButton.Ok).click()

    def click_restore2(w):
        seen["admin2"] = when_modal(qtbot, admin_ok)
        [b for b in w.buttons() if b.text() == "恢复"][0].click()

    state = when_modal(qtbot, click_restore2)
    assert sg.offer_restore(None, d, err) is True
    for st in (state, seen["admin2"], seen["info"]):
        _wait_done(qtbot, st)
    with Store.open(d, check=True) as s:
        assert s.count("bodies", "name = '备份里的单位'") == 1


def test_the_activity_filter_is_installed_only_while_an_idle_lock_applies(qtbot, window, acc_store):
    """Issue 19 (start-up): no app-wide event filter when no idle lock is configured; check_idle installs it
    once one is, and user activity then counts; switched off again, the filter goes."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    ctl = window._security
    acc_store.actor = Actor("boss", "admin")
    acc_store.set_setting("security.idle_lock_minutes", 0)
    acc_store.actor = window.actor
    ctl.check_idle()
    assert ctl._filtering is False
    acc_store.actor = Actor("boss", "admin")
    acc_store.set_setting("security.idle_lock_minutes", 5)
    acc_store.actor = window.actor
    assert ctl.check_idle() is False and ctl._filtering is True
    ctl.last_activity -= 1000
    before = ctl.last_activity
    ev = QMouseEvent(QEvent.MouseMove, QPointF(5, 5), QPointF(5, 5), Qt.NoButton, Qt.NoButton, Qt.NoModifier)
    QApplication.sendEvent(window, ev)
    assert ctl.last_activity > before            # activity seen through the filter
    acc_store.actor = Actor("boss", "admin")
    acc_store.set_setting("security.idle_lock_minutes", 0)
    acc_store.actor = window.actor
    ctl.check_idle()
    assert ctl._filtering is False
