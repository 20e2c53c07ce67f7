"""Issue 11 item 1: no command writes over the data folder's managed files; every output is written
atomically (a failure leaves no partial file)."""
import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys

import pytest

from sifasuo_desktop import fsutil
from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.errors import UserError

DEMO_ENV = {"SIFASUO_USER": "admin", "SIFASUO_PASSWORD": "demo1234"}


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory):
    d = tmp_path_factory.mktemp("master") / "D"
    assert main(["demo", "--data-dir", str(d), "--cases", "8", "--json"]) == 0
    return d


@pytest.fixture
def D(demo_master, tmp_path, monkeypatch):
    d = tmp_path / "D"
    shutil.copytree(demo_master, d)
    for k, v in DEMO_ENV.items():
        monkeypatch.setenv(k, v)
    return d


def _digest(folder):
    """sha256 of every managed file (what a hostile --out must never change)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.startswith("sifasuo.sqlite3"):   # logins write to the database
            out[p.relative_to(folder).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _doc_id(d):
    from sifasuo_desktop.store import Store

    with Store.open(d) as s:
        return s.rows("documents", limit=1)[0]["id"]


def hostile_commands(d, doc_id):
    """Every command that writes a file, aimed at each kind of managed file of the data folder."""
    dd = ["--data-dir", str(d)]
    targets = [d / "sifasuo.sqlite3", d / "sifasuo.sqlite3-wal", d / "keys" / "local.secret",
               d / "keys" / "identity.json", d / "backups", d / "attachments" / "x.pdf", d / "sync" / "a.bin",
               d / fsutil.LOCK_FILE]
    cmds = []
    for t in targets:
        cmds.append(["identity", *dd, "--out", str(t)])
        cmds.append(["sync", "export", *dd, "--out", str(t)])
    for t in [d / "sifasuo.sqlite3", d / "keys" / "local.secret", d / "sync" / "x.sqlite3"]:
        cmds.append(["backup", *dd, "--out", str(t)])
    for t in ["sifasuo.sqlite3.xlsx", "keys/a.xlsx", "backups/a.xlsx", "attachments/a.xlsx", "sync/a.xlsx",
              "documents/a.xlsx"]:
        cmds.append(["export-xlsx", *dd, "--ledger", "cases", "--out", str(d / t)])
        cmds.append(["stats", *dd, "--kind", "monthly", "--year", "2025", "--month", "1", "--xlsx", str(d / t)])
    for t in ["keys/identity.pdf", "sifasuo.sqlite3", "attachments/a.docx", "backups/x.pdf"]:
        cmds.append(["docs", "render", doc_id, *dd, "--out", str(d / t)])
    return cmds


def test_every_output_command_refuses_managed_files(D, capsys):
    before = _digest(D)
    cmds = hostile_commands(D, _doc_id(D))
    refused = 0
    for cmd in cmds:
        rc = main(cmd)
        err = capsys.readouterr().err
        assert rc == 1 and "错误：" in err, (cmd, rc, err)
        refused += 1
    assert _digest(D) == before   # no managed file changed, none appeared
    from sifasuo_desktop.store import Store

    with Store.open(D, check=True) as s:   # the ledger is still the ledger
        assert s.org.code and s.count("cases") == 8
    assert refused == len(cmds) == 35


def test_identity_onto_database_is_refused_with_chinese_message(D, capsys):
    db = D / "sifasuo.sqlite3"
    size = db.stat().st_size
    assert main(["identity", "--data-dir", str(D), "--out", str(db)]) == 1
    err = capsys.readouterr().err
    assert "由本程序管理" in err and "数据没有任何改动" in err
    assert db.stat().st_size == size
    # a symlink pointing at the sync key is resolved and refused too
    link = D.parent / "innocent.json"
    link.symlink_to(D / "keys" / "local.secret")
    assert main(["identity", "--data-dir", str(D), "--out", str(link)]) == 1
    assert len((D / "keys" / "local.secret").read_bytes()) == 32


def test_backup_may_write_into_its_own_folder_and_outside(D, capsys):
    assert main(["backup", "--data-dir", str(D), "--out", str(D / "backups" / "manual.sqlite3")]) == 0
    assert (D / "backups" / "manual.sqlite3").stat().st_size > 0
    out = D.parent / "stick"
    out.mkdir()
    assert main(["identity", "--data-dir", str(D), "--out", str(out / "id.json")]) == 0
    assert (out / "id.json").exists()


def test_check_output_path_without_an_open_store_finds_the_data_folder(D):
    with pytest.raises(UserError):
        fsutil.check_output_path(D / "attachments" / "deep" / "er" / "x.xlsx")
    with pytest.raises(UserError):
        fsutil.check_output_path(D / "SIFASUO.sqlite3-shm" if os.name == "nt" else D / "sifasuo.sqlite3-shm")
    assert fsutil.check_output_path(D / "report.xlsx") == D / "report.xlsx"   # the folder's root is not managed
    assert fsutil.check_output_path(D / "backups" / "b.sqlite3", allow=("backups",))


# the child limits its file size only once it starts writing the output (the stick is full, the data disk not)
CHILD = """
import contextlib, resource, signal, sys
from sifasuo_desktop import fsutil
real = fsutil.atomic_path

@contextlib.contextmanager
def full_stick(target, mode=0o600):
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (@LIM@, @LIM@))
    with real(target, mode) as tmp:
        yield tmp

fsutil.atomic_path = full_stick
from sifasuo_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE simulates a full USB stick")
@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".xlsx", ".sqlite3"])
def test_full_stick_leaves_no_partial_file(D, tmp_path, suffix):
    stick = tmp_path / "stick"
    stick.mkdir()
    out = stick / f"out{suffix}"
    doc = _doc_id(D)
    args = {".pdf": ["docs", "render", doc, "--out", str(out)],
            ".docx": ["docs", "render", doc, "--out", str(out)],
            ".xlsx": ["export-xlsx", "--ledger", "cases", "--out", str(out)],
            ".sqlite3": ["backup", "--out", str(out)]}[suffix]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **DEMO_ENV)
    code = CHILD.replace("@LIM@", "4096")
    r = subprocess.run([sys.executable, "-c", code, *args, "--data-dir", str(D)],
                       capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "未生成文件" in r.stderr, r.stderr
    assert list(stick.iterdir()) == []   # neither a cut-off file nor a temp file


def test_device_or_pipe_as_output_is_refused(D, tmp_path, capsys):
    """The atomic rename replaced whatever stood at --out: `--out /dev/full` turned the device into a file.
    A named pipe stands in for the device here (the same stat type check; safe to replace in a test)."""
    import stat

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for cmd in (["identity", "--data-dir", str(D), "--out", str(fifo)],
                ["backup", "--data-dir", str(D), "--out", str(fifo)]):
        assert main(cmd) == 1
        assert "设备或管道" in capsys.readouterr().err
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)
