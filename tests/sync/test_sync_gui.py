"""The sync page and dialogs, driven through the real main window (county side)."""
import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.store import sync_queries as sq
from sifasuo_desktop.sync import engine
from sifasuo_desktop.sync.drives import _posix
from sifasuo_desktop.ui.main_window import MainWindow

from .world import World, add_cases


@pytest.fixture()
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


def _dispose(*windows):
    """Close and delete windows before their stores close (no queued refresh may hit a closed database)."""
    from PySide6.QtCore import QEvent
    for w in windows:
        w.close()
        w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    QApplication.processEvents()


@pytest.fixture(autouse=True)
def inline_worker(monkeypatch):
    """Run the sync dialogs' background task inline (same code path, no QThread)."""
    from sifasuo_desktop.ui import workers
    monkeypatch.setattr(workers, "run_task",
                        lambda parent, title, fn, *a, **k: fn(*a, progress=lambda p, t="": None,
                                                              cancelled=lambda: False, **k))


@pytest.fixture()
def county_window(world, qtbot):
    w = MainWindow(world.county, SYSTEM)
    w.show()
    QApplication.processEvents()
    yield w
    _dispose(w)


def _auto_close_boxes(monkeypatch, seen):
    from sifasuo_desktop.ui import sync_ui
    for name in ("_info", "_warn"):
        monkeypatch.setattr(sync_ui, name, lambda parent, title, text: seen.append((title, text)))


def test_sync_page_import_and_resolve_conflict(world, county_window, qtbot, monkeypatch):
    ids = add_cases(world.town, 3)
    pkg = world.export(world.town)
    assert "sync" in county_window.page_keys()
    page = county_window.sync_page
    county_window.show_page("sync")
    assert page.towns.rowCount() == 1 and page.towns.item(0, 0).text() == "第1镇司法所"
    assert page.towns.item(0, 2).text() == "从未"
    seen = []
    _auto_close_boxes(monkeypatch, seen)
    from sifasuo_desktop.ui import sync_ui
    results = sync_ui.import_packages(county_window, [str(pkg)])
    assert results[0].imported == 4
    assert seen and "新增 4 条" in seen[-1][1]
    assert page.towns.item(0, 3).text() != "0"
    # the ledger view of the county now shows the township's cases
    assert county_window.store.count("cases") == 3
    # a conflict appears on the page and is resolved from there
    world.down()
    world.town.conn.execute("UPDATE cases SET party = '偷改' WHERE id = ?", (ids[0],))
    world.town.conn.execute("INSERT INTO change_log(stream_id, table_name, record_id, version, op, ts) "
                            "VALUES (?, 'cases', ?, 1, 'update', 'x')", (world.town.stream_id, ids[0]))
    sync_ui.import_packages(county_window, [str(world.export(world.town))])
    page.refresh()
    assert page.conflicts.rowCount() == 1
    assert page.conflicts.item(0, 1).text() == "硬冲突" and page.conflicts.item(0, 7).text() == "当事人"
    page.conflicts.selectRow(0)
    page.resolve("keep")
    assert page.conflicts.rowCount() == 0
    assert sq.conflicts(world.county.conn, open_only=False)[0]["resolution"] == "保留本机数据"


def test_rejected_package_shows_reason(world, county_window, qtbot, monkeypatch, tmp_path):
    bad = tmp_path / "bad.tspkg"
    bad.write_bytes(b"TSPKG-1\n\x00\x00")
    seen = []
    _auto_close_boxes(monkeypatch, seen)
    from sifasuo_desktop.ui import sync_ui
    results = sync_ui.import_packages(county_window, [str(bad)])
    assert results[0].status == "rejected"
    assert "已拒绝" in seen[-1][1] and "不完整" in seen[-1][1]


def test_export_dialog_to_folder_and_by_mail(world, county_window, qtbot, monkeypatch, tmp_path):
    from sifasuo_desktop.ui import sync_ui
    seen = []
    _auto_close_boxes(monkeypatch, seen)
    opened = []
    monkeypatch.setattr(sync_ui.QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    dlg = sync_ui.ExportDialog(county_window)
    assert dlg.peer.count() == 1 and dlg.peer.currentData() == "T01"
    folder = tmp_path / "U盘"
    folder.mkdir()
    dlg.target.insertItem(0, str(folder), str(folder))
    dlg.target.setCurrentIndex(0)
    dlg.do_export()
    assert len(dlg.result_paths) == 1 and dlg.result_paths[0].parent == folder
    assert engine.import_file(world.town, dlg.result_paths[0]).status == "applied"
    dlg = sync_ui.ExportDialog(county_window)
    dlg.mail.setChecked(True)
    dlg.do_export()
    assert any(u.startswith("mailto:") for u in opened) and any(u.startswith("file:") for u in opened)
    assert dlg.result_paths[0].parent.name == "outbox"


def test_trust_dialog_requires_confirmation(world, county_window, qtbot, monkeypatch, tmp_path):
    from sifasuo_desktop.sync.keys import LocalKeys
    from sifasuo_desktop.ui import sync_ui
    t2 = LocalKeys.generate("T02", "第二镇司法所", "township")
    path = t2.write_identity(tmp_path / "t2.json")
    seen = []
    _auto_close_boxes(monkeypatch, seen)
    monkeypatch.setattr(sync_ui, "_ask", lambda *a, **k: False)
    assert sync_ui.trust_file(county_window, str(path)) is None
    assert "T02" not in sq.township_names(world.county.conn)
    monkeypatch.setattr(sync_ui, "_ask", lambda *a, **k: True)
    assert sync_ui.trust_file(county_window, str(path)).org_code == "T02"
    assert county_window.sync_page.towns.rowCount() == 2


def test_removable_drive_listing(tmp_path):
    media = tmp_path / "media"
    (media / "KINGSTON").mkdir(parents=True)
    (media / "unmounted").mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sdb1 {media / 'KINGSTON'} vfat rw 0 0\n")
    drives = _posix(str(mounts), roots=[media])
    assert drives == [("U盘 KINGSTON", media / "KINGSTON")]


@pytest.fixture()
def world2(tmp_path):
    w = World(tmp_path, 2)
    yield w
    w.close()


def test_county_ledgers_have_township_column_and_filter(world2, qtbot):
    from PySide6.QtCore import Qt
    w = world2
    if True:
        add_cases(w.towns[0], 3)
        add_cases(w.towns[1], 2, start=10)
        for t in w.towns:
            engine.import_file(w.county, w.export(t))
        win = MainWindow(w.county, SYSTEM)
        win.show()
        QApplication.processEvents()
        view = win.ledger_view("cases")
        view.ensure_loaded()
        view.apply_filters()
        model = view.model
        assert model.headerData(0, Qt.Horizontal) == "乡镇"
        cell = lambda r: model.data(model.index(r, 0)).replace("● ", "")  # noqa: E731  (warning badge mark)
        shown = {cell(r) for r in range(model.rowCount())}
        assert shown == {"第1镇", "第2镇"}   # the 乡镇, as the statistics name it
        box = view.township_box
        assert len(view.findChildren(type(box), "township_filter")) == 1   # one 乡镇 filter, not two
        box.setCurrentIndex(box.findData("T02"))
        assert model.rowCount() == 2
        assert {cell(r) for r in range(model.rowCount())} == {"第2镇"}
        # a township's own window is unchanged
        twin = MainWindow(w.towns[0], SYSTEM)
        QApplication.processEvents()   # let the dashboards' start-up refresh run while they exist
        assert twin.ledger_view("cases").model.headerData(0, Qt.Horizontal) != "乡镇"
        assert not twin.ledger_view("cases").township_box.isVisibleTo(twin.ledger_view("cases"))
        _dispose(win, twin)


def test_period_lock_from_the_page(world, county_window, qtbot, monkeypatch):
    ids = add_cases(world.town, 1)
    engine.import_file(world.county, world.export(world.town))
    world.down()
    seen = []
    _auto_close_boxes(monkeypatch, seen)
    page = county_window.sync_page
    page.refresh()
    page.lock(True, "2026-10")
    assert "请先" in seen[-1][1]                     # nothing selected yet
    page.towns.selectRow(0)
    page.lock(True, "2026-10")
    assert "T01 2026-10" in page.locks_label.text() or "第1镇司法所 2026-10" in page.locks_label.text()
    world.town.update("cases", ids[0], {"party": "验收后修改"})
    engine.import_file(world.county, world.export(world.town))
    page.refresh()
    assert page.conflicts.item(0, 1).text() == "期间已锁定"
    page.towns.selectRow(0)
    page.lock(False, "2026-10")
    assert "应用了 1 条" in seen[-1][1]
    assert page.conflicts.rowCount() == 0
    assert world.county.get("cases", ids[0])["party"] == "验收后修改"
    page.lock(True, "2026-13")
    assert "YYYY-MM" in seen[-1][1]


REAL_WORKER_SCRIPT = r"""
import os, sys, tempfile
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
sys.path.insert(0, sys.argv[1])
from tests.sync.world import World, add_cases
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.ui import sync_ui
from sifasuo_desktop.ui.main_window import MainWindow
w = World(Path(tempfile.mkdtemp()), 1)
add_cases(w.town, 5)
pkg = w.export(w.town)
win = MainWindow(w.county, SYSTEM)
win.show()
app.processEvents()
seen = []
sync_ui._info = sync_ui._warn = lambda parent, title, text: seen.append(text)
results = sync_ui.import_packages(win, [str(pkg)])
print("RESULT", results[0].status, results[0].imported, w.county.count("cases"))
print("BOX", seen[-1])
"""


def test_import_through_the_real_worker_thread(tmp_path):
    """The same import via ui/workers.run_task (QThread + progress dialog), in its own process."""
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    script = tmp_path / "real_worker.py"
    script.write_text(REAL_WORKER_SCRIPT, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script), str(root)], capture_output=True, text=True,
                          timeout=120, cwd=root)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "RESULT applied 6 5" in proc.stdout and "新增 6 条" in proc.stdout
