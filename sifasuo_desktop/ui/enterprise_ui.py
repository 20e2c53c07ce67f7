"""涉企行政检查 in the window (issue 13):
- the inspection form offers the body's 行政检查事项目录 items next to 检查事项 and flags at once an item that is not
  published (or not in force, or not in the catalog) on the 检查日期 — the same test JC-03 applies
  (domain/rules/inspections.item_problem);
- the 企业检查查询 page: one enterprise by 统一社会信用代码 → every inspection by every body in a year, the on-site
  count per body against the JC-01 cap and the JC rules that hit (what a county supervisor opens after a
  complaint); a double-click opens the inspection.
"""
from __future__ import annotations

import datetime as _dt

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.validators import parse_date

WARN_STYLE = "color: #c62828; font-weight: bold;"


def _jc():
    """domain/rules/inspections, imported when a form first needs it (the rules' package is not needed to open the
    window)."""
    from sifasuo_desktop.domain.rules import inspections

    return inspections


class InspectionItems:
    """Attached to an inspections RecordForm as `form.catalog`."""

    def __init__(self, form):
        from sifasuo_desktop.store.enterprise_queries import catalog_rows

        self.form = form
        form.catalog = self
        w = form.widgets
        if any(n not in w for n in ("item_name", "item_code", "body_id", "inspect_date")):
            return
        self.rows = catalog_rows(form.store)
        self.index = _jc().catalog_index(self.rows)
        lay = form.form
        self.picker = QComboBox(form)
        self.picker.setObjectName("item_picker")
        row = lay.getWidgetPosition(w["item_name"])[0]
        lay.insertRow(row + 1, "可选检查事项", self.picker)
        self.label = QLabel("")
        self.label.setObjectName("item_warning")
        self.label.setWordWrap(True)
        lay.insertRow(row + 2, "", self.label)
        self._filling = False
        self.picker.activated.connect(self._pick)
        body = w["body_id"]
        (body.currentIndexChanged if hasattr(body, "currentIndexChanged") else body.textChanged).connect(self.refill)
        w["item_name"].textChanged.connect(self.check)
        w["item_code"].textChanged.connect(self.check)
        w["inspect_date"].changed.connect(self.refill)
        for name in ("target_uscc", "method"):
            sig = getattr(w.get(name), "textChanged", None) or getattr(w.get(name), "currentIndexChanged", None)
            if sig is not None:
                sig.connect(self.check)
        self.refill()

    def _body_id(self):
        w = self.form.widgets["body_id"]
        return w.value() if hasattr(w, "value") else None

    def _day(self) -> _dt.date:
        try:
            iso = parse_date(self.form.widgets["inspect_date"].text())
        except ValueError:
            iso = None
        return _dt.date.fromisoformat(iso) if iso else _dt.date.today()

    def items_for_body(self) -> list[dict]:
        bid = self._body_id()
        return [r for r in self.rows if r.get("body_id") == bid]

    def refill(self, *_):
        items = self.items_for_body()
        day = self._day()
        self._filling = True
        self.picker.clear()
        self.picker.addItem("（选择本主体目录中的检查事项…）" if items else "（本主体尚无行政检查事项目录）", None)
        in_force = _jc().ITEM_IN_FORCE
        for it in sorted(items, key=lambda r: (r.get("code") or "", r.get("name") or "")):
            live = (it.get("status") or "") in in_force
            pub = it.get("published_date")
            state = "已停用" if not live else (f"{pub}公布" if pub and pub <= day.isoformat() else
                                              f"未公布（{pub}公布）" if pub else "未登记公布日期")
            self.picker.addItem(f"{it.get('code') or '—'}｜{it.get('name')}｜{state}", it)
        self._filling = False
        self.check()

    def _pick(self, index: int) -> None:
        it = self.picker.itemData(index)
        if it:
            self.form.widgets["item_name"].setText(it.get("name") or "")
            self.form.widgets["item_code"].setText(it.get("code") or "")
            self.check()

    def check(self, *_):
        if self._filling:
            return
        w = self.form.widgets
        rec = {"item_name": w["item_name"].text(), "item_code": w["item_code"].text(), "body_id": self._body_id()}
        why = _jc().item_problem(rec, self.index, self._day())
        uscc = w["target_uscc"].text() if "target_uscc" in w else ""
        method = w["method"].value() if "method" in w and hasattr(w["method"], "value") else None
        jc = _jc()
        relevant = jc.on_site({"method": method}) and jc.enterprise({"target_uscc": uscc})
        if why and (rec["item_name"].strip() or rec["item_code"].strip()):
            self.label.setStyleSheet(WARN_STYLE)
            self.label.setText(why + "（未公布的事项不得检查，JC-03）")
            w["item_name"].setStyleSheet("border: 1px solid #d32f2f; background: #fff5f5;")
        else:
            w["item_name"].setStyleSheet("")
            self.label.setStyleSheet("color: #a15c00;" if why and relevant else "")
            self.label.setText("涉企现场检查须填写本主体已公布的检查事项（JC-03）" if why and relevant else "")

    @property
    def warning(self) -> bool:
        return "不得检查" in self.label.text()


class EnterprisePage(QWidget):
    COLUMNS = ["检查日期", "执法主体", "乡镇", "检查类型", "检查方式", "检查事项", "任务来源", "审批日期", "报备时间",
               "企业评价", "检查人员", "预警"]

    def __init__(self, window, today: _dt.date | None = None):
        super().__init__(window)
        self.window_, self.store = window, window.store
        self.today = today or _dt.date.today()
        self.view: dict | None = None
        lay = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(QLabel("统一社会信用代码"))
        self.code = QLineEdit()
        self.code.setObjectName("enterprise_code")
        self.code.setPlaceholderText("18位统一社会信用代码（或企业名称）")
        self.code.returnPressed.connect(self.run)
        head.addWidget(self.code, 1)
        head.addWidget(QLabel("年度"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(self.today.year)
        head.addWidget(self.year)
        self.run_button = QPushButton("查询")
        self.run_button.clicked.connect(self.run)
        head.addWidget(self.run_button)
        lay.addLayout(head)
        self.summary = QLabel("输入企业的统一社会信用代码，查看本年度各执法主体对该企业的全部检查、频次上限和涉企检查预警。")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.Stretch)
        self.table.cellDoubleClicked.connect(self._open)
        lay.addWidget(self.table, 1)

    def show_enterprise(self, code: str, year: int | None = None) -> None:
        self.code.setText(code)
        if year:
            self.year.setValue(int(year))
        self.run()

    def run(self) -> None:
        from sifasuo_desktop.store.enterprise_queries import enterprise_view

        try:
            v = enterprise_view(self.store, self.code.text(), self.year.value(), self.today)
        except UserError as exc:
            self.view = None
            self.table.setRowCount(0)
            self.summary.setStyleSheet("color: #c62828;")
            self.summary.setText(exc.message)
            return
        self.view = v
        caps = "；".join(f"{p['body']}现场检查{p['counted']}次" + ("（超过上限）" if p["over"] else "")
                        for p in v["per_body"]) or "无计入频次的现场检查"
        hit = "、".join(v["codes_hit"]) or "无"
        plan = "；".join(f"{b['body']}：{b['message']}" for b in v["body_findings"])
        self.summary.setStyleSheet("color: #c62828;" if v["codes_hit"] else "")
        self.summary.setText(f"{v['name']}（{v['code']}）{v['year']}年：共{len(v['rows'])}次检查。"
                             f"同一主体每年现场检查上限{v['cap']}次（个案检查、联合检查不计）：{caps}。"
                             f"涉企检查预警：{hit}。" + (f"年度计划：{plan}" if plan else ""))
        self.table.setRowCount(len(v["rows"]))
        for r, row in enumerate(v["rows"]):
            warn = "；".join(f"{f['code']} {f['message']}" for f in row["findings"])
            cells = [row["inspect_date"], row["body"], row["township"], row["inspect_type"] +
                     ("（联合）" if row["is_joint"] else ""), row["method"] or "现场检查", row["item_name"],
                     row["task_source"], row["approval_date"], row["report_time"], row["rating"], row["officers"], warn]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text or "")
                if c == len(cells) - 1 and any(f["severity"] == "red" for f in row["findings"]):
                    item.setForeground(QColor("#c62828"))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def _open(self, row: int, _col: int) -> None:
        if self.view and 0 <= row < len(self.view["rows"]):
            self.window_.open_record("inspections", self.view["rows"][row]["id"])


def install(window) -> None:
    window.add_form_hook("inspections", lambda form: InspectionItems(form))
    window.add_lazy_page("enterprise", "企业检查查询", lambda: EnterprisePage(window), attr="enterprise_page")
    window.add_menu_action("监督", "企业检查查询（涉企检查）", lambda: window.show_page("enterprise"))

    def open_enterprise(record):
        if record and (record.get("target_uscc") or record.get("target_name")):
            window.show_page("enterprise")
            window.enterprise_page.show_enterprise(record.get("target_uscc") or record.get("target_name"),
                                                   int(str(record.get("inspect_date") or "")[:4] or 0) or None)
    window.add_record_action("inspections", "查看该企业全部检查", open_enterprise)
