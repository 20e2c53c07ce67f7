"""A generic add/edit form for any ledger, driven by domain/ledgers.py."""
from __future__ import annotations

import sqlite3

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from sifasuo_desktop.domain.errors import UserError, ValidationError
from sifasuo_desktop.domain.ledgers import (BOOL, CHOICE, DATE, FLOAT, IDNO, INT, JSON, LONGTEXT, MONEY,
                                            NAMES, REF, Ledger, normalize)
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.domain import record_state as _state
from sifasuo_desktop.domain.record_state import ANCHOR, HOW, PROTECTED
from sifasuo_desktop.store.lookups import ids_by_number, link_officers, live_ids

from .form_sections import sectioned_fields
from .unsaved import DiscardGuard, remember
from .widgets import ChoiceBox, DateEdit, FitDialog, LongText

REF_COMBO_MAX = 2000
ERROR_STYLE = "border: 1px solid #d32f2f; background: #fff5f5;"


class RecordForm(DiscardGuard, FitDialog):
    """Add (record=None) or edit a record. `saved_record` holds the stored row after a successful save."""

    def __init__(self, window, ledger: Ledger, record: dict | None = None, defaults: dict | None = None):
        super().__init__(window)
        self.window_ = window
        self.store = window.store
        self.ledger = ledger
        self.record = record
        self.saved_record: dict | None = None
        self.save_note = ""     # a remark to show with the save confirmation (officer names not linked...)
        self.widgets: dict[str, object] = {}
        self.state_buttons: dict[str, QPushButton] = {}
        self.setWindowTitle(("编辑" if record else "新增") + " — " + ledger.title)
        self.setMinimumWidth(560)
        avail = window.size() if window is not None and window.isVisible() else None
        self.resize(min(820, max(620, int(avail.width() * 0.6))) if avail else 760,
                    min(700, max(480, int(avail.height() * 0.85))) if avail else 640)

        outer = QVBoxLayout(self)
        self.jump_bar = QHBoxLayout()   # one button per section (long forms): jump instead of scrolling
        outer.addLayout(self.jump_bar)
        scroll = QScrollArea(self)
        self.scroll = scroll
        scroll.setWidgetResizable(True)
        inner = QWidget()
        self.form = QFormLayout(inner)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        full_personal = allowed(window.actor, "view_personal_full")
        self.history_label = None
        if _state.is_history(record):
            # issue 12: a record imported with its old state (历史导入): the state stays as the sheet had it
            self.history_label = QLabel(_state.history_note(ledger.table, record))
            self.history_label.setWordWrap(True)
            self.history_label.setStyleSheet("color: #6d4c41; background: #fff8e1; padding: 4px;")
            outer.insertWidget(0, self.history_label)
        group = ""
        self.section_heads: dict[str, QLabel] = {}
        for section, f in sectioned_fields(ledger):
            w = self._make_widget(f)
            if w is None:
                continue
            if section and section != group:  # a titled section (案件 / 当事人 / 办理 … on a case)
                head = QLabel(section)
                head.setStyleSheet("font-weight: bold; font-size: 14px; margin-top: 8px; color: #1565c0;")
                self.form.addRow(head)
                self.section_heads.setdefault(section, head)
            group = section
            label = f.label + (" *" if f.required else "")
            self.form.addRow(label, self._with_state_buttons(f, w))
            self.widgets[f.name] = w
            value = (record or defaults or {}).get(f.name)
            self._set_value(f, w, value)
            if f.name in PROTECTED.get(ledger.table, {}):
                # issue 12: a state field changes only through its workflow (the ledger's/form's buttons)
                w.setEnabled(False)
                w.setToolTip(f"“{f.label}”只能通过办理流程修改：{HOW.get(ledger.table, '')}")
            if f.name in _state.DERIVED.get(ledger.table, {}):
                self._derived_widget(f, w)
            if f.kind == IDNO and record and not full_personal:
                # the form shows full values only to roles allowed to see them
                w.setEchoMode(QLineEdit.PasswordEchoOnEdit)
        self._connect_derived()
        if len(self.section_heads) > 2:
            self.jump_bar.addWidget(QLabel("跳到："))
            for title, head in self.section_heads.items():
                b = QPushButton(title)
                b.setFlat(True)
                b.setStyleSheet("color: #1565c0; padding: 2px 6px;")
                b.clicked.connect(lambda _=False, h=head: self.jump_to(h))
                self.jump_bar.addWidget(b)
            self.jump_bar.addStretch(1)
        for hook in (window.form_hooks(ledger.key) if hasattr(window, "form_hooks") else ()):
            hook(self)
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        outer.addWidget(self.error_label)

        actions_row = QHBoxLayout()
        for text, callback in window.form_actions(ledger.key):
            btn = QPushButton(text)
            btn.clicked.connect(lambda _=False, cb=callback: cb(self, self.record))
            actions_row.addWidget(btn)
        actions_row.addStretch(1)
        outer.addLayout(actions_row)

        self.buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Save).setText("保存 (Ctrl+S)")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.cancel)
        outer.addWidget(self.buttons)
        QShortcut(QKeySequence.Save, self, activated=self.save)
        if not allowed(window.actor, "edit"):
            self.buttons.button(QDialogButtonBox.Save).setEnabled(False)
            self.error_label.setText("当前账号为只读，不能保存修改。")
        # a short form (监督员: 9 fields) opens as tall as its fields, not with a screen of blank space below them
        chrome = self.sizeHint().height() - scroll.sizeHint().height()
        wanted = inner.sizeHint().height() + chrome + 2 * scroll.frameWidth() + 4
        if wanted < self.height():
            self.resize(self.width(), max(wanted, 240))
        remember(self, self.values)   # Esc/取消/close with changes asks 放弃修改？ (issue 12)

    def _with_state_buttons(self, f, w):
        """Beside a read-only state field: the workflow buttons that change it (整改流程…, 签发…, 评分表…)."""
        if ANCHOR.get(self.ledger.table) != f.name or not hasattr(self.window_, "state_actions"):
            return w
        actions = [(text, cb) for text, cb, when in self.window_.state_actions(self.ledger.key)
                   if self.record and (when is None or when(self.record))]
        if not actions:
            return w
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(w, 1)
        for text, cb in actions:
            btn = QPushButton(text, box)
            btn.setToolTip(HOW.get(self.ledger.table, ""))
            btn.clicked.connect(lambda _=False, c=cb: c(self, self.record))
            row.addWidget(btn)
            self.state_buttons[text] = btn
        return box

    def _derived_widget(self, f, w) -> None:
        """办理状态 of a case (issue 12): the value its dates give, refreshed as dates are typed; only 已撤销
        can be chosen (the store derives it again on save, whatever a widget holds)."""
        w.setToolTip(_state.CASE_STATUS_HOW)

        def refresh(*_):
            current = w.value()
            dates = {n: (self.widgets[n].text() if n in self.widgets else (self.record or {}).get(n))
                     for n in ("decision_date", "closed_date")}
            derived = _state.case_status({k: (v or "").strip() or None for k, v in dates.items()})
            w.blockSignals(True)
            w.clear()
            w.addItem(f"{derived}（按日期）", derived)
            w.addItem(_state.CASE_VOID, _state.CASE_VOID)
            w.setCurrentIndex(1 if current == _state.CASE_VOID else 0)
            w.blockSignals(False)

        self._refresh_derived = refresh
        refresh()

    def _connect_derived(self) -> None:
        refresh = getattr(self, "_refresh_derived", None)
        if refresh is None:
            return
        for n in ("decision_date", "closed_date"):
            dw = self.widgets.get(n)
            if dw is not None and hasattr(dw, "changed"):
                dw.changed.connect(refresh)

    def jump_to(self, head: QLabel) -> None:
        """Scroll so the section heading is at the top of the form."""
        self.scroll.verticalScrollBar().setValue(head.mapTo(self.scroll.widget(), head.rect().topLeft()).y() - 4)

    # ------------------------------------------------------------------ widgets
    def _make_widget(self, f):
        k = f.kind
        if k == JSON:
            return None
        if k == DATE:
            return DateEdit(self)
        if k == LONGTEXT:
            return LongText(self)
        if k == BOOL:
            return ChoiceBox([("是", 1), ("否", 0)], self)
        if k == CHOICE:
            return ChoiceBox([(c, c) for c in f.choices], self)
        if k == REF:
            live = live_ids(self.store, f.ref, REF_COMBO_MAX + 1)
            if len(live) > REF_COMBO_MAX:  # a big table (e.g. 100k cases): type its number instead of a list
                w = QLineEdit(self)
                w.setPlaceholderText("输入编号或名称")
                w.ref_lookup = True
                return w
            names = self.store.ref_names(f.ref)
            items = sorted(((names.get(i) or "(未命名)", i) for i in live), key=lambda x: x[0])
            box = ChoiceBox(items, self)
            box.setEditable(False)
            return box
        w = QLineEdit(self)
        if k in (INT, FLOAT, MONEY):
            w.setPlaceholderText("数字" + ("（元）" if k == MONEY else ""))
        elif k == NAMES or f.kind == "multichoice":
            w.setPlaceholderText("多个用“、”分隔" + (f"（可选：{'、'.join(f.choices)}）" if f.choices else ""))
        elif k == IDNO:
            w.setPlaceholderText("18位身份证号")
        if f.help:
            w.setToolTip(f.help)
        return w

    def _set_value(self, f, w, value) -> None:
        if isinstance(w, ChoiceBox):
            w.set_value(value)
        elif isinstance(w, (DateEdit, LongText)):
            w.setText(value)
        elif isinstance(w, QLineEdit):
            if value is None:
                w.setText("")
            elif getattr(w, "ref_lookup", False):  # one row, not the whole (big) table's name cache
                ref = self.store.get(f.ref, value) or {}
                w.setText(ref.get(self.store.display_column(f.ref)) or "")
            elif f.kind == MONEY:
                w.setText(f"{float(value):.2f}")
            elif f.kind == FLOAT:
                w.setText(f"{float(value):g}")
            else:
                w.setText(str(value))

    def _get_value(self, w):
        if isinstance(w, ChoiceBox):
            return w.value()
        return w.text()

    def values(self) -> dict:
        protected = PROTECTED.get(self.ledger.table, {})   # read-only: the store keeps what the workflow set
        return {name: self._get_value(w) for name, w in self.widgets.items() if name not in protected}

    def _resolve_refs(self, raw: dict) -> dict[str, str]:
        """Typed references (big tables) -> ids; returns errors by field label."""
        errors = {}
        for f in self.ledger.fields:
            w = self.widgets.get(f.name)
            if not getattr(w, "ref_lookup", False):
                continue
            text = (raw.get(f.name) or "").strip()
            if not text:
                raw[f.name] = None
                continue
            ids = ids_by_number(self.store, f.ref, text)
            if len(ids) == 1:
                raw[f.name] = ids[0]
            else:
                errors[f.label] = f"找不到“{text}”" if not ids else f"“{text}”对应多条记录"
        return errors

    def set_field(self, name: str, value) -> None:
        self._set_value(self.ledger.field(name), self.widgets[name], value)

    # ------------------------------------------------------------------ saving
    def _mark_errors(self, labels: set[str]) -> None:
        for f in self.ledger.fields:
            w = self.widgets.get(f.name)
            if w is None:
                continue
            target = w.edit if isinstance(w, DateEdit) else w
            target.setStyleSheet(ERROR_STYLE if f.label in labels else "")

    def save(self) -> None:
        raw = self.values()
        ref_errors = self._resolve_refs(raw)
        try:
            values = normalize(self.ledger, raw, partial=False)
            if ref_errors:
                raise ValidationError(ref_errors)
        except ValidationError as exc:
            errors = {**exc.errors, **ref_errors}
            self._mark_errors(set(errors))
            self.error_label.setText("请更正：" + "；".join(f"{k}：{v}" for k, v in errors.items()))
            return
        self._mark_errors(set())
        table = self.ledger.table
        if "officer_names" in values and "officer_ids" in self.store.columns(table):
            ids, unknown, ambiguous = link_officers(self.store, values.get("officer_names") or "")
            import json
            values["officer_ids"] = json.dumps(ids)
            notes = []
            if unknown:
                notes.append("未在执法人员台账中找到：" + "、".join(unknown))
            if ambiguous:
                notes.append("有重名无法确定：" + "、".join(ambiguous))
            if notes:
                # shown with the save confirmation next to the ledger (and in the status bar)
                self.save_note = "；".join(notes)
        try:
            if self.record:
                self.saved_record = self.store.update(table, self.record["id"], values,
                                                      expected_version=self.record["version"])
            else:
                self.saved_record = self.store.insert(table, values)
        except (UserError, sqlite3.Error) as exc:
            # a store refusal or a write SQLite itself refused (a frozen document's trigger, a unique clash):
            # the message where the user looks, the form stays open with what was typed
            from .error_hook import user_text

            message = user_text(exc)
            self.error_label.setText(message)
            QMessageBox.warning(self, "无法保存", message)
            return
        self.accept()
