"""统计报表 page: 月汇总 / 季通报 / 统计年报 tables, export to .xlsx, print (QPrintPreviewDialog)."""
from __future__ import annotations

import datetime as _dt
import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QLabel, QMessageBox,
                               QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.store import stats_queries as sq
from sifasuo_desktop.xlsx.reports import export_tables_xlsx
from sifasuo_desktop.ui.widgets import size_to_window

NOWRAP = " style='white-space:nowrap'"
KINDS = (("月汇总", "monthly"), ("季通报", "quarterly"), ("统计年报", "annual"))


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.2f}"
    return str(v)


class StatsPage(QWidget):
    def __init__(self, window, today: _dt.date | None = None):
        super().__init__(window)
        self.window_ = window
        self.store = window.store
        self.today = today or _dt.date.today()
        self.tables = []
        self.period = None
        self._printer = None   # kept alive while the preview dialog is open
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.kind = QComboBox()
        for label, key in KINDS:
            self.kind.addItem(label, key)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(self.today.year)
        self.number = QSpinBox()
        self.number_label = QLabel("月份")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.org = QComboBox()
        self.org.addItem("全部机构", None)
        orgs = sq.org_choices(self.store)
        for code, name in orgs:
            self.org.addItem(f"{name}（{code}）", code)
        self.org_label = QLabel("范围")
        multi = len(orgs) > 1
        self.org.setVisible(multi)
        self.org_label.setVisible(multi)
        self.run_button = QPushButton("统计")
        self.run_button.clicked.connect(self.run)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.clicked.connect(self.export_dialog)
        self.print_button = QPushButton("打印… (Ctrl+P)")
        self.print_button.setShortcut("Ctrl+P")
        self.print_button.clicked.connect(self.print_preview)
        for w in (QLabel("报表："), self.kind, QLabel("年份"), self.year, self.number_label, self.number,
                  self.org_label, self.org, self.run_button, self.export_button, self.print_button):
            row.addWidget(w)
        row.addStretch(1)
        lay.addLayout(row)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        self.status = QLabel("选择报表类型和期间后点击“统计”。")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self._kind_changed()
        self.export_button.setEnabled(False)
        self.print_button.setEnabled(False)

    def _kind_changed(self) -> None:
        from sifasuo_desktop.domain.stats import last_full_period

        key = self.kind.currentData()
        year, number = last_full_period(key, self.today)   # not an all-zero month that has just begun
        self.year.setValue(year)
        if key == "monthly":
            self.number_label.setText("月份")
            self.number.setRange(1, 12)
            self.number.setValue(number)
        elif key == "quarterly":
            self.number_label.setText("季度")
            self.number.setRange(1, 4)
            self.number.setValue(number)
        self.number.setVisible(key != "annual")
        self.number_label.setVisible(key != "annual")

    def on_show(self) -> None:
        if not self.tables:   # a blank page tells a clerk nothing: show the current period at once
            self.run()

    def run(self) -> None:
        key = self.kind.currentData()
        try:
            self.period, self.tables = sq.period_report(self.store, key, self.year.value(),
                                                        None if key == "annual" else self.number.value(),
                                                        org=self.org.currentData(), as_of=self.today)
        except UserError as exc:
            QMessageBox.warning(self, "统计", exc.message)
            return
        self.tabs.clear()
        for t in self.tables:
            self.tabs.addTab(self._table_widget(t), t.title.split(" ")[0] if t.key.startswith("t") else
                             t.title.replace(self.period.label, "") or t.title)
        self.status.setText(f"{self.period.label}：共 {len(self.tables)} 张表。数据截至 {self.today.isoformat()}。")
        self.export_button.setEnabled(True)
        self.print_button.setEnabled(True)

    def _table_widget(self, t) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        title = QLabel(t.title)
        title.setStyleSheet("font-size: 15px; font-weight: bold;")
        lay.addWidget(title)
        tw = QTableWidget(len(t.rows), len(t.columns))
        tw.setHorizontalHeaderLabels(t.columns)
        tw.setEditTriggers(QAbstractItemView.NoEditTriggers)
        tw.verticalHeader().setVisible(False)
        for r, row in enumerate(t.rows):
            for c, v in enumerate(row):
                it = QTableWidgetItem(_cell_text(v))
                if isinstance(v, (int, float)):
                    it.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                tw.setItem(r, c, it)
        tw.resizeColumnsToContents()
        tw.setObjectName(t.key)
        lay.addWidget(tw, 1)
        notes = QLabel("\n".join(f"注：{n}" for n in t.notes))
        notes.setWordWrap(True)
        notes.setStyleSheet("color: #444;")
        lay.addWidget(notes)
        return w

    # ------------------------------------------------------------------ export / print
    def export_dialog(self) -> None:
        if not self.tables:
            return
        default = f"{self.store.org.name}{self.period.label}{self.kind.currentText()}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "导出Excel", default, "Excel 表格 (*.xlsx)")
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> bool:
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        try:
            export_tables_xlsx(self.tables, path, org_name=self.store.org.name)
        except UserError as exc:
            QMessageBox.warning(self, "导出Excel", exc.message)
            return False
        self.status.setText(f"已导出：{path}")
        return True

    def html(self) -> str:
        parts = ["<html><body style='font-family: sans-serif;'>"]
        for n, t in enumerate(self.tables):
            brk = "page-break-before: always;" if n else ""
            parts.append(f"<h3 style='text-align:center; {brk}'>{html.escape(t.title)}</h3>")
            parts.append(f"<p>填报单位：{html.escape(self.store.org.name)}</p>")
            parts.append("<table border='1' cellspacing='0' cellpadding='3' width='100%' style='font-size:9pt;'>")
            # the name column gets room for a whole 执法主体 name on one or two lines
            parts.append("<tr>" + "".join(f"<th{'' if i else ' width=110'}>{html.escape(c)}</th>"
                                          for i, c in enumerate(t.columns)) + "</tr>")
            for row in t.rows:
                parts.append("<tr>" + "".join(
                    # numbers and rates never break inside a cell (“355,9 / 00.00”); names may wrap
                    f"<td{' align=right' if isinstance(v, (int, float)) else ''}{NOWRAP if i else ''}>"
                    f"{html.escape(_cell_text(v))}</td>"
                    for i, v in enumerate(row)) + "</tr>")
            parts.append("</table>")
            for note in t.notes:
                parts.append(f"<p style='font-size:8pt;'>注：{html.escape(note)}</p>")
        parts.append("</body></html>")
        return "".join(parts)

    def print_preview(self) -> None:
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        if not self.tables:
            return
        self._printer = QPrinter(QPrinter.HighResolution)
        self._printer.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Landscape,
                                                self._printer.pageLayout().margins()))
        dlg = QPrintPreviewDialog(self._printer, self)
        dlg.setWindowTitle("打印统计报表")
        size_to_window(dlg, self)
        dlg.paintRequested.connect(self.render)
        self._preview = dlg
        dlg.exec()

    def render(self, printer) -> None:
        doc = QTextDocument()
        doc.setHtml(self.html())
        doc.setPageSize(printer.pageLayout().paintRect(QPageLayout.Point).size())
        doc.print_(printer)
