"""Re-run the hostile-user probes of issue 11 against the installed `sifasuo` command.

    .venv/bin/python -m bench.issue11_probes [--quick] [--only GROUP,...]

Builds its own data folders (`sifasuo demo`) in a temp folder, runs every probe as a subprocess of the
venv's `sifasuo` entry point (timeout on each) and prints "group: N tried / N clean", then every unclean
case. Unclean = a traceback on stderr, an exit code other than the documented one, no Chinese message on a
refusal, a managed file changed or destroyed, data changed after a refused input. Exit status 1 when any
case is unclean. Group 7 builds validly signed malicious packages with the library, reusing the helpers of
tests/sync/test_malicious.py (so run it from the repository root).

Data compared before/after a refused input: a dump of every table except the ones a refused attempt is
allowed to write (LOG_TABLES: audit log, sync log/held/import records, login bookkeeping).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

CJK = re.compile(r"[\u4e00-\u9fff]")
DEMO_ENV = {"SIFASUO_USER": "admin", "SIFASUO_PASSWORD": "demo1234"}
# tables a refused input may still write (documented in docs/SECURITY.md, section Probes)
LOG_TABLES = re.compile(r"^(audit.*|sync_(log|imports?|held.*|packages?|events?|peers?_state)|login.*|sqlite_.*)$")
TIMEOUT = 180


def sifasuo_cmd() -> list[str]:
    exe = Path(sys.executable).parent / ("sifasuo.exe" if os.name == "nt" else "sifasuo")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "sifasuo_desktop"]


SIFASUO = sifasuo_cmd()


class Run:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.err


def run(args, env=None, stdin=None, timeout=TIMEOUT) -> Run:
    full_env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for k in ("SIFASUO_USER", "SIFASUO_PASSWORD", "SIFASUO_DEBUG"):
        full_env.pop(k, None)
    full_env.update(env or {})
    try:
        p = subprocess.run([*SIFASUO, *map(str, args)], capture_output=True, text=True, env=full_env,
                           input=stdin, timeout=timeout, stdin=None if stdin is not None else subprocess.DEVNULL)
        return Run(p.returncode, p.stdout, p.stderr)
    except subprocess.TimeoutExpired as exc:
        return Run("timeout", exc.stdout or "", (exc.stderr or "") if isinstance(exc.stderr, str) else "")


class Group:
    def __init__(self, name):
        self.name, self.tried, self.clean, self.unclean = name, 0, 0, []

    def case(self, label, problems):
        self.tried += 1
        problems = [p for p in problems if p]
        if problems:
            self.unclean.append(f"{label}: {'; '.join(problems)}")
        else:
            self.clean += 1


def refused(r: Run, code=1) -> list[str]:
    out = []
    if r.traceback:
        out.append("traceback")
    if r.rc != code:
        out.append(f"exit {r.rc} (expected {code}) {r.err.strip()[-200:]!r}")
    elif not CJK.search(r.err):
        out.append(f"no Chinese message: {r.err.strip()[-200:]!r}")
    return out


def sha(p: Path):
    try:
        return hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ("dir" if p.is_dir() else None)
    except OSError as exc:
        return f"unreadable {exc}"


def db_digest(d: Path) -> str:
    """sha256 of a dump of every table but LOG_TABLES (read through a private copy: no -wal created)."""
    con = sqlite3.connect(f"file:{d / 'sifasuo.sqlite3'}?mode=ro", uri=True, timeout=30)
    try:
        h = hashlib.sha256()
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for t in names:
            if LOG_TABLES.match(t) or t in ("accounts", "meta"):
                continue    # accounts/meta: a login writes last_login / failure counts / folder heartbeat
            h.update(t.encode())
            for row in con.execute(f'SELECT * FROM "{t}" ORDER BY 1'):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        con.close()


def check_runs(d: Path) -> list[str]:
    r = run(["check", "--data-dir", d, "--json"], env=DEMO_ENV)
    return [] if r.rc == 0 and not r.traceback else [f"check afterwards: exit {r.rc} {r.err.strip()[-200:]!r}"]


def copy_demo(master: Path, dest: Path) -> Path:
    shutil.copytree(master, dest)
    return dest


# ----------------------------------------------------------------------------------------------- groups

def g_outputs(ctx, g: Group):
    d = copy_demo(ctx.master, ctx.tmp / "out-D")
    dd = ["--data-dir", d]
    con = sqlite3.connect(d / "sifasuo.sqlite3")
    doc_id = con.execute("SELECT id FROM documents LIMIT 1").fetchone()[0]
    con.close()
    (d / "attachments").mkdir(exist_ok=True)
    (d / "attachments" / "a.pdf").write_bytes(b"%PDF-1.4 probe attachment")
    (d / "sync").mkdir(exist_ok=True)
    (d / "sync" / "held.bin").write_bytes(b"held package")
    (d / "backups").mkdir(exist_ok=True)
    (d / "backups" / "old.sqlite3").write_bytes(b"old backup bytes")
    keys = sorted(p for p in (d / "keys").iterdir() if p.is_file())
    targets = [d / "sifasuo.sqlite3", d / "sifasuo.sqlite3-wal", d / "sifasuo.sqlite3-shm", *keys, d / "keys",
               d / "attachments" / "a.pdf", d / "attachments" / "new.xlsx", d / "sync" / "held.bin",
               d / "sync" / "new.pdf", d / "backups" / "old.sqlite3", d / "backups" / "new.xlsx"]
    lock = [p for p in d.iterdir() if p.name.endswith(".lock")]
    targets += lock
    if ctx.quick:
        targets = [d / "sifasuo.sqlite3", d / "sifasuo.sqlite3-wal", keys[0], d / "sync" / "held.bin",
                   d / "backups" / "old.sqlite3"]
    cmds = {
        "identity": lambda t: ["identity", *dd, "--out", t],
        "sync export": lambda t: ["sync", "export", *dd, "--out", t],
        "backup": lambda t: ["backup", *dd, "--out", t],
        "backup --encrypt": lambda t: ["backup", *dd, "--encrypt", "--out", t],
        "docs render": lambda t: ["docs", "render", doc_id, *dd, "--out", t],
        "export-xlsx": lambda t: ["export-xlsx", *dd, "--ledger", "cases", "--out", t],
        "stats --xlsx": lambda t: ["stats", *dd, "--kind", "monthly", "--year", "2025", "--month", "1",
                                   "--xlsx", t],
        "cases exemplary --xlsx": lambda t: ["cases", "exemplary", *dd, "--xlsx", t],
        "personnel stats --xlsx": lambda t: ["personnel", "stats", *dd, "--year", "2025", "--xlsx", t],
        "personnel review-summary --xlsx": lambda t: ["personnel", "review-summary", *dd, "--year", "2025",
                                                      "--xlsx", t],
    }
    if ctx.quick:
        cmds = {k: cmds[k] for k in ("identity", "backup --encrypt", "export-xlsx", "docs render")}
    env = dict(DEMO_ENV, SIFASUO_BACKUP_PASSPHRASE="probe-passphrase-1")
    for name, build in cmds.items():
        for t in [*targets, Path("/dev/full")]:
            if name.startswith("backup") and t.parent.name == "backups" and t.parent.parent == d:
                continue        # backup may write into backups/ (its own folder)
            before_db = db_digest(d)
            before = {p: sha(p) for p in [*targets]}
            r = run(build(t), env=env)
            probs = refused(r)
            after = {p: sha(p) for p in targets}
            for p in targets:
                if p.name.startswith("sifasuo.sqlite3") or p.name.endswith(".lock"):
                    continue    # a login writes the database (compared by content below); the lock is the folder's
                if before[p] != after[p]:
                    probs.append(f"{p.relative_to(d)} changed")
            if db_digest(d) != before_db:
                probs.append("database content changed")
            if t == Path("/dev/full") and not Path("/dev/full").is_char_device():
                probs.append("/dev/full replaced by a file")
            g.case(f"{name} -> {t if not str(t).startswith(str(d)) else 'D/' + str(t.relative_to(d))}", probs)
    g.case("check after the output probes", check_runs(d))


HOLDER = r"""
import sys, uuid
from sifasuo_desktop.store import Store
s = Store.open(sys.argv[1])
print("open", flush=True)
i = 0
while True:
    cid = None
    with s.transaction():
        rec = s.insert("cases", {"case_no": "探针" + uuid.uuid4().hex[:10], "case_type": "行政检查",
                                 "party": "探针当事人", "filed_date": "2026-10-15"})
    print(rec["id"], flush=True)
    i += 1
    if sys.stdin.readable() and i > 100000:
        break
"""


def g_restore(ctx, g: Group):
    rounds = 2 if ctx.quick else 5
    for k in range(rounds):
        d = copy_demo(ctx.master, ctx.tmp / f"restore-D{k}")
        b = ctx.tmp / f"restore-b{k}.sqlite3"
        r = run(["backup", "--data-dir", d, "--out", b], env=DEMO_ENV)
        if r.rc != 0:
            g.case(f"round {k}: backup for restore", [f"backup exit {r.rc} {r.err[-200:]!r}"])
            continue
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(d)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        acked = []
        try:
            first = holder.stdout.readline()
            if not first.startswith("open"):
                g.case(f"round {k}: holder", [f"holder did not open: {holder.stderr.read()[-300:]!r}"])
                continue
            for _ in range(5):
                acked.append(holder.stdout.readline().strip())
            r = run(["restore", b, "--data-dir", d], env=DEMO_ENV, timeout=120)
            probs = refused(r)
            for _ in range(5):
                acked.append(holder.stdout.readline().strip())
        finally:
            holder.send_signal(signal.SIGKILL)
            try:
                holder.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        acked = [a for a in acked if a]
        con = sqlite3.connect(d / "sifasuo.sqlite3", timeout=30)
        have = {row[0] for row in con.execute("SELECT id FROM cases")}
        con.close()
        lost = [a for a in acked if a not in have]
        if lost:
            probs.append(f"{len(lost)} of {len(acked)} acknowledged writes lost")
        g.case(f"round {k}: restore while another process writes ({len(acked)} acked)", probs)


def g_lockout(ctx, g: Group):
    d = copy_demo(ctx.master, ctx.tmp / "lock-D")
    n = 12 if ctx.quick else 60
    r = run(["accounts", "add", "--data-dir", d, "--user", "probe", "--role", "staff", "--password-file", "-"],
            env=DEMO_ENV, stdin="probe-right-pass\n")
    if r.rc != 0:
        g.case("create the probe account", [f"exit {r.rc} {r.err[-200:]!r}"])
        return
    env0 = dict(os.environ, QT_QPA_PLATFORM="offscreen", SIFASUO_USER="probe")
    procs = []
    for i in range(n):
        env = dict(env0, SIFASUO_PASSWORD=f"wrong-guess-{i:03d}")
        procs.append(subprocess.Popen([*SIFASUO, "accounts", "list", "--data-dir", str(d)], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                      stdin=subprocess.DEVNULL))
    for i, p in enumerate(procs):
        try:
            out, err = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            g.case(f"wrong password #{i}", ["timeout"])
            continue
        g.case(f"wrong password #{i}", refused(Run(p.returncode, out, err)))
    r = run(["accounts", "list", "--data-dir", d], env={"SIFASUO_USER": "probe", "SIFASUO_PASSWORD": "probe-right-pass"})
    probs = refused(r)
    if "锁定" not in r.err:
        probs.append(f"right password after {n} wrong ones not refused as locked: {r.err[-200:]!r}")
    g.case(f"account locked after {n} parallel wrong passwords", probs)


def g_modes(ctx, g: Group):
    if os.name == "nt":
        return
    d = copy_demo(ctx.master, ctx.tmp / "modes-D")
    shutil.rmtree(d)
    r = run(["demo", "--data-dir", d, "--cases", "20"])
    g.case("demo for modes", [f"exit {r.rc}"] if r.rc else [])
    run(["backup", "--data-dir", d, "--auto"], env=DEMO_ENV)
    b = ctx.tmp / "modes-out.sqlite3"
    run(["backup", "--data-dir", d, "--out", b], env=DEMO_ENV)
    items = [(d, 0o700)] + [(p, 0o700 if p.is_dir() else 0o600) for p in sorted(d.rglob("*"))
                             if not p.name.endswith((".lock",))]
    if b.exists():
        items.append((b, 0o600))
    for p, want in items:
        mode = stat.S_IMODE(p.stat().st_mode)
        bad = mode & 0o077
        g.case(f"{p.relative_to(ctx.tmp)} {oct(mode)}", [f"mode {oct(mode)}, wanted {oct(want)}"] if bad else [])


INIT_ARGS = ["--role", "township", "--org-name", "甲镇司法所", "--org-code", "379901103000", "--admin-user", "chief"]


def _org_state(d: Path) -> tuple[bool, bool]:
    """(an org row exists, an admin exists) read without the app (sqlite3, read-only)."""
    db = d / "sifasuo.sqlite3"
    if not db.exists():
        return False, False
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        org = "orgs" in tables and con.execute("SELECT count(*) FROM orgs").fetchone()[0] > 0
        adm = "accounts" in tables and con.execute(
            "SELECT count(*) FROM accounts WHERE role='admin'").fetchone()[0] > 0
        con.close()
        return org, adm
    except sqlite3.Error:
        return False, False


def g_kills(ctx, g: Group):
    rnd = random.Random(11)
    runs = 2 if ctx.quick else 10
    for kind in ("init", "demo"):
        for k in range(runs):
            d = ctx.tmp / f"kill-{kind}-{k}"
            delay = rnd.uniform(0.05, 1.0 if kind == "init" else 4.0)
            args = (["init", "--data-dir", str(d), *INIT_ARGS] if kind == "init"
                    else ["demo", "--data-dir", str(d), "--cases", "200"])
            env = dict(os.environ, SIFASUO_ADMIN_PASSWORD="chief-pass-1")
            p = subprocess.Popen([*SIFASUO, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 stdin=subprocess.DEVNULL)
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=30)
            org, adm = _org_state(d)
            probs = []
            if org and not adm:
                probs.append("org without an admin")
            r = run(["accounts", "add", "--data-dir", d, "--user", "intruder", "--role", "admin",
                     "--password-file", "-"], stdin="intruder-pass-1\n")
            if r.traceback:
                probs.append("traceback on accounts add")
            if r.rc == 0:
                probs.append("accounts add --role admin ran without a login")
            state = "complete" if org and adm else ("empty" if not org else "half")
            g.case(f"{kind} killed after {delay:.2f}s -> {state}", probs)


def g_passwords(ctx, g: Group):
    d = copy_demo(ctx.master, ctx.tmp / "pw-D")
    pwfile = ctx.tmp / "pw.txt"
    pwfile.write_text("file-pass-123\n", encoding="utf-8")
    cases = [
        ("accounts add --password (old flag)", ["--password", "flag-pass-123"], {}, None, True, "flag-pass-123"),
        ("accounts add env SIFASUO_NEW_PASSWORD", [], {"SIFASUO_NEW_PASSWORD": "env-pass-123"}, None, False,
         "env-pass-123"),
        ("accounts add --password-file FILE", ["--password-file", pwfile], {}, None, False, "file-pass-123"),
        ("accounts add --password-file - (stdin)", ["--password-file", "-"], {}, "stdin-pass-123\n", False,
         "stdin-pass-123"),
    ]
    for i, (label, extra, env, stdin, warns, pw) in enumerate(cases):
        user = f"pw{i}"
        r = run(["accounts", "add", "--data-dir", d, "--user", user, "--role", "staff", *extra],
                env={**DEMO_ENV, **env}, stdin=stdin)
        probs = []
        if r.rc != 0 or r.traceback:
            probs.append(f"exit {r.rc} {r.err[-200:]!r}")
        if warns != ("警告" in r.err):
            probs.append("warning expected" if warns else f"unexpected warning {r.err[-200:]!r}")
        login = run(["problem", "list", "--data-dir", d], env={"SIFASUO_USER": user, "SIFASUO_PASSWORD": pw})
        if login.rc != 0 and "修改" not in login.err:     # a new account may have to change its password first
            probs.append(f"login with the new password: exit {login.rc} {login.err[-200:]!r}")
        g.case(label, probs)
    for label, extra, env, warns in [("init --admin-password (old flag)", ["--admin-password", "chief-pass-1"], {},
                                      True),
                                     ("init env SIFASUO_ADMIN_PASSWORD", [], {"SIFASUO_ADMIN_PASSWORD": "chief-pass-1"},
                                      False),
                                     ("init --admin-password-file", ["--admin-password-file", pwfile], {}, False)]:
        dn = ctx.tmp / f"pw-init-{uuid.uuid4().hex[:6]}"
        r = run(["init", "--data-dir", dn, *INIT_ARGS, *extra], env=env)
        probs = [f"exit {r.rc} {r.err[-200:]!r}"] if r.rc != 0 or r.traceback else []
        if warns != ("警告" in r.err):
            probs.append("warning expected" if warns else f"unexpected warning {r.err[-200:]!r}")
        if _org_state(dn) != (True, True):
            probs.append("no org/admin after init")
        g.case(label, probs)


def g_packages(ctx, g: Group):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from sifasuo_desktop.sync import engine
    from tests.sync import test_malicious as tm
    from tests.sync.world import World

    w = World(ctx.tmp / "world", n_townships=2)
    engine.import_file(w.county, w.export(w.town))          # a normal first sync
    pkgs = {}
    shapes = tm.record_shapes(w)
    for label, entries in shapes.items():
        pkgs[f"signed: {label}"] = tm.forge(w, entries)
    for label, edit in tm.MANIFEST_SHAPES.items():
        pkgs[f"signed manifest: {label}"] = tm.forge(w, [tm.entry(tm.case_row(w))], edit=edit)
    other = w.towns[1]

    victim = w.town.stream_id            # township 2 claims township 1's (already synced) stream

    def hijack(m):
        m["sender"]["stream_id"] = victim
        m["seq"]["stream_id"] = victim
        m["seq"]["from"], m["seq"]["to"] = 50, 60
    row = dict(tm.case_row(w), owner_org=other.org.code)
    pkgs["signed: another township's stream_id"] = tm.forge(w, [tm.entry(row)], edit=hijack, town=other)
    good = w.export(w.town)
    raw = good.read_bytes()
    for label, data in {"truncated half": raw[: len(raw) // 2], "truncated 1 byte": raw[:-1],
                        "one byte flipped in the middle": raw[: len(raw) // 2] + bytes([raw[len(raw) // 2] ^ 1])
                        + raw[len(raw) // 2 + 1:], "random bytes": os.urandom(4096), "empty": b"",
                        "forged (unsigned zip)": b"PK\x03\x04" + os.urandom(200)}.items():
        p = w.out / f"bad-{uuid.uuid4().hex[:6]}.tspkg"
        p.write_bytes(data)
        pkgs[f"corrupt: {label}"] = p
    body = b"x" * 100
    hdr = {"package_bytes": 200, "package_name": "p.tspkg", "index": 1, "count": 2,
           "part_sha256": hashlib.sha256(body).hexdigest(), "package_sha256": "a" * 64}
    escape = ctx.tmp / "escape"
    for label, h in {"sha is an absolute path": dict(hdr, package_sha256=str(escape) + "/" + "a" * 20),
                     "sha is ../": dict(hdr, package_sha256="../../../../" + "a" * 52),
                     "count 10**6": dict(hdr, count=10 ** 6), "package_bytes 2**40": dict(hdr, package_bytes=2 ** 40),
                     "index text": dict(hdr, index="1")}.items():
        p = w.out / f"part-{uuid.uuid4().hex[:6]}.bin"
        p.write_bytes(tm._part(h, body))
        pkgs[f"split part: {label}"] = p
    if ctx.quick:
        keep = list(pkgs)[::5]
        pkgs = {k: pkgs[k] for k in keep}
    county_dir = Path(w.county.data_dir)
    w.close()
    for label, p in pkgs.items():
        before = db_digest(county_dir)
        r = run(["sync", "import", p, "--data-dir", county_dir])
        probs = []
        if r.traceback:
            probs.append("traceback")
        if r.rc not in (3, 4):
            probs.append(f"exit {r.rc} (expected 3 held / 4 rejected) {r.err[-200:]!r} {r.out[-200:]!r}")
        elif not CJK.search(r.err + r.out):
            probs.append("no Chinese message")
        if r.rc == 4 and db_digest(county_dir) != before:
            probs.append("county data changed")
        g.case(label, probs)
    g.case("nothing written outside the data folder", ["split part escaped"] if escape.exists() else [])
    parts = county_dir / "sync" / "parts"
    bad = [x.name for x in parts.iterdir() if not re.fullmatch(r"[0-9a-f]{64}", x.name)] if parts.exists() else []
    g.case("split parts folder holds only sha256 names", [f"odd names {bad}"] if bad else [])


def g_inputs(ctx, g: Group):
    d = copy_demo(ctx.master, ctx.tmp / "in-D")
    head = "案号,案件类型,当事人,立案日期,罚款金额（元）\n"
    poison = {"date 9999-12-31": "探针案1,行政检查,甲,9999-12-31,100",
              "date 0001-01-01": "探针案2,行政检查,甲,0001-01-01,100",
              "fine inf": "探针案3,行政处罚(普通程序),甲,2026-01-05,inf",
              "fine 1e400": "探针案4,行政处罚(普通程序),甲,2026-01-05,1e400",
              "fine nan": "探针案5,行政处罚(普通程序),甲,2026-01-05,nan",
              "fine -500": "探针案6,行政处罚(普通程序),甲,2026-01-05,-500"}
    if ctx.quick:
        poison = {k: poison[k] for k in ("date 9999-12-31", "fine 1e400", "fine -500")}
    for label, line in poison.items():
        f = ctx.tmp / f"poison-{uuid.uuid4().hex[:6]}.csv"
        f.write_text(head + line + "\n", encoding="utf-8")
        before = db_digest(d)
        r = run(["import-xlsx", f, "--data-dir", d, "--ledger", "cases"], env=DEMO_ENV)
        probs = ["traceback"] if r.traceback else []
        con = sqlite3.connect(d / "sifasuo.sqlite3", timeout=30)
        stored = con.execute("SELECT count(*) FROM cases WHERE filed_date > '2100-12-31' OR filed_date < '1949-10-01'"
                             " OR fine_amount < 0 OR fine_amount > 1e300 OR fine_amount != fine_amount").fetchone()[0]
        con.close()
        if stored:
            probs.append(f"{stored} poison value(s) stored")
        if r.rc != 0:
            if not CJK.search(r.err):
                probs.append("no Chinese message")
            if db_digest(d) != before:
                probs.append("data changed after a refused import")
        probs += check_runs(d)
        g.case(f"import-xlsx {label} (exit {r.rc})", probs)
    bad_args = [
        ("check --today 9999-12-31", ["check", "--data-dir", d, "--today", "9999-12-31"], (1, 2)),
        ("check --today garbage", ["check", "--data-dir", d, "--today", "2026-13-45"], (1, 2)),
        ("stats --year abc", ["stats", "--data-dir", d, "--kind", "monthly", "--year", "abc", "--month", "1"], (1, 2)),
        ("stats --month 13", ["stats", "--data-dir", d, "--kind", "monthly", "--year", "2025", "--month", "13"],
         (1, 2)),
        ("docs render unknown id", ["docs", "render", "no-such-doc", "--data-dir", d, "--out",
                                    ctx.tmp / "x.pdf"], (1,)),
        ("export-xlsx unknown ledger", ["export-xlsx", "--data-dir", d, "--ledger", "nosuch", "--out",
                                        ctx.tmp / "x.xlsx"], (1, 2)),
        ("restore a missing file", ["restore", ctx.tmp / "missing.sqlite3", "--data-dir", d], (1,)),
        ("restore a text file", ["restore", ctx.tmp / "pw-bad.txt", "--data-dir", d], (1,)),
        ("sync import a folder", ["sync", "import", ctx.tmp, "--data-dir", d], (1, 4)),
        ("sync resolve unknown conflict", ["sync", "resolve", "999999", "--data-dir", d, "--keep", "mine"], (1, 2)),
        ("problem step unknown", ["problem", "step", "no-such", "--data-dir", d, "--action", "x"], (1, 2)),
        ("import-xlsx a missing file", ["import-xlsx", ctx.tmp / "missing.xlsx", "--data-dir", d], (1,)),
        ("rules set bad value", ["rules", "set", "RY-10", "public_law_hours=-inf", "--data-dir", d], (1,)),
    ]
    (ctx.tmp / "pw-bad.txt").write_text("not a backup", encoding="utf-8")
    if ctx.quick:
        bad_args = bad_args[::3]
    for label, args, codes in bad_args:
        before = db_digest(d)
        r = run(args, env=DEMO_ENV)
        probs = ["traceback"] if r.traceback else []
        if r.rc not in codes:
            probs.append(f"exit {r.rc} (expected {codes}) {r.err[-200:]!r}")
        if r.rc != 0 and not CJK.search(r.err + r.out):     # sync import reports on stdout
            probs.append(f"no Chinese message {r.err[-200:]!r}")
        if r.rc != 0 and db_digest(d) != before:
            probs.append("data changed after a refused command")
        g.case(label, probs)
    afile = ctx.tmp / "a-file"
    afile.write_text("x")
    long_dir = ctx.tmp / ("长" * 90) / ("x" * 250) / "D"
    ro = ctx.tmp / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    folders = {"data dir is a file": afile, "data dir too long": long_dir,
               "data dir inside a file": afile / "D", "data dir read-only": ro / "D"}
    for label, folder in folders.items():
        for cmd in (["check"], ["init", *INIT_ARGS]):
            r = run([*cmd, "--data-dir", folder], env={"SIFASUO_ADMIN_PASSWORD": "chief-pass-1"})
            probs = ["traceback"] if r.traceback else []
            expect_fail = not (label == "data dir read-only" and os.geteuid() == 0)   # root ignores 0500
            if expect_fail:
                probs += refused(r)
            g.case(f"{cmd[0]} with {label}", probs)
    ro.chmod(0o700)
    g.case("check still runs on the real folder", check_runs(d))


GROUPS = [("1 outputs", g_outputs), ("2 restore-while-open", g_restore), ("3 lockout race", g_lockout),
          ("4 file modes", g_modes), ("5 killed init/demo", g_kills), ("6 passwords", g_passwords),
          ("7 malicious packages", g_packages), ("8 bad inputs", g_inputs)]


class Ctx:
    pass


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a few cases of each group (for the test)")
    ap.add_argument("--only", help="comma-separated group numbers, e.g. 1,7")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder")
    a = ap.parse_args(argv)
    ctx = Ctx()
    ctx.quick = a.quick
    ctx.tmp = Path(tempfile.mkdtemp(prefix="sifasuo-probes-"))
    only = set(a.only.split(",")) if a.only else None
    t0 = time.time()
    try:
        ctx.master = ctx.tmp / "master"
        r = run(["demo", "--data-dir", ctx.master, "--cases", "40" if a.quick else "200"])
        if r.rc != 0:
            print(f"demo failed: exit {r.rc} {r.err[-500:]}")
            return 2
        results = []
        for name, fn in GROUPS:
            if only and name.split()[0] not in only:
                continue
            g = Group(name)
            t = time.time()
            try:
                fn(ctx, g)
            except Exception as exc:        # a probe that cannot run is itself unclean
                g.case("probe ran to the end", [f"{type(exc).__name__}: {exc}"])
            g.seconds = time.time() - t
            results.append(g)
            print(f"{g.name}: {g.tried} tried / {g.clean} clean  ({g.seconds:.0f} s)", flush=True)
        print(f"\ntotal: {sum(g.tried for g in results)} tried / {sum(g.clean for g in results)} clean "
              f"({time.time() - t0:.0f} s, {'quick' if a.quick else 'full'})")
        unclean = [(g.name, u) for g in results for u in g.unclean]
        if unclean:
            print("\nUNCLEAN:")
            for n, u in unclean:
                print(f"  [{n}] {u}")
        return 1 if unclean else 0
    finally:
        if a.keep:
            print(f"kept {ctx.tmp}")
        else:
            for p in ctx.tmp.rglob("*"):
                try:
                    if p.is_dir():
                        p.chmod(0o700)
                except OSError:
                    pass
            shutil.rmtree(ctx.tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
