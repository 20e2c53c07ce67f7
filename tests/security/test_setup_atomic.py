"""Issue 11 item 11: init/demo are atomic; an organisation without an administrator cannot be claimed."""
import os
import signal
import subprocess
import sys
import time

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.security import accounts
from sifasuo_desktop.store import Store

INIT = ["--role", "township", "--org-name", "甲镇司法所", "--org-code", "379901103000"]


def test_org_without_admin_left_by_an_interrupted_setup_cannot_be_claimed(tmp_path, capsys, login):
    d = tmp_path / "d"
    with Store.open(d) as s:           # an older version's init killed between the org and the admin
        s.init_org("township", "甲镇司法所", "379901103000")
    rc = main(["accounts", "add", "--data-dir", str(d), "--user", "intruder", "--role", "admin",
               "--password", "intruder-pass"])
    assert rc == 1 and "初始化可能被中断" in capsys.readouterr().err
    with Store.open(d) as s:
        assert not accounts.has_accounts(s)


def test_init_writes_org_and_admin_in_one_transaction(tmp_path, capsys, login, monkeypatch):
    d = tmp_path / "d"
    real = accounts.create_account

    def dies(*a, **k):
        real(*a, **k)
        raise KeyboardInterrupt   # killed right after the admin row, before the commit

    monkeypatch.setattr(accounts, "create_account", dies)
    rc = main(["init", "--data-dir", str(d), *INIT, "--admin-user", "chief", "--admin-password", "chief-pass-1"])
    assert rc == 1
    with Store.open(d) as s:
        assert not s.initialized and not accounts.has_accounts(s)   # nothing half-made
    monkeypatch.setattr(accounts, "create_account", real)
    assert main(["init", "--data-dir", str(d), *INIT, "--admin-user", "chief", "--admin-password",
                 "chief-pass-1"]) == 0
    with Store.open(d) as s:
        assert s.initialized and accounts.get_account(s, "chief").role == "admin"


def test_deliberate_init_without_admin_still_allows_the_first_admin(tmp_path, capsys, login):
    d = tmp_path / "d"
    assert main(["init", "--data-dir", str(d), *INIT]) == 0
    assert "未创建管理员账号" in capsys.readouterr().err
    assert main(["accounts", "add", "--data-dir", str(d), "--user", "chief", "--role", "admin",
                 "--password", "chief-pass-1"]) == 0
    # the door closes behind the first administrator
    with Store.open(d) as s:
        assert s.meta(accounts.SETUP_OPEN) is None


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_killed_demo_leaves_no_data_folder(tmp_path):
    d = tmp_path / "demo"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-m", "sifasuo_desktop", "demo", "--data-dir", str(d), "--cases", "5000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    # wait until the demo is writing records, then kill it
    deadline = time.time() + 60
    while time.time() < deadline and not any(tmp_path.glob(".demo.building-*/sifasuo.sqlite3")):
        time.sleep(0.05)
    time.sleep(0.2)
    assert proc.poll() is None, "the demo finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not d.exists()
    # the next demo cleans the leftover and builds the folder
    assert main(["demo", "--data-dir", str(d), "--cases", "3", "--json"]) == 0
    assert list(tmp_path.glob(".demo.building-*")) == []
    with Store.open(d) as s:
        assert accounts.authenticate(s, "admin", "demo1234").role == "admin"
