"""Issue 11 item 15: the `sifasuo` CLI and the GUI start-up against broken data folders. Every unusable folder
gets a Chinese message and exit 1; folders with a damaged side part still work; nothing prints a traceback."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sifasuo_desktop.cli import main

ROOT = Path(__file__).resolve().parents[2]
CJK = tuple(chr(c) for c in range(0x4E00, 0x9FA6))


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo") / "data"
    assert main(["demo", "--data-dir", str(d), "--cases", "20", "--seed", "5"]) == 0
    return d


def _copy(demo):
    def build(d):
        shutil.copytree(demo, d)
    return build


def _unusable(demo):
    """name -> builder(d) for folders no command can use (each must be refused)."""
    def truncated(d):
        shutil.copytree(demo, d)
        with open(d / "sifasuo.sqlite3", "r+b") as fh:
            fh.truncate(8192)

    def wal_dir(d):
        shutil.copytree(demo, d)
        (d / "sifasuo.sqlite3-wal").mkdir()

    return {
        "folder_is_a_file": lambda d: d.write_text("x"),
        "parent_is_a_file": lambda d: d.parent.write_text("x"),
        "db_is_a_directory": lambda d: (d.mkdir(), (d / "sifasuo.sqlite3").mkdir()),
        "db_is_garbage": lambda d: (d.mkdir(), (d / "sifasuo.sqlite3").write_bytes(b"garbage" * 1000)),
        "db_is_empty": lambda d: (d.mkdir(), (d / "sifasuo.sqlite3").write_bytes(b"")),
        "db_truncated": truncated,
        "wal_is_a_directory": wal_dir,
        "dangling_symlink": lambda d: d.symlink_to(d.parent / "nowhere"),
        "symlink_loop": lambda d: d.symlink_to(d),
        "long_component": None,
        "long_path": None,
    }


def _damaged(demo):
    """Folders whose side parts are broken: the ledger still opens (exit 0 allowed), but no traceback."""
    def with_(part, make):
        def build(d):
            shutil.copytree(demo, d)
            p = d / part
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
            make(p)
        return build
    return {
        "keys_is_a_file": with_("keys", lambda p: p.write_text("x")),
        "backups_is_a_file": with_("backups", lambda p: p.write_text("x")),
        "attachments_is_a_file": with_("attachments", lambda p: p.write_text("x")),
        "lock_is_a_directory": with_(".sifasuo.lock", lambda p: p.mkdir()),
    }


def _folder(tmp_path, name, build) -> Path:
    base = tmp_path / "m"
    base.mkdir()
    if name == "long_component":
        return base / ("长" * 100)              # 300 bytes: over NAME_MAX
    if name == "long_path":
        return base / "/".join(["a" * 200] * 25)   # 5,000 bytes: over PATH_MAX
    d = base / "data"
    if name == "parent_is_a_file":
        d = base / "file" / "data"
    build(d)
    return d


CLI_COMMANDS = [["check"], ["audit", "verify"], ["sync", "status"], ["backup", "--out", "{out}"]]


def _assert_clean(text: str, rc: int, must_fail: bool):
    assert "Traceback" not in text and "Error:" not in text, text[-3000:]
    if must_fail:
        assert rc == 1, (rc, text[-2000:])
        line = [ln for ln in text.splitlines() if ln.startswith("错误：")]
        assert line and any(ch in CJK for ch in line[-1][3:]), text[-2000:]
        for english in ("[Errno", "File name too long", "not a database", "malformed", "unable to open",
                        "File exists", "Not a directory"):
            assert english not in text, text      # the system's English text is not the message


def _snapshot(base: Path) -> dict:
    import hashlib

    out = {}
    for p in base.rglob("*"):
        if p.name == ".sifasuo.lock" or p.name.endswith("-shm") or p.name.endswith("-wal") and p.is_file() \
                and p.stat().st_size == 0:
            continue   # the lock file and SQLite's empty side files may appear; the data must not change
        rel = str(p.relative_to(base))
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink() else "dir"
    return out


def _cli(args, capsys):
    try:
        rc = main(args)
    except SystemExit as exc:       # argparse
        rc = exc.code
    out = capsys.readouterr()
    return rc, out.out + out.err


def _gui(d: Path, tmp_path: Path, runas=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env.pop("SIFASUO_USER", None)
    env.pop("SIFASUO_PASSWORD", None)
    argv = [sys.executable, "-m", "sifasuo_desktop", "--data-dir", str(d), "--quit-after-startup"]
    res = subprocess.run((runas or []) + argv, capture_output=True, text=True, env=env, timeout=120,
                         stdin=subprocess.DEVNULL, cwd=ROOT)
    return res.returncode, res.stdout + res.stderr


@pytest.mark.parametrize("name", list(_unusable(Path("/x"))))
def test_unusable_folder_cli_and_gui(tmp_path, demo_dir, name, capsys, monkeypatch):
    monkeypatch.setenv("SIFASUO_USER", "admin")
    monkeypatch.setenv("SIFASUO_PASSWORD", "demo1234")
    d = _folder(tmp_path, name, _unusable(demo_dir)[name])
    base = tmp_path / "m"
    before = _snapshot(base)
    for cmd in CLI_COMMANDS:
        cmd = [c.replace("{out}", str(tmp_path / "out.bak")) for c in cmd]
        rc, text = _cli(["--data-dir", str(d), *cmd], capsys)
        _assert_clean(text, rc, must_fail=True)
    rc, text = _gui(d, tmp_path)
    _assert_clean(text, rc, must_fail=True)
    if name != "db_is_empty":            # an empty file is a new ledger: the schema may be written into it
        assert _snapshot(base) == before     # data untouched, nothing created (the lock file aside)
    assert not (tmp_path / "out.bak").exists()


@pytest.mark.parametrize("name", list(_damaged(Path("/x"))))
def test_damaged_side_parts_never_traceback(tmp_path, demo_dir, name, capsys, monkeypatch):
    monkeypatch.setenv("SIFASUO_USER", "admin")
    monkeypatch.setenv("SIFASUO_PASSWORD", "demo1234")
    d = _folder(tmp_path, name, _damaged(demo_dir)[name])
    for cmd in CLI_COMMANDS:
        cmd = [c.replace("{out}", str(tmp_path / "out.bak")) for c in cmd]
        rc, text = _cli(["--data-dir", str(d), *cmd], capsys)
        _assert_clean(text, rc, must_fail=False)
    rc, text = _gui(d, tmp_path)       # the GUI's backup on exit hits the broken backups/ folder
    _assert_clean(text, rc, must_fail=False)


def _as_other_user():
    """A prefix that runs a command without root's override of file modes (root ignores chmod)."""
    if os.geteuid() != 0:
        return [], None
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root without setpriv: a read-only folder cannot be simulated")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"], 65534


@pytest.mark.parametrize("empty", [False, True], ids=["demo", "empty"])
def test_read_only_folder(demo_dir, empty):
    import tempfile

    prefix, uid = _as_other_user()
    base = Path(tempfile.mkdtemp(prefix="sifasuo-ro-", dir="/tmp" if os.path.isdir("/tmp") else None))
    os.chmod(base, 0o755)
    try:
        _read_only_case(base, prefix, uid, demo_dir, empty)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _read_only_case(base, prefix, uid, demo_dir, empty):
    d = base / "data"
    if empty:
        d.mkdir()
    else:
        shutil.copytree(demo_dir, d)
    home = base / "home"
    home.mkdir()
    for p in [d, *d.rglob("*"), home]:
        if uid is not None:
            os.chown(p, uid, uid, follow_symlinks=False)
    for p in d.rglob("*"):
        os.chmod(p, 0o400 if p.is_file() else 0o500)
    os.chmod(d, 0o500)
    snapshot = {p.name: p.stat().st_mtime_ns for p in d.iterdir()}
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(home), SIFASUO_USER="admin",
               SIFASUO_PASSWORD="demo1234", TMPDIR=str(home))
    try:
        for cmd in [*CLI_COMMANDS, ["--quit-after-startup"]]:
            cmd = [c.replace("{out}", str(home / "out.bak")) for c in cmd]
            res = subprocess.run(prefix + [sys.executable, "-m", "sifasuo_desktop", "--data-dir", str(d), *cmd],
                                 capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL,
                                 cwd=ROOT)
            text = res.stdout + res.stderr
            _assert_clean(text, res.returncode, must_fail=True)
            assert "只读" in text or "没有台账数据" in text, text
    finally:
        for p in [d, *d.rglob("*")]:
            os.chmod(p, 0o700)
    assert {p.name: p.stat().st_mtime_ns for p in d.iterdir()} == snapshot
