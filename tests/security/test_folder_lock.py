"""Issue 11 item 2: restore refuses while anyone else has the data folder open (lock file)."""
import os
import subprocess
import sys
import time

import pytest

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.security import restore as rs
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import folder_lock


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "data"
    with Store.open(d) as s:
        s.init_org("township", "锁测试所", "LK1")
        s.insert("bodies", {"name": "甲单位"})
        b = s.backup_to(tmp_path / "b.sqlite3")
    return d, b


def test_restore_refuses_while_a_store_of_this_process_is_open(folder):
    d, backup = folder
    other = Store.open(d)
    try:
        other.insert("bodies", {"name": "乙单位"})
        with pytest.raises(UserError) as err:
            rs.restore(d, backup)
        assert "正被其他程序使用" in err.value.message
        other.insert("bodies", {"name": "丙单位"})    # the other user goes on writing, nothing was lost
        assert other.count("bodies") == 3
    finally:
        other.close()
    rs.restore(d, backup)                            # alone now: the restore goes through
    with Store.open(d) as s:
        assert s.count("bodies") == 1


WRITER = r"""
import sys, time
from sifasuo_desktop.store import Store
s = Store.open(sys.argv[1])
print("open", flush=True)
for i in range(30):
    s.insert("bodies", {"name": f"写入{i}"})
    print(f"ack {i}", flush=True)
    time.sleep(0.02)
s.close()
"""


def test_restore_while_another_process_writes_loses_no_acknowledged_write(folder):
    d, backup = folder
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(d)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "open"
    refused = 0
    for _ in range(5):
        try:
            rs.restore(d, backup)
        except UserError:
            refused += 1
        time.sleep(0.05)
    acks = [line for line in proc.stdout.read().splitlines() if line.startswith("ack")]
    proc.wait(timeout=60)
    assert refused == 5
    with Store.open(d) as s:
        names = {r["name"] for r in s.rows("bodies")}
    assert len(acks) == 30 and all(f"写入{i}" in names for i in range(30))


def test_open_waits_for_a_running_restore_then_gives_a_chinese_message(folder, monkeypatch):
    d, _ = folder
    monkeypatch.setattr(folder_lock, "WAIT_SECONDS", 0.2)
    code = ("import sys, time\nfrom sifasuo_desktop.store import folder_lock\n"
            "lk = folder_lock.acquire(sys.argv[1], exclusive=True)\nprint('held', flush=True)\ntime.sleep(3)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(d)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(UserError) as err:
            Store.open(d)
        assert "正在从备份恢复" in err.value.message
    finally:
        proc.kill()
        proc.wait()
    Store.open(d).close()   # the lock went with the process


def test_lock_file_is_a_managed_file_and_private(folder):
    d, _ = folder
    with Store.open(d):
        assert (d / folder_lock.LOCK_FILE).exists()
        if os.name == "posix":
            assert (d / folder_lock.LOCK_FILE).stat().st_mode & 0o077 == 0
