"""首页 (dashboard): first "what must I do this week" (overdue and due-soon items by type), then counts by month,
then charts (cases by month and type, warnings by rule, rectification rate). Printable.

Figures are computed after the window is shown (QTimer), and again after a committed change while visible
(debounced), never during start-up.
"""
from __future__ import annotations

import datetime as _dt
import gc
import threading

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter, QPageLayout, QPageSize
from PySide6.QtWidgets import (QAbstractItemView, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QScrollArea, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from sifasuo_desktop.store import stats_queries as sq

from .charts import ChartSpec, ChartWidget, paint_chart
from .widgets import size_to_window

MONTHS = [f"{m}月" for m in range(1, 13)]
WEEK = "__week__"   # the 本周内到期 card's filter
SEVERITY_TEXT = {"red": "逾期/已违反", "yellow": "即将到期"}


def type_label(record_type: str) -> str:
    """The Chinese name of a to-do item's record type (complaints, supervision_plans... showed as table names)."""
    from sifasuo_desktop.domain.ledgers import LEDGERS

    led = LEDGERS.get(record_type)
    return sq.RECORD_TYPE_LABELS.get(record_type) or (led.title if led else record_type)
MAX_ROWS = 300
WATCHED = {"cases", "inspections", "officers", "trainings", "problems", "problem_steps", "documents", "reviews",
           "bodies", "powers", "service_receipts", "holidays", "settings", "visits", "report_calendar",
           "report_submissions", "complaints", "plan_tasks", "supervision_plans", "inspection_items",
           "inspection_plans"}


def compute(store, today: _dt.date, check_result=None) -> dict:
    series = sq.monthly_series(store, today.year)
    if series.get("year") == today.year:
        # a rate "at the end of December" is not known in November: leave months still to come blank
        series["rectification_rate"] = [v if m <= today.month else None
                                        for m, v in enumerate(series["rectification_rate"], start=1)]
    from sifasuo_desktop.store.report_calendar_ops import report_status

    from sifasuo_desktop.store.enterprise_queries import card

    return {"today": today, "week": sq.week_items(store, today, check_result), "series": series,
            "reports": report_status(store, today), "enterprise": card(store, today)}


class DashboardPage(QWidget):
    def __init__(self, window, today: _dt.date | None = None):
        super().__init__(window)
        self.window_ = window
        self.store = window.store
        self.fixed_today = today
        self.data: dict | None = None
        self._printer = None       # kept alive while the print preview is open
        self._dirty = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(400)
        self._timer.timeout.connect(self.refresh_async)
        self._generation = 0
        # the worker thread only fills a plain dict; a timer owned by this page picks the result up, so a
        # thread finishing after the page is gone touches no Qt object
        self._job: dict | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(50)
        self._poll.timeout.connect(self._check_job)
        self.busy = False

        outer = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel(f"{self.store.org.name} — 首页")
        self.title.setStyleSheet("font-size: 20px; font-weight: bold;")
        head.addWidget(self.title)
        head.addStretch(1)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh_async)
        self.print_button = QPushButton("打印 (Ctrl+P)")
        self.print_button.setShortcut("Ctrl+P")
        self.print_button.clicked.connect(self.print_preview)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.clicked.connect(self.export_dialog)
        head.addWidget(self.refresh_button)
        head.addWidget(self.export_button)
        head.addWidget(self.print_button)
        outer.addLayout(head)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget()
        lay = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        sec = QLabel("本周要办的事")
        sec.setStyleSheet("font-size: 16px; font-weight: bold; margin-top: 4px;")
        lay.addWidget(sec)
        self.summary_label = QLabel("正在统计…")
        self.summary_label.setWordWrap(True)
        lay.addWidget(self.summary_label)
        self.cards = QGridLayout()
        lay.addLayout(self.cards)
        self.all_button = QPushButton("全部")
        self.all_button.setMinimumHeight(48)
        self.all_button.clicked.connect(lambda: self.set_type_filter(None))
        self.cards.addWidget(self.all_button, 0, 0)
        # second card: only what falls due between today and Sunday, nearest first
        self.week_button = QPushButton("本周内到期")
        self.week_button.setMinimumHeight(48)
        self.week_button.clicked.connect(lambda: self.set_type_filter(WEEK))
        self.cards.addWidget(self.week_button, 0, 1)
        self._week_range = ("", "")
        self._type_buttons: dict[str, QPushButton] = {}
        for n, (rtype, label) in enumerate(sq.RECORD_TYPE_LABELS.items(), start=2):
            b = QPushButton(label)
            b.setMinimumHeight(48)
            b.clicked.connect(lambda _=False, t=rtype: self.set_type_filter(t))
            self.cards.addWidget(b, n // 5, n % 5)
            b.hide()
            self._type_buttons[rtype] = b
        self.card_buttons: dict[str, QPushButton] = {}
        # 涉企检查 this year (issue 13): on-site inspections, 报备率, 计划内占比, 不满意率; opens the 企业检查查询 page
        self.enterprise_card = QPushButton("涉企检查")
        self.enterprise_card.setObjectName("enterprise_card")
        self.enterprise_card.setMinimumHeight(48)
        self.enterprise_card.clicked.connect(lambda: self.window_.show_page("enterprise"))
        lay.addWidget(self.enterprise_card)
        self.notice_label = QLabel("")
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet("color: #8a6d00;")
        lay.addWidget(self.notice_label)
        self.todo = QTableWidget(0, 6)
        self.todo.setHorizontalHeaderLabels(["程度", "类型", "编号/名称", "规则", "说明", "期限"])
        self.todo.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.todo.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.todo.verticalHeader().setVisible(False)
        self.todo.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)
        self.todo.setMinimumHeight(320)   # about ten of this week's items without scrolling
        self.todo.cellDoubleClicked.connect(self._open_item)
        lay.addWidget(self.todo)
        self.type_filter: str | None = None

        sec = QLabel("报送日历（应向县司法局报送）")
        sec.setStyleSheet("font-size: 16px; font-weight: bold; margin-top: 8px;")
        lay.addWidget(sec)
        self.reports = QTableWidget(0, 4)
        self.reports.setHorizontalHeaderLabels(["报送事项", "所属期", "截止日期", "状态"])
        self.reports.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.reports.verticalHeader().setVisible(False)
        self.reports.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.reports.setMinimumHeight(150)
        lay.addWidget(self.reports)

        sec = QLabel("本年按月统计")
        sec.setStyleSheet("font-size: 16px; font-weight: bold; margin-top: 8px;")
        lay.addWidget(sec)
        self.months = QTableWidget(0, 13)
        self.months.setHorizontalHeaderLabels(["项目"] + MONTHS)
        self.months.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.months.verticalHeader().setVisible(False)
        self.months.setMinimumHeight(120)
        lay.addWidget(self.months)

        charts = QGridLayout()
        self.chart_cases = ChartWidget()
        self.chart_rules = ChartWidget()
        self.chart_rect = ChartWidget()
        charts.addWidget(self.chart_cases, 0, 0, 1, 2)
        charts.addWidget(self.chart_rules, 1, 0)
        charts.addWidget(self.chart_rect, 1, 1)
        for w in (self.chart_cases, self.chart_rules, self.chart_rect):
            w.setMinimumHeight(260)
        lay.addLayout(charts)
        QTimer.singleShot(0, self.on_show)  # refresh only if on_show has not already (bench: -1 full check at start-up)

    # ------------------------------------------------------------------ refresh
    def today(self) -> _dt.date:
        return self.fixed_today or _dt.date.today()

    def on_show(self) -> None:
        if self._dirty:
            self.refresh_async()

    def on_changes(self, changes) -> None:
        if not changes.touches(*WATCHED):
            return
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def refresh(self) -> None:
        """Recompute now, in the UI thread (tests, small data)."""
        self._dirty = False
        self._generation += 1
        self.busy = False
        self._show(compute(self.store, self.today()))

    def refresh_async(self) -> None:
        """Recompute in a worker thread on its own read connection (the warning rules over 100,000 cases take
        seconds); the newest result wins, older ones are dropped."""
        self._dirty = False
        self._generation += 1
        gen, data_dir, today = self._generation, self.store.data_dir, self.today()
        check_result = self._shared_check_result()
        if check_result is False:  # the warnings engine is still computing: its `updated` brings us back
            self._dirty = True
            if self.data is None:
                self.summary_label.setText("正在统计…")
            return
        self.busy = True
        if self.data is None:
            self.summary_label.setText("正在统计…")
        job = {"gen": gen, "done": False, "result": None}
        self._job = job

        def work():
            from sifasuo_desktop.store import Store

            try:
                st = Store.open(data_dir, create=False)
                try:
                    job["result"] = compute(st, today, check_result)
                finally:
                    st.close()
            except Exception as exc:  # noqa: BLE001 - reported in the page
                job["result"] = exc
            job["done"] = True
        # collect the main thread's garbage first: a collection triggered inside the worker would otherwise free
        # Qt wrappers (closed dialogs, old pages) off the GUI thread, which can crash PySide
        gc.collect()
        threading.Thread(target=work, name="dashboard-refresh", daemon=True).start()
        self._poll.start()

    def _shared_check_result(self):
        """The warnings engine's latest result (so the rules run once, not twice, per change — each run holds
        every record in memory for a moment). None: compute here; False: wait for the engine."""
        engine = getattr(self.window_, "rules_engine", None)
        if engine is None or self.fixed_today is not None or getattr(engine, "today", None) is not None:
            return None
        if not getattr(self, "_engine_connected", False):
            self._engine_connected = True
            engine.updated.connect(self._engine_updated)
        if engine.result is None or engine.busy:
            return False
        return engine.result

    def _engine_updated(self) -> None:
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def _check_job(self) -> None:
        job = self._job
        if job is None or job["gen"] != self._generation:
            self._poll.stop()
            return
        if not job["done"]:
            return
        self._poll.stop()
        self._job = None
        self.busy = False
        if isinstance(job["result"], Exception):
            self.summary_label.setText(f"统计失败：{job['result']}")
            return
        self._show(job["result"])

    def _show(self, data: dict) -> None:
        self.data = data
        week, series = data["week"], data["series"]
        self._fill_week(week, data["today"])
        self._fill_reports(data.get("reports") or [])
        self._fill_enterprise(data.get("enterprise"))
        self._fill_months(series)
        self._fill_charts(week, series)

    def _fill_enterprise(self, e: dict | None) -> None:
        if not e:
            self.enterprise_card.hide()
            return
        from sifasuo_desktop.domain.stats import fmt_rate

        self.enterprise_card.show()
        self.enterprise_card.setText(
            f"涉企检查（{e['year']}年）：现场检查 {e['on_site']} 次 · 检查企业 {e['enterprises']} 家 · "
            f"报备率 {fmt_rate(e['report_rate'])} · 计划内占比 {fmt_rate(e['planned_rate'])} · "
            f"企业评价不满意率 {fmt_rate(e['unsatisfied_rate'])}")

    def _fill_reports(self, reports: list[dict]) -> None:
        """The 报送 calendar: a late item is a warning (red text), one due within a week yellow."""
        self.reports.setRowCount(len(reports))
        colours = {"逾期": QColor("#c62828"), "即将到期": QColor("#b26a00")}
        for r, it in enumerate(reports):
            status = it["status"] + (f"（{it['submitted_date']}）" if it.get("submitted_date") else "")
            for c, text in enumerate((it["name"], it["period"], it["due_date"], status)):
                cell = QTableWidgetItem(text)
                if it["status"] in colours:
                    cell.setForeground(colours[it["status"]])
                self.reports.setItem(r, c, cell)

    def _fill_week(self, week: dict, today: _dt.date) -> None:
        items = week["items"]
        red = sum(1 for i in items if i["severity"] == "red")
        yellow = len(items) - red
        end = today + _dt.timedelta(days=6 - today.weekday())
        # the two numbers that answer "what must I do this week" come first; the totals include old cases
        t, e, week_ago = today.isoformat(), end.isoformat(), (today - _dt.timedelta(days=7)).isoformat()
        due_week = sum(1 for i in items if t <= (i.get("due_date") or "") <= e)
        new_red = sum(1 for i in items if i["severity"] == "red" and week_ago <= (i.get("due_date") or "") < t)
        self.summary_label.setText(
            f"今天是 {today.isoformat()}（本周至 {end.isoformat()}）。本周内到期 {due_week} 项，近 7 天新逾期 {new_red} 项；"
            f"共需处理：逾期或已违反 {red} 项，即将到期 {yellow} 项。"
            + (f"（另有已处置的预警 {week['handled']} 项，不再列入。）" if week.get("handled") else ""))
        self.all_button.setText(f"全部\n红 {red} · 黄 {yellow}")
        self._week_range = (t, e)
        self.week_button.setText(f"本周内到期\n{due_week} 项")
        self.week_button.setStyleSheet("QPushButton { border: 2px solid #b26a00; }" if due_week else "")
        self.card_buttons = {}
        for rtype, b in self._type_buttons.items():
            c = week["by_type"].get(rtype)
            if not c:
                b.hide()
                continue
            b.setText(f"{sq.RECORD_TYPE_LABELS[rtype]}\n红 {c['red']} · 黄 {c['yellow']}")
            b.setStyleSheet("QPushButton { border: 2px solid #c62828; }" if c["red"] else "")
            b.show()
            self.card_buttons[rtype] = b
        self.notice_label.setText("\n".join(week["notices"]))
        self.notice_label.setVisible(bool(week["notices"]))
        self._fill_todo()

    def set_type_filter(self, rtype: str | None) -> None:
        self.type_filter = rtype
        self._fill_todo()

    def visible_items(self) -> list[dict]:
        if not self.data:
            return []
        items = self.data["week"]["items"]
        if self.type_filter == WEEK:
            t, e = self._week_range
            return sorted((i for i in items if t <= (i.get("due_date") or "") <= e),
                          key=lambda i: (i.get("due_date") or "", i.get("ref") or ""))
        if self.type_filter:
            items = [i for i in items if i["record_type"] == self.type_filter]
        return items

    def _fill_todo(self) -> None:
        items = self.visible_items()
        shown = items[:MAX_ROWS]
        self.todo.setRowCount(len(shown))
        for r, i in enumerate(shown):
            cells = [SEVERITY_TEXT.get(i["severity"], i["severity"]), type_label(i["record_type"]),
                     i.get("ref") or "", f"{i.get('code', '')} {i.get('title') or ''}".strip(), i.get("message") or "",
                     i.get("due_date") or ""]
            for c, text in enumerate(cells):
                it = QTableWidgetItem(str(text))
                if c == 0:
                    it.setForeground(QColor("#c62828" if i["severity"] == "red" else "#a66b00"))
                    it.setData(Qt.UserRole, (i["record_type"], i["record_id"]))
                self.todo.setItem(r, c, it)
        self.todo.resizeColumnsToContents()
        self.todo.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)
        if len(items) > MAX_ROWS:
            self.todo.setToolTip(f"共 {len(items)} 项，只列出最紧急的 {MAX_ROWS} 项；完整清单见“预警”页。")

    def _open_item(self, row: int, _col: int) -> None:
        it = self.todo.item(row, 0)
        if it is None:
            return
        table, record_id = it.data(Qt.UserRole)
        if table == "problems":
            from .problem_panel import open_problem_dialog

            open_problem_dialog(self.window_, record_id)
        else:
            self.window_.open_record(table, record_id)

    def _fill_months(self, s: dict) -> None:
        rows = [("立案/受理（件）", s["cases_filed"]), ("作出决定（件）", s["decisions"]),
                ("行政检查（次）", s["inspections"]), ("发现问题（个）", s["problems_found"]),
                ("问题销号（个）", s["problems_closed"]),
                ("整改率（累计）", [("—" if v is None else f"{v * 100:.0f}%") for v in s["rectification_rate"]])]
        self.month_rows = rows
        self.months.setRowCount(len(rows))
        for r, (label, vals) in enumerate(rows):
            self.months.setItem(r, 0, QTableWidgetItem(label))
            for m, v in enumerate(vals, start=1):
                it = QTableWidgetItem(str(v))
                it.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.months.setItem(r, m, it)
        self.months.resizeColumnsToContents()
        # exactly as tall as its rows: no empty band under the table
        self.months.setFixedHeight(self.months.horizontalHeader().sizeHint().height() + 2 * self.months.frameWidth() + 2
                                   + sum(self.months.rowHeight(r) for r in range(self.months.rowCount())))

    def chart_specs(self) -> list[ChartSpec]:
        if not self.data:
            return []
        s, week = self.data["series"], self.data["week"]
        year = s["year"]
        cases = ChartSpec("stacked", f"{year}年各月立案/受理案件（按类型）", MONTHS,
                          [(k, v) for k, v in s["cases_by_type"].items()])
        rules = week["by_rule"]
        warn = ChartSpec("bar", "当前预警（按规则）", list(rules) or ["—"], [("预警数", list(rules.values()) or [0])])
        rect = ChartSpec("line", f"{year}年问题整改率（截至各月末）", MONTHS, [("整改率", s["rectification_rate"])],
                         percent=True)
        return [cases, warn, rect]

    def _fill_charts(self, week, series) -> None:
        specs = self.chart_specs()
        for w, spec in zip((self.chart_cases, self.chart_rules, self.chart_rect), specs):
            w.set_spec(spec)

    # ------------------------------------------------------------------ export
    def export_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(self, "导出首页数据", f"首页概况{self.today().isoformat()}.xlsx",
                                              "Excel 表格 (*.xlsx)")
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> bool:
        """This week's items and the counts by month, each on its own sheet."""
        from PySide6.QtWidgets import QMessageBox

        from sifasuo_desktop.domain.errors import UserError
        from sifasuo_desktop.xlsx.writer import Column, add_table_sheet, new_workbook, save

        if self.data is None:
            self.refresh()
        org = self.store.org.name
        wb = new_workbook()
        items = self.data["week"]["items"]
        add_table_sheet(wb, f"本周要办的事（{self.data['today'].isoformat()}）",
                        [Column("程度"), Column("类型"), Column("编号/名称"), Column("规则"), Column("说明", "longtext"),
                         Column("期限", "date")],
                        [[SEVERITY_TEXT.get(i["severity"], ""), type_label(i["record_type"]),
                          i.get("ref") or "", f"{i.get('code', '')} {i.get('title') or ''}".strip(),
                          i.get("message") or "", i.get("due_date")] for i in items],
                        org_name=org, sheet_name="本周要办")
        add_table_sheet(wb, f"{self.data['series']['year']}年按月统计", [Column("项目")] + [Column(m) for m in MONTHS],
                        [[label, *vals] for label, vals in self.month_rows], org_name=org, sheet_name="按月统计")
        try:
            save(wb, path)
        except UserError as exc:
            QMessageBox.warning(self, "导出Excel", exc.message)
            return False
        return True

    # ------------------------------------------------------------------ printing
    def print_preview(self) -> None:
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        if self.data is None:
            self.refresh()
        self._printer = QPrinter(QPrinter.HighResolution)
        self._printer.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Landscape,
                                                self._printer.pageLayout().margins()))
        dlg = QPrintPreviewDialog(self._printer, self)
        dlg.setWindowTitle("打印首页")
        size_to_window(dlg, self)
        dlg.paintRequested.connect(self.render_pages)
        self._preview = dlg
        dlg.exec()

    def render_pages(self, printer) -> int:
        """Page 1: this week's list (first rows) and counts by month; page 2: the three charts. Returns pages."""
        p = QPainter()
        if not p.begin(printer):
            return 0
        try:
            page = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
            page.moveTo(0, 0)
            self._paint_text_page(p, page)
            printer.newPage()
            specs = self.chart_specs()
            h = page.height() / 2
            if specs:
                paint_chart(p, QRectF(page.left(), page.top(), page.width(), h - 10), specs[0], base_pt=10)
                paint_chart(p, QRectF(page.left(), page.top() + h + 10, page.width() / 2 - 10, h - 10), specs[1],
                            base_pt=10)
                paint_chart(p, QRectF(page.left() + page.width() / 2 + 10, page.top() + h + 10,
                                      page.width() / 2 - 10, h - 10), specs[2], base_pt=10)
        finally:
            p.end()
        return 2

    def _paint_text_page(self, p: QPainter, page: QRectF) -> None:
        f = QFont(p.font())
        f.setPointSizeF(14)
        f.setBold(True)
        p.setFont(f)
        lh = p.fontMetrics().height()
        y = page.top()
        p.drawText(QRectF(page.left(), y, page.width(), lh * 1.2), Qt.AlignHCenter,
                   f"{self.store.org.name} 首页概况（{self.data['today'].isoformat()}）")
        y += lh * 1.6
        f.setPointSizeF(9.5)
        f.setBold(False)
        p.setFont(f)
        lh = p.fontMetrics().height()
        p.drawText(QRectF(page.left(), y, page.width(), lh * 2.2), Qt.TextWordWrap, self.summary_label.text())
        y += lh * 2.4
        items = self.visible_items()
        limit = max(int((page.height() * 0.55) // (lh * 1.15)) - 1, 5)
        cols = [0.08, 0.1, 0.2, 0.14, 0.38, 0.1]
        heads = ["程度", "类型", "编号/名称", "规则", "说明", "期限"]
        y = self._paint_row(p, page, y, lh, cols, heads, bold=True)
        for i in items[:limit]:
            y = self._paint_row(p, page, y, lh, cols, [
                SEVERITY_TEXT.get(i["severity"], ""), type_label(i["record_type"]),
                i.get("ref") or "", i.get("code") or "", i.get("message") or "", i.get("due_date") or ""])
        if len(items) > limit:
            p.drawText(QRectF(page.left(), y, page.width(), lh), Qt.AlignLeft, f"……另有 {len(items) - limit} 项未列出")
            y += lh
        y += lh
        mcols = [0.16] + [0.07] * 12
        y = self._paint_row(p, page, y, lh, mcols, ["项目"] + MONTHS, bold=True)
        for label, vals in self.month_rows:
            y = self._paint_row(p, page, y, lh, mcols, [label] + [str(v) for v in vals])

    @staticmethod
    def _paint_row(p, page, y, lh, fractions, texts, bold=False) -> float:
        f = QFont(p.font())
        f.setBold(bold)
        p.setFont(f)
        x = page.left()
        h = lh * 1.15
        for frac, text in zip(fractions, texts):
            w = page.width() * frac
            p.drawRect(QRectF(x, y, w, h))
            elided = p.fontMetrics().elidedText(str(text), Qt.ElideRight, int(w - 6))
            p.drawText(QRectF(x + 3, y, w - 6, h), Qt.AlignVCenter | Qt.AlignLeft, elided)
            x += w
        f.setBold(False)
        p.setFont(f)
        return y + h

