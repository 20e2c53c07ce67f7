"""One ledger page: search box, filters, the table and add/edit/delete buttons."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMenu, QMessageBox, QPushButton, QTableView, QVBoxLayout, QWidget)

from sifasuo_desktop.domain import record_state
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.ledgers import DATE, FLOAT, INT, LEDGERS, LONGTEXT, MONEY
from sifasuo_desktop.domain.permissions import allowed
from sifasuo_desktop.domain.validators import parse_date
from sifasuo_desktop.store.ledger_queries import LedgerQuery, county_townships, is_county

from .ledger_model import LedgerTableModel
from .record_form import RecordForm
from .ui_settings import ui_settings

# column widths sized from content: text is capped (long 说明 columns would push the rest off-screen), numbers
# and dates never are (a cut 罚款金额 "120,000.…" is worse than a wide column)
TEXT_CAP, LONGTEXT_CAP, MIN_COLUMN, FLEX_FLOOR = 320, 400, 64, 110
WIDEST = {MONEY: "99,999,999.99", DATE: "2026-11-23", INT: "99999", FLOAT: "9999.99"}


def range_placeholders(label: str) -> tuple[str, str]:
    """立案日期 -> 立案日期起 / 立案日期止; a label that already ends in 起/至/止 (聘期起, 有效期至) gets 从/到
    instead of "聘期起起", "有效期至起"."""
    if label.endswith(("起", "至", "止")):
        return f"{label}：从", f"{label}：到"
    return f"{label}起", f"{label}止"


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
        self.township_box.setObjectName("township_filter")
        self._fill_townships()
        self.township_box.setVisible(is_county(self.store))
        bar.addWidget(self.township_box)
        self.date_from = QLineEdit()
        self.date_to = QLineEdit()
        if self.ledger.date_field:
            frm, to = range_placeholders(self.ledger.field(self.ledger.date_field).label)
            self.date_from.setPlaceholderText(frm)
            self.date_to.setPlaceholderText(to)
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
        # a save confirmation where the clerk looks (a line right above the table), not only in the status bar
        self.notice = QLabel("")
        self.notice.setObjectName("ledger_notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #2e7d32; font-weight: bold; padding: 0 8px;")
        self.notice.setVisible(False)
        self._notice_timer = QTimer(self, singleShot=True, interval=8000)
        self._notice_timer.timeout.connect(lambda: (self.notice.setText(""), self.notice.setVisible(False)))
        # the ledger-wide buttons stay on screen at the right; only the record actions scroll (监督文书 has many)
        fixed = QHBoxLayout()
        self.count_label = QLabel("")
        fixed.addWidget(self.count_label)
        self.bulk_btn = QPushButton("批量修改…")
        self.bulk_btn.setToolTip("选中多行（Ctrl/Shift+单击）后，把一个字段一次改为同一个值：先预览，校验同表单")
        self.bulk_btn.clicked.connect(lambda _=False: self.bulk_edit())
        fixed.addWidget(self.bulk_btn)
        self.paste_btn = QPushButton("粘贴Excel行…")
        self.paste_btn.setToolTip("把在Excel/WPS中复制的行导入本台账：先预览、校验，确认后才写入")
        self.paste_btn.clicked.connect(lambda _=False: self.paste_rows())
        fixed.addWidget(self.paste_btn)
        self.export_btn = QPushButton("导出Excel…")
        self.export_btn.setToolTip("按当前搜索和筛选结果导出本台账（Ctrl+E）")
        self.export_btn.clicked.connect(lambda _=False: self.export_excel())
        fixed.addWidget(self.export_btn)
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
        toolbar = QHBoxLayout()
        toolbar.addWidget(strip, 1)
        toolbar.addLayout(fixed)
        lay.addLayout(toolbar)
        lay.addWidget(self.notice)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        # several rows may be selected (Ctrl/Shift+click) for 批量修改 and multi-record actions (督办); actions on
        # one record apply only when exactly one row is selected
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
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
        header.setStretchLastSection(False)   # a short last column (状态) stretched while long text was cut
        # the clerk's own layout: drag columns to reorder, right-click the header to hide/show, widths remembered
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self._save_timer = QTimer(self, singleShot=True, interval=400)
        self._save_timer.timeout.connect(self.save_header_state)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.doubleClicked.connect(lambda _i: self.activate_selected())
        # right-click a row: the same actions as the buttons, only those the record's state allows
        self.table.setContextMenuPolicy(Qt.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        self.edit_when = None   # optional predicate(record): the generic 编辑 applies (e.g. only to drafts)
        self.open_action = None  # optional callback(record) for a double click instead of the generic form
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
        from sifasuo_desktop.xlsx.headers import IMPORTABLE

        self.paste_btn.setVisible(self.ledger.key in IMPORTABLE and allowed(window.actor, "import"))
        self.add_btn.setEnabled(can_edit)
        self.delete_btn.setVisible(can_edit)
        from sifasuo_desktop.domain.bulk_edit import bulk_fields

        self.bulk_btn.setVisible(can_edit and bool(bulk_fields(self.ledger)))
        self.bulk_btn.setEnabled(False)
        self._update_buttons()

    def showEvent(self, event) -> None:
        self.model.hold_fetch = False
        super().showEvent(event)
        if self._loaded and not getattr(self, "_sized", False):
            QTimer.singleShot(0, self, self._first_sizing)   # once the page has its width (not after the view is gone)

    def _first_sizing(self) -> None:
        if getattr(self, "_sized", False) or not self.model.rowCount():
            return
        self._sized = True
        if not self.restore_header_state():
            self.default_columns()
        header = self.table.horizontalHeader()
        for sig in (header.sectionResized, header.sectionMoved):
            sig.connect(lambda *_: self._save_timer.start())

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
                           descending=desc, township=org or None)

    def apply_filters(self) -> None:
        self._timer.stop()
        self.model.set_query(self.current_query())
        if not getattr(self, "_sized", False) and self.model.rowCount() and self.isVisible():
            self._first_sizing()
        self._update_count()
        self._update_buttons()

    # ------------------------------------------------------------------ columns
    def default_columns(self) -> None:
        """The status (办理状态, 整改状态...) right after the first column, where it is seen without scrolling."""
        header = self.table.horizontalHeader()
        names = [f.name for f in self.model.fields]
        if self.ledger.status_field in names:
            header.moveSection(header.visualIndex(names.index(self.ledger.status_field)), 1)
        self.size_columns()

    def size_columns(self) -> None:
        """Widths from content (~40 rows): numbers and dates as wide as their widest value, header labels never
        cut, room in the first column for the warning dot; long text columns share what the page has left
        (each at least FLEX_FLOOR, at most its content or the cap), so the short columns stay on screen."""
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        fm = self.table.fontMetrics()
        pad = 20   # cell margins + the focus frame
        natural, flexible, content = {}, [], {}
        for col, field in enumerate(self.model.fields):
            width = content[col] = header.sectionSize(col)
            label = fm.horizontalAdvance(field.label) + pad + 14   # + the sort arrow
            if field.kind in WIDEST:
                width = max(width, fm.horizontalAdvance(WIDEST[field.kind]) + pad)
            else:
                width = min(width, LONGTEXT_CAP if field.kind == LONGTEXT else TEXT_CAP)
            if col == 0:
                width += fm.horizontalAdvance("● ")
            natural[col] = max(width, label, MIN_COLUMN)
            if field.kind not in WIDEST and natural[col] > FLEX_FLOOR and col != 0:
                flexible.append(col)
        room = self.table.viewport().width() if self.table.isVisible() else 0
        fixed = sum(w for c, w in natural.items() if c not in flexible)
        want = sum(natural[c] for c in flexible)
        if room and flexible and fixed + want > room:
            # the same ceiling for every long column, found by bisection: sum(min(natural, ceiling)) == room left
            left, lo, hi = room - fixed, FLEX_FLOOR, max(natural[c] for c in flexible)
            for _ in range(20):
                mid = (lo + hi) / 2
                if sum(min(natural[c], mid) for c in flexible) > left:
                    hi = mid
                else:
                    lo = mid
            for c in flexible:
                natural[c] = int(min(natural[c], lo))
        elif room and flexible:
            # spare width goes to the capped long text (标题, 案由) up to its whole content, not to the last column
            spare = room - fixed - want - 2
            for c in sorted(flexible, key=lambda c: content[c] - natural[c]):
                extra = min(max(content[c] - natural[c], 0), spare)
                natural[c] += extra
                spare -= extra
        for col, width in natural.items():
            header.resizeSection(col, width)

    def _settings_key(self) -> str:
        return f"ledger/{self.ledger.key}"

    def save_header_state(self) -> None:
        s = ui_settings(self.store)
        s.setValue(self._settings_key() + "/columns", ",".join(f.name for f in self.model.fields))
        s.setValue(self._settings_key() + "/header", self.table.horizontalHeader().saveState())
        s.sync()

    def restore_header_state(self) -> bool:
        """The widths/order/hidden columns the clerk left; only while the ledger's columns are the same."""
        s = ui_settings(self.store)
        cols = s.value(self._settings_key() + "/columns")
        state = s.value(self._settings_key() + "/header")
        if cols != ",".join(f.name for f in self.model.fields) or not isinstance(state, (QByteArray, bytes)):
            return False
        header = self.table.horizontalHeader()
        ok = header.restoreState(QByteArray(state))
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        return ok

    def reset_columns(self) -> None:
        header = self.table.horizontalHeader()
        for col in range(header.count()):
            header.showSection(col)
            header.moveSection(header.visualIndex(col), col)
        self.default_columns()
        ui_settings(self.store).remove(self._settings_key())

    def _header_menu(self, pos) -> None:
        self.header_menu().popup(self.table.horizontalHeader().mapToGlobal(pos))

    def header_menu(self) -> QMenu:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        shown = sum(not header.isSectionHidden(c) for c in range(header.count()))
        for col, field in enumerate(self.model.fields):
            act = menu.addAction(field.label)
            act.setCheckable(True)
            act.setChecked(not header.isSectionHidden(col))
            act.setEnabled(header.isSectionHidden(col) or shown > 1)   # the last visible column stays
            act.toggled.connect(lambda on, c=col: self.set_column_visible(c, on))
        menu.addSeparator()
        menu.addAction("恢复默认列（宽度、顺序、显示）", self.reset_columns)
        self._menu = menu
        return menu

    def set_column_visible(self, col: int, visible: bool) -> None:
        self.table.horizontalHeader().setSectionHidden(col, not visible)
        self._save_timer.start()

    def visible_labels(self) -> list[str]:
        header = self.table.horizontalHeader()
        cols = sorted((c for c in range(header.count()) if not header.isSectionHidden(c)), key=header.visualIndex)
        return [self.model.fields[c].label for c in cols]

    def paste_rows(self, text: str | None = None):
        """粘贴Excel行: the clipboard's rows through the import dialog (header mapping, validation, preview;
        nothing is written before 导入). Returns the dialog (tests) or None."""
        import tempfile
        from pathlib import Path

        from PySide6.QtWidgets import QApplication

        from sifasuo_desktop.xlsx.paste import pasted_table

        from .xlsx_import import XlsxImportDialog

        if text is None:
            text = QApplication.clipboard().text()
        try:
            table = pasted_table(text, self.ledger.key, self.visible_labels())
        except UserError as exc:
            QMessageBox.information(self, "粘贴Excel行", exc.message)
            return None
        with tempfile.TemporaryDirectory(prefix="sifasuo-paste-") as tmp:
            path = Path(tmp) / f"粘贴到{self.ledger.title.replace('/', '_')}.csv"
            path.write_text(table, encoding="utf-8-sig")
            dlg = XlsxImportDialog(self.window_)
            dlg.setWindowTitle(f"粘贴Excel行 — {self.ledger.title}")
            dlg.ledger_box.setCurrentIndex(max(dlg.ledger_box.findData(self.ledger.key), 0))
            dlg.load(path)
            dlg.file_edit.setText("（从剪贴板粘贴的行）")
            self.paste_dialog = dlg
            dlg.exec()
        return dlg

    def export_excel(self, out=None, full_personal=None):
        """导出Excel: this ledger as searched and filtered on screen."""
        from .extensions_xlsx import export_current

        return export_current(self.window_, out, full_personal, query=self.current_query())

    def _update_count(self) -> None:
        self.count_label.setText(f"共 {self.model.total()} 条")

    def _fill_townships(self) -> None:
        """The 乡镇 filter's choices (a county's townships; kept when a sync brings a new one)."""
        box = self.township_box
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem("全部乡镇", None)
        for code, name in sorted(county_townships(self.store).items()):
            box.addItem(name, code)
        box.setCurrentIndex(max(box.findData(current), 0))
        box.blockSignals(False)

    def refresh(self) -> None:
        if is_county(self.store):
            self._fill_townships()
        if self._loaded:
            # the rows the clerk had selected stay selected after a save (the model reset would drop them)
            keep = [r["id"] for r in self.selected_records()]
            self.model.reload()
            if keep:
                self.select_records(keep)
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
        """The one selected record (None when none or several rows are selected)."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if len(rows) != 1:
            return None
        return self.model.record_at(rows[0].row())

    def selected_records(self) -> list[dict]:
        """Every selected record, in table order."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        out = [self.model.record_at(i.row()) for i in sorted(rows, key=lambda i: i.row())]
        return [r for r in out if r]

    def select_records(self, ids) -> int:
        """Select these records (kept after a save/refresh); returns how many were found."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        sel = QItemSelection()
        found = 0
        for rid in ids:
            row = self.model.row_of_id(rid)
            if row >= 0:
                found += 1
                sel.select(self.model.index(row, 0), self.model.index(row, self.model.columnCount() - 1))
        self.table.selectionModel().select(sel, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        return found

    def bulk_edit(self, run: bool = True):
        """批量修改…: the dialog for the selected rows (returns it; tests drive it with run=False)."""
        from .bulk_edit_ui import BulkEditDialog

        records = self.selected_records()
        if not records or not allowed(self.window_.actor, "edit"):
            return None
        dlg = BulkEditDialog(self, records)
        self.bulk_dialog = dlg
        dlg.accepted.connect(lambda: self.bulk_done(dlg))
        if run:
            dlg.exec()
        return dlg

    def bulk_done(self, dlg) -> None:
        if dlg.applied:
            ids = [r["id"] for r in dlg.records]
            self.refresh()
            self.select_records(ids)
            self.show_notice(f"✔ 已批量修改 {dlg.applied} 条：{dlg.current_field().label}")

    def select_record(self, record_id: str) -> bool:
        row = self.model.row_of_id(record_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _update_buttons(self) -> None:
        rec = self.selected_record()
        has = rec is not None
        edit_ok = has and (self.edit_when is None or self.edit_when(rec))
        self.edit_btn.setEnabled(edit_ok)
        if self.edit_when is not None:
            self.edit_btn.setVisible(edit_ok)
        # an issued document can only be 作废 (domain.record_state.delete_refusal; the store refuses it as well)
        refusal = record_state.delete_refusal(self.ledger.table, rec) if has else None
        self.delete_btn.setEnabled(has and refusal is None and allowed(self.window_.actor, "edit"))
        self.delete_btn.setToolTip(record_state.DELETE_HOW.get(self.ledger.table, "").split("（")[0] + "。"
                                   if refusal else "删除所选记录（放入回收站，可以恢复）")
        self.bulk_btn.setEnabled(bool(self.table.selectionModel().selectedRows()))
        for b in self.record_buttons:
            when = getattr(b, "when", None)
            ok = has and (when is None or bool(when(rec)))
            b.setEnabled(ok)
            if when is not None and getattr(b, "menu_group", None) is None:   # not allowed by the state: not shown
                b.setVisible(ok)
        for g in getattr(self, "group_buttons", []):
            ok = any(b.isEnabled() for b in g.members)
            g.setEnabled(ok)
            if all(getattr(b, "when", None) is not None for b in g.members):   # state-bound: shown only then
                g.setVisible(ok)

    def row_actions(self) -> list[QPushButton]:
        """The buttons that apply to the selected record, in toolbar order (the row context menu)."""
        candidates = [self.edit_btn, *self.record_buttons, self.delete_btn]
        return [b for b in candidates
                if b.isEnabled() and (getattr(b, "menu_group", None) is not None or not b.isHidden())]

    def group_record_buttons(self, label: str, texts: list[str]) -> QPushButton | None:
        """Put the record buttons named `texts` into one menu button `label` (where the record actions would
        not fit a 1366-pixel screen). The menu lists the ones the selected record allows; the row context
        menu keeps them all."""
        members = [b for t in texts for b in self.record_buttons if b.text() == t]
        if not members:
            return None
        menu_btn = QPushButton(label)
        menu_btn.setObjectName("record_group")
        menu = QMenu(menu_btn)

        def fill():
            menu.clear()
            for b in members:
                if b.isEnabled():
                    act = menu.addAction(b.text(), b.click)
                    if not b.shortcut().isEmpty():
                        act.setShortcut(b.shortcut())

        menu.aboutToShow.connect(fill)
        menu_btn.setMenu(menu)
        menu_btn.members = members
        index = self.buttons_layout.indexOf(members[0])
        for b in members:
            b.menu_group = label
            self.buttons_layout.removeWidget(b)
            b.hide()
        self.buttons_layout.insertWidget(index, menu_btn)
        self.__dict__.setdefault("group_buttons", []).append(menu_btn)
        menu_btn.setToolTip("、".join(b.text() for b in members))
        self._update_buttons()
        return menu_btn

    def _row_menu(self, pos) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.selectRow(index.row())
        menu = QMenu(self)
        for b in self.row_actions():
            menu.addAction(b.text(), b.click)
        if menu.actions():
            self._menu = menu
            menu.popup(self.table.viewport().mapToGlobal(pos))

    def add_record(self, defaults: dict | None = None) -> dict | None:
        if not allowed(self.window_.actor, "edit"):
            return None
        form = RecordForm(self.window_, self.ledger, None, defaults=defaults if isinstance(defaults, dict) else None)
        if form.exec() and form.saved_record:
            self.select_record(form.saved_record["id"])
            self.saved_notice(form.saved_record, "已新增", getattr(form, "save_note", ""))
            return form.saved_record
        return None

    def saved_notice(self, record: dict, verb: str = "已保存", note: str = "") -> None:
        name = record.get(self.ledger.number_field or "") or record.get(self.ledger.display_field or "") or ""
        text = f"✔ {verb}{('：' + str(name)) if name else ''}"
        if note:
            text += f"（请注意：{note}）"
        self.show_notice(text, warning=bool(note))

    def show_notice(self, text: str, error: bool = False, warning: bool = False) -> None:
        """A confirmation (green), a remark (amber) or an error (red) next to the table, where the clerk looks;
        also in the status bar."""
        colour = "#c62828" if error else "#a66b00" if warning else "#2e7d32"
        self.notice.setStyleSheet(f"color: {colour}; font-weight: bold; padding: 0 8px;")
        self.notice.setToolTip(text)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        self._notice_timer.start()
        self.window_.statusBar().showMessage(text, 8000)

    def open_form(self, record: dict) -> dict | None:
        fresh = self.store.get(self.ledger.table, record["id"]) or record
        form = RecordForm(self.window_, self.ledger, fresh)
        if form.exec() and form.saved_record:
            self.saved_notice(form.saved_record, note=getattr(form, "save_note", ""))
            return form.saved_record
        return None

    def activate_selected(self):
        """Double click: the ledger's own open action (监督文书: the document editor) or the record form."""
        if self.open_action is not None:
            return self._run_record_action(self.open_action)
        return self.edit_selected()

    def edit_selected(self) -> dict | None:
        rec = self.selected_record()
        return self.open_form(rec) if rec else None

    def delete_selected(self) -> None:
        rec = self.selected_record()
        if not rec:
            return
        # the record goes to the 回收站 (a tombstone); a leader or admin can restore it exactly (issue 12)
        answer = QMessageBox.question(self, "删除记录", "确定删除所选记录吗？删除的记录放入回收站，"
                                      "所长/负责人或管理员可以从回收站（台账菜单或本页的“回收站…”）恢复。",
                                      QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if answer != QMessageBox.Yes:
            return
        try:
            self.store.delete(self.ledger.table, rec["id"])
        except UserError as exc:
            QMessageBox.warning(self, "无法删除", exc.message)
            return
        name = rec.get(self.ledger.number_field or "") or rec.get(self.ledger.display_field or "") or ""
        self.show_notice(f"✔ 已删除{('：' + str(name)) if name else ''}（已放入回收站，可以恢复）")

    def _record_insert_index(self) -> int:
        """After the last record button: right before the row's stretch (groups move buttons out of the row)."""
        lay = self.buttons_layout
        for i in range(lay.count()):
            if lay.itemAt(i).spacerItem() is not None:
                return i
        return lay.count()

    def add_record_button(self, text: str, callback, when=None) -> QPushButton:
        """A button acting on the selected record (after add/edit/delete and earlier record buttons). `when`
        (record -> bool) says whether the record's state allows the action; the button is shown only then."""
        b = QPushButton(text)
        b.when = when
        b.clicked.connect(lambda _=False, cb=callback: self._run_record_action(cb))
        self.buttons_layout.insertWidget(self._record_insert_index(), b)
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
