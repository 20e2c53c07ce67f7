"""First start on an empty data folder: role, organisation name and code."""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout)

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.ui.widgets import FitDialog


class SetupDialog(FitDialog):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("首次使用 — 机构设置")
        lay = QVBoxLayout(self)
        intro = QLabel("欢迎使用司法所行政执法监督台账。请先填写本机构的信息（以后不能更改机构代码）。")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.role = QComboBox()
        self.role.addItem("乡镇司法所", "township")
        self.role.addItem("县司法局", "county")
        self.name = QLineEdit()
        self.name.setPlaceholderText("如 示范镇司法所")
        self.code = QLineEdit()
        self.code.setPlaceholderText("如 379901101000（统一区划代码）")
        self.parent_code = QLineEdit()
        self.parent_code.setPlaceholderText("县司法局的机构代码（乡镇填写）")
        form.addRow("机构类型", self.role)
        form.addRow("机构名称 *", self.name)
        form.addRow("机构代码 *", self.code)
        form.addRow("上级机构代码", self.parent_code)
        lay.addLayout(form)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #c62828;")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("完成设置")
        buttons.button(QDialogButtonBox.Cancel).setText("退出")
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _ok(self) -> None:
        try:
            self.store.init_org(self.role.currentData(), self.name.text(), self.code.text(),
                                self.parent_code.text().strip() or None)
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()
