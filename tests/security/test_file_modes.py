"""Issue 11 item 9: the data folder is 0700 and its files 0600 (POSIX), whatever the umask."""
import os
import stat
import subprocess
import sys

import pytest

from sifasuo_desktop.store import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes; Windows relies on the profile ACLs")


def _loose(folder):
    """Everything under `folder` that another OS account could read or enter."""
    bad = []
    for p in [folder, *folder.rglob("*")]:
        if stat.S_IMODE(p.lstat().st_mode) & 0o077:
            bad.append(f"{p.relative_to(folder.parent)} {oct(stat.S_IMODE(p.lstat().st_mode))}")
    return bad


def test_demo_backup_and_attachments_are_private_even_with_umask_022(tmp_path):
    d = tmp_path / "D"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SIFASUO_USER="admin", SIFASUO_PASSWORD="demo1234")
    run = lambda *a: subprocess.run([sys.executable, "-m", "sifasuo_desktop", *a, "--data-dir", str(d)],  # noqa
                                    env=env, capture_output=True, text=True, preexec_fn=lambda: os.umask(0o022),
                                    stdin=subprocess.DEVNULL, timeout=180)
    assert run("demo", "--cases", "5").returncode == 0
    assert run("backup", "--auto").returncode == 0
    out = tmp_path / "manual.sqlite3"
    assert run("backup", "--out", str(out)).returncode == 0
    assert _loose(d) == []
    assert stat.S_IMODE(out.stat().st_mode) == 0o600    # a backup holds every 身份证号


def test_a_folder_made_world_readable_is_tightened_when_opened(tmp_path):
    d = tmp_path / "old"
    with Store.open(d) as s:
        s.init_org("township", "旧版所", "OLD1")
        src = tmp_path / "报告.pdf"
        src.write_bytes(b"%PDF-1.4 test")
        body = s.insert("bodies", {"name": "甲单位"})
        s.add_attachment("bodies", body["id"], src)
        s.backup_to(d / "backups" / "auto-20250101-000000.sqlite3")
    for p in [d, *d.rglob("*")]:   # what an older version (umask 022) left behind
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    assert _loose(d)
    Store.open(d).close()
    assert _loose(d) == []
