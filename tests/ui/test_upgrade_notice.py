"""An existing database with pending migrations is upgraded behind a dialog that says so (GUI) or a line on stderr
(CLI): at county scale the upgrade takes minutes, and a window that shows nothing for that long gets switched off."""
import sqlite3
import threading
import time

from sifasuo_desktop.cli import main
from sifasuo_desktop.paths import db_path
from sifasuo_desktop.store import Store
from sifasuo_desktop.store.repo import UPGRADE_NOTICE

MIGRATION = "m0111_party_id_from_code"   # a data migration that may run again


def _old_folder(d):
    with Store.open(d) as s:
        s.init_org("township", "测试司法所", "370000101000", "370000")
        s.insert("cases", {"case_no": "青罚〔2026〕1号", "case_type": "其他", "party": "张三"})
        s.conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", (MIGRATION,))
        s.conn.commit()
    return d


def test_needs_upgrade_only_for_an_existing_database_with_pending_migrations(tmp_path):
    assert not Store.needs_upgrade(tmp_path / "none")                 # no folder
    with Store.open(tmp_path / "new") as s:
        s.init_org("township", "测试司法所", "370000101000", "370000")
    assert not Store.needs_upgrade(tmp_path / "new")                  # up to date
    d = _old_folder(tmp_path / "old")
    assert Store.needs_upgrade(d)
    Store.open(d).close()                                             # the open upgrades it
    assert not Store.needs_upgrade(d)
    # a newer program's database is refused on open, not upgraded: nothing to announce
    conn = sqlite3.connect(db_path(d))
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('sifasuo', 'm9999_future', '')")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", (MIGRATION,))
    conn.commit()
    conn.close()
    assert not Store.needs_upgrade(d)
    junk = tmp_path / "junk"
    junk.mkdir()
    db_path(junk).write_bytes(b"not a database" * 100)
    assert not Store.needs_upgrade(junk)


def test_cli_says_it_upgrades_first(tmp_path, capsys):
    d = _old_folder(tmp_path / "old")
    capsys.readouterr()
    assert main(["--data-dir", str(d), "check", "--json"]) in (0, 1)
    assert UPGRADE_NOTICE in capsys.readouterr().err
    assert main(["--data-dir", str(d), "check", "--json"]) in (0, 1)
    assert UPGRADE_NOTICE not in capsys.readouterr().err              # once


def test_gui_upgrades_in_a_thread_behind_a_busy_dialog(tmp_path, qtbot, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from sifasuo_desktop.ui import app as app_mod

    d = _old_folder(tmp_path / "old")
    ran_in: list[str] = []
    real = Store._migrate.__func__

    def slow(cls, conn, data_dir):
        ran_in.append(threading.current_thread().name)
        time.sleep(0.8)
        return real(cls, conn, data_dir)

    monkeypatch.setattr(Store, "_migrate", classmethod(slow))
    seen: list[str] = []

    def look():   # on the GUI thread, while the upgrade runs: the event loop turns and the dialog is up
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QProgressDialog) and w.isVisible():
                seen.append(w.labelText())

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(100)
    store = app_mod.open_or_setup(d, None, interactive=True)
    timer.stop()
    try:
        assert store is not None and store.initialized
        assert ran_in[0] == "db-upgrade"                 # the upgrade itself ran off the GUI thread
        assert seen and UPGRADE_NOTICE in seen[0]
        assert any("已用时" in t for t in seen)
        assert not Store.needs_upgrade(d)
        assert store.conn.execute("SELECT count(*) FROM _sqlite_migrations WHERE name = ?", (MIGRATION,)).fetchone()[0] == 1
    finally:
        store.close()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
