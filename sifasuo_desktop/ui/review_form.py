"""案卷评查 in the GUI: a scoring form with the running score and grade, batch results per body, and loading a
standard from a spreadsheet (admin). Scoring rules live in domain/review.py; saving in store/workflow_ops.py.
"""
from __future__ import annotations

import datetime as _dt
import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialogButtonBox, QDoubleSpinBox,
                               QFileDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from sifasuo_desktop.domain import review as rv
from sifasuo_desktop.domain.errors import UserError, ValidationError
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.store import workflow_ops as ops

from .unsaved import DiscardGuard, remember
from .widgets import DateEdit, FitDialog, LongText

GRADE_COLORS = {"优秀": "#2e7d32", "良好": "#1565c0", "合格": "#6d4c41", "不合格": "#c62828"}


class ReviewScoringDialog(DiscardGuard, FitDialog):
    """Score one case file against its batch's standard. `review` (a reviews row) opens an existing review."""

    def __init__(self, window, batch_id: str | None = None, review: dict | None = None,
                 case: dict | None = None):
        super().__init__(window)
        self.window_ = window
        self.store = window.store
        self.review = review
        self.saved: dict | None = None
        self.setWindowTitle("案卷评查评分表")
        self.resize(980, 780)
        lay = QVBoxLayout(self)

        top = QFormLayout()
        brow = QHBoxLayout()
        self.batch = QComboBox()
        self._load_batches(batch_id or (review or {}).get("batch_id"))
        new_batch = QPushButton("新建批次…")
        new_batch.clicked.connect(lambda _=False: self.create_batch())
        brow.addWidget(self.batch, 1)
        brow.addWidget(new_batch)
        top.addRow("评查批次 *", brow)
        self.case_no = QLineEdit((review or {}).get("case_no") or (case or {}).get("case_no") or "")
        self.case_no.setPlaceholderText("输入案号，如 示综执罚〔2025〕12号")
        top.addRow("案号 *", self.case_no)
        self.reviewers = QLineEdit((review or {}).get("reviewers") or "")
        self.reviewers.setPlaceholderText("至少2人，用顿号分隔，如 张三、李四")
        top.addRow("评查人 *", self.reviewers)
        self.date = DateEdit()
        self.date.setText((review or {}).get("review_date") or _dt.date.today().isoformat())
        top.addRow("评查日期", self.date)
        self.standard_label = QLabel()
        top.addRow("评查标准", self.standard_label)
        lay.addLayout(top)

        self.veto_box = QGroupBox("否决项（任一项命中即为不合格）")
        self.veto_layout = QGridLayout(self.veto_box)
        self.veto_layout.setVerticalSpacing(2)
        lay.addWidget(self.veto_box)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["编码", "分类", "评查内容", "分值", "扣分"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        lay.addWidget(self.table, 1)
        self.comment = LongText()
        self.comment.setMaximumHeight(60)
        self.comment.setText((review or {}).get("comment") or "")
        crow = QFormLayout()
        crow.addRow("评语", self.comment)
        lay.addLayout(crow)
        self.score_label = QLabel()
        self.score_label.setStyleSheet("font-size: 18px; font-weight: bold;")
        lay.addWidget(self.score_label)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        lay.addWidget(self.error)
        bb = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        bb.button(QDialogButtonBox.Save).setText("保存评分")
        bb.button(QDialogButtonBox.Cancel).setText("关闭")
        bb.accepted.connect(self.save)
        bb.rejected.connect(self.cancel)
        lay.addWidget(bb)
        self.save_button = bb.button(QDialogButtonBox.Save)
        self.save_button.setEnabled(allowed(window.actor, "edit"))
        self.veto_checks: dict[str, QCheckBox] = {}
        self.spins: dict[str, QDoubleSpinBox] = {}
        self.batch.currentIndexChanged.connect(self._standard_changed)
        self._standard_changed()
        if review:
            self._load_review(review)
        remember(self, self._form_state)   # Esc/关闭 with changes asks 放弃修改？ (issue 12)

    def _form_state(self):
        return (self.batch.currentData(), self.case_no.text(), self.reviewers.text(), self.date.text(),
                self.comment.text(), self.current_input())

    # ------------------------------------------------------------------ batches / standard
    def _load_batches(self, select_id: str | None) -> None:
        self.batch.blockSignals(True)
        self.batch.clear()
        for b in self.store.rows("review_batches", order_by="year DESC, created_at DESC"):
            self.batch.addItem(f"{b['name']}（{b['year']}）", b["id"])
        if select_id:
            i = self.batch.findData(select_id)
            if i >= 0:
                self.batch.setCurrentIndex(i)
        self.batch.blockSignals(False)

    def create_batch(self, name: str | None = None, standard: str | None = None) -> dict | None:
        if name is None:
            name, ok = QInputDialog.getText(self, "新建评查批次", "批次名称：",
                                            text=f"{_dt.date.today().year}年案卷评查")
            if not ok:
                return None
        standard_id = None
        standards = ops.list_standards(self.store)
        if len(standards) > 1 and standard is None:
            labels = [f"{s['name']}（{s['version_label']}）" for s in standards]
            label, ok = QInputDialog.getItem(self, "新建评查批次", "评查标准：", labels, 0, False)
            if not ok:
                return None
            standard_id = standards[labels.index(label)]["id"]
        elif standard is not None:
            standard_id = standard
        try:
            b = ops.create_batch(self.store, name, _dt.date.today().year, "集中评查", standard_id=standard_id)
        except UserError as exc:
            self.error.setText(exc.message)
            return None
        self._load_batches(b["id"])
        self._standard_changed()
        return b

    def _standard_changed(self) -> None:
        bid = self.batch.currentData()
        try:
            row, self.standard = ops.batch_standard(self.store, bid) if bid else ops.get_standard(self.store, None)
        except UserError as exc:
            self.error.setText(exc.message)
            return
        s = self.standard
        bands = f"优秀≥{s.bands['优秀']:g}" + (f"，良好≥{s.bands['良好']:g}" if s.use_good else "") + \
            f"，合格≥{s.bands['合格']:g}"
        self.standard_label.setText(f"{s.name}（{s.version_label}）　总分{s.total:g}；{bands}")
        for cb in self.veto_checks.values():
            cb.setParent(None)
        self.veto_checks = {}
        for n, it in enumerate(s.veto_items):
            cb = QCheckBox(f"{it.code} {it.text}")
            cb.setToolTip(it.text)
            cb.toggled.connect(self.update_score)
            self.veto_layout.addWidget(cb, n // 2, n % 2)
            self.veto_checks[it.code] = cb
        items = s.deduct_items
        self.table.setRowCount(len(items))
        self.spins = {}
        for r, it in enumerate(items):
            for c, text in enumerate((it.code, it.section, it.text, f"{it.max_points:g}")):
                cell = QTableWidgetItem(text)
                cell.setFlags(Qt.ItemIsEnabled)
                self.table.setItem(r, c, cell)
            sp = QDoubleSpinBox()
            sp.setRange(0, it.max_points)
            sp.setSingleStep(0.5)
            sp.setDecimals(1)
            sp.valueChanged.connect(self.update_score)
            self.table.setCellWidget(r, 4, sp)
            self.spins[it.code] = sp
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.update_score()

    def _load_review(self, review: dict) -> None:
        try:
            hits = json.loads(review.get("veto_hits") or "[]")
            ded = json.loads(review.get("deductions") or "{}")
        except ValueError:
            hits, ded = [], {}
        for code in hits:
            if code in self.veto_checks:
                self.veto_checks[code].setChecked(True)
        if isinstance(ded, dict):
            for code, pts in ded.items():
                if code in self.spins:
                    self.spins[code].setValue(float(pts))
        self.update_score()

    # ------------------------------------------------------------------ score
    def current_input(self) -> tuple[list[str], dict[str, float]]:
        hits = [c for c, cb in self.veto_checks.items() if cb.isChecked()]
        ded = {c: sp.value() for c, sp in self.spins.items() if sp.value()}
        return hits, ded

    def update_score(self) -> rv.ScoreResult | None:
        hits, ded = self.current_input()
        try:
            res = rv.score(self.standard, hits, ded)
        except ValidationError as exc:
            self.score_label.setText(exc.message)
            return None
        color = GRADE_COLORS.get(res.grade, "#000")
        veto = f"（命中否决项：{'、'.join(res.veto_hits)}）" if res.veto_hits else ""
        self.score_label.setText(f"当前得分：{res.score:g} 分（扣 {res.deducted:g} 分）　等次："
                                 f"<span style='color:{color}'>{res.grade}</span>{veto}")
        self.last_result = res
        return res

    def save(self) -> None:
        hits, ded = self.current_input()
        case_no = self.case_no.text().strip()
        cases = self.store.rows("cases", "case_no = ?", (case_no,), limit=2) if case_no else []
        try:
            self.saved = ops.save_review(
                self.store, self.batch.currentData(), case_id=cases[0]["id"] if len(cases) == 1 else None,
                case_no=case_no, reviewers=self.reviewers.text(), veto_hits=hits, deductions=ded,
                review_date=self.date.text(), comment=self.comment.text(),
                review_id=(self.review or {}).get("id"))
        except UserError as exc:
            self.error.setText(exc.message if self.batch.currentData() else "请先选择或新建评查批次。")
            return
        self.accept()


class ReviewResultsDialog(FitDialog):
    """Results of one batch (or all reviews): overall and per reviewed body."""

    def __init__(self, window, batch_id: str | None = None):
        super().__init__(window)
        self.store = window.store
        self.setWindowTitle("评查结果")
        self.resize(860, 480)
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.batch = QComboBox()
        self.batch.addItem("全部批次", None)
        for b in self.store.rows("review_batches", order_by="year DESC, created_at DESC"):
            self.batch.addItem(f"{b['name']}（{b['year']}）", b["id"])
        if batch_id:
            self.batch.setCurrentIndex(max(self.batch.findData(batch_id), 0))
        self.batch.currentIndexChanged.connect(self.reload)
        row.addWidget(QLabel("批次："))
        row.addWidget(self.batch, 1)
        lay.addLayout(row)
        self.table = QTableWidget(0, 9)
        self.table.setHorizontalHeaderLabels(["被评查单位", "案卷数", "优秀", "良好", "合格", "不合格", "平均分",
                                              "优秀率", "合格率"])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table, 1)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.button(QDialogButtonBox.Close).setText("关闭")
        close.rejected.connect(self.reject)
        export = close.addButton("导出Excel…", QDialogButtonBox.ActionRole)
        export.clicked.connect(self.export_dialog)
        lay.addWidget(close)
        self.reload()

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "导出评查结果", "评查结果.xlsx", "Excel 表格 (*.xlsx)")
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> bool:
        from sifasuo_desktop.xlsx.writer import write_table

        cols = [self.table.horizontalHeaderItem(c).text() for c in range(self.table.columnCount())]
        rows = [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]
        from sifasuo_desktop.xlsx.writer import Column

        try:
            write_table(path, f"案卷评查结果（{self.batch.currentText()}）",
                        [Column(c, "text" if i == 0 or "率" in c or c == "平均分" else "int") for i, c in enumerate(cols)],
                        rows, org_name=self.store.org.name)
        except UserError as exc:
            QMessageBox.warning(self, "导出评查结果", exc.message)
            return False
        return True

    def reload(self) -> None:
        res = ops.batch_results(self.store, self.batch.currentData())
        rows = sorted(res["by_body"].items()) + [("合计", res["summary"])]
        self.table.setRowCount(len(rows))

        def pct(v):
            return "—" if v is None else f"{v * 100:.1f}%"
        for r, (name, s) in enumerate(rows):
            cells = [name, s["count"], s["优秀"], s["良好"], s["合格"], s["不合格"],
                     "—" if s["average"] is None else f"{s['average']:.2f}", pct(s["excellent_rate"]),
                     pct(s["pass_rate"])]
            for c, v in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(str(v)))
        self.table.resizeColumnsToContents()
        self.results = res


def import_standard(window) -> dict | None:
    if not allowed(window.actor, "settings"):
        QMessageBox.warning(window, "导入评查标准", "只有管理员可以导入评查标准。")
        return None
    path, _ = QFileDialog.getOpenFileName(window, "选择评查标准表格", "", "Excel 表格 (*.xlsx)")
    if not path:
        return None
    from sifasuo_desktop.xlsx.reports import import_standard_xlsx

    try:
        row = import_standard_xlsx(window.store, path)
    except UserError as exc:
        QMessageBox.warning(window, "导入评查标准", exc.message)
        return None
    QMessageBox.information(window, "导入评查标准", f"已导入“{row['name']}”（{row['version_label']}）。"
                                                   "新建评查批次时可选用。")
    return row


def export_standard_template(window) -> None:
    path, _ = QFileDialog.getSaveFileName(window, "导出评查标准模板", "评查标准模板.xlsx", "Excel 表格 (*.xlsx)")
    if not path:
        return
    from sifasuo_desktop.xlsx.reports import export_standard_xlsx

    try:
        export_standard_xlsx(window.store, None, path)
    except UserError as exc:
        QMessageBox.warning(window, "导出评查标准模板", exc.message)
        return
    QMessageBox.information(window, "导出评查标准模板", "已导出默认评查标准。修改“版本”和评查项后，"
                                                        "可通过“工具 → 导入评查标准”载入。")
