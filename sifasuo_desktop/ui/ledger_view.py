"""One ledger page: search box, filters, the table and add/edit/delete buttons."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QTableView, QVBoxLayout, QWidget)

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.domain.validators import parse_date
from sifasuo_desktop.store.ledger_queries import LedgerQuery

from .ledger_model import LedgerTableModel
from .record_form import RecordForm


class LedgerView(QWidget):
    def __init__(self, window, ledger_key: str):
        super().__init__(window)
        self.window_ = window
        self.store = window.store
        self.ledger = LEDGERS[ledger_key]
        self.model = LedgerTableModel(self.store, ledger_key, self)
        self.model.badge_for = window.badge_for
        self.model.hold_fetch = True  # until the page is shown
        self._sort: tuple[str | None, bool] = (None, False)
        self._loaded = False

        lay = QVBoxLayout(self)
        title = QLabel(self.ledger.title)
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        lay.addWidget(title)

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索（任意文字，空格分隔多个词）  Ctrl+F")
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 3)
        self.status_box = QComboBox()
        self.status_box.addItem("全部" + (self.ledger.field(self.ledger.status_field).label
                                        if self.ledger.status_field else ""), None)
        for s in self.ledger.status_choices:
            self.status_box.addItem(s, s)
        self.status_box.setVisible(bool(self.ledger.status_field))
        bar.addWidget(self.status_box)
        # the county's view (issue 16): filter by 乡镇 (the township whose records they are)
        self.township_box = QComboBox()
        self.township_box.addItem("全部乡镇", None)
        if self.store.meta("role") == "county":
            from sifasuo_desktop.store.stats_queries import township_names

            for code, name in sorted(township_names(self.store).items()):
                if code != self.store.meta("org_code"):
                    self.township_box.addItem(name, code)
        self.township_box.setVisible(self.township_box.count() > 1)
        bar.addWidget(self.township_box)
        self.date_from = QLineEdit()
        self.date_to = QLineEdit()
        if self.ledger.date_field:
            label = self.ledger.field(self.ledger.date_field).label
            self.date_from.setPlaceholderText(f"{label}起")
            self.date_to.setPlaceholderText(f"{label}止")
        for w in (self.date_from, self.date_to):
            w.setMaximumWidth(120)
            w.setVisible(bool(self.ledger.date_field))
            bar.addWidget(w)
        lay.addLayout(bar)

        buttons = QHBoxLayout()
        self.buttons_layout = buttons
        self.add_btn = QPushButton("新增 (Ctrl+N)")
        self.edit_btn = QPushButton("编辑")
        self.delete_btn = QPushButton("删除")
        for b in (self.add_btn, self.edit_btn, self.delete_btn):
            buttons.addWidget(b)
        self.record_buttons: list[QPushButton] = []
        buttons.addStretch(1)
        self.personal_box = QCheckBox("显示完整身份证号/电话")
        self.personal_box.setVisible(any(f.sensitive for f in self.ledger.list_fields)
                                     and allowed(window.actor, "view_personal_full"))
        buttons.addWidget(self.personal_box)
        self.count_label = QLabel("")
        buttons.addWidget(self.count_label)
        # the buttons row scrolls sideways instead of forcing the page (and the window) wider when features add
        # many record actions (监督文书 has over a dozen)
        from PySide6.QtWidgets import QFrame, QScrollArea
        row = QWidget()
        row.setLayout(buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        strip = QScrollArea()
        strip.setWidget(row)
        strip.setWidgetResizable(True)
        strip.setFrameShape(QFrame.NoFrame)
        strip.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        strip.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        strip.setFixedHeight(row.sizeHint().height() + 14)
        lay.addWidget(strip)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(False)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(False)
        header.sectionClicked.connect(self._header_clicked)
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setDefaultSectionSize(120)
        header.setResizeContentsPrecision(40)  # size columns from ~40 rows, not every loaded row (bench: -0.4 s start-up)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        lay.addWidget(self.table, 1)

        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.apply_filters)
        self.status_box.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.township_box.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.date_from.editingFinished.connect(self.apply_filters)
        self.date_to.editingFinished.connect(self.apply_filters)
        self.add_btn.clicked.connect(self.add_record)
        self.edit_btn.clicked.connect(self.edit_selected)
        self.delete_btn.clicked.connect(self.delete_selected)
        self.personal_box.toggled.connect(self._toggle_personal)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        QShortcut(QKeySequence.Find, self, activated=self.focus_search)
        can_edit = allowed(window.actor, "edit")
        self.add_btn.setEnabled(can_edit)
        self.delete_btn.setVisible(can_edit)
        self._update_buttons()

    def showEvent(self, event) -> None:
        self.model.hold_fetch = False
        super().showEvent(event)

    def hideEvent(self, event) -> None:
        self.model.hold_fetch = True
        super().hideEvent(event)

    # ------------------------------------------------------------------ queries
    def ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.apply_filters()

    def current_query(self) -> LedgerQuery:
        """The query as filtered on screen (used by export)."""
        def date_or_none(w):
            try:
                value = parse_date(w.text())
                w.setStyleSheet("")
                return value
            except ValueError:
                w.setStyleSheet("border: 1px solid #d32f2f;")
                return None
        order_by, desc = self._sort
        org = self.township_box.currentData()
        return LedgerQuery(self.ledger.key, self.search.text().strip(), self.status_box.currentData(),
                           date_or_none(self.date_from), date_or_none(self.date_to), order_by=order_by,
                           descending=desc, extra_where="t.owner_org = ?" if org else "",
                           extra_params=(org,) if org else ())

    def apply_filters(self) -> None:
        self._timer.stop()
        self.model.set_query(self.current_query())
        if not getattr(self, "_sized", False) and self.model.rowCount():
            self._sized = True
            self.table.resizeColumnsToContents()
            header = self.table.horizontalHeader()
            for col in range(self.model.columnCount()):
                header.resizeSection(col, min(max(header.sectionSize(col), 70), 260))
        self._update_count()
        self._update_buttons()

    def _update_count(self) -> None:
        self.count_label.setText(f"共 {self.model.total()} 条")

    def refresh(self) -> None:
        if self._loaded:
            self.model.reload()
            self._update_count()
            self._update_buttons()

    def _header_clicked(self, column: int) -> None:
        name = self.model.fields[column].name
        order_by, desc = self._sort
        desc = (not desc) if order_by == name else False
        self._sort = (name, desc)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSortIndicator(column, Qt.DescendingOrder if desc else Qt.AscendingOrder)
        self.apply_filters()

    def _toggle_personal(self, on: bool) -> None:
        self.model.show_full_personal = on
        self.model.layoutChanged.emit()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # ------------------------------------------------------------------ records
    def selected_record(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.record_at(rows[0].row())

    def select_record(self, record_id: str) -> bool:
        row = self.model.row_of_id(record_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _update_buttons(self) -> None:
        has = self.selected_record() is not None
        self.edit_btn.setEnabled(has)
        self.delete_btn.setEnabled(has and allowed(self.window_.actor, "edit"))
        for b in self.record_buttons:
            b.setEnabled(has)

    def add_record(self, defaults: dict | None = None) -> dict | None:
        if not allowed(self.window_.actor, "edit"):
            return None
        form = RecordForm(self.window_, self.ledger, None, defaults=defaults if isinstance(defaults, dict) else None)
        if form.exec() and form.saved_record:
            self.select_record(form.saved_record["id"])
            return form.saved_record
        return None

    def open_form(self, record: dict) -> dict | None:
        fresh = self.store.get(self.ledger.table, record["id"]) or record
        form = RecordForm(self.window_, self.ledger, fresh)
        if form.exec() and form.saved_record:
            return form.saved_record
        return None

    def edit_selected(self) -> dict | None:
        rec = self.selected_record()
        return self.open_form(rec) if rec else None

    def delete_selected(self) -> None:
        rec = self.selected_record()
        if not rec:
            return
        answer = QMessageBox.question(self, "删除记录", "确定删除所选记录吗？删除后可在修改历史中查到。",
                                      QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if answer != QMessageBox.Yes:
            return
        try:
            self.store.delete(self.ledger.table, rec["id"])
        except UserError as exc:
            QMessageBox.warning(self, "无法删除", exc.message)

    def add_record_button(self, text: str, callback) -> QPushButton:
        """A button acting on the selected record (after add/edit/delete and earlier record buttons)."""
        b = QPushButton(text)
        b.clicked.connect(lambda _=False, cb=callback: self._run_record_action(cb))
        self.buttons_layout.insertWidget(3 + len(self.record_buttons), b)
        self.record_buttons.append(b)
        self._update_buttons()
        return b

    def _run_record_action(self, callback) -> None:
        rec = self.selected_record()
        if rec is None:
            return
        try:
            callback(self.store.get(self.ledger.table, rec["id"]) or rec)
        except UserError as exc:
            QMessageBox.warning(self, "无法完成", exc.message)
