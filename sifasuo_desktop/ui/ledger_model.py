"""A table model over one ledger: rows fetched from SQLite a page at a time (100k rows open instantly)."""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from sifasuo_desktop.domain.ledgers import (BOOL, DATE, FLOAT, IDNO, INT, LEDGERS, MONEY, PHONE, REF,
                                            TOWNSHIP_FIELD, Ledger)
from sifasuo_desktop.domain.validators import mask_id_number, mask_phone
from sifasuo_desktop.store.ledger_queries import (LedgerQuery, count_rows, county_townships, fetch_rows, list_fields,
                                                  query_rowids, township_display)

PAGE = 200
CACHE_LIMIT = 3000
BADGE_COLORS = {"red": QColor("#fde2e1"), "yellow": QColor("#fff4cc")}
BADGE_MARK = {"red": "●", "yellow": "●"}
BADGE_TEXT = {"red": QColor("#c62828"), "yellow": QColor("#b7791f")}
# Qt enum members hoisted once: each `Qt.DisplayRole`-style lookup costs ~3 µs in PySide6 6.12 (0.14 µs for a
# module constant), and sizing the columns at start-up calls data() thousands of times
DISPLAY = Qt.DisplayRole
BACKGROUND = Qt.BackgroundRole
TOOLTIP = Qt.ToolTipRole
FOREGROUND = Qt.ForegroundRole
ALIGNMENT = Qt.TextAlignmentRole
USER = Qt.UserRole
HORIZONTAL = Qt.Horizontal
ALIGN_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
BADGE_ROLES = (BACKGROUND, TOOLTIP, FOREGROUND)
NUMERIC_KINDS = (MONEY, FLOAT, INT)


class LedgerTableModel(QAbstractTableModel):
    def __init__(self, store, ledger_key: str, parent=None):
        super().__init__(parent)
        self.store = store
        self.ledger: Ledger = LEDGERS[ledger_key]
        self.fields = list_fields(store, self.ledger)   # a county: led by 乡镇 (issue 16)
        self.townships = county_townships(store)
        self.query = LedgerQuery(ledger_key)
        self.rowids: list[int] = []
        self._cache: dict[int, dict] = {}
        self._exhausted = False
        self.show_full_personal = False
        self.badge_for = None  # callable(table, record_id) -> (severity, tip) | None
        self._total: int | None = None
        self.hold_fetch = False  # set by the view while it is hidden

    # ---------------------------------------------------------------- loading
    def set_query(self, query: LedgerQuery) -> None:
        self.beginResetModel()
        self.query = query
        self._cache.clear()
        self._total = None
        self.rowids = query_rowids(self.store.conn, query, limit=PAGE, offset=0)
        self._exhausted = len(self.rowids) < PAGE
        self.endResetModel()

    def reload(self) -> None:
        """Re-run the query keeping as many rows loaded as before (after a change)."""
        wanted = max(len(self.rowids), PAGE)
        self.beginResetModel()
        self.townships = county_townships(self.store)   # records of a new township may have arrived by sync
        self._cache.clear()
        self._total = None
        self.rowids = query_rowids(self.store.conn, self.query, limit=wanted, offset=0)
        self._exhausted = len(self.rowids) < wanted
        self.endResetModel()

    def total(self) -> int:
        if self._total is None:
            self._total = len(self.rowids) if self._exhausted else count_rows(self.store.conn, self.query)
        return self._total

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        # while its view is hidden Qt would keep asking for more pages (a hidden view's rows all "intersect"
        # the viewport): 12 pages = 2,400 rows fetched at start-up for nothing
        return not parent.isValid() and not self._exhausted and not self.hold_fetch

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or self._exhausted:
            return
        more = query_rowids(self.store.conn, self.query, limit=PAGE, offset=len(self.rowids))
        if len(more) < PAGE:
            self._exhausted = True
        if more:
            self.beginInsertRows(QModelIndex(), len(self.rowids), len(self.rowids) + len(more) - 1)
            self.rowids.extend(more)
            self.endInsertRows()

    def record_at(self, row: int) -> dict | None:
        if row < 0 or row >= len(self.rowids):
            return None
        rid = self.rowids[row]
        rec = self._cache.get(rid)
        if rec is None:
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            start = max(0, row - PAGE // 2)
            self._cache.update(fetch_rows(self.store.conn, self.ledger.table, self.rowids[start:start + PAGE]))
            rec = self._cache.get(rid)
        return rec

    def row_of_id(self, record_id: str) -> int:
        for row in range(len(self.rowids)):
            rec = self.record_at(row)
            if rec and rec["id"] == record_id:
                return row
        return -1

    # ---------------------------------------------------------------- Qt API
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rowids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.fields)

    def headerData(self, section, orientation, role=DISPLAY):
        if role == DISPLAY:
            if orientation == HORIZONTAL:
                return self.fields[section].label
            return str(section + 1)
        return None

    def display(self, field, value) -> str:
        if value is None or value == "":
            return ""
        if field is TOWNSHIP_FIELD:
            return township_display(self.townships, self.store, value)
        k = field.kind
        if k == REF:
            return self.store.ref_names(field.ref).get(value, "")
        if k == BOOL:
            return "是" if value else "否"
        if k == MONEY:
            return f"{float(value):,.2f}"
        if k == FLOAT:
            return f"{float(value):g}"
        if k == INT:
            return str(int(value))
        if k == IDNO and not self.show_full_personal:
            return mask_id_number(value)
        if k == PHONE and not self.show_full_personal:
            return mask_phone(value)
        return str(value)

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        rec = self.record_at(index.row())
        if rec is None:
            return None
        col = index.column()
        field = self.fields[col]
        if role == DISPLAY:
            text = self.display(field, rec.get(field.name))
            if col == 0 and self.badge_for:
                badge = self.badge_for(self.ledger.table, rec["id"])
                if badge:
                    return f"{BADGE_MARK[badge[0]]} {text}"
            return text
        if role in BADGE_ROLES and self.badge_for:
            badge = self.badge_for(self.ledger.table, rec["id"])
            if badge:
                if role == BACKGROUND:
                    return QBrush(BADGE_COLORS.get(badge[0], QColor("#ffffff")))
                if role == FOREGROUND and col == 0:
                    return QBrush(BADGE_TEXT.get(badge[0]))
                if role == TOOLTIP:
                    return badge[1]
        if role == TOOLTIP and field.kind not in NUMERIC_KINDS:
            # the whole text of a cell that a narrow column cuts (案由, 当事人 at 1366 px)
            text = self.display(field, rec.get(field.name))
            return text if len(text) > 8 else None
        if role == ALIGNMENT and field.kind in NUMERIC_KINDS:
            return ALIGN_RIGHT
        if role == USER:
            return rec["id"]
        return None

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if column < 0 or column >= len(self.fields):
            return
        q = self.query
        self.set_query(dataclasses.replace(q, order_by=self.fields[column].name,
                                           descending=(order == Qt.DescendingOrder)))
