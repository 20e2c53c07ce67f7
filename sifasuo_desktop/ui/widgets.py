"""Small input widgets used by record forms."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (QCalendarWidget, QComboBox, QHBoxLayout, QLineEdit, QMenu, QPlainTextEdit,
                               QToolButton, QWidget, QWidgetAction)


class DateEdit(QWidget):
    """A date that may be empty: free text (2026-11-23, 2026/11/23, 2026年11月23日) plus a calendar button."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("如 2026-11-23")
        self.button = QToolButton(self)
        self.button.setText("日历")
        self.button.setPopupMode(QToolButton.InstantPopup)
        menu = QMenu(self.button)
        self.calendar = QCalendarWidget(menu)
        self.calendar.setGridVisible(True)
        act = QWidgetAction(menu)
        act.setDefaultWidget(self.calendar)
        menu.addAction(act)
        self.button.setMenu(menu)
        self.calendar.clicked.connect(self._picked)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.button)
        self.edit.textChanged.connect(self.changed)

    def _picked(self, qdate: QDate) -> None:
        self.edit.setText(qdate.toString("yyyy-MM-dd"))
        self.button.menu().hide()

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str | None) -> None:
        self.edit.setText(text or "")
        if text:
            try:
                d = dt.date.fromisoformat(text)
                self.calendar.setSelectedDate(QDate(d.year, d.month, d.day))
            except ValueError:
                pass


class ChoiceBox(QComboBox):
    """A combo with an empty first entry; items are (label, value)."""

    def __init__(self, items, parent=None):
        super().__init__(parent)
        self.addItem("", None)
        for label, value in items:
            self.addItem(label, value)

    def value(self):
        return self.currentData()

    def set_value(self, value) -> None:
        idx = self.findData(value)
        if idx < 0 and value is not None:
            self.addItem(str(value), value)
            idx = self.count() - 1
        self.setCurrentIndex(max(idx, 0))


class LongText(QPlainTextEdit):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(64)

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str | None) -> None:
        self.setPlainText(text or "")


def size_to_window(dialog, parent, w_frac: float = 0.85, h_frac: float = 0.9) -> None:
    """Give a dialog (print preview, import preview...) most of the main window's area instead of Qt's small
    default size, so a clerk sees a whole page without resizing first."""
    top = parent.window() if parent is not None else None
    if top is None:
        return
    size = top.size()
    dialog.resize(max(dialog.width(), int(size.width() * w_frac)), max(dialog.height(), int(size.height() * h_frac)))
