"""Run a long task in a worker thread with a cancellable progress dialog."""
from __future__ import annotations

import threading

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog


class _Runner(QObject):
    progressed = Signal(int, str)
    finished = Signal()

    def __init__(self, fn, args, kwargs):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.result = None
        self.error: BaseException | None = None
        self.cancel_event = threading.Event()

    def run(self) -> None:
        try:
            self.result = self.fn(*self.args, progress=lambda p, t="": self.progressed.emit(int(p), t),
                                  cancelled=self.cancel_event.is_set, **self.kwargs)
        except BaseException as exc:  # re-raised in the caller's thread
            self.error = exc
        finally:
            self.finished.emit()


class _Relay(QObject):
    """Lives in the GUI thread: the worker's progress signals reach it queued, so the dialog is only ever
    touched by the GUI thread (a plain lambda slot ran in the worker thread)."""

    def __init__(self, dialog: QProgressDialog, title: str):
        super().__init__()
        self.dialog, self.title = dialog, title
        self.updates = 0
        self.foreign_updates = 0  # updates that arrived outside the GUI thread (tests assert 0)

    @Slot(int, str)
    def show_progress(self, percent: int, text: str) -> None:
        self.updates += 1
        if QThread.currentThread() is not QApplication.instance().thread():
            self.foreign_updates += 1
            return
        self.dialog.setValue(percent)
        self.dialog.setLabelText(text or self.title)


LAST_RELAY: list = []  # the last run's relay (tests read its counters)


def run_task(parent, title: str, fn, *args, **kwargs):
    """Run fn(*args, progress=..., cancelled=..., **kwargs) off the UI thread; return its result or raise."""
    runner = _Runner(fn, args, kwargs)
    thread = QThread()
    runner.moveToThread(thread)
    dialog = QProgressDialog(title, "取消", 0, 100, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(300)
    loop = QEventLoop()
    relay = _Relay(dialog, title)
    LAST_RELAY[:] = [relay]
    runner.progressed.connect(relay.show_progress)
    runner.finished.connect(loop.quit)
    dialog.canceled.connect(runner.cancel_event.set)
    thread.started.connect(runner.run)
    thread.start()
    loop.exec()
    thread.quit()
    thread.wait()
    dialog.close()
    QApplication.processEvents()
    if runner.error is not None:
        raise runner.error
    return runner.result
