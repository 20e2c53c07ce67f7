"""Background work never touches Qt objects from its own thread (issue 18 'Threads'; a CI crash)."""
import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from sifasuo_desktop.ui import workers


def test_progress_reaches_the_dialog_in_the_gui_thread(qtbot, monkeypatch):
    seen = []

    class RecordingDialog(QProgressDialog):
        def setValue(self, value):  # noqa: N802 - Qt name
            seen.append(QThread.currentThread() is QApplication.instance().thread())
            super().setValue(value)

    monkeypatch.setattr(workers, "QProgressDialog", RecordingDialog)
    parent = QWidget()
    qtbot.addWidget(parent)
    worker_threads = set()

    def task(progress, cancelled):
        worker_threads.add(threading.get_ident())
        for i in range(20):
            progress(i * 5, f"第{i}步")
        return "完成"

    assert workers.run_task(parent, "测试", task) == "完成"
    assert threading.get_ident() not in worker_threads  # the task did run in another thread
    assert len(seen) == 20 and all(seen), seen


def test_warnings_worker_outlives_its_window(qtbot, demo_store):
    """The window (and its engine) deleted while a run is in flight: the run ends quietly, nothing is
    delivered to the deleted engine, and a new window computes normally."""
    import gc

    from sifasuo_desktop.domain.permissions import SYSTEM
    from sifasuo_desktop.ui.main_window import MainWindow

    w = MainWindow(demo_store, SYSTEM)
    engine = w.rules_engine
    engine.recompute()
    thread = engine._thread
    assert thread is not None
    w.deleteLater()
    qtbot.wait(10)
    for _ in range(5):
        gc.collect()
        qtbot.wait(20)
    thread.join(60)
    assert not thread.is_alive()
    qtbot.wait(100)
    w2 = MainWindow(demo_store, SYSTEM)
    qtbot.addWidget(w2)
    e2 = w2.rules_engine
    e2.recompute()
    qtbot.waitUntil(lambda: e2.runs > 0 and not e2.busy, timeout=30000)
    assert e2.result is not None and e2.error is None
