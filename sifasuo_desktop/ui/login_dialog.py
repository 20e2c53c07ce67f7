"""Login, first administrator, change password, recovery code and screen-lock dialogs."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout)

from sifasuo_desktop import APP_NAME
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.security import accounts
from sifasuo_desktop.ui.widgets import FitDialog

ERROR_STYLE = "color: #c62828;"


def _password_edit(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.Password)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


class _Form(FitDialog):
    """A small form dialog with an error line; subclasses implement _submit() raising UserError."""

    def __init__(self, title: str, intro: str = "", parent=None, ok_text: str = "确定", cancel_text: str = "取消"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(380)
        self.lay = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            self.lay.addWidget(label)
        self.form = QFormLayout()
        self.lay.addLayout(self.form)
        self.error = QLabel("")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(ok_text)
        self.buttons.button(QDialogButtonBox.Cancel).setText(cancel_text)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.lay.addWidget(self.buttons)

    def _ok(self) -> None:
        try:
            self._submit()
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()

    def _submit(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class RecoveryCodeDialog(FitDialog):
    """Shows a recovery code once; closing needs the "written down" box ticked."""

    def __init__(self, username: str, code: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("管理员恢复码")
        lay = QVBoxLayout(self)
        text = QLabel(f"这是管理员“{username}”的恢复码。忘记管理员密码时，凭它在登录窗口点“忘记密码”重新设置密码。"
                      "它只显示这一次：请抄在纸上，和公章一样锁好；不要存放在这台电脑里。")
        text.setWordWrap(True)
        lay.addWidget(text)
        self.code_label = QLabel(code)
        font = QFont("monospace")
        font.setPointSize(18)
        font.setBold(True)
        self.code_label.setFont(font)
        self.code_label.setAlignment(Qt.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        lay.addWidget(self.code_label)
        self.confirm = QCheckBox("我已抄下恢复码并妥善保管")
        lay.addWidget(self.confirm)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok)
        self.ok_button = buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText("完成")
        self.ok_button.setEnabled(False)
        self.confirm.toggled.connect(self.ok_button.setEnabled)
        buttons.accepted.connect(self.accept)
        lay.addWidget(buttons)

    def reject(self) -> None:  # Esc must not skip the code
        if self.confirm.isChecked():
            super().reject()


class FirstAdminDialog(_Form):
    """Create the first administrator (after the setup wizard, or when a folder has no account yet)."""

    def __init__(self, store, parent=None):
        super().__init__("创建管理员账号", "请为本机创建第一个管理员账号。管理员可以新建其他人员的账号、修改设置和恢复备份。",
                         parent, ok_text="创建", cancel_text="退出")
        self.store = store
        self.recovery_code: str | None = None
        self.username = QLineEdit("admin")
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText("如 张三（可不填）")
        self.password = _password_edit(f"至少{accounts.MIN_PASSWORD_LEN}位")
        self.password2 = _password_edit()
        self.form.addRow("用户名 *", self.username)
        self.form.addRow("姓名", self.display_name)
        self.form.addRow("密码 *", self.password)
        self.form.addRow("再输一次 *", self.password2)
        self.finish_layout()

    def _submit(self) -> None:
        if self.password.text() != self.password2.text():
            raise UserError("两次输入的密码不一致。")
        self.recovery_code = accounts.create_account(self.store, self.username.text(), self.password.text(), "admin",
                                                     self.display_name.text())


class ChangePasswordDialog(_Form):
    def __init__(self, store, username: str, forced: bool = False, parent=None):
        intro = "管理员为您重设了密码，请设置一个只有您自己知道的新密码。" if forced else ""
        super().__init__("修改密码", intro, parent, ok_text="修改")
        self.store = store
        self.username = username
        self.old = _password_edit()
        self.new = _password_edit(f"至少{accounts.MIN_PASSWORD_LEN}位")
        self.new2 = _password_edit()
        self.form.addRow("用户名", QLabel(username))
        self.form.addRow("原密码", self.old)
        self.form.addRow("新密码", self.new)
        self.form.addRow("再输一次", self.new2)
        self.finish_layout()

    def _submit(self) -> None:
        if self.new.text() != self.new2.text():
            raise UserError("两次输入的新密码不一致。")
        accounts.change_password(self.store, self.username, self.old.text(), self.new.text())


class RecoverDialog(_Form):
    """Forgotten administrator password: recovery code + new password."""

    def __init__(self, store, username: str = "", parent=None):
        super().__init__("忘记管理员密码", "输入创建管理员时抄下的恢复码，并设置新密码。其他人员忘记密码时，请管理员为其重设。",
                         parent, ok_text="重设密码")
        self.store = store
        self.new_code: str | None = None
        self.username = QLineEdit(username)
        self.code = QLineEdit()
        self.code.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX")
        self.new = _password_edit(f"至少{accounts.MIN_PASSWORD_LEN}位")
        self.new2 = _password_edit()
        self.form.addRow("管理员用户名", self.username)
        self.form.addRow("恢复码", self.code)
        self.form.addRow("新密码", self.new)
        self.form.addRow("再输一次", self.new2)
        self.finish_layout()

    def _submit(self) -> None:
        if self.new.text() != self.new2.text():
            raise UserError("两次输入的新密码不一致。")
        self.new_code = accounts.recover_with_code(self.store, self.username.text().strip(), self.code.text(),
                                                   self.new.text())


class LoginDialog(_Form):
    def __init__(self, store, parent=None):
        org = store.org
        super().__init__(f"登录 — {APP_NAME}", f"{org.name}（{org.role_label}）", parent, ok_text="登录", cancel_text="退出")
        self.store = store
        self.actor = None
        self.username = QLineEdit(store.meta("security.last_user") or "")
        self.password = _password_edit()
        self.form.addRow("用户名", self.username)
        self.form.addRow("密码", self.password)
        row = QHBoxLayout()
        self.forgot = QPushButton("忘记密码…")
        self.forgot.setFlat(True)
        self.forgot.clicked.connect(self._forgot)
        demo = store.meta(accounts.DEMO_LOGIN_META)
        self.demo_hint = QLabel(f"演示数据：用户名/密码 {demo}" if demo else "")
        self.demo_hint.setStyleSheet("color: #1565c0;")
        self.demo_hint.setVisible(bool(demo))
        row.addWidget(self.demo_hint)
        if demo and not self.username.text():
            self.username.setText(demo.split(" / ")[0])
        row.addStretch(1)
        row.addWidget(self.forgot)
        self.lay.addLayout(row)
        self.finish_layout()
        (self.password if self.username.text() else self.username).setFocus()

    def _submit(self) -> None:
        try:
            actor = accounts.authenticate(self.store, self.username.text(), self.password.text())
        except UserError:
            self.password.clear()
            self.password.setFocus()
            raise
        acc = accounts.get_account(self.store, actor.username)
        if acc.must_change:
            dlg = ChangePasswordDialog(self.store, acc.username, forced=True, parent=self)
            dlg.old.setText(self.password.text())
            if dlg.exec() != QDialog.Accepted:
                raise UserError("请先修改密码后再登录。")
        self.store.set_meta("security.last_user", actor.username)
        self.actor = actor

    def _forgot(self) -> None:
        dlg = RecoverDialog(self.store, self.username.text().strip(), parent=self)
        if dlg.exec() == QDialog.Accepted and dlg.new_code:
            RecoveryCodeDialog(dlg.username.text().strip(), dlg.new_code, self).exec()
            self.error.setText("密码已重设，请用新密码登录。")
            self.username.setText(dlg.username.text().strip())
            self.password.clear()


class BackupAdminDialog(_Form):
    """Restoring over a database that cannot be opened: nobody can be checked against it, so an administrator
    of the backup itself signs the restore (as `sifasuo restore --force` asks on the command line)."""

    def __init__(self, backup_store, parent=None):
        super().__init__(f"恢复备份 — {APP_NAME}",
                         "当前数据文件无法打开，无法核对当前的账号。请用这份备份中的管理员账号确认恢复：", parent,
                         ok_text="确认恢复", cancel_text="取消")
        self.store = backup_store
        self.actor = None
        self.username = QLineEdit()
        self.password = _password_edit()
        self.form.addRow("备份中的管理员", self.username)
        self.form.addRow("密码", self.password)
        self.finish_layout()
        self.username.setFocus()

    def _submit(self) -> None:
        from sifasuo_desktop.domain.permissions import require

        try:
            actor = accounts.authenticate(self.store, self.username.text(), self.password.text())
            require(actor, "restore")
        except UserError:
            self.password.clear()
            self.password.setFocus()
            raise
        self.actor = actor


class LockDialog(_Form):
    """Screen lock: only the signed-in user's password (or quitting the program) gets past it."""

    def __init__(self, store, actor, parent=None):
        super().__init__("屏幕已锁定", f"长时间未操作，屏幕已锁定。请输入“{actor.label}”的密码继续。", parent,
                         ok_text="解锁", cancel_text="退出程序")
        self.store = store
        self.actor = actor
        self.password = _password_edit()
        self.form.addRow("密码", self.password)
        self.finish_layout()
        self.setWindowFlag(Qt.WindowCloseButtonHint, False)

    def _submit(self) -> None:
        try:
            accounts.authenticate(self.store, self.actor.username, self.password.text())
        except UserError:
            self.password.clear()
            raise
