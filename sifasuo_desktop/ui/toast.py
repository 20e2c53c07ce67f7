"""Confirmations and errors where the clerk looks (issue 18), not only in the status bar: on a ledger page the
notice next to its table; elsewhere a small non-blocking toast over the bottom of the window that fades after a
few seconds (click it to close). Always also in the status bar (its history for whoever looks there)."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel

SHOW_MS = 6000


class Toast(QLabel):
    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("toast")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignCenter)
        self.setMaximumWidth(640)
        self.timer = QTimer(self, singleShot=True, interval=SHOW_MS)
        self.timer.timeout.connect(self.hide)
        self.hide()

    def show_text(self, text: str, error: bool = False) -> None:
        colour = "#c62828" if error else "#2e7d32"
        self.setStyleSheet(f"QLabel#toast {{ background: white; color: {colour}; border: 2px solid {colour};"
                           " border-radius: 6px; padding: 8px 14px; font-weight: bold; }")
        self.setText(text)
        w = self.parentWidget()
        self.adjustSize()
        width = min(max(self.sizeHint().width(), 240), 640)
        self.resize(width, self.heightForWidth(width) if self.hasHeightForWidth() else self.sizeHint().height())
        bar = w.statusBar().height() if hasattr(w, "statusBar") else 0
        self.move(max((w.width() - self.width()) // 2, 0), max(w.height() - bar - self.height() - 16, 0))
        self.show()
        self.raise_()
        self.timer.start()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt name
        self.hide()


def notify(window, text: str, error: bool = False, timeout_ms: int = 8000) -> None:
    if window is None:
        return
    if hasattr(window, "statusBar"):
        window.statusBar().showMessage(text, timeout_ms)
    view = window.current_ledger_view() if hasattr(window, "current_ledger_view") else None
    if view is not None and hasattr(view, "show_notice"):
        view.show_notice(text if not error else text, error=error)
        return
    toast = getattr(window, "_toast", None)
    if toast is None:
        toast = window._toast = Toast(window)
    toast.show_text(text, error)
