"""批量修改… (issue 18): one field set on the rows selected in a ledger, previewed, then applied in one go.

The fields offered, the validation (the form's, per whole record) and the plan live in domain/bulk_edit.py; the
store applies it in one transaction (store/bulk_ops.py), so nothing is half-written."""
from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import (QComboBox, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QVBoxLayout)

from sifasuo_desktop.domain.bulk_edit import bulk_fields, plan_bulk_edit
from sifasuo_desktop.domain.errors import UserError, ValidationError
from sifasuo_desktop.domain.ledgers import BOOL, CHOICE, DATE, LONGTEXT, REF
from sifasuo_desktop.store.bulk_ops import apply_bulk_edit
from sifasuo_desktop.store.lookups import live_ids

from .widgets import ChoiceBox, DateEdit, FitDialog

REF_MAX = 2000


class BulkEditDialog(FitDialog):
    def __init__(self, view, records: list[dict]):
        super().__init__(view)
        self.view, self.store, self.ledger = view, view.store, view.ledger
        self.records = records
        self.applied = 0
        self.plan = None
        self.setWindowTitle(f"批量修改 — {self.ledger.title}")
        self.resize(600, 260)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"已选中 {len(records)} 条记录。选择要修改的字段并填写新值（留空 = 清空该字段）。"))
        self.form = QFormLayout()
        self.field_box = QComboBox()
        for f in bulk_fields(self.ledger):
            if f.kind == REF and len(live_ids(self.store, f.ref, REF_MAX + 1)) > REF_MAX:
                continue
            self.field_box.addItem(f.label, f.name)
        self.form.addRow("字段", self.field_box)
        self.value_widget = QLineEdit()
        self.form.addRow("新值", self.value_widget)
        lay.addLayout(self.form)
        self.preview = QLabel("")
        self.preview.setWordWrap(True)
        self.preview.setObjectName("bulk_preview")
        lay.addWidget(self.preview)
        self.errors = QPlainTextEdit()
        self.errors.setReadOnly(True)
        self.errors.setStyleSheet("color: #c62828;")
        self.errors.setVisible(False)
        lay.addWidget(self.errors, 1)
        lay.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Apply | QDialogButtonBox.Cancel)
        self.apply_btn = self.buttons.button(QDialogButtonBox.Apply)
        self.apply_btn.setText("应用")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.apply_btn.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.field_box.currentIndexChanged.connect(lambda _i: self._field_changed())
        self._field_changed()

    # ------------------------------------------------------------------ value widget per field kind
    def _make_value_widget(self, f):
        if f.kind == DATE:
            w = DateEdit(self)
            w.changed.connect(self.update_preview)
            return w
        if f.kind in (CHOICE, BOOL, REF):
            if f.kind == BOOL:
                items = [("是", 1), ("否", 0)]
            elif f.kind == CHOICE:
                items = [(c, c) for c in f.choices]
            else:
                names = self.store.ref_names(f.ref)
                items = sorted(((names.get(i) or "(未命名)", i) for i in live_ids(self.store, f.ref, REF_MAX + 1)),
                               key=lambda x: x[0])
            w = ChoiceBox(items, self)
            w.currentIndexChanged.connect(lambda _i: self.update_preview())
            return w
        w = QLineEdit(self)
        if f.kind == LONGTEXT:
            w.setPlaceholderText("新的文字（替换原内容）")
        elif f.choices:
            w.setPlaceholderText("可选：" + "、".join(f.choices) + "，多个用“、”分隔")
        w.textChanged.connect(lambda _t: self.update_preview())
        return w

    def current_field(self):
        name = self.field_box.currentData()
        return self.ledger.field(name) if name else None

    def _field_changed(self) -> None:
        f = self.current_field()
        if f is None:
            self.apply_btn.setEnabled(False)
            self.preview.setText("本台账没有可批量修改的字段。")
            return
        old = self.value_widget
        self.value_widget = self._make_value_widget(f)
        self.form.replaceWidget(old, self.value_widget)
        old.hide()            # out of the layout it would still paint over the dialog until deleted
        old.setParent(None)
        old.deleteLater()
        self.update_preview()

    def value(self):
        w = self.value_widget
        return w.value() if isinstance(w, ChoiceBox) else w.text()

    def set_value(self, value) -> None:
        w = self.value_widget
        if isinstance(w, ChoiceBox):
            w.set_value(value)
        else:
            w.setText(value)
        self.update_preview()

    def select_field(self, name: str) -> bool:
        idx = self.field_box.findData(name)
        if idx >= 0:
            self.field_box.setCurrentIndex(idx)
        return idx >= 0

    # ------------------------------------------------------------------ preview and apply
    def update_preview(self) -> None:
        f = self.current_field()
        if f is None:
            return
        fresh = [self.store.get(self.ledger.table, r["id"]) or r for r in self.records]
        try:
            self.plan = plan_bulk_edit(self.ledger, fresh, f.name, self.value())
        except ValidationError as exc:
            self.plan = None
            self.preview.setText("；".join(f"{k}：{v}" for k, v in exc.errors.items()))
            self.apply_btn.setEnabled(False)
            return
        self.preview.setText(f"“{f.label}”：{self.plan.summary()}")
        self.errors.setVisible(bool(self.plan.errors))
        self.errors.setPlainText("\n".join(f"{ref}：{msg}" for ref, msg in self.plan.errors[:200]))
        self.apply_btn.setEnabled(self.plan.ok)

    def apply(self) -> None:
        self.update_preview()
        if self.plan is None or not self.plan.ok:
            return
        try:
            self.applied = apply_bulk_edit(self.store, self.ledger, self.plan)
        except (UserError, sqlite3.Error) as exc:
            from .error_hook import user_text

            self.preview.setText(user_text(exc))
            self.preview.setStyleSheet("color: #c62828;")
            self.apply_btn.setEnabled(False)
            return
        self.accept()
