"""Run a long task in a worker thread with a cancellable progress dialog."""
from __future__ import annotations

import threading

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal
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
    runner.progressed.connect(lambda p, t: (dialog.setValue(p), dialog.setLabelText(t or title)))
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
