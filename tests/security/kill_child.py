"""Fork server for test_kill.py: imports the store once, then forks one worker per request.

Protocol (stdin, one line per request): "MODE DATA_DIR SEED OUTFILE"; answers the worker's pid on stdout.
Each worker writes endlessly and appends a marker line to OUTFILE after every COMMITTED unit of work:
  C <id>                 one insert committed
  T <tag>                a two-insert transaction committed
  U <id> <version>       an update committed
  B <tag>                a bulk import batch committed (tag ends in -<size>)
  K <path>               a backup file completed
  A <path>               an automatic backup completed
  R <name>               a restore from backup <name> completed
The parent SIGKILLs the worker at a random moment and checks the data folder.
"""
from __future__ import annotations

import os
import random
import signal
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sifasuo_desktop.security.backup import auto_backup  # noqa: E402
from sifasuo_desktop.store import Store  # noqa: E402


def _emit(fd: int, line: str) -> None:
    os.write(fd, (line + "\n").encode())


def run_write(store, rnd, fd):
    ids = []
    while True:
        r = rnd.random()
        if r < 0.6 or not ids:
            rec = store.insert("bodies", {"name": f"机关{rnd.randrange(10 ** 6)}", "phone": "13800000000"})
            ids.append(rec["id"])
            _emit(fd, f"C {rec['id']}")
        elif r < 0.85:
            tag = uuid.uuid4().hex
            with store.transaction():
                store.insert("bodies", {"name": f"tx-{tag}-A"})
                store.insert("bodies", {"name": f"tx-{tag}-B"})
                store.insert("bodies", {"name": f"tx-{tag}-C"})
            _emit(fd, f"T {tag}")
        else:
            rid = rnd.choice(ids)
            rec = store.update("bodies", rid, {"status": f"s{rnd.randrange(10 ** 6)}"})
            _emit(fd, f"U {rid} {rec['version']}")


def run_import(store, rnd, fd):
    while True:
        n = rnd.randint(30, 300)
        tag = f"imp-{uuid.uuid4().hex}-{n}"
        rows = [{"title": tag, "officer_name": f"学员{i}", "training_date": "2026-01-05", "hours": 2.0}
                for i in range(n)]
        with store.transaction():
            store.bulk_insert("trainings", rows, action="import")
        _emit(fd, f"B {tag}")


def run_backup(store, rnd, fd, seed):
    folder = store.data_dir / "backups"
    i = 0
    while True:
        rec = store.insert("bodies", {"name": f"备份中{i}"})
        _emit(fd, f"C {rec['id']}")
        if rnd.random() < 0.6:
            path = store.backup_to(folder / f"kb-{seed}-{i}.sqlite3")
            _emit(fd, f"K {path}")
        else:
            res = auto_backup(store, force=True)
            _emit(fd, f"A {res.path}")
        i += 1


def run_restore(data_dir, rnd, fd):
    from sifasuo_desktop.security.restore import restore

    sources = sorted(Path(data_dir).parent.glob("restore-src-*.sqlite3"))
    while True:
        src = rnd.choice(sources)
        restore(data_dir, src)
        _emit(fd, f"R {src.name}")


def worker(mode: str, data_dir: str, seed: int, outfile: str) -> None:
    fd = os.open(outfile, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    rnd = random.Random(seed)
    if mode == "restore":
        run_restore(data_dir, rnd, fd)
    store = Store.open(data_dir)
    if mode == "write":
        run_write(store, rnd, fd)
    elif mode == "import":
        run_import(store, rnd, fd)
    else:
        run_backup(store, rnd, fd, seed)


def main() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        mode, data_dir, seed, outfile = parts
        pid = os.fork()
        if pid == 0:
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                worker(mode, data_dir, int(seed), outfile)
            finally:
                os._exit(3)
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
