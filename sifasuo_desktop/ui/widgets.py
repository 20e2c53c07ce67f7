"""Small input widgets used by record forms."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QRect, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QBoxLayout, QCalendarWidget, QComboBox, QDialog, QDialogButtonBox, QFrame,
                               QHBoxLayout, QLineEdit, QMenu, QPlainTextEdit, QScrollArea, QSizePolicy,
                               QToolButton, QVBoxLayout, QWidget, QWidgetAction)


class DateEdit(QWidget):
    """A date that may be empty: free text (2026-11-23, 2026/11/23, 2026年11月23日) plus a calendar button."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        # one line high: a plain QWidget grows vertically, and in a short form (监督员, 行政检查...) each date
        # row took ~200 px of the spare height
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("如 2026-11-23")
        self.button = QToolButton(self)
        self.button.setText("日历 ▾")
        self.button.setPopupMode(QToolButton.InstantPopup)
        # Fusion paints its own small arrow over the text's last character: one arrow, in the text
        self.button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
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
    default size, so a clerk sees a whole page without resizing first (never more than the screen)."""
    top = parent.window() if parent is not None else None
    if top is None:
        return
    size = top.size()
    max_w, max_h = max_dialog_size(dialog)
    dialog.resize(min(max_w, max(dialog.width(), int(size.width() * w_frac))),
                  min(max_h, max(dialog.height(), int(size.height() * h_frac))))


# ---------------------------------------------------------------------------------------------- fit the screen
# What the window manager adds around a dialog's client area (title bar, borders): Qt only knows it once the
# window is mapped, so a fixed allowance keeps the whole frame, title bar included, on the screen.
FRAME_ALLOWANCE = (16, 40)


def available_geometry(widget=None) -> QRect:
    """The usable area (screen minus taskbar) of the screen the widget, or its parent window, is on."""
    screen = None
    if widget is not None:
        parent = widget.parentWidget()
        if parent is not None and parent.window().isVisible():
            screen = parent.window().screen()
        screen = screen or widget.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)


def max_dialog_size(widget=None) -> tuple[int, int]:
    avail = available_geometry(widget)
    return avail.width() - FRAME_ALLOWANCE[0], avail.height() - FRAME_ALLOWANCE[1]


def wrap_in_scroll(dialog) -> QScrollArea | None:
    """Move a dialog's content into a QScrollArea; a QDialogButtonBox at the end stays below it, visible."""
    lay = dialog.layout()
    if lay is None or getattr(dialog, "fit_scroll", None) is not None:
        return getattr(dialog, "fit_scroll", None)
    buttons = None
    if isinstance(lay, QBoxLayout) and lay.count():
        last = lay.itemAt(lay.count() - 1).widget()
        if isinstance(last, QDialogButtonBox):
            lay.takeAt(lay.count() - 1)
            buttons = last
    inner = QWidget()
    inner.setLayout(lay)            # Qt takes the layout (and its widgets) off the dialog
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.NoFrame)
    scroll.setWidget(inner)
    outer = QVBoxLayout(dialog)
    outer.setContentsMargins(0, 0, 0, 0 if buttons is None else 9)
    outer.addWidget(scroll, 1)
    if buttons is not None:
        row = QHBoxLayout()
        row.setContentsMargins(9, 0, 9, 0)
        row.addWidget(buttons)
        outer.addLayout(row)
    dialog.fit_scroll = scroll
    return scroll


def fit_to_screen(dialog) -> None:
    """No dialog larger than the available screen (1366×768 above a taskbar included): content that cannot
    shrink that far scrolls inside the dialog, and the dialog is moved to lie wholly on the screen."""
    max_w, max_h = max_dialog_size(dialog)
    hint = dialog.minimumSizeHint()
    if hint.width() > max_w or hint.height() > max_h:
        wrap_in_scroll(dialog)
    if dialog.minimumWidth() > max_w or dialog.minimumHeight() > max_h:
        dialog.setMinimumSize(min(dialog.minimumWidth(), max_w), min(dialog.minimumHeight(), max_h))
    if dialog.width() > max_w or dialog.height() > max_h:
        dialog.resize(min(dialog.width(), max_w), min(dialog.height(), max_h))
    if dialog.isWindow():
        avail = available_geometry(dialog)
        x = min(max(dialog.x(), avail.left()), avail.left() + max_w - dialog.width())
        y = min(max(dialog.y(), avail.top()), avail.top() + max_h - dialog.height())
        if (x, y) != (dialog.x(), dialog.y()):
            dialog.move(max(x, avail.left()), max(y, avail.top()))


def fits_screen(dialog) -> bool:
    """True when the dialog (with the frame allowance) lies within the available screen geometry."""
    max_w, max_h = max_dialog_size(dialog)
    return dialog.width() <= max_w and dialog.height() <= max_h


class FitDialog(QDialog):
    """A QDialog that never opens larger than the available screen (see fit_to_screen)."""

    def showEvent(self, event):
        fit_to_screen(self)
        super().showEvent(event)
