"""Helpers for driving modal dialogs from pytest-qt tests."""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def when_modal(qtbot, action, timeout=3000):
    """Run `action(dialog)` as soon as a modal dialog is shown (use before the call that opens it)."""
    state = {"done": False, "error": None}

    def poll():
        w = QApplication.activeModalWidget()
        if w is None:
            QTimer.singleShot(20, poll)
            return
        try:
            action(w)
            if w.isVisible():
                extra = getattr(getattr(w, "error_label", None), "text", lambda: "")()
                raise AssertionError(f"dialog {w.windowTitle()!r} is still open after the action {extra}")
        except BaseException as exc:  # reported after the dialog closes
            state["error"] = exc
            w.reject()
        state["done"] = True

    QTimer.singleShot(0, poll)
    return state


def type_text(widget, text):
    """Type text (Chinese included) into a widget with real key events, one character at a time.

    qtbot.keyClicks only handles ASCII; a key event carrying the character is what an input method delivers."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    target = getattr(widget, "edit", widget)
    target.setFocus()
    for ch in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, Qt.Key_unknown, Qt.NoModifier, ch))
