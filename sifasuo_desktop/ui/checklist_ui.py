"""Checklist visits (issue 16): a 监督检查 carried out item by item (符合/不符合/不适用 + 说明); each 不符合
becomes a problem with one click; the visit prints as a 监督检查记录表 (PDF)."""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QMessageBox, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout)

from sifasuo_desktop.domain import checklist as cl
from sifasuo_desktop.domain.errors import UserError, ValidationError
from sifasuo_desktop.store import checklist_ops as ops
from sifasuo_desktop.ui.unsaved import DiscardGuard, remember
from sifasuo_desktop.ui.widgets import FitDialog

COLS = ("编号", "检查项目", "查看材料", "结果", "情况说明", "问题")


class ChecklistVisitDialog(DiscardGuard, FitDialog):
    """A visit's checklist, item by item. 关闭/Esc with results not yet saved asks 放弃修改？ first (what was
    saved last is the baseline)."""

    def __init__(self, window, visit: dict):
        super().__init__(window)
        self.window_, self.store = window, window.store
        self.visit_id = visit["id"]
        self.setWindowTitle("监督检查清单")
        self.setMinimumSize(980, 560)
        lay = QVBoxLayout(self)
        self.header = QLabel("")
        self.header.setWordWrap(True)
        lay.addWidget(self.header)
        self.table = QTableWidget(0, len(COLS))
        self.table.setHorizontalHeaderLabels(COLS)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        row = QHBoxLayout()
        self.save_button = QPushButton("保存检查结果")
        self.save_button.clicked.connect(self.save)
        self.print_button = QPushButton("打印监督检查记录表(PDF)…")
        self.print_button.clicked.connect(lambda: self.print_record())
        row.addWidget(self.save_button)
        row.addWidget(self.print_button)
        row.addStretch(1)
        bb = QDialogButtonBox(QDialogButtonBox.Close)
        bb.button(QDialogButtonBox.Close).setText("关闭")
        bb.rejected.connect(self.cancel)
        self.buttons = bb
        row.addWidget(bb)
        lay.addLayout(row)
        self.result_boxes: dict[str, QComboBox] = {}
        self.note_edits: dict[str, QLineEdit] = {}
        self.problem_buttons: dict[str, QPushButton] = {}
        self.reload()

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        self.visit = self.store.get("visits", self.visit_id)
        self.checklist, self.items, self.results = ops.visit_checklist(self.store, self.visit)
        body = self.store.ref_names("bodies").get(self.visit.get("body_id"), "")
        self.header.setText(f"{self.visit.get('visit_date') or ''} {self.visit.get('method') or '监督检查'} · 被监督单位：{body}"
                            f" · 清单：{self.checklist.get('name')}（{self.checklist.get('version_label')}）")
        self.table.setRowCount(len(self.items))
        self.result_boxes.clear()
        self.note_edits.clear()
        self.problem_buttons.clear()
        for r, it in enumerate(self.items):
            code = it["code"]
            res = self.results.get(code, {})
            for c, text in ((0, code), (1, it["item"]), (2, it.get("evidence", ""))):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(r, c, cell)
            box = QComboBox()
            box.addItems(("", *cl.RESULTS))
            box.setCurrentText(res.get("result") or "")
            box.currentTextChanged.connect(lambda _t, k=code: self._update_button(k))
            self.table.setCellWidget(r, 3, box)
            self.result_boxes[code] = box
            note = QLineEdit(res.get("note") or "")
            note.setPlaceholderText("不符合时必填")
            self.table.setCellWidget(r, 4, note)
            self.note_edits[code] = note
            b = QPushButton()
            b.clicked.connect(lambda _=False, k=code: self.make_problem(k))
            self.table.setCellWidget(r, 5, b)
            self.problem_buttons[code] = b
            self._update_button(code)
        self.table.resizeColumnToContents(0)
        remember(self, self.entered)   # what is stored now is the baseline for 放弃修改？

    def _update_button(self, code: str) -> None:
        b = self.problem_buttons.get(code)
        if b is None:
            return
        linked = self.results.get(code, {}).get("problem_id")
        if linked:
            prob = self.store.get("problems", linked) or {}
            b.setText(f"已登记 {prob.get('problem_no') or ''}".strip())
            b.setEnabled(True)
        else:
            b.setText("登记为问题")
            b.setEnabled(self.result_boxes[code].currentText() == cl.NONCONFORM)

    def entered(self) -> dict:
        return {code: {"result": box.currentText(), "note": self.note_edits[code].text(),
                       "problem_id": self.results.get(code, {}).get("problem_id")}
                for code, box in self.result_boxes.items()}

    # ------------------------------------------------------------------ actions
    def save(self) -> bool:
        try:
            ops.save_results(self.store, self.visit_id, self.entered())
        except (UserError, ValidationError) as exc:
            self.error.setText(exc.message)
            return False
        self.error.setText("")
        self.reload()
        return True

    def make_problem(self, code: str) -> dict | None:
        """One click: save what was entered, then turn the 不符合 item into a problem (or open the one it became)."""
        linked = self.results.get(code, {}).get("problem_id")
        if linked:
            if hasattr(self.window_, "open_record"):
                self.window_.open_record("problems", linked)
            return self.store.get("problems", linked)
        if not self.save():
            return None
        try:
            prob = ops.problem_from_item(self.store, self.visit_id, code)
        except (UserError, ValidationError) as exc:
            self.error.setText(exc.message)
            return None
        self.error.setText(f"已登记问题 {prob.get('problem_no')}（待整改）。")
        self.reload()
        return prob

    def record_html(self) -> str:
        from html import escape as e   # imported when a checklist is shown

        v = self.visit
        body = self.store.ref_names("bodies").get(v.get("body_id"), "")
        counts = cl.summary(self.results)
        rows = []
        for it in self.items:
            r = self.results.get(it["code"], {})
            prob = self.store.get("problems", r["problem_id"]) if r.get("problem_id") else None
            rows.append(f"<tr><td>{e(it['code'])}</td><td>{e(it['item'])}</td><td>{e(r.get('result') or '未检查')}</td>"
                        f"<td>{e(r.get('note') or '')}</td><td>{e((prob or {}).get('problem_no') or '')}</td></tr>")
        return (f"<h2 align='center'>监督检查记录表</h2>"
                f"<p>检查日期：{e(v.get('visit_date') or '')}　监督方式：{e(v.get('method') or '')}</p>"
                f"<p>被监督单位：{e(body)}　检查人员：{e(v.get('people') or '')}</p>"
                f"<p>检查清单：{e(self.checklist.get('name') or '')}（{e(self.checklist.get('version_label') or '')}）</p>"
                "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
                "<tr><th>编号</th><th>检查项目</th><th>结果</th><th>情况说明</th><th>问题编号</th></tr>"
                + "".join(rows) + "</table>"
                f"<p>小计：符合{counts[cl.CONFORM]}项，不符合{counts[cl.NONCONFORM]}项，不适用{counts[cl.NOT_APPLICABLE]}项。</p>"
                "<p>检查人员（签名）：　　　　　　　被检查单位负责人（签名）：</p>")

    def print_record(self, path: str | None = None) -> str | None:
        from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "保存监督检查记录表", "监督检查记录表.pdf", "PDF (*.pdf)")
            if not path:
                return None
        doc = QTextDocument()
        doc.setHtml(self.record_html())
        writer = QPdfWriter(path)
        writer.setPageSize(QPageSize(QPageSize.A4))
        writer.setResolution(150)
        doc.print_(writer)
        return path


def open_checklist(window, rec: dict | None) -> ChecklistVisitDialog | None:
    if not rec or not rec.get("id"):
        QMessageBox.information(window, "监督检查清单", "请先保存监督检查记录。")
        return None
    dlg = ChecklistVisitDialog(window, rec)
    dlg.exec()
    return dlg


def install(window) -> None:
    window.add_record_action("visits", "检查清单…", lambda rec: open_checklist(window, rec))
    window.add_form_action("visits", "检查清单…", lambda form, rec: open_checklist(window, rec))
    install_evaluation(window)


def new_evaluation(window, rec: dict | None):
    """赋权事项 → 赋权事项评估: a new evaluation pre-filled from the data, opened in its form."""
    from sifasuo_desktop.store.evaluation_ops import create_prefilled

    if not rec or not rec.get("id"):
        return None
    ev = create_prefilled(window.store, rec["id"])
    return window.open_record("power_evaluations", ev["id"])


def install_evaluation(window) -> None:
    window.add_record_action("powers", "赋权事项评估…", lambda rec: new_evaluation(window, rec))
    window.add_record_action("power_evaluations", "打印评估报告(PDF)…",
                             lambda rec: print_evaluation_report(window, rec))


def print_evaluation_report(window, rec: dict | None, path: str | None = None) -> str | None:
    """赋权事项评估 → its 评估报告 as a PDF (the 公文 engine); `path` skips the file dialog (tests)."""
    from sifasuo_desktop.documents.evaluation_report import default_file_name, render_report

    if not rec or not rec.get("id"):
        return None
    if path is None:
        path, _ = QFileDialog.getSaveFileName(window, "保存评估报告", default_file_name(window.store, rec["id"]),
                                              "PDF (*.pdf)")
        if not path:
            return None
    res = render_report(window.store, rec["id"], path)
    if hasattr(window, "statusBar"):
        from .toast import notify

        notify(window, f"✔ 已输出评估报告：{path}（{res.pages}页）")
    return path
