"""Open the real main window on a data folder, show the cases ledger and scroll it, then exit.

    python -m bench.gui_memory DATA_DIR [PAGES]

The parent (bench/runner.py) reads this process's peak RSS from wait4. Exit 3 = the GUI is not
built yet. Waits for the warnings (预警) to be computed. Prints "rows loaded N, warnings W, VmHWM M MB"
on stderr.
"""
from __future__ import annotations

import sys
from pathlib import Path


def vm_hwm_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    data_dir = Path(argv[0])
    pages = int(argv[1]) if len(argv) > 1 else 10
    try:
        from sifasuo_desktop.domain.permissions import SYSTEM
        from sifasuo_desktop.store import Store
        from sifasuo_desktop.ui.app import make_app
        from sifasuo_desktop.ui.main_window import MainWindow
    except ModuleNotFoundError as exc:
        print(f"not built yet: {exc}", file=sys.stderr)
        return 3
    app = make_app(["bench-gui-memory"])
    store = Store.open(data_dir, create=False)
    win = MainWindow(store, SYSTEM, data_dir)
    win.show()
    win.show_page("cases")
    app.processEvents()
    view = win.ledger_view("cases")
    model = view.model
    table = view.table
    # scroll down page by page as a user would with PageDown, letting the view fetch more rows
    for _ in range(pages):
        if model.canFetchMore():
            model.fetchMore()
        table.scrollToBottom()
        app.processEvents()
    rows = model.rowCount()
    # the warnings (预警) are part of the GUI's working set: wait until they are computed and shown
    # (the run used to exit before the rules thread had finished, hiding its memory)
    import time

    engine = getattr(win, "rules_engine", None)
    warned = "no warnings engine"
    if engine is not None:
        deadline = time.monotonic() + 300
        if engine.runs == 0 and not engine.busy:
            engine.recompute()
        while engine.runs == 0 and time.monotonic() < deadline:
            engine.wait(0.05)
            app.processEvents()
        for _ in range(3):  # badges painted in the visible rows
            table.viewport().update()
            app.processEvents()
        n = len(engine.result.findings) if engine.result else 0
        warned = f"warnings {n:,}" if engine.runs else "warnings not finished after 300 s"
    rows = model.rowCount()
    win.close()
    app.processEvents()
    store.close()
    print(f"rows loaded {rows}, {warned}, VmHWM {vm_hwm_mb() or 0:.0f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    # everything is measured and printed; skip the interpreter's teardown of Qt wrappers, which PySide6 can crash
    # on (none_dealloc / SIGABRT while collecting at exit), as `sifasuo` itself does
    sys.stdout.flush()
    sys.stderr.flush()
    import os

    os._exit(code)
