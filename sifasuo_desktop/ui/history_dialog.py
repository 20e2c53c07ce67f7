"""修改历史: who changed what and when, for one record (from the hash-chained audit log)."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.security.audit import record_history
from sifasuo_desktop.ui.widgets import FitDialog

COLUMNS = ("时间", "操作人", "操作", "字段", "原值", "新值")


# the audit log names the built-in actor in English; a clerk reads Chinese
ACTOR_LABELS = {"system": "系统"}


def _short(value) -> str:
    if isinstance(value, float):   # 500.0 -> 500, 2.5 -> 2.5 (no binary noise, no exponent)
        text = str(int(value)) if value.is_integer() else f"{value:.6f}".rstrip("0").rstrip(".")
        return text
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "…"


class HistoryDialog(FitDialog):
    def __init__(self, store, table: str, record_id: str, parent=None, actor=None):
        super().__init__(parent)
        ledger = LEDGERS.get(table)
        title = ledger.title if ledger else table
        rec = store.get(table, record_id) or {}
        number = ""
        if ledger is not None:
            key = ledger.number_field or ledger.display_field
            number = str(rec.get(key) or "") if key else ""
        self.setWindowTitle(f"修改历史 — {title} {number}".strip())
        self.resize(900, 520)
        lay = QVBoxLayout(self)
        self.items = record_history(store, table, record_id, actor=actor)
        lay.addWidget(QLabel(f"共 {len(self.items)} 次操作（个人信息按您的权限显示）。"))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        rows = []
        for it in self.items:
            changes = it["changes"] or [{"label": "", "old": "", "new": ""}]
            for i, c in enumerate(changes):
                actor_name = ACTOR_LABELS.get(it["actor"], it["actor"])
                head = (it["time"], actor_name, it["action_label"]) if i == 0 else ("", "", "")
                rows.append((*head, c["label"], _short(c["old"]), _short(c["new"])))
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(str(v)))
        self.table.resizeColumnsToContents()
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
