"""Esc or closing a form with unsaved changes asks 放弃修改？ first (issue 12, "Nothing lost by accident").

A form takes a snapshot of what it shows once it is built (`remember(form, state_fn)`) and calls
`may_discard(form)` from its reject(): no prompt when nothing changed."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

TITLE = "放弃修改？"
TEXT = "表单中有尚未保存的修改。放弃这些修改并关闭吗？"


def remember(form, state_fn) -> None:
    """Take the snapshot `state_fn()` as what the form shows unchanged. A bound method of the form itself is kept
    as its function: form → own bound method → form would be a reference cycle, and a cycle holding a Qt wrapper
    can be collected by a worker thread's garbage collection (off the GUI thread), which PySide does not survive."""
    if getattr(state_fn, "__self__", None) is form:
        form._unsaved_state_fn, form._unsaved_unbound = state_fn.__func__, True
    else:
        form._unsaved_state_fn, form._unsaved_unbound = state_fn, False
    try:
        form._unsaved_initial = _state(form)
    except Exception:   # a form whose state cannot be read never blocks closing
        form._unsaved_initial = None


def _state(form):
    fn = form._unsaved_state_fn
    return fn(form) if form._unsaved_unbound else fn()


def has_changes(form) -> bool:
    if getattr(form, "_unsaved_state_fn", None) is None or getattr(form, "_unsaved_initial", None) is None:
        return False
    try:
        return _state(form) != form._unsaved_initial
    except Exception:
        return False


def may_discard(form) -> bool:
    """True when the form may close: nothing changed, or the clerk chose 放弃修改."""
    if not has_changes(form):
        return True
    box = QMessageBox(QMessageBox.Question, TITLE, TEXT, parent=form)
    discard = box.addButton("放弃修改", QMessageBox.DestructiveRole)
    keep = box.addButton("继续编辑", QMessageBox.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is discard


class DiscardGuard:
    """Mixin for a QDialog form (listed before the Qt class): Esc, 取消/关闭 and the window's close button
    ask before discarding changes. A programmatic reject() closes without asking."""

    def cancel(self) -> None:
        if may_discard(self):
            self.reject()

    def keyPressEvent(self, event) -> None:
        from PySide6.QtCore import Qt

        if event.key() == Qt.Key_Escape and not event.modifiers():
            event.accept()
            self.cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:
        # only the window's own close button (a spontaneous event) asks; a program closing the form does not
        if event.spontaneous() and self.isVisible() and not may_discard(self):
            event.ignore()
            return
        super().closeEvent(event)
