"""典型案例 / 指导案例 in the window (issue 15): the page lists the marked cases (kind and year filters), exports
them as the county's 案例指导汇编 (.xlsx), and marks or unmarks the selected case with a summary. Marking goes
through store/exemplary_queries.mark_case (role check, audit, change log), as `sifasuo cases mark` does; a
double-click opens the case."""
from __future__ import annotations

import datetime as _dt

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QMessageBox, QPlainTextEdit, QPushButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget, QFileDialog)

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import EXEMPLARY_KINDS

ALL_KINDS = "全部"
ALL_YEARS = 0


class MarkDialog(QDialog):
    """Kind (or 取消标记) and a short summary for one case."""

    def __init__(self, case_no: str, kind: str | None, summary: str | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"标记典型案例 — {case_no}")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.addItems(list(EXEMPLARY_KINDS) + ["取消标记"])
        if kind in EXEMPLARY_KINDS:
            self.kind.setCurrentText(kind)
        form.addRow("案例类型", self.kind)
        self.summary = QPlainTextEdit(summary or "")
        self.summary.setPlaceholderText("案情、裁量理由和指导意义（简要）")
        self.summary.setMinimumHeight(100)
        form.addRow("案例摘要", self.summary)
        lay.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("保存")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def values(self) -> tuple[str | None, str | None]:
        kind = self.kind.currentText()
        return (None, None) if kind == "取消标记" else (kind, self.summary.toPlainText())


class ExemplaryPage(QWidget):
    COLUMNS = ["案例类型", "案号", "执法主体", "决定日期", "案由", "当事人", "处理结果", "裁量阶次", "案例摘要"]

    def __init__(self, window):
        super().__init__(window)
        self.window_, self.store = window, window.store
        self.rows: list[dict] = []
        lay = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(QLabel("案例类型"))
        self.kind = QComboBox()
        self.kind.addItems([ALL_KINDS, *EXEMPLARY_KINDS])
        self.kind.currentIndexChanged.connect(self.refresh)
        head.addWidget(self.kind)
        head.addWidget(QLabel("决定年度"))
        self.year = QSpinBox()
        self.year.setRange(ALL_YEARS, 2100)
        self.year.setSpecialValueText("全部")
        self.year.setValue(ALL_YEARS)
        self.year.valueChanged.connect(self.refresh)
        head.addWidget(self.year)
        head.addStretch(1)
        self.mark_button = QPushButton("标记/修改所选案件…")
        self.mark_button.clicked.connect(self.mark_selected)
        head.addWidget(self.mark_button)
        self.export_button = QPushButton("导出Excel（案例指导汇编）")
        self.export_button.clicked.connect(self.export_dialog)
        head.addWidget(self.export_button)
        lay.addLayout(head)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.Stretch)
        self.table.setWordWrap(False)
        self.table.cellDoubleClicked.connect(self._open)
        lay.addWidget(self.table, 1)
        hint = QLabel("在“执法案件”台账中选中一件案件，用“标记为典型案例…”加入本页；本页的标记随案件同步到县局。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        lay.addWidget(hint)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        from sifasuo_desktop.store.exemplary_queries import list_exemplary

        kind = self.kind.currentText()
        self.rows = list_exemplary(self.store, None if kind == ALL_KINDS else kind, self.year.value() or None)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = [row["exemplary_kind"], row["case_no"], row["body"], row["decision_date"], row["cause"],
                     row["party"], row["outcome"], row["discretion_level"], row["exemplary_summary"]]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(str(text or ""))
                item.setToolTip(str(text or ""))
                self.table.setItem(r, c, item)
        for c in range(len(self.COLUMNS) - 1):   # long 案由/当事人 are cut (full text in the tooltip); 摘要 takes the rest
            self.table.resizeColumnToContents(c)
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 220))
        counts = {k: sum(1 for x in self.rows if x["exemplary_kind"] == k) for k in EXEMPLARY_KINDS}
        self.summary.setText(f"共{len(self.rows)}件：" + "，".join(f"{k}{n}件" for k, n in counts.items()) + "。")

    def _selected(self) -> dict | None:
        idx = self.table.currentRow()
        return self.rows[idx] if 0 <= idx < len(self.rows) else None

    def mark_selected(self) -> None:
        row = self._selected()
        if row is None:
            QMessageBox.information(self, "典型案例", "请先在列表中选中一件案件（新案件请在“执法案件”台账中标记）。")
            return
        self.mark_case(row["case_no"], row["exemplary_kind"], row["exemplary_summary"])

    def mark_case(self, case_no: str, kind=None, summary=None) -> bool:
        from sifasuo_desktop.store.exemplary_queries import mark_case

        dlg = MarkDialog(case_no, kind, summary, self)
        if dlg.exec() != QDialog.Accepted:
            return False
        try:
            mark_case(self.store, case_no, *dlg.values())
        except UserError as exc:
            QMessageBox.warning(self, "典型案例", exc.message)
            return False
        self.refresh()
        from .toast import notify

        notify(self.window_, f"✔ 已保存案件{case_no}的案例标记。")
        return True

    def export_dialog(self) -> None:
        default = f"{self.store.org.name}典型案例汇编{_dt.date.today():%Y%m%d}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "导出典型案例", default, "Excel 表格 (*.xlsx)")
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> bool:
        from sifasuo_desktop.xlsx.reports import export_exemplary

        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        try:
            export_exemplary(self.store, self.rows, path)
        except UserError as exc:
            QMessageBox.warning(self, "导出典型案例", exc.message)
            return False
        QMessageBox.information(self, "导出典型案例", f"已导出{len(self.rows)}件：{path}")
        return True

    def _open(self, row: int, _col: int) -> None:
        if 0 <= row < len(self.rows):
            self.window_.open_record("cases", self.rows[row]["id"])


def install(window) -> None:
    window.add_lazy_page("exemplary", "典型案例", lambda: ExemplaryPage(window), attr="exemplary_page")
    window.add_menu_action("监督", "典型案例、指导案例", lambda: window.show_page("exemplary"))

    def mark_from_ledger(record):
        if record and record.get("case_no"):
            window.exemplary_page.mark_case(record["case_no"], record.get("exemplary_kind"),
                                            record.get("exemplary_summary"))
    window.add_record_action("cases", "标记为典型案例…", mark_from_ledger)
