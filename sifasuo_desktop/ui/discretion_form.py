"""The case form's 处理结果与裁量 section (issue 15): pickers offering the 包容审慎清单 items and the 行政裁量权基准
rows for the case's 违法行为 (案由), the allowed fine range shown under the 罚款金额, and an immediate warning
when the fine lies outside it (the same test CF-03 applies: domain/rules/discretion.py)."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel

from sifasuo_desktop.domain.validators import parse_amount
from sifasuo_desktop.store.exemplary_queries import discretion_catalogs

WARN_STYLE = "color: #c62828; font-weight: bold;"


def install(window) -> None:
    window.add_form_hook("cases", lambda form: CaseDiscretion(form))


def _norm(text) -> str:
    return "".join(str(text or "").split())


def _matches(violation, cause) -> bool:
    a, b = _norm(violation), _norm(cause)
    return bool(a and b) and (a in b or b in a)


class CaseDiscretion:
    """Attached to a cases RecordForm as `form.discretion`."""

    def __init__(self, form):
        self.form = form
        form.discretion = self
        w = form.widgets
        needed = ("cause", "fine_amount", "list_item", "discretion_code", "discretion_level")
        if any(n not in w for n in needed):
            return
        try:
            self.items, self.standards = discretion_catalogs(form.store)
        except Exception:  # an older database without the catalogs: the plain fields stay usable
            self.items, self.standards = [], []
        lay = form.form
        self.list_picker = QComboBox(form)
        self.list_picker.setObjectName("list_picker")
        self.standard_picker = QComboBox(form)
        self.standard_picker.setObjectName("standard_picker")
        row = lay.getWidgetPosition(w["list_item"])[0]
        lay.insertRow(row + 1, "可选清单事项", self.list_picker)
        row = lay.getWidgetPosition(w["discretion_code"])[0]
        lay.insertRow(row, "可选裁量基准", self.standard_picker)
        self.range_label = QLabel("")
        self.range_label.setObjectName("fine_range")
        self.range_label.setWordWrap(True)
        row = lay.getWidgetPosition(w["fine_amount"])[0]
        lay.insertRow(row + 1, "裁量范围", self.range_label)
        self._filling = False
        self.list_picker.activated.connect(self._pick_item)
        self.standard_picker.activated.connect(self._pick_standard)
        w["cause"].textChanged.connect(self.refill)
        w["fine_amount"].textChanged.connect(self.check_fine)
        w["discretion_code"].textChanged.connect(self.check_fine)
        w["discretion_level"].currentIndexChanged.connect(self.check_fine)
        self.refill()

    # ------------------------------------------------------------------ pickers
    def _cause(self) -> str:
        return self.form.widgets["cause"].text()

    def refill(self) -> None:
        from sifasuo_desktop.domain.rules.discretion import range_text   # the rules' package: on first use

        cause = self._cause()
        items = [i for i in self.items if _matches(i["violation"], cause)] or ([] if cause else self.items)
        stds = [s for s in self.standards if _matches(s["violation"], cause)] or ([] if cause else self.standards)
        self._filling = True
        self.list_picker.clear()
        self.list_picker.addItem("（选择清单事项…）" if items else "（无与案由对应的清单事项）", None)
        for it in items:
            self.list_picker.addItem(f"{it['list_type']}｜{it['code'] or '—'}｜{it['violation']}", it)
        self.standard_picker.clear()
        self.standard_picker.addItem("（选择裁量基准…）" if stds else "（无与案由对应的裁量基准）", None)
        for s in stds:
            self.standard_picker.addItem(f"{s['code']}｜{s['level']}｜{range_text(s['fine_min'], s['fine_max'])}｜"
                                         f"{s['violation'] or ''}", s)
        self._filling = False
        self.check_fine()

    def _pick_item(self, index: int) -> None:
        it = self.list_picker.itemData(index)
        if it:
            self.form.widgets["list_item"].setText(it["code"] or it["violation"])

    def _pick_standard(self, index: int) -> None:
        s = self.standard_picker.itemData(index)
        if s:
            self.form.widgets["discretion_code"].setText(s["code"])
            self.form.widgets["discretion_level"].set_value(s["level"])
            self.check_fine()

    # ------------------------------------------------------------------ range and warning
    def current_standard(self) -> list[dict]:
        code = _norm(self.form.widgets["discretion_code"].text()).upper()
        level = self.form.widgets["discretion_level"].value()
        if not code or not level:
            return []
        rows = [s for s in self.standards if _norm(s["code"]).upper() == code and s["level"] == level]
        own = [s for s in rows if s["owner_org"] == getattr(self.form.store.org, "code", None)]
        return own or rows

    def check_fine(self, *_):
        from sifasuo_desktop.domain.rules.discretion import fine_inside, range_text

        if self._filling:
            return
        rows = self.current_standard()
        code = self.form.widgets["discretion_code"].text().strip()
        fine_w = self.form.widgets["fine_amount"]
        if not rows:
            self.range_label.setStyleSheet("color: #a15c00;" if code else "")
            self.range_label.setText("裁量基准台账中没有该编码和阶次" if code and self.form.widgets["discretion_level"].value()
                                     else "选择裁量基准后显示罚款范围")
            fine_w.setStyleSheet("")
            return
        text = "；".join(range_text(s["fine_min"], s["fine_max"]) for s in rows)
        try:
            fine = parse_amount(fine_w.text()) if fine_w.text().strip() else None
        except ValueError:
            fine = None
        if fine is not None and not any(fine_inside(fine, s) for s in rows):
            self.range_label.setStyleSheet(WARN_STYLE)
            self.range_label.setText(f"允许罚款{text}；当前罚款{fine:g}元超出裁量基准范围")
            fine_w.setStyleSheet("border: 1px solid #d32f2f; background: #fff5f5;")
        else:
            self.range_label.setStyleSheet("")
            self.range_label.setText(f"允许罚款{text}")
            fine_w.setStyleSheet("")

    @property
    def warning(self) -> bool:
        return "超出" in self.range_label.text()
