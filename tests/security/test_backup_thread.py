"""The automatic backup runs off the GUI thread on a Store connection of its own (ui/security_gui.BackupJob):
bk.auto_backup must be safe there — the GUI thread keeps writing meanwhile, the backup is a consistent
state, and the process-wide bookkeeping of open data folders stays right (issue 19)."""
import sqlite3
import threading

from sifasuo_desktop import fsutil
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.security import backup as bk
from sifasuo_desktop.store import Store


def test_auto_backup_in_a_worker_while_the_main_connection_writes(demo_store):
    store = demo_store
    store.actor = SYSTEM
    key = fsutil._real(store.data_dir)
    opened_before = fsutil._open_data_dirs.get(key)
    out: dict = {}

    def work():
        try:
            st = Store.open(store.data_dir, actor=SYSTEM, create=False)
            try:
                out["result"] = bk.auto_backup(st, force=True)
            finally:
                st.close()
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            out["error"] = exc

    gov = store.rows("bodies")[0]
    before = store.count("cases")
    thread = threading.Thread(target=work, name="auto-backup-test")
    thread.start()
    written = 0
    while thread.is_alive() or written < 5:     # the "GUI" keeps saving records while the copy runs
        with store.transaction():
            store.insert("cases", {"case_no": f"示综罚〔2026〕{9000 + written}号", "body_id": gov["id"],
                                   "case_type": "行政处罚(一般程序)", "party": f"当事人{written}",
                                   "filed_date": "2026-03-05"})
        written += 1
        thread.join(0.01)
    thread.join()
    assert "error" not in out, out.get("error")
    path = out["result"].path
    assert path is not None and path.exists()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        conn.close()
    assert before <= n <= before + written               # one consistent moment of the ledger
    assert store.count("cases") == before + written      # every save of the main connection went through
    assert fsutil._open_data_dirs.get(key) == opened_before   # the worker's store registered and left again
    store._load_meta()
    assert store.meta(bk.META_LAST_SEQ)                   # the worker recorded the backup for the GUI to read

