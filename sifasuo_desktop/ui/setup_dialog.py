"""First start on an empty data folder: role, organisation name and code."""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
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
        self.code.setToolTip("县司法局：本县6位行政区划代码；乡镇司法所：9位（县代码 + 乡镇代码）或12位统计用区划代码。"
                             "设置后不能更改。")
        self.parent_code = QLineEdit()
        self.parent_code.setPlaceholderText("县司法局的机构代码（乡镇填写，如 379901）")
        # a township's own 机关代字 (issue 12): its 整改通知单 are numbered under it; the county may change it later
        self.doc_code = QLineEdit()
        self.doc_code.setPlaceholderText("如 青司所（留空：名称首字 + 司所）")
        self.doc_code_label = QLabel("本所机关代字")
        form.addRow("机构类型", self.role)
        form.addRow("机构名称 *", self.name)
        form.addRow("机构代码 *", self.code)
        form.addRow("上级机构代码", self.parent_code)
        form.addRow(self.doc_code_label, self.doc_code)
        lay.addLayout(form)
        self.role.currentIndexChanged.connect(self._role_changed)
        self.name.textChanged.connect(self._role_changed)
        self._role_changed()
        self.error = QLabel("")
        self.error.setStyleSheet("color: #c62828;")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("完成设置")
        buttons.button(QDialogButtonBox.Cancel).setText("退出")
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _role_changed(self, *_):
        township = self.role.currentData() == "township"
        self.doc_code.setVisible(township)
        self.doc_code_label.setVisible(township)
        if township:
            from sifasuo_desktop.documents.model import default_township_code

            self.doc_code.setPlaceholderText(f"留空即为“{default_township_code(self.name.text().strip() or '某镇')}”"
                                             "（名称首字 + 司所）")

    def _ok(self) -> None:
        from sifasuo_desktop.documents.model import validate_code_word
        from sifasuo_desktop.domain.validators import normalize_org_code, validate_org_code

        role = self.role.currentData()
        code = normalize_org_code(self.code.text())
        parent = normalize_org_code(self.parent_code.text()) or None
        doc_code = self.doc_code.text().strip() if role == "township" else ""
        # everything checked before anything is written: the 机构代码 can never change afterwards
        why = validate_org_code(code, role, parent)
        if why is None and role == "county" and parent:
            why = "县司法局不填写上级机构代码"
        if why is None and doc_code:
            why = validate_code_word(doc_code)
            why = why and "本所机关代字：" + why
        if why:
            self.error.setText(why + "。")
            return
        try:
            with self.store.transaction():
                self.store.init_org(role, self.name.text(), code, parent)
                if doc_code:
                    from sifasuo_desktop.documents.service import S_OWN_CODE

                    self.store.set_setting(S_OWN_CODE, doc_code)
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()
