import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from sifasuo_desktop.domain.permissions import SYSTEM  # noqa: E402
from sifasuo_desktop.store import Store  # noqa: E402


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data")
    s.init_org("township", "测试镇司法所", "T0001", "C0001")
    yield s
    s.close()


@pytest.fixture
def demo_store(tmp_path):
    from sifasuo_desktop.demo import generate

    s = Store.open(tmp_path / "demo")
    generate(s, cases=120, seed=7)
    yield s
    s.close()


_exit_status = {"code": None}


def pytest_sessionfinish(session, exitstatus):
    _exit_status["code"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """PySide6 sometimes crashes while the interpreter tears down Qt wrappers after the last test has run
    and the summary has been printed (bool_dealloc / segfault at exit). Nothing is tested any more then, so
    leave with pytest's own exit status instead of letting that teardown turn a green run red."""
    import sys

    if _exit_status["code"] is not None and "PySide6.QtCore" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status["code"])


@pytest.fixture(autouse=True)
def _background_threads_end():
    """A test's background workers (warnings, dashboard, integrity check) end before the next test starts,
    so no run of one test overlaps the set-up of the next one."""
    yield
    import threading

    for thread in threading.enumerate():
        if thread is not threading.current_thread() and thread.daemon and thread.name.startswith(
                ("rules-check", "dashboard-refresh", "integrity-check")):
            thread.join(60)
    _delete_leftover_windows()


def _delete_leftover_windows() -> None:
    """Windows a test made without qtbot.addWidget are deleted here through Qt (deleteLater), not later by
    the garbage collector in the middle of another test: PySide6 crashed (SIGSEGV in 'Garbage-collecting')
    when a collected cycle still held a main window."""
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        return
    import shiboken6
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    for w in app.topLevelWidgets():
        if shiboken6.isValid(w) and w.parentWidget() is None and \
                type(w).__module__.startswith(("sifasuo_desktop", "tests")):
            w.hide()
            w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
