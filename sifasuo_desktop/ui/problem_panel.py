"""Problem → rectification → 销号 in the GUI: a problem's history with its evidence, one button per allowed step,
a step dialog (date, person, note, evidence files; verification for 销号), and "new problem" from a visit,
review or complaint. All rules and permission checks are in domain/workflow.py and store/workflow_ops.py.
"""
from __future__ import annotations

import datetime as _dt
import json

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QMessageBox, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from sifasuo_desktop.domain import workflow as wf
from sifasuo_desktop.domain.errors import UserError, ValidationError
from sifasuo_desktop.domain.ledgers import PROBLEM_CATEGORIES, PROBLEM_SOURCES
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.store import workflow_ops as ops

from .handling_ui import add_record_warnings
from .history_dialog import ACTOR_LABELS
from .unsaved import DiscardGuard, remember
from .widgets import DateEdit, FitDialog, LongText

ERROR_STYLE = "color: #c62828;"


class StepDialog(DiscardGuard, FitDialog):
    """Enter one workflow step. On OK the step is applied through the store; errors keep the dialog open;
    Esc/取消 after typing asks 放弃修改？ first."""

    def __init__(self, parent, store, problem: dict, action: str, actor, today: _dt.date | None = None):
        super().__init__(parent)
        self.store, self.problem, self.action, self.today = store, problem, action, today
        self.result_problem: dict | None = None
        t = wf.TRANSITIONS[action]
        self.setWindowTitle(f"{action} — {problem.get('problem_no') or ''}")
        self.setMinimumWidth(520)
        lay = QVBoxLayout(self)
        hint = QLabel(t.help)
        hint.setWordWrap(True)
        lay.addWidget(hint)
        form = QFormLayout()
        self.date = DateEdit()
        self.date.setText((today or _dt.date.today()).isoformat())
        self.person = QLineEdit(actor.label if actor else "")
        self.note = LongText()
        self.note.setMaximumHeight(90)
        form.addRow("日期 *", self.date)
        form.addRow("经办人 *", self.person)
        form.addRow(("整改情况 *" if action == wf.REPORT else "说明 *" if t.needs_note else "说明"), self.note)
        self.files = QListWidget()
        self.files.setMaximumHeight(80)
        frow = QHBoxLayout()
        add = QPushButton("添加佐证材料…")
        add.clicked.connect(self._add_files)
        rm = QPushButton("移除所选")
        rm.clicked.connect(lambda: [self.files.takeItem(self.files.row(i)) for i in self.files.selectedItems()])
        frow.addWidget(add)
        frow.addWidget(rm)
        frow.addStretch(1)
        form.addRow("佐证材料", self.files)
        form.addRow("", frow)
        self.verify_method = self.verifier = self.verify_date = self.verify_result = None
        if t.needs_verification:
            self.verify_method = QComboBox()
            self.verify_method.addItem("")
            self.verify_method.addItems(wf.VERIFY_METHODS)
            self.verifier = QLineEdit()
            self.verify_date = DateEdit()
            self.verify_date.setText((today or _dt.date.today()).isoformat())
            self.verify_result = QLineEdit()
            self.verify_result.setPlaceholderText("如：经实地核查，已整改到位")
            form.addRow("核查方式 *", self.verify_method)
            form.addRow("核查人 *", self.verifier)
            form.addRow("核查日期 *", self.verify_date)
            form.addRow("核查结论 *", self.verify_result)
        lay.addLayout(form)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        lay.addWidget(self.error)
        bb = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        bb.button(QDialogButtonBox.Ok).setText(f"确定{action}")
        bb.button(QDialogButtonBox.Cancel).setText("取消")
        bb.accepted.connect(self.submit)
        bb.rejected.connect(self.cancel)
        lay.addWidget(bb)
        self.buttons = bb
        self.ok_button = bb.button(QDialogButtonBox.Ok)
        remember(self, self.state)

    def state(self) -> tuple:
        """What the clerk entered (the 放弃修改？ snapshot)."""
        extra = tuple(w.currentText() if isinstance(w, QComboBox) else w.text() for w in
                      (self.verify_method, self.verifier, self.verify_date, self.verify_result) if w is not None)
        return (self.date.text(), self.person.text(), self.note.text(),
                tuple(self.files.item(i).text() for i in range(self.files.count()))) + extra

    def _add_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "选择佐证材料")
        for p in paths:
            self.add_file(p)

    def add_file(self, path: str) -> None:
        self.files.addItem(QListWidgetItem(str(path)))

    def submit(self) -> None:
        kwargs = {}
        if self.verify_method is not None:
            kwargs = dict(verify_method=self.verify_method.currentText() or None, verifier=self.verifier.text(),
                          verify_date=self.verify_date.text(), verify_result=self.verify_result.text())
        try:
            self.result_problem = ops.apply_step(
                self.store, self.problem["id"], self.action, step_date=self.date.text(), person=self.person.text(),
                note=self.note.text(), evidence_files=[self.files.item(i).text() for i in range(self.files.count())],
                today=self.today, **kwargs)
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()


class ProblemDialog(FitDialog):
    """A problem's state, deadline, history and evidence; one button per step allowed from its state."""

    def __init__(self, window, problem_id: str, today: _dt.date | None = None):
        super().__init__(window)
        self.window_ = window
        self.store = window.store
        self.actor = window.actor
        self.problem_id = problem_id
        self.today = today
        self.setWindowTitle("问题整改流程")
        self.resize(900, 560)
        lay = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.RichText)
        lay.addWidget(self.header)
        # the problem's own warnings (逾期未整改…) above its header, as at the top of its record form; they follow
        # the steps taken here (the rules engine runs again after each)
        add_record_warnings(self, lay, window, self.store, "problems", problem_id, follow=True)
        self.history = QTableWidget(0, 8)
        self.history.setHorizontalHeaderLabels(["日期", "操作", "状态变化", "经办人", "说明", "核查", "佐证材料", "录入"])
        self.history.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)
        self.history.cellDoubleClicked.connect(self._open_evidence)
        lay.addWidget(self.history, 1)
        tip = QLabel("双击“佐证材料”单元格打开文件。任何一步都不能删除，只能用“撤销上一步”记一新步骤撤回。")
        tip.setStyleSheet("color: #555;")
        lay.addWidget(tip)
        self.buttons_row = QHBoxLayout()
        lay.addLayout(self.buttons_row)
        self.action_buttons: dict[str, QPushButton] = {}
        for action in (wf.START, wf.REPORT, wf.RETURN, wf.CLOSE, wf.UNDO):
            b = QPushButton(action + "…")
            b.clicked.connect(lambda _=False, a=action: self.run_action(a))
            self.buttons_row.addWidget(b)
            self.action_buttons[action] = b
        self.buttons_row.addStretch(1)
        self.edit_button = QPushButton("编辑问题信息")
        self.edit_button.clicked.connect(self._edit_record)
        self.buttons_row.addWidget(self.edit_button)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        self.buttons_row.addWidget(close)
        self.step_dialog_factory = StepDialog
        self.reload()

    def reload(self) -> None:
        self.problem = self.store.get("problems", self.problem_id)
        if self.problem is None:
            self.header.setText("问题记录不存在。")
            return
        p = self.problem
        today = self.today or _dt.date.today()
        body = self.store.ref_names("bodies").get(p.get("body_id") or "", "")
        state = wf.display_status(p, today)
        color = "#c62828" if wf.deadline_state(p, today) == "overdue" else "#000"
        self.header.setText(
            f"<b>{p.get('problem_no') or ''}</b>　来源：{p.get('source') or ''}　被监督单位：{body}<br>"
            f"问题：{p.get('description') or ''}<br>整改要求：{p.get('requirement') or ''}<br>"
            f"整改期限：{p.get('deadline') or '未定'}　状态：<b style='color:{color}'>{state}</b>"
            + (f"　销号日期：{p['closed_date']}" if p.get("closed_date") else ""))
        self.steps = ops.problem_history(self.store, self.problem_id)
        self.history.setRowCount(len(self.steps))
        for r, s in enumerate(self.steps):
            verify = ""
            if s.get("verify_method"):
                verify = f"{s['verify_method']}，{s.get('verifier') or ''}，{s.get('verify_date') or ''}" + \
                         (f"：{s['verify_result']}" if s.get("verify_result") else "")
            files = "、".join(a["file_name"] for a in s.get("attachments", []))
            who = s.get("updated_by") or ""
            cells = [s.get("step_date") or "", s.get("action") or "",
                     f"{s.get('from_status') or '—'} → {s.get('to_status') or ''}", s.get("person") or "",
                     s.get("note") or "", verify, files, ACTOR_LABELS.get(who, who)]
            for c, text in enumerate(cells):
                it = QTableWidgetItem(str(text))
                if c == 6:
                    it.setData(Qt.UserRole, s.get("attachments", []))
                    if files:
                        it.setForeground(QColor("#1f5fa8"))
                self.history.setItem(r, c, it)
        self.history.resizeColumnsToContents()
        self.history.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)
        possible = wf.available_actions(p.get("status"), self.steps)
        local = self.store.meta("org_code")
        foreign = bool(local and p.get("owner_org") and p["owner_org"] != local)
        can_edit = allowed(self.actor, "edit") and not foreign
        for action, b in self.action_buttons.items():
            needed = wf.required_permission(action, p.get("status"), self.steps)
            ok_role = can_edit and allowed(self.actor, needed)
            b.setEnabled(action in possible and ok_role)
            b.setToolTip("该问题由其他机构登记，本机构只能查看" if foreign else wf.TRANSITIONS[action].help if ok_role
                         else "当前账号无权执行此操作（需所长/负责人或管理员）")
        self.edit_button.setEnabled(can_edit)

    def run_action(self, action: str) -> bool:
        dlg = self.step_dialog_factory(self, self.store, self.problem, action, self.actor, self.today)
        try:
            accepted = dlg.exec() == QDialog.Accepted
        finally:
            dlg.deleteLater()
        if accepted:
            self.reload()
        return accepted

    def _open_evidence(self, row: int, col: int) -> None:
        if col != 6:
            return
        for a in self.history.item(row, col).data(Qt.UserRole) or []:
            try:
                path = ops.attachment_path(self.store, a)
            except UserError as exc:
                QMessageBox.warning(self, "不能打开附件", exc.message)
                continue
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _edit_record(self) -> None:
        if hasattr(self.window_, "open_record"):
            self.window_.open_record("problems", self.problem_id)
            self.reload()


def open_problem_dialog(window, problem_id: str, today: _dt.date | None = None) -> ProblemDialog:
    dlg = ProblemDialog(window, problem_id, today)
    dlg.exec()
    return dlg


class NewProblemDialog(DiscardGuard, FitDialog):
    """A new problem, optionally linked to its source (a visit, a review or a complaint); Esc/取消 after typing
    asks 放弃修改？ first."""

    def __init__(self, window, source_table: str | None = None, source: dict | None = None):
        super().__init__(window)
        self.store = window.store
        self.source_table, self.source = source_table, source
        self.created: dict | None = None
        self.setWindowTitle("登记问题")
        self.setMinimumWidth(560)
        lay = QVBoxLayout(self)
        if source is not None:
            label = {"visits": "监督检查", "reviews": "案卷评查", "complaints": "投诉举报"}.get(source_table, "")
            ref = source.get("case_no") or source.get("visit_date") or source.get("received_date") or ""
            lay.addWidget(QLabel(f"来源：{label} {ref}（发现日期、被监督单位取自来源记录）"))
        form = QFormLayout()
        self.source_box = QComboBox()
        self.source_box.addItems(PROBLEM_SOURCES)
        self.found = DateEdit()
        self.found.setText(_dt.date.today().isoformat())
        self.body = QComboBox()
        self.body.addItem("", None)
        for bid, name in sorted(self.store.ref_names("bodies").items(), key=lambda kv: kv[1]):
            self.body.addItem(name, bid)
        self.category = QComboBox()
        self.category.addItem("")
        self.category.addItems(PROBLEM_CATEGORIES)
        self.description = LongText()
        self.description.setMaximumHeight(80)
        self.requirement = LongText()
        self.requirement.setMaximumHeight(60)
        self.deadline = DateEdit()
        self.deadline.setText((_dt.date.today() + _dt.timedelta(days=30)).isoformat())
        self.responsible = QLineEdit()
        if source is None:
            form.addRow("来源 *", self.source_box)
            form.addRow("发现日期 *", self.found)
            form.addRow("被监督单位", self.body)
        form.addRow("问题类别", self.category)
        form.addRow("问题描述 *", self.description)
        form.addRow("整改要求", self.requirement)
        form.addRow("整改期限", self.deadline)
        form.addRow("责任人", self.responsible)
        lay.addLayout(form)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        lay.addWidget(self.error)
        bb = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        bb.button(QDialogButtonBox.Save).setText("登记")
        bb.button(QDialogButtonBox.Cancel).setText("取消")
        bb.accepted.connect(self.submit)
        bb.rejected.connect(self.cancel)
        lay.addWidget(bb)
        self.buttons = bb
        remember(self, self.values)

    def values(self) -> dict:
        vals = {"category": self.category.currentText() or None, "description": self.description.text(),
                "requirement": self.requirement.text() or None, "deadline": self.deadline.text() or None,
                "responsible": self.responsible.text() or None}
        if self.source is None:
            vals.update(source=self.source_box.currentText(), found_date=self.found.text(),
                        body_id=self.body.currentData())
        return vals

    def submit(self) -> None:
        try:
            if self.source is not None:
                self.created = ops.create_problem_from(self.store, self.source_table, self.source["id"], self.values())
            else:
                self.created = ops.create_problem(self.store, self.values())
        except ValidationError as exc:
            self.error.setText(exc.message)
            return
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()


def new_problem_from(window, source_table: str, record: dict | None) -> dict | None:
    """Form/record action: create a problem from a saved visit/review/complaint."""
    if not record or not record.get("id"):
        QMessageBox.information(window, "登记问题", "请先保存该记录，再登记发现的问题。")
        return None
    dlg = NewProblemDialog(window, source_table, record)
    if dlg.exec() == QDialog.Accepted and dlg.created:
        QMessageBox.information(window, "登记问题", f"已登记问题 {dlg.created['problem_no']}，状态：待整改。")
        return dlg.created
    return None


def evidence_names(step: dict) -> list[str]:
    try:
        return json.loads(step.get("evidence") or "[]")
    except ValueError:
        return []
