"""Disk full and read-only data folders: a clear Chinese message, nothing lost, nothing half written."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from sifasuo_desktop.security.audit import verify_chain
from sifasuo_desktop.store import Store, StoreError

ROOT = Path(__file__).resolve().parents[2]


def test_disk_full_keeps_committed_data_and_rolls_back_the_batch(store):
    kept = [store.insert("bodies", {"name": f"已保存{i}"})["id"] for i in range(5)]
    audit_before = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 3}")  # the disk is (almost) full
    rows = [{"title": "培训" * 200, "officer_name": f"学员{i}"} for i in range(400)]
    with pytest.raises(StoreError, match="磁盘空间已满"):
        store.bulk_insert("trainings", rows, action="import")
    with pytest.raises(StoreError, match="磁盘空间已满"):
        with store.transaction():
            for i in range(200):
                store.insert("bodies", {"name": "大" * 2000})
    assert store.count("trainings") == 0
    assert store.count("bodies", "name LIKE '大%'") == 0
    assert all(store.get("bodies", i) for i in kept)
    assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit_before
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert verify_chain(store.conn).ok
    store.conn.execute("PRAGMA max_page_count = 1073741823")  # space freed: writing works again
    assert store.bulk_insert("trainings", rows[:10]) == 10


CHILD = r"""
import os, sys
sys.path.insert(0, sys.argv[1])
import sqlite3, sqlite_utils
import sifasuo_desktop.cli as c
c.build_parser()
import sifasuo_desktop.store, sifasuo_desktop.store.migrations as m, sifasuo_desktop.security.cli_auth
import sifasuo_desktop.security.backup, sifasuo_desktop.security.audit
m.load()
if os.geteuid() == 0:  # root ignores permissions: act as an ordinary user
    os.setgid(65534); os.setuid(65534)
sys.exit(c.main(sys.argv[2:]))
"""


def _digest(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX permissions")
def test_read_only_data_folder_gives_clear_message_and_changes_nothing():
    base = Path(tempfile.mkdtemp(prefix="sifasuo-ro-", dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        data = base / "data"
        with Store.open(data) as s:
            s.init_org("township", "只读测试所", "RO1")
            s.insert("bodies", {"name": "甲单位"})
        for p in data.iterdir():
            os.chmod(p, 0o444)
        os.chmod(data, 0o555)
        before = _digest(data)
        env = dict(os.environ, SIFASUO_USER="", SIFASUO_PASSWORD="")
        for argv in (["audit", "verify"], ["backup", "--out", str(base / "b.sqlite3")],
                     ["accounts", "add", "--user", "boss", "--role", "admin", "--password", "boss-pass-1"]):
            proc = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), *argv, "--data-dir", str(data)],
                                  capture_output=True, text=True, env=env, timeout=120)
            assert proc.returncode == 1, proc.stderr
            assert "只读" in proc.stderr and "Traceback" not in proc.stderr
        assert _digest(data) == before
    finally:
        for dirpath, _dirs, _files in os.walk(base):
            os.chmod(dirpath, 0o755)
        shutil.rmtree(base, ignore_errors=True)
