"""Safety in the GUI (issue 7): start-up hooks (ui/app.py) and install(window).

Hooks: offer_restore (broken database at start), after_setup (first administrator), login, install (idle
screen lock, automatic backups on exit and every 30 minutes while there are changes, account/backup menus,
"修改历史" on every ledger), quit_after_startup_actor.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (QApplication, QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QInputDialog, QLabel, QLineEdit, QListWidget, QMessageBox, QPushButton,
                               QVBoxLayout)

from sifasuo_desktop import APP_NAME
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.permissions import READONLY, SYSTEM, Actor, allowed
from sifasuo_desktop.security import accounts
from sifasuo_desktop.security import backup as bk
from sifasuo_desktop.security.audit import verify_all

from .login_dialog import (BackupAdminDialog, ChangePasswordDialog, FirstAdminDialog, LockDialog, LoginDialog,
                           RecoveryCodeDialog)
from sifasuo_desktop.ui.widgets import FitDialog

log = logging.getLogger(__name__)
SMOKE_ACTOR = Actor("startup-check", READONLY, "启动检查")
_ACTIVITY = frozenset({QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.Wheel,
                       QEvent.TouchBegin})
_fresh_logins: dict[str, Actor] = {}
NOT_DAMAGE = ("只读", "更新版本", "占用", "磁盘空间")


# ============================================================================ start-up hooks
def _ask_passphrase(parent, text: str) -> str | None:
    value, ok = QInputDialog.getText(parent, "备份密码", text, QLineEdit.Password)
    return value if ok and value else None


def offer_restore(parent, data_dir, error) -> bool:
    """The database could not be opened: offer the newest good backup (or a file the user picks)."""
    from sifasuo_desktop.security import restore as rs   # on first use (not needed to open the window)

    data_dir = Path(data_dir)
    message = getattr(error, "message", str(error))
    if any(word in message for word in NOT_DAMAGE):
        return False  # a read-only folder, a newer program or a busy file: a backup would not help
    candidates = [b for b in bk.list_backups(data_dir) if b.kind != "replaced"]
    passphrase = None
    found = rs.newest_good_backup(data_dir)
    newer_encrypted = [b for b in candidates if b.encrypted and (found is None or b.when > found[0].when)]
    if newer_encrypted:
        passphrase = _ask_passphrase(parent, "最近的备份已加密。请输入备份密码（不知道可留空，使用未加密的较早备份）：")
        if passphrase:
            found = rs.newest_good_backup(data_dir, passphrase=passphrase) or found
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Critical)
    box.setWindowTitle(f"{APP_NAME} — 数据文件无法打开")
    if found:
        info, _details = found
        box.setText(f"数据文件无法打开：{message}\n\n找到最近的完好备份：{info.when:%Y-%m-%d %H:%M}（{info.path.name}）。"
                    "\n恢复后，这个备份之后录入的内容需要重新录入；当前的数据文件会先保留一份副本。\n\n是否用这个备份恢复？")
        restore_button = box.addButton("恢复", QMessageBox.AcceptRole)
    else:
        box.setText(f"数据文件无法打开：{message}\n\n备份文件夹中没有可用的备份。可以选择一个备份文件（例如U盘上的）恢复。")
        restore_button = None
    pick_button = box.addButton("选择备份文件…", QMessageBox.ActionRole)
    box.addButton("取消", QMessageBox.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    if restore_button is not None and clicked is restore_button:
        path = found[0].path
        if not found[0].encrypted:
            passphrase = None
    elif clicked is pick_button:
        name, _ = QFileDialog.getOpenFileName(parent, "选择备份文件", str(bk.backups_dir(data_dir)),
                                              "台账备份 (*.sqlite3 *.enc);;所有文件 (*)")
        if not name:
            return False
        path = Path(name)
        passphrase = _ask_passphrase(parent, "该备份已加密，请输入备份密码：") if bk.is_encrypted(path) else None
    else:
        return False
    def authorize(backup_store):
        # the damaged file's accounts cannot be read: an administrator of the backup confirms (not just anyone
        # at the PC — a stranger's backup would otherwise replace the ledger)
        if backup_store is None or not accounts.has_accounts(backup_store):
            return
        dlg = BackupAdminDialog(backup_store, parent)
        if dlg.exec() != QDialog.Accepted or dlg.actor is None:
            raise UserError("没有确认备份中的管理员账号，未恢复；数据文件夹保持原样。")

    try:   # the user confirmed restoring over the damaged file in the dialog above
        res = rs.restore(data_dir, path, passphrase=passphrase, authorize=authorize, force=True)
    except UserError as exc:
        QMessageBox.critical(parent, APP_NAME, f"恢复失败：{exc.message}")
        return False
    QMessageBox.information(parent, APP_NAME, f"已从备份恢复（{path.name}）。"
                            + (f"\n原数据文件已保留为 {res.replaced_copy.name}。" if res.replaced_copy else ""))
    return True


def after_setup(parent, store) -> bool:
    """First administrator right after the setup wizard. False (cancelled) ends the program."""
    if accounts.has_accounts(store):
        return True
    dlg = FirstAdminDialog(store, parent)
    if dlg.exec() != QDialog.Accepted:
        return False
    username = dlg.username.text().strip()
    if dlg.recovery_code:
        RecoveryCodeDialog(username, dlg.recovery_code, parent).exec()
    _fresh_logins[str(store.data_dir)] = accounts.authenticate(store, username, dlg.password.text())
    return True


def login(parent, store) -> Actor | None:
    fresh = _fresh_logins.pop(str(store.data_dir), None)
    if fresh is not None:
        return fresh
    if not accounts.has_accounts(store):
        if not after_setup(parent, store):
            return None
        return _fresh_logins.pop(str(store.data_dir), None)
    dlg = LoginDialog(store, parent)
    if dlg.exec() != QDialog.Accepted:
        return None
    return dlg.actor


def quit_after_startup_actor(store) -> Actor:
    """--quit-after-startup (smoke test, timing): no login; read-only when the folder has accounts."""
    return SMOKE_ACTOR if accounts.has_accounts(store) else SYSTEM


# ============================================================================ dialogs
class BackupNowDialog(FitDialog):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.result_path: Path | None = None
        self.setWindowTitle("立即备份")
        lay = QVBoxLayout(self)
        note = QLabel("备份文件含有当事人的姓名、身份证号等个人信息。备份到U盘等移动设备时，建议用密码加密。")
        note.setWordWrap(True)
        lay.addWidget(note)
        form = QFormLayout()
        row = QHBoxLayout()
        default = Path.home() / f"台账备份-{store.org.code}-{dt.datetime.now():%Y%m%d-%H%M}.sqlite3"
        self.path = QLineEdit(str(default))
        browse = QPushButton("浏览…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path)
        row.addWidget(browse)
        form.addRow("备份到", row)
        self.encrypt = QCheckBox("用密码加密")
        self.pass1 = QLineEdit()
        self.pass1.setEchoMode(QLineEdit.Password)
        self.pass2 = QLineEdit()
        self.pass2.setEchoMode(QLineEdit.Password)
        form.addRow("", self.encrypt)
        form.addRow("备份密码", self.pass1)
        form.addRow("再输一次", self.pass2)
        lay.addLayout(form)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("备份")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "备份到", self.path.text(), "台账备份 (*.sqlite3 *.enc)")
        if name:
            self.path.setText(name)

    def _ok(self) -> None:
        passphrase = None
        if self.encrypt.isChecked():
            if self.pass1.text() != self.pass2.text():
                self.error.setText("两次输入的备份密码不一致。")
                return
            if len(self.pass1.text()) < 8:
                self.error.setText("备份密码至少需要8个字符。")
                return
            passphrase = self.pass1.text()
        target = Path(self.path.text().strip())
        if passphrase and not target.name.endswith(".enc"):
            target = target.with_name(target.name + ".enc")
        from .workers import run_task

        try:
            self.result_path = run_task(self, "正在备份…", lambda progress, cancelled:
                                        bk.make_backup(self.store, target, passphrase))
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()


class BackupSettingsDialog(FitDialog):
    """Second backup folder, encryption of automatic backups, the list of backups."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("备份设置")
        self.resize(640, 480)
        lay = QVBoxLayout(self)
        cfg = bk.config(store)
        lay.addWidget(QLabel(f"自动备份：退出程序时、以及有修改时每{bk.AUTO_INTERVAL_MINUTES}分钟一次；保留最近12天每天一份、"
                             "10周每周一份、9个月每月一份。"))
        lay.addWidget(QLabel(f"备份文件夹：{cfg['folder']}"))
        form = QFormLayout()
        row = QHBoxLayout()
        self.second = QLineEdit(cfg["second_dir"] or "")
        self.second.setPlaceholderText("例如U盘上的文件夹（可不设）")
        browse = QPushButton("浏览…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.second)
        row.addWidget(browse)
        form.addRow("第二备份文件夹", row)
        self.encrypted = QLabel("是" if cfg["encrypted"] else "否")
        enc_row = QHBoxLayout()
        enc_row.addWidget(self.encrypted)
        set_pass = QPushButton("设置备份密码…")
        set_pass.clicked.connect(self._set_passphrase)
        clear_pass = QPushButton("不再加密")
        clear_pass.clicked.connect(self._clear_passphrase)
        enc_row.addWidget(set_pass)
        enc_row.addWidget(clear_pass)
        enc_row.addStretch(1)
        form.addRow("自动备份加密", enc_row)
        lay.addLayout(form)
        self.list = QListWidget()
        lay.addWidget(QLabel("已有备份（新的在前）："))
        lay.addWidget(self.list)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Save).setText("保存")
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        cfg = bk.config(self.store)
        kinds = {"auto": "自动", "pre": "导入/升级前", "replaced": "恢复前的原数据", "manual": "手动"}
        for b in bk.list_backups(self.store.data_dir, [cfg["second_dir"]] if cfg["second_dir"] else []):
            self.list.addItem(f"{b.when:%Y-%m-%d %H:%M}  {kinds[b.kind]}  {'加密 ' if b.encrypted else ''}"
                              f"{b.size / 1048576:.1f} MB  {b.path}")

    def _error(self, text: str) -> None:
        self.message.setStyleSheet("color: #c62828;")
        self.message.setText(text)

    def _browse(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "第二备份文件夹", self.second.text())
        if name:
            self.second.setText(name)

    def _save(self) -> None:
        try:
            bk.set_second_dir(self.store, self.second.text().strip() or None)
        except UserError as exc:
            self._error(exc.message)
            return
        self.message.setStyleSheet("")
        self.message.setText("已保存。")
        self._fill()

    def _set_passphrase(self) -> None:
        p1 = _ask_passphrase(self, "新的备份密码（至少8位；恢复加密备份时需要它，请抄下来锁好）：")
        if not p1:
            return
        p2 = _ask_passphrase(self, "再输入一次：")
        if p1 != p2:
            self._error("两次输入的备份密码不一致。")
            return
        try:
            bk.set_passphrase(self.store, p1)
        except UserError as exc:
            self._error(exc.message)
            return
        self.encrypted.setText("是")
        self.message.setStyleSheet("")
        self.message.setText("今后的自动备份将用这个密码加密。")

    def _clear_passphrase(self) -> None:
        try:
            bk.set_passphrase(self.store, None)
        except UserError as exc:
            self._error(exc.message)
            return
        self.encrypted.setText("否")


# ============================================================================ the running window
class BackupJob:
    """bk.auto_backup on a Store connection of its own in a plain thread. The thread touches no Qt object: it
    fills result/error and sets done; the controller's timer reads them in the GUI thread."""

    def __init__(self, data_dir, actor):
        import threading

        self.data_dir, self.actor = data_dir, actor
        self.done = False
        self.result: bk.AutoResult | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="auto-backup", daemon=True)

    def start(self) -> None:
        import gc

        gc.collect()   # not inside the worker: a collection there could free Qt wrappers off the GUI thread
        self.thread.start()

    def _run(self) -> None:
        from sifasuo_desktop.store import Store

        try:
            st = Store.open(self.data_dir, actor=self.actor, create=False)
            try:
                self.result = bk.auto_backup(st)
            finally:
                st.close()
        except BaseException as exc:  # noqa: BLE001 - reported in the status bar by the GUI thread
            log.exception("automatic backup failed")
            self.error = exc
        finally:
            self.done = True


class SecurityController(QObject):
    """Idle screen lock and automatic backups for one main window."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.store = window.store
        self.last_activity = time.monotonic()
        self.locked = False
        self.closed_for_restore = False
        self.last_backup: bk.AutoResult | None = None
        app = QApplication.instance()
        # the app-wide activity filter sees every event of every widget: installed only while an idle lock
        # is configured (check_idle, every 15 s, follows a change of the setting)
        self._filtering = False
        self._follow_lock_setting()
        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(15_000)
        self.idle_timer.timeout.connect(self.check_idle)
        self.idle_timer.start()
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(bk.AUTO_INTERVAL_MINUTES * 60_000)
        self.backup_timer.timeout.connect(self.periodic_backup)
        self.backup_timer.start()
        self.backup_job: BackupJob | None = None
        self._backup_poll = QTimer(self)   # picks the worker's result up in the GUI thread
        self._backup_poll.setInterval(100)
        self._backup_poll.timeout.connect(self._backup_finished)
        app.aboutToQuit.connect(self.backup_on_exit)

    # ------------------------------------------------------------------ idle lock
    def _follow_lock_setting(self) -> bool:
        """Install the activity filter when an idle lock applies, remove it when none does; True if it applies."""
        try:
            wanted = self.idle_limit_seconds() is not None and self.lockable
        except Exception:  # an unreadable setting: no lock, as check_idle decides
            wanted = False
        app = QApplication.instance()
        if wanted and not self._filtering and app is not None:
            app.installEventFilter(self)
            self._filtering = True
            self.last_activity = time.monotonic()
        elif not wanted and self._filtering and app is not None:
            app.removeEventFilter(self)
            self._filtering = False
        return wanted

    def eventFilter(self, obj, event) -> bool:
        if event.type() in _ACTIVITY:
            self.last_activity = time.monotonic()
        return False

    @property
    def lockable(self) -> bool:
        actor = self.window.actor
        return actor.username not in (SYSTEM.username, SMOKE_ACTOR.username) and accounts.get_account(
            self.store, actor.username) is not None

    def idle_limit_seconds(self) -> float | None:
        minutes = int(accounts.setting(self.store, "security.idle_lock_minutes") or 0)
        return minutes * 60 if minutes > 0 else None

    def stop(self) -> None:
        self.idle_timer.stop()
        self.backup_timer.stop()

    def _usable(self) -> bool:
        """False once the window's store is closed (window gone, restore done): the timers then stop."""
        if self.closed_for_restore:
            self.stop()
            return False
        if not self.store.is_open():
            self.stop()
            return False
        return True

    def check_idle(self, now: float | None = None) -> bool:
        if self.locked or not self.window.isVisible() or not self._usable():
            return False
        try:
            if not self._follow_lock_setting():
                return False
            limit = self.idle_limit_seconds()
        except Exception:  # never let the lock check take the window down
            log.exception("idle check failed")
            return False
        if (now or time.monotonic()) - self.last_activity >= limit:
            self.lock()
            return True
        return False

    def lock(self) -> None:
        if self.locked or not self.lockable:
            return
        self.locked = True
        central = self.window.centralWidget()
        if central is not None:  # the ledger must not stay readable behind the lock dialog
            central.hide()
        try:
            dlg = LockDialog(self.store, self.window.actor, self.window)
            accepted = dlg.exec() == QDialog.Accepted
        finally:
            self.locked = False
            self.last_activity = time.monotonic()
            if central is not None:
                central.show()
        if not accepted:
            self.window.close()

    # ------------------------------------------------------------------ backups
    def periodic_backup(self) -> "BackupJob | None":
        """The 30-minute backup, in a worker thread on its own connection (copying a 100,000-case database takes
        seconds: the window must not freeze). Returns the running job, or None when nothing changed / one runs."""
        if not self._usable():
            return None
        job = self.backup_job
        if job is not None and not job.done:
            return None
        try:
            if not bk.has_unsaved_changes(self.store):
                return None
        except Exception:  # noqa: BLE001 - a backup problem must never take the ledger down
            log.exception("automatic backup check failed")
            return None
        self.window.statusBar().showMessage("正在自动备份…（可继续工作）")
        self.backup_job = job = BackupJob(self.store.data_dir, self.window.actor)
        job.start()
        self._backup_poll.start()
        return job

    def _backup_finished(self) -> None:
        job = self.backup_job
        if job is None or not job.done:
            return
        self._backup_poll.stop()
        if job.error is not None:
            exc = job.error
            from .toast import notify

            notify(self.window, f"自动备份失败：{getattr(exc, 'message', None) or exc}", error=True, timeout_ms=15000)
            return
        res = job.result
        if self.store.is_open():
            try:
                self.store._load_meta()   # the worker's connection recorded the backup (last seq / time)
            except Exception:  # noqa: BLE001
                log.exception("reloading meta after the automatic backup failed")
        if res is None or res.path is None:
            return
        self.last_backup = res
        text = f"已自动备份（{dt.datetime.now():%H:%M}）"
        if res.warning:
            text += "；" + res.warning
        self.window.statusBar().showMessage(text, 15000)

    def backup_on_exit(self) -> None:
        job = self.backup_job
        if job is not None and not job.done:
            job.thread.join(120)   # the periodic one still copying: let it finish, then the exit one
            self._backup_finished()
        if not self._usable():
            return
        try:
            self.last_backup = bk.auto_backup(self.store)
        except UserError as exc:       # backups/ unusable, folder turned read-only, disk full: say why, no traceback
            log.warning("退出时自动备份失败：%s", exc.message)
        except OSError as exc:
            from sifasuo_desktop.domain.errors import os_error_text

            log.warning("退出时自动备份失败：%s（%s）", os_error_text(exc), getattr(exc, "filename", "") or "")
        except Exception as exc:
            import sqlite3

            if not isinstance(exc, sqlite3.Error):
                log.exception("backup on exit failed")
                return
            from sifasuo_desktop.store.repo import sqlite_error_text

            log.warning("退出时自动备份失败：%s", sqlite_error_text(exc))


def _history(window, table):
    def show(record):
        if not record:
            return
        from .history_dialog import HistoryDialog

        HistoryDialog(window.store, table, record["id"], window, actor=window.actor).exec()
    return show


def _accounts(window):
    from .accounts_dialog import AccountsDialog

    if not allowed(window.actor, "accounts"):
        QMessageBox.information(window, "账号管理", "只有管理员可以管理账号。忘记密码请找管理员重设。")
        return
    AccountsDialog(window.store, window).exec()


def _change_password(window):
    if accounts.get_account(window.store, window.actor.username) is None:
        QMessageBox.information(window, "修改密码", "当前没有登录账号。请先由管理员在“账号管理”中创建账号。")
        return
    if ChangePasswordDialog(window.store, window.actor.username, parent=window).exec() == QDialog.Accepted:
        QMessageBox.information(window, "修改密码", "密码已修改。")


def _verify(window):
    from sifasuo_desktop.security.backup import config as backup_config

    res = verify_all(window.store.conn, window.store.data_dir, (), [backup_config(window.store)["second_dir"]])
    if res.ok:
        n = sum(1 for a in res.anchors if a["status"] == "ok")
        QMessageBox.information(window, "校验审计日志", f"审计日志完好：共{res.entries}条，哈希链连续；"
                                                   f"与{n}个备份中的链头一致，记录内容与审计日志一致。")
    else:
        QMessageBox.warning(window, "校验审计日志", f"审计日志被改动：{res.reason}")


def _backup_now(window):
    if not allowed(window.actor, "backup"):
        QMessageBox.information(window, "立即备份", "当前账号无权备份。")
        return
    dlg = BackupNowDialog(window.store, window)
    if dlg.exec() == QDialog.Accepted and dlg.result_path:
        QMessageBox.information(window, "立即备份", f"已备份到：{dlg.result_path}\n请妥善保管（含个人信息）。")


def _backup_settings(window):
    if not allowed(window.actor, "settings"):
        QMessageBox.information(window, "备份设置", "只有管理员可以修改备份设置。")
        return
    BackupSettingsDialog(window.store, window).exec()


def _restore(window):
    from sifasuo_desktop.security import restore as rs

    if not allowed(window.actor, "restore"):
        QMessageBox.information(window, "从备份恢复", "只有管理员可以从备份恢复。")
        return
    store = window.store
    name, _ = QFileDialog.getOpenFileName(window, "选择备份文件", str(bk.backups_dir(store.data_dir)),
                                          "台账备份 (*.sqlite3 *.enc);;所有文件 (*)")
    if not name:
        return
    path = Path(name)
    passphrase = _ask_passphrase(window, "该备份已加密，请输入备份密码：") if bk.is_encrypted(path) else None
    try:
        info = rs.check_backup(path, passphrase, work_dir=bk.backups_dir(store.data_dir))
    except UserError as exc:
        QMessageBox.critical(window, "从备份恢复", exc.message)
        return
    if QMessageBox.question(window, "从备份恢复",
                            f"用备份“{path.name}”（{info.get('org_name') or ''}）替换当前数据？\n当前数据会先保留一份副本；"
                            "恢复后程序将关闭，请重新打开并登录。") != QMessageBox.Yes:
        return
    controller = getattr(window, "_security", None)
    try:
        bk.auto_backup(store)  # the current state, one more time
    except Exception:
        log.exception("backup before restore failed")
    if controller is not None:
        controller.closed_for_restore = True
    data_dir = store.data_dir
    store.close()
    try:
        res = rs.restore(data_dir, path, passphrase=passphrase)
        QMessageBox.information(window, "从备份恢复", "恢复完成。" + (f"原数据已保留为 {res.replaced_copy.name}。"
                                                           if res.replaced_copy else "") + "程序将关闭，请重新打开。")
    except UserError as exc:
        QMessageBox.critical(window, "从备份恢复", f"恢复失败：{exc.message}\n数据没有改动。程序将关闭，请重新打开。")
    window.close()
    QApplication.instance().quit()


def install(window) -> None:
    window._security = SecurityController(window)
    window.add_menu_action("文件", "立即备份…", lambda: _backup_now(window))
    window.add_menu_action("工具", "从备份恢复…", lambda: _restore(window))
    window.add_menu_action("工具", "账号管理…", lambda: _accounts(window))
    window.add_menu_action("工具", "修改密码…", lambda: _change_password(window))
    window.add_menu_action("工具", "锁定屏幕", window._security.lock, "Ctrl+L")
    window.add_menu_action("工具", "备份设置…", lambda: _backup_settings(window))
    window.add_menu_action("工具", "校验审计日志", lambda: _verify(window))
    for key in LEDGERS:
        window.add_record_action(key, "修改历史", _history(window, key))
