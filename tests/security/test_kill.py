"""Crash safety: SIGKILL a writer at random moments (writes, bulk imports, backups) ≥ 200 times.

After every kill: the database opens, PRAGMA integrity_check is ok, the audit hash chain is intact, every unit
the worker reported as committed is there, no transaction or import batch is half applied (records, audit and
change log agree), and every finished backup file is a sound database.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from sifasuo_desktop.security.audit import verify_chain
from sifasuo_desktop.store import Store

CHILD = Path(__file__).with_name("kill_child.py")
PLAN = [("write", 90, 0.25), ("import", 60, 0.35), ("backup", 55, 0.35), ("restore", 25, 0.4)]
# mode, kills, max delay (s)

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.002)
    raise AssertionError(f"worker {pid} did not die")


def _markers(path: Path) -> list[tuple[str, list[str]]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if parts:
            out.append((parts[0], parts[1:]))
    return out


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _restore_sources(tmp_path: Path, data: Path) -> dict[str, set[str]]:
    """Two different backups to restore alternately; returns each one's set of body names."""
    from sifasuo_desktop.security.backup import make_backup

    names = {}
    with Store.open(data) as s:
        for tag in ("a", "b"):
            s.bulk_insert("bodies", [{"name": f"{tag}-{i}"} for i in range(50)])
            out = make_backup(s, tmp_path / f"restore-src-{tag}.sqlite3")
            names[out.name] = {r[0] for r in s.conn.execute("SELECT name FROM bodies")}
    return names


class Checker:
    def __init__(self, data: Path, log: Path):
        self.data, self.log = data, log
        self.checked_backups: set[str] = set()
        self.restore_states: dict[str, set[str]] = {}
        self.stats = Counter()

    def check(self) -> None:
        store = Store.open(self.data, check=True)
        try:
            conn = store.conn
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            chain = verify_chain(conn)
            assert chain.ok, chain.reason
            marks = _markers(self.log)
            kinds = Counter(k for k, _ in marks)
            ids = [a[0] for k, a in marks if k == "C"]
            present = {r[0] for r in conn.execute("SELECT id FROM bodies")}
            missing = [i for i in ids if i not in present]
            assert not missing, f"committed records lost: {missing[:3]}"
            # multi-insert transactions: all three rows or none
            groups = Counter(r[0].rsplit("-", 1)[0] for r in
                             conn.execute("SELECT name FROM bodies WHERE name LIKE 'tx-%'"))
            assert all(n == 3 for n in groups.values()), "half-applied transaction"
            for k, a in marks:
                if k == "T":
                    assert groups.get(f"tx-{a[0]}") == 3
                elif k == "U":
                    row = conn.execute("SELECT version FROM bodies WHERE id = ?", (a[0],)).fetchone()
                    assert row and row[0] >= int(a[1]), "committed update lost"
            # import batches: complete or absent, with their audit and change-log rows
            batches = dict(conn.execute("SELECT title, count(*) FROM trainings GROUP BY title").fetchall())
            for tag, n in batches.items():
                assert n == int(tag.rsplit("-", 1)[1]), f"half-applied import batch {tag}: {n} rows"
            for k, a in marks:
                if k == "B":
                    assert a[0] in batches, "committed import batch lost"
            n_tr = sum(batches.values())
            assert conn.execute("SELECT count(*) FROM audit_log WHERE table_name='trainings'").fetchone()[0] == n_tr
            assert conn.execute("SELECT count(*) FROM change_log WHERE table_name='trainings'").fetchone()[0] == n_tr
            n_bodies = conn.execute("SELECT count(*) FROM bodies").fetchone()[0]
            assert conn.execute("SELECT count(*) FROM audit_log WHERE table_name='bodies' AND action='insert'"
                                ).fetchone()[0] == n_bodies
            # backups: a finished file is a sound database; a kill leaves at most a *.part behind
            for k, a in marks:
                if k == "K":
                    assert Path(a[0]).exists(), "finished backup vanished"
            bdir = self.data / "backups"
            if bdir.is_dir():
                for p in bdir.iterdir():
                    if p.name.endswith(".sqlite3") and p.name not in self.checked_backups:
                        assert _integrity(p) == "ok", f"bad backup {p.name}"
                        self.checked_backups.add(p.name)
            if self.restore_states:
                # after a restore (complete or not) the folder holds exactly one of the backups' states
                names = {r[0] for r in conn.execute("SELECT name FROM bodies")}
                assert names in self.restore_states.values(), "a mixture of states after a killed restore"
            self.stats.update({"records": n_bodies + n_tr, "committed_units": sum(kinds.values())})
        finally:
            store.close()


def test_sigkill_during_writes_imports_and_backups(tmp_path):
    server = subprocess.Popen([sys.executable, str(CHILD)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    rnd = random.Random(20261123)
    report = {}
    total_kills = 0
    try:
        for mode, kills, max_delay in PLAN:
            data = tmp_path / mode
            with Store.open(data) as s:
                s.init_org("township", "崩溃测试所", "KILL1")
            log = tmp_path / f"{mode}.log"
            checker = Checker(data, log)
            if mode == "restore":
                checker.restore_states = _restore_sources(tmp_path, data)
            alive = 0
            for i in range(kills):
                server.stdin.write(f"{mode} {data} {i} {log}\n")
                server.stdin.flush()
                pid = int(server.stdout.readline())
                time.sleep(rnd.uniform(0.005, max_delay))
                try:
                    os.kill(pid, signal.SIGKILL)
                    alive += 1
                except ProcessLookupError:
                    pass
                _wait_gone(pid)
                checker.check()
            total_kills += kills
            assert alive == kills, f"{kills - alive} {mode} workers died on their own (an error in the worker)"
            marks = Counter(k for k, _ in _markers(log))
            report[mode] = {"kills": kills, "markers": dict(marks),
                            "part_files": len(list((data / "backups").glob("*.part")))
                            if (data / "backups").is_dir() else 0}
            # a sanity check that the kills hit working processes, not a throughput target: on a loaded machine
            # a restore (copy + swap of the whole folder) may commit less than once per kill
            assert sum(marks.values()) >= kills // 2, f"{mode}: workers committed almost nothing before the kills"
    finally:
        server.kill()
        server.wait()
    print(f"\nkill test: {total_kills} kills; {report}")
    assert total_kills >= 200
    # the backup worker really produced both kinds of backups
    assert report["backup"]["markers"].get("K", 0) > 0 and report["backup"]["markers"].get("A", 0) > 0
