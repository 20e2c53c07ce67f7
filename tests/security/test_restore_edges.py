"""Issue 11 item 14: restore from a write-protected stick, restore over a database that cannot be checked,
and the litter of killed backups/restores cleaned at the next start."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.security import backup as bk
from sifasuo_desktop.store import Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory):
    d = tmp_path_factory.mktemp("master") / "D"
    assert main(["demo", "--data-dir", str(d), "--cases", "8"]) == 0
    return d


@pytest.fixture
def D(demo_master, tmp_path, monkeypatch):
    d = tmp_path / "D"
    shutil.copytree(demo_master, d)
    monkeypatch.setenv("SIFASUO_USER", "admin")
    monkeypatch.setenv("SIFASUO_PASSWORD", "demo1234")
    return d


def _break(db: Path):
    raw = bytearray(db.read_bytes())
    raw[4096:4096 * 6] = b"\xff" * (4096 * 5)
    db.write_bytes(bytes(raw))


def test_restore_over_an_uncheckable_database_needs_force_and_the_backups_admin(D, tmp_path, capsys, monkeypatch):
    out = tmp_path / "good.sqlite3"
    assert main(["backup", "--data-dir", str(D), "--out", str(out)]) == 0
    _break(D / "sifasuo.sqlite3")
    broken = (D / "sifasuo.sqlite3").read_bytes()
    capsys.readouterr()
    assert main(["restore", str(out), "--data-dir", str(D)]) == 1
    err = capsys.readouterr().err
    assert "--force" in err and "无法核对" in err
    assert (D / "sifasuo.sqlite3").read_bytes() == broken          # untouched
    monkeypatch.setenv("SIFASUO_PASSWORD", "wrong-password")
    assert main(["restore", str(out), "--data-dir", str(D), "--force"]) == 1
    assert (D / "sifasuo.sqlite3").read_bytes() == broken          # the backup's admin must log in
    monkeypatch.setenv("SIFASUO_PASSWORD", "demo1234")
    capsys.readouterr()
    assert main(["restore", str(out), "--data-dir", str(D), "--force"]) == 0
    assert "原数据已保留为" in capsys.readouterr().out
    with Store.open(D, check=True) as s:
        assert s.count("cases") == 8


def test_plain_backup_on_write_protected_media(D, tmp_path):
    """A backup of a WAL database keeps the WAL flag: reading it needs a -shm file beside it, which a
    write-protected stick refuses ("attempt to write a readonly database"). Root ignores file modes, so the
    restore runs as another user when the tests run as root."""
    prefix = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if not setpriv:
            pytest.skip("root without setpriv: write protection cannot be simulated")
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    base = Path(tempfile.mkdtemp(prefix="sifasuo-stick-", dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        stick, data = base / "stick", base / "data"
        stick.mkdir()
        out = stick / "b.sqlite3"
        assert main(["backup", "--data-dir", str(D), "--out", str(out)]) == 0
        assert out.read_bytes()[18:20] == b"\x02\x02"      # WAL flag in the header
        shutil.copytree(D, data)
        home = base / "home"
        home.mkdir()
        if prefix:
            for p in [data, *data.rglob("*"), home]:
                os.chown(p, 65534, 65534, follow_symlinks=False)
        os.chmod(out, 0o444)
        os.chmod(stick, 0o555)
        env = dict(os.environ, HOME=str(home), TMPDIR=str(home), SIFASUO_USER="admin", SIFASUO_PASSWORD="demo1234")
        res = subprocess.run(prefix + [sys.executable, "-m", "sifasuo_desktop", "--data-dir", str(data), "restore",
                                       str(out)], capture_output=True, text=True, env=env, timeout=120,
                             stdin=subprocess.DEVNULL, cwd=ROOT)
        assert res.returncode == 0, res.stdout + res.stderr
        assert "已从备份恢复" in res.stdout
        assert sorted(p.name for p in stick.iterdir()) == ["b.sqlite3"]   # nothing written on the stick
    finally:
        for p in base.rglob("*"):
            if p.is_dir():
                os.chmod(p, 0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_litter_of_killed_runs_is_cleaned_at_next_start(D):
    old = time.time() - 3600
    restoring = D / "sifasuo.sqlite3.restoring"     # a killed restore's decrypted candidate
    restoring.write_bytes(b"SQLite format 3\x00 personal data")
    (D / "backups").mkdir(exist_ok=True)
    plain = D / "backups" / ".plain-20260101-010101.sqlite3"   # a killed encrypted backup's plain copy
    part = D / "backups" / "auto-20260101-010101.sqlite3.part"
    tmp = D / ".identity.json.1234abcd.tmp"
    att = D / "attachments" / "ab"
    att.mkdir(parents=True, exist_ok=True)
    apart = att / "x.pdf.part"
    young = D / "backups" / ".plain-20991231-235959.sqlite3"   # another process may be writing it now
    keep = D / "backups" / "auto-20260101-010101.sqlite3"
    for p in (plain, part, tmp, apart, young, keep):
        p.write_bytes(b"x" * 100)
    for p in (plain, part, tmp, apart, keep):
        os.utime(p, (old, old))
    with Store.open(D):
        pass
    assert not restoring.exists() and not plain.exists() and not part.exists() and not tmp.exists()
    assert not apart.exists()
    assert young.exists() and keep.exists()
