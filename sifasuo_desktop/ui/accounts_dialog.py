"""Account management (administrators): new account, reset password, role, disable, unlock, lock settings."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout)

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import ROLE_LABELS, require
from sifasuo_desktop.security import accounts
from sifasuo_desktop.security.audit import local_time

from .login_dialog import RecoveryCodeDialog, _Form, _password_edit
from sifasuo_desktop.ui.widgets import FitDialog

COLUMNS = ("用户名", "姓名", "角色", "状态", "上次登录")


class NewAccountDialog(_Form):
    def __init__(self, store, parent=None):
        super().__init__("新建账号", "", parent, ok_text="创建")
        self.store = store
        self.recovery_code = None
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for role in accounts.ROLES:
            self.role.addItem(ROLE_LABELS[role], role)
        self.role.setCurrentIndex(accounts.ROLES.index("staff"))
        self.password = _password_edit(f"至少{accounts.MIN_PASSWORD_LEN}位（对方首次登录后须修改）")
        self.password2 = _password_edit()
        self.form.addRow("用户名 *", self.username)
        self.form.addRow("姓名", self.display_name)
        self.form.addRow("角色 *", self.role)
        self.form.addRow("初始密码 *", self.password)
        self.form.addRow("再输一次 *", self.password2)
        self.finish_layout()

    def _submit(self) -> None:
        if self.password.text() != self.password2.text():
            raise UserError("两次输入的密码不一致。")
        with self.store.transaction():
            self.recovery_code = accounts.create_account(self.store, self.username.text(), self.password.text(),
                                                         self.role.currentData(), self.display_name.text())
            # a password chosen by the administrator is temporary
            accounts.reset_password(self.store, self.username.text().strip(), self.password.text())


class ResetPasswordDialog(_Form):
    def __init__(self, store, username: str, parent=None):
        super().__init__("重设密码", f"为“{username}”设置一个临时密码；对方下次登录时须改成自己的密码。", parent,
                         ok_text="重设")
        self.store = store
        self.username = username
        self.password = _password_edit(f"至少{accounts.MIN_PASSWORD_LEN}位")
        self.password2 = _password_edit()
        self.form.addRow("临时密码", self.password)
        self.form.addRow("再输一次", self.password2)
        self.finish_layout()

    def _submit(self) -> None:
        if self.password.text() != self.password2.text():
            raise UserError("两次输入的密码不一致。")
        accounts.reset_password(self.store, self.username, self.password.text())


class AccountsDialog(FitDialog):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        require(store.actor, "accounts")
        self.store = store
        self.setWindowTitle("账号管理")
        self.resize(760, 520)
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        self.buttons = {}
        for key, text, slot in (("new", "新建账号…", self._new), ("reset", "重设密码…", self._reset),
                                ("role", "修改角色…", self._role), ("active", "停用/启用", self._toggle_active),
                                ("unlock", "解锁", self._unlock), ("code", "新恢复码…", self._new_code)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
            self.buttons[key] = b
        lay.addLayout(row)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)

        box = QGroupBox("登录与锁屏")
        form = QFormLayout(box)
        self.idle = QSpinBox()
        self.idle.setRange(0, 480)
        self.idle.setSuffix(" 分钟")
        self.idle.setSpecialValueText("从不")
        self.attempts = QSpinBox()
        self.attempts.setRange(0, 20)
        self.attempts.setSpecialValueText("不锁定")
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(1, 1440)
        self.lock_minutes.setSuffix(" 分钟")
        self.idle.setValue(int(accounts.setting(store, "security.idle_lock_minutes")))
        self.attempts.setValue(int(accounts.setting(store, "security.lockout_attempts")))
        self.lock_minutes.setValue(int(accounts.setting(store, "security.lockout_minutes")))
        form.addRow("无操作多久后锁屏", self.idle)
        form.addRow("连续输错几次密码锁定账号", self.attempts)
        form.addRow("账号锁定时长", self.lock_minutes)
        save = QPushButton("保存设置")
        save.clicked.connect(self._save_settings)
        form.addRow("", save)
        lay.addWidget(box)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.button(QDialogButtonBox.Close).setText("关闭")
        close.rejected.connect(self.reject)
        lay.addWidget(close)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reload()

    # ------------------------------------------------------------------ data
    def reload(self, select: str | None = None) -> None:
        current = select or self.selected_username()
        self.accounts = accounts.list_accounts(self.store)
        self.table.setRowCount(len(self.accounts))
        for r, acc in enumerate(self.accounts):
            state = "已停用" if not acc.active else "已锁定" if acc.locked() else "须改密码" if acc.must_change else "正常"
            values = (acc.username, acc.display_name, acc.role_label, state,
                      local_time(acc.last_login_at) if acc.last_login_at else "")
            for c, v in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(v))
            if acc.username == current:
                self.table.selectRow(r)
        self._update_buttons()

    def selected_username(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.table.item(rows[0].row(), 0).text()

    def select(self, username: str) -> None:
        for r, acc in enumerate(self.accounts):
            if acc.username == username:
                self.table.selectRow(r)

    def _update_buttons(self) -> None:
        has = self.selected_username() is not None
        for key in ("reset", "role", "active", "unlock", "code"):
            self.buttons[key].setEnabled(has)

    def _do(self, fn, *args, ok: str = "") -> bool:
        try:
            fn(*args)
        except UserError as exc:
            self.message.setStyleSheet("color: #c62828;")
            self.message.setText(exc.message)
            return False
        self.message.setStyleSheet("")
        self.message.setText(ok)
        self.reload()
        return True

    # ------------------------------------------------------------------ actions
    def _new(self) -> None:
        dlg = NewAccountDialog(self.store, self)
        if dlg.exec() == QDialog.Accepted:
            name = dlg.username.text().strip()
            self.reload(select=name)
            self.message.setStyleSheet("")
            self.message.setText(f"已创建账号“{name}”。")
            if dlg.recovery_code:
                RecoveryCodeDialog(name, dlg.recovery_code, self).exec()

    def _reset(self) -> None:
        user = self.selected_username()
        if user and ResetPasswordDialog(self.store, user, self).exec() == QDialog.Accepted:
            self.reload(select=user)
            self.message.setStyleSheet("")
            self.message.setText(f"已重设“{user}”的密码，对方下次登录时须修改。")

    def _role(self) -> None:
        user = self.selected_username()
        if not user:
            return
        labels = [ROLE_LABELS[r] for r in accounts.ROLES]
        acc = accounts.get_account(self.store, user)
        label, ok = QInputDialog.getItem(self, "修改角色", f"“{user}”的角色：", labels,
                                         accounts.ROLES.index(acc.role), False)
        if ok:
            self._do(accounts.set_role, self.store, user, accounts.ROLES[labels.index(label)], ok="角色已修改。")

    def _toggle_active(self) -> None:
        user = self.selected_username()
        if user:
            acc = accounts.get_account(self.store, user)
            self._do(accounts.set_active, self.store, user, not acc.active,
                     ok=f"账号“{user}”已{'停用' if acc.active else '启用'}。")

    def _unlock(self) -> None:
        user = self.selected_username()
        if user:
            self._do(accounts.unlock, self.store, user, ok=f"账号“{user}”已解锁。")

    def _new_code(self) -> None:
        user = self.selected_username()
        if not user:
            return
        if QMessageBox.question(self, "新恢复码", f"为管理员“{user}”生成新的恢复码？原来的恢复码将作废。") != QMessageBox.Yes:
            return
        try:
            code = accounts.regenerate_recovery_code(self.store, user)
        except UserError as exc:
            self.message.setStyleSheet("color: #c62828;")
            self.message.setText(exc.message)
            return
        RecoveryCodeDialog(user, code, self).exec()

    def _save_settings(self) -> None:
        def save():
            with self.store.transaction():
                self.store.set_setting("security.idle_lock_minutes", self.idle.value())
                self.store.set_setting("security.lockout_attempts", self.attempts.value())
                self.store.set_setting("security.lockout_minutes", self.lock_minutes.value())
        self._do(save, ok="设置已保存。")
