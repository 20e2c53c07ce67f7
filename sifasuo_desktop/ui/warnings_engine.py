"""Keeps the latest warning-rule result for the GUI and recomputes it off the UI thread after every edit."""
from __future__ import annotations

import datetime as dt
import gc
import logging
import queue
import sys
import threading
from typing import TYPE_CHECKING

import shiboken6

from PySide6.QtCore import QObject, QTimer, Signal

from sifasuo_desktop.domain.severity import SEVERITY_LABELS

if TYPE_CHECKING:
    from sifasuo_desktop.store.rules_queries import CheckResult

log = logging.getLogger(__name__)
MAX_TIP_LINES = 4


def build_badge_index(findings) -> dict[tuple[str, str], list]:
    """(table, record id) -> that record's findings (the same objects, no copies: a county's hundred thousand
    findings are held once); `badge_of` makes the tooltip when a row is painted."""
    grouped: dict[tuple[str, str], list] = {}
    for f in findings:
        grouped.setdefault((f.record_type, f.record_id), []).append(f)
    return grouped


def badge_of(items) -> tuple[str, str] | None:
    """(worst severity, tooltip) of one record's findings."""
    if not items:
        return None
    worst = "red" if any(f.severity == "red" for f in items) else "yellow"
    lines = [f"{SEVERITY_LABELS[f.severity]} {f.code} {f.title}：{f.message}" for f in items[:MAX_TIP_LINES]]
    if len(items) > MAX_TIP_LINES:
        lines.append(f"……共{len(items)}条预警")
    return worst, "\n".join(lines)


SEPARATE_PROCESS_RECORDS = 50_000   # cases + inspections from which the checks run in their own process


def check_command(data_dir, today) -> list[str]:
    """`sifasuo check` for this folder and day, run by this interpreter (or the frozen program)."""
    args = ["check", "--data-dir", str(data_dir), "--today", today.isoformat(), "--json"]
    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    return [sys.executable, "-m", "sifasuo_desktop", *args]


def run_check_process(data_dir, today) -> bool:
    """Run the full check in a child process (its output goes to the findings cache); False when it failed."""
    import subprocess

    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    try:
        done = subprocess.run(check_command(data_dir, today), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, creationflags=flags, check=False)
    except OSError:
        log.exception("separate check process could not start")
        return False
    if done.returncode != 0:
        log.warning("separate check process exited %s", done.returncode)
    return done.returncode == 0


class RulesEngine(QObject):
    """Runs check_store in a worker thread (own read connection) and announces `updated`.

    Store changes restart a short timer, so a burst of edits costs one recomputation; an edit made while a
    run is in progress schedules another run when it ends.

    The worker touches no Qt object at all: it puts its result on a plain queue that a UI-thread timer
    drains. (It used to emit a signal on an unparented QObject from the Python thread; under load that
    crashed the interpreter when the collector ran while a run was in flight.)
    """

    updated = Signal()
    failed = Signal(str)

    DEBOUNCE_MS = 300
    POLL_MS = 40

    def __init__(self, store, data_dir=None, parent=None):
        super().__init__(parent)
        self.store = store
        self.data_dir = data_dir or store.data_dir
        self.today: dt.date | None = None  # None: the local date at each run
        self.result: CheckResult | None = None
        self.index: dict[tuple[str, str], list] = {}
        self.error: str | None = None
        self.runs = 0
        self._running = False
        self._again = False
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self.recompute)
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._poll = QTimer(self)
        self._poll.setInterval(self.POLL_MS)
        self._poll.timeout.connect(self._drain)
        self._thread: threading.Thread | None = None
        store.subscribe(self._on_changes)

    # ------------------------------------------------------------------ public
    @property
    def busy(self) -> bool:
        return self._running or self._timer.isActive()

    def badge(self, table: str, record_id: str):
        return badge_of(self.index.get((table, record_id)))

    def counts(self) -> dict[str, int]:
        return self.result.counts() if self.result else {"red": 0, "yellow": 0}

    def schedule(self) -> None:
        """Recompute after the debounce interval (busy meanwhile)."""
        if not self._closed:
            self._timer.start()

    def recompute(self) -> None:
        if self._closed:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self._again = False
        today = self.today or dt.date.today()
        # the GUI thread's garbage is collected here, not by a collection the worker's allocations would start:
        # that one could free Qt wrappers (closed dialogs, replaced pages) off the GUI thread and crash PySide
        gc.collect()
        self._thread = threading.Thread(target=self._work, args=(self._results, self.data_dir, today),
                                        name="rules-check", daemon=True)
        self._thread.start()
        self._poll.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker thread (if any) has ended; True when none is running any more."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def close(self) -> None:
        self._closed = True
        self.store.unsubscribe(self._on_changes)
        for timer in (self._timer, self._poll):
            try:
                timer.stop()
            except RuntimeError:  # already deleted with the window
                pass

    # ------------------------------------------------------------------ internals
    def _on_changes(self, changes) -> None:
        if changes and not self._closed:
            try:
                self._timer.start()
            except RuntimeError:  # the window (and this engine) is gone
                self._closed = True
                self.store.unsubscribe(self._on_changes)

    @staticmethod
    def _work(results, data_dir, today) -> None:
        """Worker thread: its own read connection; touches nothing but the result queue.

        A big folder (a county: a million records) is checked by a separate `sifasuo check` process that
        leaves its result in the findings cache, which this thread then reads: the rules' working set
        (gigabytes at county scale) never enters the GUI process, and the GUI keeps its interpreter lock."""
        # imported here, after the window's first paint, not while it is built
        from sifasuo_desktop.store import Store, rules_queries

        try:
            store = Store.open(data_dir, create=False)
            try:
                result = rules_queries.cached_check(store, today)
                if (result is None and rules_queries.record_volume(store) >= SEPARATE_PROCESS_RECORDS
                        and rules_queries.cacheable(store) and run_check_process(data_dir, today)):
                    result = rules_queries.cached_check(store, today)
                if result is None:
                    result = rules_queries.check_store(store, today=today)
            finally:
                store.close()
            payload = build_badge_index(result.findings)
        except Exception as exc:  # shown on the page; the previous result stays
            log.exception("rules check failed")
            result, payload = None, f"预警检查失败：{getattr(exc, 'message', None) or exc}"
        results.put((result, payload))

    def _drain(self) -> None:
        """UI thread: pick up a finished run."""
        try:
            result, payload = self._results.get_nowait()
        except queue.Empty:
            return
        self._poll.stop()
        self._thread = None
        self._on_finished(result, payload)

    def _on_finished(self, result, payload) -> None:
        self._running = False
        self.runs += 1
        if self._closed or not shiboken6.isValid(self):
            self._closed = True
            return
        if result is None:
            self.error = str(payload)
            self.failed.emit(self.error)
        else:
            self.error = None
            self.result, self.index = result, payload
            self.updated.emit()
        if self._again:
            self.recompute()
