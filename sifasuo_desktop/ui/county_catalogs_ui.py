"""检查清单与报送日历 (issue 16): the county edits the 监督检查清单 (items as data; saving makes a new version,
visits keep the version they used) and the 报送日历 (the dates townships owe it); both go down to every township
in the county's sync package. A township (or an account without 修改设置) sees them read-only."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton, QSpinBox,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from sifasuo_desktop.domain import report_calendar as rc
from sifasuo_desktop.domain.errors import UserError, ValidationError
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.store import checklist_ops as cops
from sifasuo_desktop.store import report_calendar_ops as rops
from sifasuo_desktop.ui.unsaved import DiscardGuard, remember
from sifasuo_desktop.ui.widgets import FitDialog

ITEM_COLS = ("编号", "检查项目", "查看材料")
CAL_COLS = ("报送事项", "周期", "截止规则", "启用", "说明")


def can_edit(store) -> bool:
    return store.meta("role") == "county" and allowed(store.actor, "settings")


def _error_label() -> QLabel:
    lab = QLabel("")
    lab.setStyleSheet("color: #b00020;")
    lab.setWordWrap(True)
    return lab


class ChecklistEditor(QWidget):
    """The checklist versions; in a county (修改设置) the shown version's items can be edited and saved as a new
    version, which becomes the one new visits use."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.editable = can_edit(store)
        lay = QVBoxLayout(self)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        top = QHBoxLayout()
        top.addWidget(QLabel("版本"))
        self.version_box = QComboBox()
        self.version_box.setObjectName("checklist_versions")
        self.version_box.currentIndexChanged.connect(lambda _i: self._show_version())
        top.addWidget(self.version_box, 1)
        lay.addLayout(top)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText("例如：2027年版")
        form.addRow("清单名称", self.name_edit)
        form.addRow("新版本号", self.label_edit)
        lay.addLayout(form)
        self.table = QTableWidget(0, len(ITEM_COLS))
        self.table.setHorizontalHeaderLabels(ITEM_COLS)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table, 1)
        self.error = _error_label()
        lay.addWidget(self.error)
        row = QHBoxLayout()
        self.add_button = QPushButton("添加项目")
        self.add_button.clicked.connect(self.add_item)
        self.remove_button = QPushButton("删除项目")
        self.remove_button.clicked.connect(self.remove_item)
        self.up_button = QPushButton("上移")
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button = QPushButton("下移")
        self.down_button.clicked.connect(lambda: self.move(1))
        self.save_button = QPushButton("保存为新版本")
        self.save_button.clicked.connect(self.save)
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.save_button)
        lay.addLayout(row)
        for w in (self.add_button, self.remove_button, self.up_button, self.down_button, self.save_button,
                  self.name_edit, self.label_edit):
            w.setVisible(self.editable)
        self.name_edit.setReadOnly(not self.editable)
        self.label_edit.setReadOnly(not self.editable)
        if not self.editable:
            self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.reload()

    def versions(self) -> list[dict]:
        """Every version, newest first; the shipped default last (what visits before any county version used)."""
        return cops.checklists(self.store) + [cops.default_row()]

    def reload(self, select_id: str | None = None) -> None:
        active = cops.active_checklist(self.store)
        if self.editable:
            self.info.setText("检查清单由县司法局统一制定：修改检查项目后“保存为新版本”，新版本即为在用版本，随下一次"
                              "同步包发到各乡镇；已做过的监督检查仍按其当时使用的版本显示。")
        elif self.store.meta("role") == "county":
            self.info.setText("只有管理员可以修改检查清单（本账号只读）。")
        else:
            self.info.setText("检查清单由县司法局统一制定，随县局同步包下发，本所只读。"
                              f"在用版本：{active.get('name')}（{active.get('version_label')}）。")
        self.version_box.blockSignals(True)
        self.version_box.clear()
        for v in self.versions():
            mark = "（在用）" if v["id"] == active["id"] else ""
            self.version_box.addItem(f"{v.get('name')}（{v.get('version_label')}）{mark}", v["id"])
        want = select_id or active["id"]
        i = self.version_box.findData(want)
        self.version_box.setCurrentIndex(max(i, 0))
        self.version_box.blockSignals(False)
        self._show_version()

    def current_version(self) -> dict:
        vid = self.version_box.currentData()
        return next((v for v in self.versions() if v["id"] == vid), cops.active_checklist(self.store))

    def _show_version(self) -> None:
        v = self.current_version()
        self.name_edit.setText(v.get("name") or "")
        self.label_edit.setText("")
        items = cops.items_of(v)
        self.table.setRowCount(len(items))
        for r, it in enumerate(items):
            for c, key in enumerate(("code", "item", "evidence")):
                self.table.setItem(r, c, QTableWidgetItem(it.get(key) or ""))
        self.table.resizeColumnToContents(0)
        self.error.setText("")

    def add_item(self) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c in range(len(ITEM_COLS)):
            self.table.setItem(r, c, QTableWidgetItem(""))
        self.table.setCurrentCell(r, 0)
        self.table.editItem(self.table.item(r, 0))

    def remove_item(self) -> None:
        r = self.table.currentRow()
        if r >= 0:
            self.table.removeRow(r)

    def move(self, step: int) -> None:
        r = self.table.currentRow()
        to = r + step
        if r < 0 or not 0 <= to < self.table.rowCount():
            return
        a = [self.table.takeItem(r, c) for c in range(len(ITEM_COLS))]
        b = [self.table.takeItem(to, c) for c in range(len(ITEM_COLS))]
        for c in range(len(ITEM_COLS)):
            self.table.setItem(r, c, b[c])
            self.table.setItem(to, c, a[c])
        self.table.setCurrentCell(to, self.table.currentColumn())

    def entered_items(self) -> list[dict]:
        out = []
        for r in range(self.table.rowCount()):
            vals = [(self.table.item(r, c).text() if self.table.item(r, c) else "").strip()
                    for c in range(len(ITEM_COLS))]
            if any(vals):
                out.append(dict(zip(("code", "item", "evidence"), vals)))
        return out

    def save(self) -> dict | None:
        try:
            row = cops.save_version(self.store, self.name_edit.text(), self.label_edit.text(), self.entered_items())
        except (UserError, ValidationError) as exc:
            self.error.setText(exc.message)
            return None
        self.reload(row["id"])
        self.error.setText(f"已保存为新版本“{row['version_label']}”（在用），下一次同步包会发到各乡镇。")
        return row


class CalendarItemDialog(DiscardGuard, FitDialog):
    """One 报送 entry: name, 周期 and the due day (and month for 每年), 启用, 说明; Esc/取消 after a change asks
    放弃修改？ first."""

    def __init__(self, parent, item: dict | None = None):
        super().__init__(parent)
        self.setWindowTitle("报送事项")
        item = item or {}
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit(item.get("name") or "")
        self.freq_box = QComboBox()
        self.freq_box.addItems(rc.FREQUENCIES)
        self.freq_box.setCurrentText(item.get("frequency") or rc.YEARLY)
        self.month_box = QSpinBox()
        self.month_box.setRange(1, 12)
        self.month_box.setSuffix(" 月")
        self.month_box.setValue(int(item.get("month") or 12))
        self.day_box = QSpinBox()
        self.day_box.setRange(1, 31)
        self.day_box.setSuffix(" 日")
        self.day_box.setValue(int(item.get("day") or 31))
        self.active_box = QCheckBox("启用（在乡镇首页显示并预警）")
        self.active_box.setChecked(item.get("active") not in (0, False))
        self.note_edit = QLineEdit(item.get("note") or "")
        form.addRow("报送事项", self.name_edit)
        form.addRow("周期", self.freq_box)
        form.addRow("截止月", self.month_box)
        form.addRow("截止日", self.day_box)
        form.addRow("", self.active_box)
        form.addRow("说明", self.note_edit)
        lay.addLayout(form)
        self.rule = QLabel("")
        lay.addWidget(self.rule)
        self.error = _error_label()
        lay.addWidget(self.error)
        bb = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        bb.button(QDialogButtonBox.Ok).setText("确定")
        bb.button(QDialogButtonBox.Cancel).setText("取消")
        bb.accepted.connect(self.try_accept)
        bb.rejected.connect(self.cancel)
        self.buttons = bb
        lay.addWidget(bb)
        for w in (self.freq_box,):
            w.currentTextChanged.connect(lambda _t: self._update())
        self.month_box.valueChanged.connect(lambda _v: self._update())
        self.day_box.valueChanged.connect(lambda _v: self._update())
        self.values: dict | None = None
        self._update()
        remember(self, self.entered)

    def entered(self) -> dict:
        monthly = self.freq_box.currentText() == rc.MONTHLY
        return {"name": self.name_edit.text(), "frequency": self.freq_box.currentText(),
                "month": None if monthly else self.month_box.value(), "day": self.day_box.value(),
                "active": 1 if self.active_box.isChecked() else 0, "note": self.note_edit.text()}

    def _update(self) -> None:
        self.month_box.setEnabled(self.freq_box.currentText() == rc.YEARLY)
        try:
            self.rule.setText("截止规则：" + rc.due_rule(rc.clean_item(dict(self.entered(), name="x"))))
            self.error.setText("")
        except UserError as exc:
            self.rule.setText("")
            self.error.setText(exc.message)

    def try_accept(self) -> None:
        try:
            self.values = rc.clean_item(self.entered())
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()


class CalendarEditor(QWidget):
    """The 报送日历: in a county (修改设置) entries are added, changed and removed; elsewhere read-only."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.editable = can_edit(store)
        lay = QVBoxLayout(self)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        self.table = QTableWidget(0, len(CAL_COLS))
        self.table.setHorizontalHeaderLabels(CAL_COLS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.verticalHeader().setVisible(False)
        if self.editable:
            self.table.doubleClicked.connect(lambda _i: self.edit_item())
        lay.addWidget(self.table, 1)
        self.error = _error_label()
        lay.addWidget(self.error)
        row = QHBoxLayout()
        self.add_button = QPushButton("新增报送事项…")
        self.add_button.clicked.connect(lambda: self.edit_item(new=True))
        self.edit_button = QPushButton("修改…")
        self.edit_button.clicked.connect(lambda: self.edit_item())
        self.remove_button = QPushButton("删除")
        self.remove_button.clicked.connect(self.remove_item)
        for b in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(b)
            b.setVisible(self.editable)
        row.addStretch(1)
        lay.addLayout(row)
        self.items: list[dict] = []
        self.reload()

    def reload(self) -> None:
        if self.editable:
            self.info.setText("各乡镇司法所应向县司法局报送的事项和截止日期；修改后随下一次同步包发到各乡镇，"
                              "在乡镇首页显示报送状态，逾期未报送的给出预警。")
        elif self.store.meta("role") == "county":
            self.info.setText("只有管理员可以修改报送日历（本账号只读）。")
        else:
            self.info.setText("报送日历由县司法局统一制定，随县局同步包下发，本所只读；报送状态见首页。")
        self.items = [i for i in rops.calendar_items(self.store)]
        self.table.setRowCount(len(self.items))
        for r, it in enumerate(self.items):
            try:
                rule = rc.due_rule(it)
            except (TypeError, ValueError):
                rule = ""
            cells = (it.get("name") or "", it.get("frequency") or "", rule,
                     "否" if it.get("active") in (0, False) else "是", it.get("note") or "")
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.UserRole, it.get("id"))
                self.table.setItem(r, c, cell)

    def selected(self) -> dict | None:
        r = self.table.currentRow()
        return self.items[r] if 0 <= r < len(self.items) else None

    def edit_item(self, new: bool = False, values: dict | None = None) -> dict | None:
        """New/changed entry; `values` skips the dialog (tests drive the dialog itself)."""
        item = None if new else self.selected()
        if not new and item is None:
            self.error.setText("请先选择一个报送事项。")
            return None
        if values is None:
            dlg = CalendarItemDialog(self, item)
            if not dlg.exec():
                return None
            values = dlg.values
        try:
            row = rops.save_item(self.store, values, None if new else item["id"])
        except (UserError, ValidationError) as exc:
            self.error.setText(exc.message)
            return None
        self.error.setText("已保存，下一次同步包会发到各乡镇。")
        self.reload()
        return row

    def remove_item(self, confirm: bool = True) -> bool:
        item = self.selected()
        if item is None:
            self.error.setText("请先选择一个报送事项。")
            return False
        if confirm and QMessageBox.question(self, "删除报送事项", f"删除“{item.get('name')}”？各乡镇将不再报送此项。",
                                            QMessageBox.Yes | QMessageBox.No, QMessageBox.No) != QMessageBox.Yes:
            return False
        try:
            rops.remove_item(self.store, item["id"])
        except (UserError, ValidationError) as exc:
            self.error.setText(exc.message)
            return False
        self.error.setText(f"已删除“{item.get('name')}”。")
        self.reload()
        return True


class CatalogsPage(QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.store = window.store
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.checklist = ChecklistEditor(self.store)
        self.calendar = CalendarEditor(self.store)
        self.tabs.addTab(self.checklist, "监督检查清单")
        self.tabs.addTab(self.calendar, "报送日历")
        lay.addWidget(self.tabs)

    def on_show(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """After a sync package replaced them (a township) or another window changed them."""
        self.checklist.reload()
        self.calendar.reload()


def install(window) -> None:
    window.add_lazy_page("catalogs", "检查清单与报送日历", lambda: CatalogsPage(window), attr="catalogs_page")
    window.add_menu_action("监督", "检查清单与报送日历", lambda: window.show_page("catalogs"))
