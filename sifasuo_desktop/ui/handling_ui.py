"""Issue 12 in the window: handling a warning (处置: 已知悉/已纠正/无法纠正 with a reason), a record's own warnings
at the top of its form, and the 回收站 (deleted records a leader or admin restores)."""
from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QFrame,
                               QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPlainTextEdit, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from sifasuo_desktop.domain import handling as H
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import LEDGERS, nav_ledgers
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.domain.severity import SEVERITY_LABELS

from .unsaved import DiscardGuard, remember
from .widgets import FitDialog

GREY = "#8a8a8a"
COLORS = {"red": "#c62828", "yellow": "#b26a00"}


# ---------------------------------------------------------------------- 处置
class HandleDialog(DiscardGuard, QDialog):
    """Pick 已知悉/已纠正/无法纠正 and write the reason (required). Esc/取消 with a changed choice or reason asks
    放弃修改？ first."""

    def __init__(self, parent, finding, current: dict | None = None):
        super().__init__(parent)
        self.setWindowTitle("处置预警")
        self.finding = finding
        lay = QVBoxLayout(self)
        head = QLabel(f"{finding.code} {finding.title}\n{finding.ref}：{finding.message}")
        head.setWordWrap(True)
        lay.addWidget(head)
        form = QFormLayout()
        self.disposition = QComboBox()
        self.disposition.addItems(H.DISPOSITIONS)
        if current and current.get("disposition") in H.DISPOSITIONS:
            self.disposition.setCurrentText(current["disposition"])
        form.addRow("处置方式 *", self.disposition)
        self.reason = QPlainTextEdit((current or {}).get("reason") or "")
        self.reason.setPlaceholderText(f"处置理由（必填，最多{H.MAX_REASON}字），如：2024年的公示已无法补做，已向县局说明")
        self.reason.setMaximumHeight(100)
        form.addRow("理由 *", self.reason)
        lay.addLayout(form)
        note = QLabel("已处置的预警不再计入“本周要办的事”，但仍计入统计；处置记入修改历史，并随同步包报送县局。")
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {GREY};")
        lay.addWidget(note)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        bb = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        bb.button(QDialogButtonBox.Ok).setText("处置")
        bb.button(QDialogButtonBox.Cancel).setText("取消")
        bb.accepted.connect(self.check_and_accept)
        bb.rejected.connect(self.cancel)
        lay.addWidget(bb)
        self.buttons = bb
        remember(self, self.values)

    def values(self) -> tuple[str, str]:
        return self.disposition.currentText(), self.reason.toPlainText()

    def check_and_accept(self) -> None:
        disposition, reason = self.values()
        f = self.finding
        why = H.problem(f.code, f.record_type, f.record_id, disposition, H.clean_reason(reason))
        if why:
            self.error.setText(why + "。")
            return
        self.accept()


def handle_finding_dialog(window, finding, parent=None) -> dict | None:
    """Ask for the disposition and reason, then store the handling (a leader or admin)."""
    from sifasuo_desktop.store.handling_ops import handle_finding, record_handlings

    parent = parent or window
    if not allowed(window.actor, "handle_finding"):
        QMessageBox.information(parent, "处置预警", "只有所长/负责人或管理员可以处置预警。")
        return None
    current = record_handlings(window.store, finding.record_type, finding.record_id).get(finding.code)
    dlg = HandleDialog(parent, finding, current)
    window._handle_dialog = dlg   # tests drive it
    if not dlg.exec():
        return None
    disposition, reason = dlg.values()
    try:
        return handle_finding(window.store, finding.code, finding.record_type, finding.record_id, disposition, reason)
    except UserError as exc:
        QMessageBox.warning(parent, "处置预警", exc.message)
        return None


def unhandle_finding_dialog(window, finding, parent=None) -> bool:
    from sifasuo_desktop.store.handling_ops import unhandle_finding

    parent = parent or window
    if not allowed(window.actor, "handle_finding"):
        QMessageBox.information(parent, "取消处置", "只有所长/负责人或管理员可以取消处置。")
        return False
    try:
        return unhandle_finding(window.store, finding.code, finding.record_type, finding.record_id)
    except UserError as exc:
        QMessageBox.warning(parent, "取消处置", exc.message)
        return False


# ---------------------------------------------------------------------- a record's own warnings
class RecordWarnings(QFrame):
    """The findings of one record, at the top of its form (or of any dialog showing the record): rule, why, the
    computed deadline; handled ones greyed with their handling; 处置…/取消处置 for a leader. `form` is the
    dialog it sits in; a record form gives the window, store, table and record itself."""

    def __init__(self, form, findings, *, window=None, store=None, table: str | None = None,
                 record_id: str | None = None):
        # the dialog is only the Qt parent (`form` reads it back): a Python reference to it would make a cycle with
        # its `warnings_panel`, and a cycle of Qt wrappers may be collected off the GUI thread
        super().__init__(form)
        self.window_ = window if window is not None else form.window_
        self.store = store if store is not None else (getattr(form, "store", None) or self.window_.store)
        self.table = table or form.ledger.table
        self.record_id = record_id if record_id is not None else (getattr(form, "record", None) or {}).get("id", "")
        self.findings = findings
        self.setObjectName("record_warnings")
        self.setStyleSheet("QFrame#record_warnings { background: #fff8f6; border: 1px solid #f0c8c0; }")
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(8, 4, 8, 4)
        self.lay.setSpacing(2)
        self.rows: list[tuple[QLabel, QPushButton | None]] = []
        self.rebuild()

    @property
    def form(self):
        return self.parentWidget()

    def rebuild(self) -> None:
        from sifasuo_desktop.store.handling_ops import record_handlings

        while self.lay.count():
            item = self.lay.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
            elif item is not None and item.layout() is not None:
                sub = item.layout()
                while sub.count():
                    x = sub.takeAt(0).widget()
                    if x is not None:
                        x.deleteLater()
        done = record_handlings(self.store, self.table, self.record_id)
        open_n = sum(1 for f in self.findings if f.code not in done)
        title = QLabel(f"本记录的预警（{len(self.findings)}条" + (f"，{len(self.findings) - open_n}条已处置）"
                                                           if open_n < len(self.findings) else "）"))
        title.setStyleSheet("font-weight: bold; color: #c62828;" if open_n else f"font-weight: bold; color: {GREY};")
        self.lay.addWidget(title)
        self.rows = []
        can = allowed(self.window_.actor, "handle_finding")
        for f in self.findings:
            h = done.get(f.code)
            due = f"　期限：{f.due_date}" if f.due_date else ""
            text = f"{SEVERITY_LABELS.get(f.severity, '')} {f.code} {f.title}：{f.message}{due}"
            if h:
                text += f"　【{H.HANDLED_LABEL}：{H.handling_text(h)}】"
            label = QLabel(text)
            label.setWordWrap(True)
            label.setStyleSheet(f"color: {GREY};" if h else f"color: {COLORS.get(f.severity, '#000')};")
            label.setToolTip(f"{f.message}{due}" + (f"\n{H.handling_text(h)}（{h.get('handled_by') or ''}）" if h else ""))
            row = QHBoxLayout()
            row.addWidget(label, 1)
            btn = None
            if can:
                btn = QPushButton("取消处置" if h else "处置…")
                btn.setFlat(True)
                btn.setStyleSheet("color: #1565c0; padding: 0 6px;")
                btn.clicked.connect(lambda _=False, f=f, on=bool(h): self._toggle(f, on))
                row.addWidget(btn)
            self.lay.addLayout(row)
            self.rows.append((label, btn))

    def _toggle(self, finding, handled: bool) -> None:
        if handled:
            unhandle_finding_dialog(self.window_, finding, self.form)
        else:
            handle_finding_dialog(self.window_, finding, self.form)
        self.rebuild()


def record_findings(window, table: str, record_id: str) -> list:
    engine = getattr(window, "rules_engine", None)
    res = getattr(engine, "result", None)
    if res is None:
        return []
    return [f for f in res.findings if f.record_id == record_id and f.record_type == table]


def add_record_warnings(dialog, layout, window, store, table: str, record_id: str | None, *,
                        follow: bool = False) -> RecordWarnings | None:
    """The panel of a record's own warnings at the top of `layout` in any dialog showing that record (the same
    panel as in its record form); nothing when the record has none or the window has no rules engine.
    The panel is kept as `dialog.warnings_panel`. `follow`: while the dialog is open, each new run of the rules
    engine (after a 整改 step, say) shows the record's findings as they are then."""
    dialog.warnings_panel = None
    if not record_id or window is None:
        return None

    def show(findings):
        panel = dialog.warnings_panel
        if panel is None and findings:
            panel = RecordWarnings(dialog, findings, window=window, store=store, table=table, record_id=record_id)
            dialog.warnings_panel = panel
            layout.insertWidget(0, panel)
        elif panel is not None:
            panel.findings = findings
            panel.rebuild()
            panel.setVisible(bool(findings))
        return panel

    panel = show(record_findings(window, table, record_id))
    engine = getattr(window, "rules_engine", None)
    if follow and engine is not None:
        def refresh():
            show(record_findings(window, table, record_id))

        engine.updated.connect(refresh)
        dialog.finished.connect(lambda _r: _disconnect(engine.updated, refresh))
    return panel


def _disconnect(signal, slot) -> None:
    try:
        signal.disconnect(slot)
    except (RuntimeError, TypeError):   # already gone with the window
        pass


def _form_hook(form) -> None:
    rec = form.record
    if not rec or not rec.get("id"):
        return
    add_record_warnings(form, form.layout(), form.window_, form.store, form.ledger.table, rec["id"])


# ---------------------------------------------------------------------- 回收站
def _local_time(ts: str | None) -> str:
    if not ts:
        return ""
    try:
        return _dt.datetime.fromisoformat(ts).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return ts[:16]


class RecycleBinDialog(FitDialog):
    """Deleted records of one ledger (who deleted them, when); 恢复 for a leader or admin."""

    def __init__(self, window, table: str | None = None):
        super().__init__(window)
        from sifasuo_desktop.store.handling_ops import deleted_counts

        self.window_ = window
        self.store = window.store
        self.setWindowTitle("回收站")
        self.resize(900, 560)
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("台账："))
        self.ledger_box = QComboBox()
        counts = deleted_counts(self.store)
        for lg in nav_ledgers():
            n = counts.get(lg.table, 0)
            self.ledger_box.addItem(f"{lg.title}（{n}）" if n else lg.title, lg.table)
        if table:
            i = self.ledger_box.findData(table)
            if i >= 0:
                self.ledger_box.setCurrentIndex(i)
        top.addWidget(self.ledger_box, 1)
        lay.addLayout(top)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table, 1)
        bb = QDialogButtonBox(QDialogButtonBox.Close)
        bb.button(QDialogButtonBox.Close).setText("关闭")
        bb.rejected.connect(self.reject)
        self.restore_button = bb.addButton("恢复所选记录", QDialogButtonBox.ActionRole)
        self.restore_button.clicked.connect(lambda _=False: self.restore_selected())
        self.can_restore = allowed(window.actor, "restore_deleted")
        if not self.can_restore:
            self.restore_button.setEnabled(False)
            self.restore_button.setToolTip("只有所长/负责人或管理员可以恢复已删除的记录。")
        lay.addWidget(bb)
        self.ledger_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.itemSelectionChanged.connect(self._update_button)
        self.reload()

    def current_table(self) -> str:
        return self.ledger_box.currentData()

    def reload(self) -> None:
        from sifasuo_desktop.store.handling_ops import RECYCLE_LIMIT, deleted_records

        table = self.current_table()
        ledger = LEDGERS[table]
        self.rows = deleted_records(self.store, table)
        shown = [f for f in ledger.list_fields if not f.sensitive][:5]
        headers = [f.label for f in shown] + ["删除人", "删除时间"]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(self.rows))
        for r, rec in enumerate(self.rows):
            cells = [self._cell(f, rec.get(f.name)) for f in shown] + [rec.get("updated_by") or "",
                                                                      _local_time(rec.get("updated_at"))]
            for c, text in enumerate(cells):
                it = QTableWidgetItem(text)
                if c == 0:
                    it.setData(Qt.UserRole, rec["id"])
                self.table.setItem(r, c, it)
        self.table.resizeColumnsToContents()
        if headers:
            self.table.horizontalHeader().setSectionResizeMode(min(1, len(headers) - 1), QHeaderView.Stretch)
        more = f"（只列出最近删除的{RECYCLE_LIMIT}条）" if len(self.rows) >= RECYCLE_LIMIT else ""
        self.info.setText(f"{ledger.title}：已删除 {len(self.rows)} 条{more}。恢复后记录原样回到台账（编号、内容不变），"
                          "恢复记入修改历史并随同步包报送。" if self.rows else f"{ledger.title}：回收站是空的。")
        self._update_button()

    def _cell(self, f, value) -> str:
        if value is None:
            return ""
        if f.ref:
            return self.store.ref_names(f.ref).get(value, "")
        return str(value)

    def _update_button(self) -> None:
        self.restore_button.setEnabled(self.can_restore and self.selected_id() is not None)

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        it = self.table.item(rows[0].row(), 0)
        return it.data(Qt.UserRole) if it is not None else None

    def select(self, record_id: str) -> bool:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.UserRole) == record_id:
                self.table.selectRow(r)
                return True
        return False

    def restore_selected(self) -> dict | None:
        from sifasuo_desktop.store.handling_ops import restore_record

        rid = self.selected_id()
        if rid is None:
            return None
        table = self.current_table()
        try:
            rec = restore_record(self.store, table, rid)
        except UserError as exc:
            QMessageBox.warning(self, "无法恢复", exc.message)
            return None
        self.reload()
        view = self.window_.ledger_view(table) if table in getattr(self.window_, "_ledger_views", {}) else None
        if view is not None:
            view.refresh()
            view.saved_notice(rec, "已恢复")
        self.restored = rec
        return rec


def open_recycle_bin(window, table: str | None = None) -> None:
    dlg = RecycleBinDialog(window, table)
    window.recycle_bin = dlg   # tests drive it
    dlg.exec()


def install(window) -> None:
    for key in LEDGERS:
        window.add_form_hook(key, _form_hook)
    window.add_menu_action("台账", "回收站…", lambda: open_recycle_bin(
        window, getattr(window.current_ledger_view(), "ledger", None) and window.current_ledger_view().ledger.table))
    if allowed(window.actor, "edit") or allowed(window.actor, "restore_deleted"):
        for key in LEDGERS:   # on each ledger page when it is built (pages are built when first shown)
            window.on_ledger_view(key, lambda view: _add_recycle_button(window, view))


def _add_recycle_button(window, view) -> None:
    b = QPushButton("回收站…")
    b.setToolTip("已删除的记录：谁、何时删除；所长/负责人或管理员可恢复")
    b.clicked.connect(lambda _=False, t=view.ledger.table: open_recycle_bin(window, t))
    view.buttons_layout.addWidget(b)
    view.recycle_button = b
