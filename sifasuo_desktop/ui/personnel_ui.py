"""Enforcement personnel in the GUI (issue 14): the per-officer page (人员档案: certificate timeline, hours by
year and category, cases and inspections, warnings), and the 执法人员统计 page (持证/年审/培训/离岗返岗, exam
sampling, the 执法证件年审汇总表 as .xlsx and print)."""
from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QInputDialog, QLabel, QMessageBox,
                               QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.domain.personnel_stats import TRAINING_CATEGORIES
from sifasuo_desktop.store import personnel_queries as pq

from .widgets import FitDialog, size_to_window


def _table(headers, rows) -> QTableWidget:
    t = QTableWidget(len(rows), len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.verticalHeader().setVisible(False)
    fill(t, rows)
    return t


def fill(t: QTableWidget, rows) -> None:
    t.setRowCount(len(rows))
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            text = "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
            item = QTableWidgetItem(text)
            if isinstance(v, (int, float)):
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            t.setItem(i, j, item)
    t.resizeColumnsToContents()


class OfficerDialog(FitDialog):
    """人员档案 of one officer; refreshes itself after every committed write while open."""

    def __init__(self, window, officer_id: str):
        super().__init__(window)
        self.window_ = window
        self.store = window.store
        self.officer_id = officer_id
        self.setWindowTitle("人员档案")
        self.resize(860, 600)
        lay = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setWordWrap(True)
        lay.addWidget(self.header)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)

        tl = QWidget()
        tl_lay = QVBoxLayout(tl)
        self.timeline = _table(["日期", "事件", "详情"], [])
        tl_lay.addWidget(self.timeline, 1)
        btns = QHBoxLayout()
        self.add_event_button = QPushButton("登记证件事件…")
        self.add_event_button.clicked.connect(self.add_event)
        self.add_event_button.setEnabled(allowed(window.actor, "edit"))
        btns.addWidget(self.add_event_button)
        btns.addStretch(1)
        tl_lay.addLayout(btns)
        self.tabs.addTab(tl, "证件履历")

        self.hours = _table(["年度", *TRAINING_CATEGORIES, "合计"], [])
        self.tabs.addTab(self.hours, "培训学时")
        self.actions_table = _table(["类别", "日期", "案号/检查对象", "类型", "状态"], [])
        self.actions_table.cellDoubleClicked.connect(self._open_action)
        self.tabs.addTab(self.actions_table, "执法活动")
        self.warnings = _table(["预警", "等级", "记录", "内容", "期限"], [])
        self.tabs.addTab(self.warnings, "预警")

        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        lay.addLayout(row)
        self._action_refs: list[tuple[str, str]] = []
        self.store.subscribe(self._on_changes)
        self.finished.connect(lambda *_: self.store.unsubscribe(self._on_changes))
        engine = getattr(window, "rules_engine", None)
        if engine is not None and hasattr(engine, "updated"):
            engine.updated.connect(self._fill_warnings)
            self.finished.connect(lambda *_: _disconnect(engine.updated, self._fill_warnings))
        self.refresh()

    # ------------------------------------------------------------------ content
    def refresh(self) -> None:
        import html   # imported when a profile is first shown

        prof = pq.officer_profile(self.store, self.officer_id)
        self.profile = prof
        o = prof["officer"]
        bits = [f"<b>{html.escape(o.get('name') or '')}</b>", html.escape(prof["body"] or "（未填单位）"),
                f"编制：{html.escape(o.get('staffing') or '—')}", f"执法证号：{html.escape(o.get('cert_no') or '—')}",
                f"证件状态：{html.escape(o.get('cert_status') or '—')}", f"有效期至：{html.escape(o.get('cert_expiry') or '—')}",
                f"在岗状态：{html.escape(o.get('duty_status') or '在岗')}"]
        if o.get("left_date"):
            bits.append(f"离岗日期：{html.escape(o['left_date'])}")
        if o.get("review_year"):
            bits.append(f"最近年审：{o['review_year']}年度{html.escape(o.get('review_result') or '')}")
        self.header.setText("　".join(bits))
        self.setWindowTitle(f"人员档案 — {o.get('name') or ''}")
        fill(self.timeline, [[i["date"], i["type"], i["text"]] for i in prof["timeline"]])
        rows = []
        for year, h in sorted(prof["hours"].items(), reverse=True):
            rows.append([year, *[float(h.get(c, 0.0)) for c in TRAINING_CATEGORIES], float(sum(h.values()))])
        fill(self.hours, rows)
        rows, refs = [], []
        for c in prof["cases"]:
            rows.append(["案件", c["date"], c.get("case_no") or "", c.get("case_type") or "", c.get("status") or ""])
            refs.append(("cases", c["id"]))
        for r in prof["inspections"]:
            rows.append(["行政检查", r["date"], r.get("target_name") or "", r.get("inspect_type") or "", ""])
            refs.append(("inspections", r["id"]))
        self._action_refs = refs
        fill(self.actions_table, rows)
        self.tabs.setTabText(2, f"执法活动（{len(rows)}）")
        self._fill_warnings()

    def _fill_warnings(self, *_):
        engine = getattr(self.window_, "rules_engine", None)
        result = getattr(engine, "result", None)
        o = self.profile["officer"]
        action_ids = {rid for _, rid in self._action_refs}
        rows = []
        for f in (result.findings if result else ()):
            mine = (f.record_type == "officers" and f.record_id == o["id"]) or (
                f.record_id in action_ids and f.code in ("RY-02", "RY-06") and (o.get("name") or "\0") in f.message)
            if mine:
                rows.append([f"{f.code} {f.title}", "红色" if f.severity == "red" else "黄色", f.ref, f.message,
                             f.due_date or ""])
        fill(self.warnings, rows)
        self.tabs.setTabText(3, f"预警（{len(rows)}）")

    def _on_changes(self, changes) -> None:
        if changes.touches("officers", "cert_events", "trainings", "cases", "inspections"):
            try:
                self.refresh()
            except UserError:  # the officer was deleted meanwhile
                self.reject()

    def _open_action(self, row: int, _col: int) -> None:
        if 0 <= row < len(self._action_refs) and hasattr(self.window_, "open_record"):
            self.window_.open_record(*self._action_refs[row])

    def add_event(self) -> dict | None:
        """The certificate-event form, filled in for this officer; the officer's status follows the event."""
        from .record_form import RecordForm

        o = self.profile["officer"]
        form = RecordForm(self.window_, LEDGERS["cert_events"], None,
                          defaults={"officer_name": o.get("name"), "officer_id": o["id"],
                                    "event_date": _dt.date.today().isoformat()})
        self._form = form
        form.exec()
        return form.saved_record


def _disconnect(signal, slot) -> None:
    try:
        signal.disconnect(slot)
    except (RuntimeError, TypeError):
        pass


def open_officer(window, record: dict) -> OfficerDialog:
    dlg = OfficerDialog(window, record["id"])
    window._officer_dialog = dlg  # kept alive while open
    dlg.show()
    return dlg


class PersonnelPage(QWidget):
    """执法人员统计: indicators per body and township, exam sampling, and the 年审汇总表."""

    def __init__(self, window, today: _dt.date | None = None):
        super().__init__(window)
        self.window_ = window
        self.store = window.store
        self.today = today or _dt.date.today()
        self.tables = []
        self.summary = None
        self._printer = None
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(self.today.year)
        self.run_button = QPushButton("统计")
        self.run_button.clicked.connect(self.run)
        self.export_button = QPushButton("导出年审汇总表…")
        self.export_button.clicked.connect(self.export_dialog)
        self.print_button = QPushButton("打印年审汇总表…")
        self.print_button.clicked.connect(self.print_preview)
        self.target_button = QPushButton("抽考目标…")
        self.target_button.setToolTip("县司法局设定本年度闭卷考试抽考比例（管理员）")
        self.target_button.clicked.connect(self.edit_target)
        self.target_button.setEnabled(allowed(window.actor, "settings"))
        row.addWidget(QLabel("年度"))
        row.addWidget(self.year)
        row.addWidget(self.run_button)
        row.addWidget(self.target_button)
        row.addStretch(1)
        row.addWidget(self.export_button)
        row.addWidget(self.print_button)
        lay.addLayout(row)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        self.status = QLabel("")
        lay.addWidget(self.status)
        self._shown = False

    def on_show(self) -> None:
        if not self._shown:
            self._shown = True
            self.run()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.on_show()

    def run(self) -> None:
        year = self.year.value()
        self.tables = pq.personnel_report(self.store, year, today=self.today)
        self.summary = pq.review_summary(self.store, year)
        self.tabs.clear()
        for t in [*self.tables, self.summary]:
            w = QWidget()
            v = QVBoxLayout(w)
            v.addWidget(_table(t.columns, t.rows), 1)
            for n in t.notes:
                note = QLabel("注：" + n)
                note.setWordWrap(True)
                v.addWidget(note)
            self.tabs.addTab(w, t.title.replace(f"{year}年度", ""))

    def edit_target(self) -> bool:
        """Admin: the county's sampling target (%) for the selected year, then the tables again."""
        year = self.year.value()
        current = pq.exam_targets(self.store).get(year, 0.0)
        value, ok = QInputDialog.getDouble(self, "抽考目标", f"{year}年度闭卷考试抽考比例（%）：", current, 0, 100, 0)
        if not ok:
            return False
        try:
            pq.set_exam_target(self.store, year, value)
        except UserError as exc:
            QMessageBox.warning(self, "抽考目标", exc.message)
            return False
        self.run()
        self.status.setText(f"已保存{year}年度抽考目标{value:g}%。")
        return True

    def export_dialog(self) -> None:
        if self.summary is None:
            self.run()
        default = f"{self.store.org.name}{self.summary.title}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "导出年审汇总表", default, "Excel 表格 (*.xlsx)")
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> bool:
        from sifasuo_desktop.xlsx.reports import export_tables_xlsx

        if self.summary is None:
            self.run()
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        try:
            export_tables_xlsx([self.summary], path, org_name=self.store.org.name)
        except UserError as exc:
            QMessageBox.warning(self, "导出年审汇总表", exc.message)
            return False
        self.status.setText(f"已导出：{path}")
        return True

    def html(self) -> str:
        import html

        t = self.summary
        parts = ["<html><body style='font-family: sans-serif;'>",
                 f"<h3 style='text-align:center'>{html.escape(t.title)}</h3>",
                 f"<p>填报单位：{html.escape(self.store.org.name)}　　填报日期：{self.today.isoformat()}</p>",
                 "<table border='1' cellspacing='0' cellpadding='3' width='100%' style='font-size:8pt;'>",
                 "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in t.columns) + "</tr>"]
        for r in t.rows:
            parts.append("<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in r) + "</tr>")
        parts.append("</table>")
        parts += [f"<p style='font-size:8pt;'>注：{html.escape(n)}</p>" for n in t.notes]
        parts.append("<p>审核人：　　　　　　　　负责人：　　　　　　　　（盖章）</p></body></html>")
        return "".join(parts)

    def print_preview(self) -> None:
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        if self.summary is None:
            self.run()
        self._printer = QPrinter(QPrinter.HighResolution)
        self._printer.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Landscape,
                                                self._printer.pageLayout().margins()))
        dlg = QPrintPreviewDialog(self._printer, self)
        dlg.setWindowTitle("打印执法证件年审汇总表")
        size_to_window(dlg, self)
        dlg.paintRequested.connect(self.render)
        self._preview = dlg
        dlg.exec()

    def render(self, printer) -> None:
        doc = QTextDocument()
        doc.setHtml(self.html())
        doc.setPageSize(printer.pageLayout().paintRect(QPageLayout.Point).size())
        doc.print_(printer)


def install(window) -> None:
    window.add_record_action("officers", "人员档案…", lambda rec: open_officer(window, rec))
    window.add_lazy_page("personnel", "执法人员统计", lambda: PersonnelPage(window), attr="personnel_page")
    window.add_menu_action("统计", "执法人员统计", lambda: window.show_page("personnel"))
