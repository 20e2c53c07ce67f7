"""`python -m bench`: build a demo data folder and print the speed and memory figures of issue 8.

    python -m bench                  100,000 cases, 5 start-up runs each, writes bench/RESULTS.md
    python -m bench --quick          2,000 cases, 3 runs, does not write RESULTS.md
    python -m bench --cases 20000    other size
    python -m bench --data-dir D     reuse a demo folder made by `sifasuo demo` (not deleted)

Figures whose piece of the app does not exist yet print "n/a (not built yet)" instead of failing.
Start-up and GUI memory run in subprocesses with QT_QPA_PLATFORM=offscreen (unless a platform is
set); ledger figures run in this process against the same data folder.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.core import (NOT_BUILT, Result, call_with_context, format_table, machine_info, median, merge_notes, ms,
                        optional_piece, results_from_piece, results_markdown)

ROOT = Path(__file__).resolve().parent.parent
RESULTS_MD = Path(__file__).resolve().parent / "RESULTS.md"

TARGET_STARTUP_RATIO = 2.0
TARGET_FIRST_PAGE_MS = 100.0
TARGET_SEARCH_MS = 150.0
TARGET_CHECK_S = 5.0
TARGET_RENDER_S = 0.5
TARGET_GUI_MB = 400.0
TARGET_CHECK_MB = 400.0
TARGET_EXPORT_S = 30.0
TARGET_EXPORT_MB = 300.0
VISIBLE_ROWS = 40  # rows a maximised ledger view paints on a 1080p screen


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # an installed app runs from bytecode (the bundle's PYZ holds .pyc); let the warm-up run write
    # __pycache__ so the timed runs do not re-compile every module from source
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


LAST_CPU = [None]   # CPU seconds (user + sys) of the last run_child: a figure the machine's load barely moves


def run_child(cmd: list[str], timeout: float = 180, stdout=None) -> tuple[float, int, float | None, str]:
    """(wall seconds, exit code, peak RSS in MB, stderr tail) of one subprocess run.

    The command runs under bench/peak.py, a fresh small interpreter that waits for it and reports its wall time,
    CPU time and ru_maxrss (Linux: VmHWM): a child forked from this process would report this process's own peak
    instead of its own once this process has grown (measured: 612 MB for a 11 MB child after the parent held 600 MB).
    """
    import signal

    with tempfile.TemporaryFile() as errf, tempfile.TemporaryDirectory() as tmp:
        result_file = Path(tmp) / "peak.json"
        wrapped = [sys.executable, "-m", "bench.peak", str(result_file), *cmd] if hasattr(os, "wait4") else cmd
        t0 = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdout=stdout or subprocess.DEVNULL, stderr=errf, env=_env(), cwd=str(ROOT),
                                start_new_session=True)
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            rc = proc.wait()
        wall, rss = time.perf_counter() - t0, None
        LAST_CPU[0] = None
        try:
            peak = json.loads(result_file.read_text(encoding="utf-8"))
            wall, rc, rss, LAST_CPU[0] = peak["wall"], peak["rc"], peak["maxrss_kb"] / 1024.0, peak["cpu"]
        except (OSError, ValueError, KeyError):
            pass   # killed, or no wait4 (Windows): the wall time seen from here, no peak
        errf.seek(0)
        err = errf.read().decode("utf-8", "replace")[-1500:]
    return wall, rc, rss, err


# ------------------------------------------------------------------ pieces


def build_demo(data_dir: Path, cases: int) -> Result:
    log(f"building demo data: {cases} cases in {data_dir} ...")
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "sifasuo_desktop", "demo", "--data-dir", str(data_dir),
                          "--cases", str(cases), "--json"], capture_output=True, text=True, env=_env(),
                         cwd=str(ROOT))
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"sifasuo demo failed ({res.returncode}):\n{res.stderr[-2000:]}")
    size = sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file()) / 1e6
    return Result(f"build demo ({cases:,} cases)", wall, "s", note=f"data folder {size:.0f} MB")


def bench_startup(data_dir: Path, runs: int) -> list[Result]:
    app_cmd = [sys.executable, "-m", "sifasuo_desktop", "--data-dir", str(data_dir), "--quit-after-startup"]
    bare_cmd = [sys.executable, "-m", "bench.bare_window"]
    # one warm-up of each so both start from a warm page cache
    wall, rc, _, err = run_child(app_cmd)
    if rc != 0:
        note = NOT_BUILT if ("No module named" in err or "ModuleNotFoundError" in err) else f"failed (exit {rc})"
        log(f"start-up run failed (exit {rc}): {err.strip()[-400:]}")
        return [Result("start-up to main window (median)", None, note=note),
                Result("GUI peak memory (start-up, default ledger)", None, note=note)]
    run_child(bare_cmd)
    app_t: list[float] = []
    bare_t: list[float] = []
    app_cpu: list[float] = []
    bare_cpu: list[float] = []
    app_rss: list[float] = []
    for i in range(runs):
        t, rc_b, _, err = run_child(bare_cmd)
        if rc_b != 0:
            log(f"bare window failed: {err[-300:]}")
            return [Result("start-up: bare PySide6 window", None, note=f"failed (exit {rc_b})")]
        bare_t.append(t)
        if LAST_CPU[0] is not None:
            bare_cpu.append(LAST_CPU[0])
        t, rc_a, rss, err = run_child(app_cmd)
        if rc_a != 0:
            log(f"app start-up failed: {err[-300:]}")
            return [Result("start-up to main window (median)", None, note=f"failed (exit {rc_a})")]
        app_t.append(t)
        if LAST_CPU[0] is not None:
            app_cpu.append(LAST_CPU[0])
        if rss is not None:
            app_rss.append(rss)
        log(f"  start-up run {i + 1}/{runs}: app {t * 1000:.0f} ms, bare window {bare_t[-1] * 1000:.0f} ms")
    a, b = median(app_t), median(bare_t)
    return [
        Result("start-up: app to main window (median)", ms(a), "ms", samples=[ms(x) for x in app_t]),
        Result("start-up: bare PySide6 window (median)", ms(b), "ms", samples=[ms(x) for x in bare_t]),
        Result("start-up ratio app / bare window", a / b, "x", TARGET_STARTUP_RATIO),
        Result("start-up ratio of CPU time (user + sys) app / bare window",
               median(app_cpu) / median(bare_cpu) if app_cpu and bare_cpu else None, "x", None,
               note=(f"CPU {median(app_cpu) * 1000:.0f} / {median(bare_cpu) * 1000:.0f} ms: what the machine's load "
                     "does not move" if app_cpu and bare_cpu else "")),
        Result("GUI peak memory (start-up, default ledger)", max(app_rss) if app_rss else None, "MB",
               TARGET_GUI_MB),
    ]


def bench_bundle_startup(bundle_exe: Path, data_dir: Path, runs: int, bare_ms: float | None) -> list[Result]:
    """Start-up of the frozen PyInstaller bundle (what an installed copy does), if one is built."""
    if not bundle_exe.is_file():
        return [Result("start-up: frozen bundle (median)", None,
                       note=f"no bundle at {bundle_exe} (installer/build-linux.sh)")]
    cmd = [str(bundle_exe), "--data-dir", str(data_dir), "--quit-after-startup"]
    run_child(cmd)  # warm-up
    times = []
    for _ in range(runs):
        t, rc, _, err = run_child(cmd)
        if rc != 0:
            log(f"bundle start-up failed: {err[-300:]}")
            return [Result("start-up: frozen bundle (median)", None, note=f"failed (exit {rc})")]
        times.append(ms(t))
    built = time.strftime("%Y-%m-%d %H:%M", time.localtime(bundle_exe.stat().st_mtime))
    out = [Result("start-up: frozen bundle (median)", median(times), "ms", note=f"bundle built {built}",
                  samples=times)]
    if bare_ms:
        out.append(Result("start-up ratio bundle / bare window", median(times) / bare_ms, "x", TARGET_STARTUP_RATIO))
    return out


def bench_gui_memory(data_dir: Path, prefix: str = "", cold_check: bool = False) -> list[Result]:
    """Peak RSS of the GUI with the cases ledger open and scrolled and the warnings computed.

    `cold_check`: the findings cache is dropped first, so the warnings are computed during the run (at county
    scale by a separate `sifasuo check` process: the GUI process's own peak (VmHWM) and the peak including that
    child (wait4 reports the larger) are both given)."""
    if cold_check:
        from sifasuo_desktop.store import findings_cache

        findings_cache.drop(data_dir)
    cmd = [sys.executable, "-m", "bench.gui_memory", str(data_dir)]
    _, rc, rss, err = run_child(cmd, timeout=900)
    name = f"{prefix}GUI peak memory, cases ledger open + scrolled + warnings" + (" (cold)" if cold_check else "")
    if rc == 3:
        return [Result(name, None, note=NOT_BUILT)]
    if rc != 0 or rss is None:
        log(f"gui memory run failed (exit {rc}): {err.strip()[-400:]}")
        return [Result(name, None, note=f"failed (exit {rc})")]
    detail = err.strip().splitlines()[-1] if err.strip() else ""
    own = None
    if "VmHWM" in detail:
        try:
            own = float(detail.rsplit("VmHWM", 1)[1].split()[0])
        except (ValueError, IndexError):
            own = None
    if own is not None and rss is not None and rss > own * 1.05:
        return [Result(name + ": GUI process", own, "MB", TARGET_GUI_MB, note=detail if detail.startswith("rows") else ""),
                Result(name + ": incl. the separate check process", rss, "MB", None,
                       note="wait4 peak of the GUI and its child `sifasuo check`")]
    return [Result(name, rss, "MB", TARGET_GUI_MB, note=detail if detail.startswith("rows") else "")]


def _timed(fn, repeat: int) -> tuple[float, list[float]]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(ms(time.perf_counter() - t0))
    return median(samples), samples


def _forget_plans() -> None:
    """Drop every cache the query layer keeps between searches, so each repeat pays what a user's first
    search of that term pays (the bench used to reuse the plan cache and hide one scan)."""
    from sifasuo_desktop.store import ledger_queries

    for name in dir(ledger_queries):
        obj = getattr(ledger_queries, name)
        if name.endswith("_cache") and isinstance(obj, dict):
            obj.clear()


def bench_ledger(data_dir: Path, repeat: int, prefix: str = "", township: bool = False) -> list[Result]:
    """First page, searches (alone and with a status / date / township filter) and sorts of the cases ledger.

    Every figure includes what the view waits for: the query, the visible rows' cells and the 共 N 条 count.
    """
    try:
        from sifasuo_desktop.store import Store
        from sifasuo_desktop.store.ledger_queries import LedgerQuery
        from sifasuo_desktop.ui.ledger_model import LedgerTableModel
    except ModuleNotFoundError:
        return [Result(n, None) for n in ("cases ledger: first page", "search 3 chars", "search 2 chars",
                                          "sort by date")]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    QApplication.instance() or QApplication(["bench"])
    store = Store.open(data_dir, create=False)
    try:
        total = store.conn.execute("select count(*) from cases where deleted = 0").fetchone()[0]

        def first_page(model):
            """What the ledger view waits for: the visible rows' cells and the "共 N 条" count."""
            for row in range(min(VISIBLE_ROWS, model.rowCount())):
                for col in range(model.columnCount()):
                    model.data(model.index(row, col), Qt.DisplayRole)
            model.total()

        def open_query(q):
            _forget_plans()
            m = LedgerTableModel(store, "cases")
            m.set_query(q)
            first_page(m)
            return m

        cold_t0 = time.perf_counter()
        open_query(LedgerQuery("cases"))
        cold = ms(time.perf_counter() - cold_t0)
        med, samples = _timed(lambda: open_query(LedgerQuery("cases")), repeat)
        out = [Result(f"{prefix}cases ledger: first page", med, "ms", TARGET_FIRST_PAGE_MS,
                      note=f"{total:,} cases; first call {cold:.0f} ms; {VISIBLE_ROWS} rows × all columns + count",
                      samples=samples)]

        term3, term2 = pick_search_terms(store)
        common2 = pick_common_bigram(store)
        status = store.conn.execute("select status, count(*) n from cases where deleted = 0 and status is not null "
                                    "group by status order by n desc limit 1").fetchone()
        status = status[0] if status else None
        year = store.conn.execute("select max(filed_date) from cases where deleted = 0").fetchone()[0]
        year = year[:4] if year else None
        org = None
        if township:
            row = store.conn.execute("select owner_org, count(*) n from cases where deleted = 0 "
                                     "group by owner_org order by n desc limit 1").fetchone()
            org = row[0] if row else None
        filters = [("", {})]
        if status:
            filters.append((f" + 状态 {status}", {"status": status}))
        if year:
            filters.append((f" + 立案日期 {year} 年", {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}))
        if org:
            filters.append((" + 乡镇", {"township": org}))
        for label, term in (("3 chars", term3), ("2 chars (a name)", term2), ("2 chars (common word)", common2)):
            if not term:
                out.append(Result(f"{prefix}search {label}", None, note="no text in the data to search for"))
                continue
            for flabel, fkw in filters:
                q = LedgerQuery("cases", search=term, **fkw)
                hits = {}

                def search(q=q, hits=hits):
                    hits["model"] = open_query(q)

                med, samples = _timed(search, repeat)
                model = hits["model"]
                _forget_plans()
                t0 = time.perf_counter()
                model.set_query(q)
                page_only = ms(time.perf_counter() - t0)
                out.append(Result(f"{prefix}search {label} “{term}”{flabel}", med, "ms", TARGET_SEARCH_MS,
                                  note=f"{model.total():,} hits; first page alone {page_only:.0f} ms",
                                  samples=samples))

        model = LedgerTableModel(store, "cases")
        model.set_query(LedgerQuery("cases"))
        names = [f.name for f in model.fields]
        for col_name, order, label in (("decision_date", Qt.DescendingOrder, "决定日期 ↓"),
                                       ("filed_date", Qt.AscendingOrder, "立案日期 ↑"),
                                       ("body_id", Qt.AscendingOrder, "执法主体 ↑ (reference column)"),
                                       ("body_id", Qt.DescendingOrder, "执法主体 ↓ (reference column)"),
                                       ("party", Qt.AscendingOrder, "当事人 ↑")):
            if col_name not in names:
                continue
            col = names.index(col_name)

            def sort(col=col, order=order):
                _forget_plans()
                model.sort(col, order)
                first_page(model)

            med, samples = _timed(sort, repeat)
            out.append(Result(f"{prefix}sort by {label}", med, "ms", TARGET_SEARCH_MS, samples=samples))
        return out
    finally:
        store.close()


def pick_search_terms(store) -> tuple[str | None, str | None]:
    """A 3-character string from a 案由 and a 2-character one from a person's name (deterministic).

    The 2-character term is a surname + first given-name character of a natural-person party
    (e.g. 张伟): few hits, so the instr() scan cannot stop early — the worst case a user meets.
    """
    rows = store.conn.execute(
        "select party, cause, party_type from cases where deleted = 0 order by rowid limit 2000"
    ).fetchall()
    rng = random.Random(8)
    cjk = lambda s: bool(s) and all("\u4e00" <= ch <= "\u9fff" for ch in s)  # noqa: E731
    people = [r[0] for r in rows if r[2] == "自然人" and r[0] and len(r[0]) >= 2 and cjk(r[0][:2])]
    causes = [r[1] for r in rows if r[1] and len(r[1]) >= 5]
    three = two = None
    for _ in range(200):
        if not three and causes:
            text = rng.choice(causes)
            i = rng.randrange(0, len(text) - 3)
            if cjk(text[i:i + 3]):
                three = text[i:i + 3]
        if not two and people:
            two = rng.choice(people)[:2]
        if three and two:
            break
    return three, two


def pick_common_bigram(store) -> str | None:
    """A 2-character string found in roughly a tenth to a half of the 案由 (many hits, e.g. 经营)."""
    rows = [r[0] for r in store.conn.execute(
        "select cause from cases where deleted = 0 and cause is not null order by rowid limit 2000")]
    if not rows:
        return None
    freq: dict[str, int] = {}
    for text in rows:
        for g in {text[i:i + 2] for i in range(len(text) - 1)}:
            if all("\u4e00" <= ch <= "\u9fff" for ch in g):
                freq[g] = freq.get(g, 0) + 1
    fitting = sorted((n, g) for g, n in freq.items() if len(rows) * 0.1 <= n <= len(rows) * 0.5)
    return fitting[-1][1] if fitting else None


def bench_check(data_dir: Path, prefix: str = "") -> list[Result]:
    """Wall time, CPU time and peak RSS of `sifasuo check --json` (a subprocess, as county staff script it):
    first with the findings cache dropped (every rule over every record), then again (the cached result)."""
    from sifasuo_desktop.store import findings_cache

    findings_cache.drop(data_dir)
    out: list[Result] = []
    for label in ("cold", "repeat"):
        cmd = [sys.executable, "-m", "sifasuo_desktop", "check", "--data-dir", str(data_dir), "--json"]
        with tempfile.TemporaryFile() as outf:
            wall, rc, rss, err = run_child(cmd, timeout=1800, stdout=outf)
            cpu = LAST_CPU[0]
            outf.seek(0)
            raw = outf.read()
        if rc not in (0, 1):  # 1 may mean "warnings found"
            log(f"check failed ({rc}): {err[-400:]}")
            return out + [Result(f"{prefix}check over all records ({label})", None, note=f"failed (exit {rc})")]
        note = "wall time of `sifasuo check --json` incl. interpreter start"
        if cpu is not None:
            note += f"; CPU {cpu:.1f} s"
        try:
            data = json.loads(raw)
            if isinstance(data, list):
                note += f"; {len(data):,} warnings, {len(raw) / 1e6:.0f} MB of JSON"
        except ValueError:
            pass
        if label == "repeat":
            note += "; nothing changed since the cold run: the findings cache answers"
        out += [Result(f"{prefix}check over all records ({label})", wall, "s", TARGET_CHECK_S, note=note),
                Result(f"{prefix}check over all records ({label}): peak memory", rss, "MB", TARGET_CHECK_MB)]
    return out


def bench_check_floor(data_dir: Path, prefix: str = "") -> list[Result]:
    """What a full check costs before any rule runs: reading the records the rules read (bench/check_floor.py)."""
    with tempfile.TemporaryFile() as outf:
        wall, rc, rss, err = run_child([sys.executable, "-m", "bench.check_floor", str(data_dir)], timeout=1800,
                                       stdout=outf)
        outf.seek(0)
        raw = outf.read()
    try:
        info = json.loads(raw)
    except ValueError:
        info = None
    if rc != 0 or not isinstance(info, dict):
        log(f"check floor failed ({rc}): {err[-400:]}")
        return [Result(f"{prefix}check (cold): reading the records alone", None, note=f"failed (exit {rc})")]
    return [Result(f"{prefix}check (cold): reading the records alone", info["wall_s"], "s",
                   note=f"a measure, not a target: the floor of any full check (≤ 5 s needs an incremental one): {info['records']:,} cases and inspections read as the rules get "
                        f"them, no rule run; CPU {info['cpu_s']:.1f} s")]


def bench_export_xlsx(data_dir: Path, work: Path, prefix: str = "") -> list[Result]:
    """`sifasuo export-xlsx --ledger 执法案件` of every case: wall time and peak RSS."""
    out = work / "cases.xlsx"
    cmd = [sys.executable, "-m", "sifasuo_desktop", "export-xlsx", "--data-dir", str(data_dir), "--ledger", "执法案件",
           "--out", str(out)]
    wall, rc, rss, err = run_child(cmd, timeout=900)
    if rc != 0:
        log(f"export-xlsx failed ({rc}): {err[-400:]}")
        return [Result(f"{prefix}export-xlsx of the cases ledger", None, note=f"failed (exit {rc})")]
    size = out.stat().st_size / 1e6 if out.exists() else 0
    out.unlink(missing_ok=True)
    return [Result(f"{prefix}export-xlsx of the cases ledger", wall, "s", TARGET_EXPORT_S, note=f"{size:.0f} MB file"),
            Result(f"{prefix}export-xlsx of the cases ledger: peak memory", rss, "MB", TARGET_EXPORT_MB)]


def bench_county(repeat: int, records: int, folder: Path | None = None) -> list[Result]:
    """The county-scale case (issue 19): 20 townships, ~1,000,000 records, built once and cached under /tmp
    (or an existing county folder given with --county-dir)."""
    from bench import county

    out: list[Result] = []
    info = None
    if folder is None:
        log(f"county bench folder ({records:,} records) ...")
        folder, info = county.ensure(records, log=log)
    if folder is not None and info is None and not (folder / ".bench-complete").exists():
        out.append(Result("county: build", None, note=f"existing folder {folder}"))
    elif info:
        out.append(Result(f"county: build ({info['records']:,} records, cached in {folder})", info["seconds"], "s"))
    else:
        out.append(Result("county: build", None, note=f"reused the cached {folder}"))
    log("county: ledger model ...")
    out += bench_ledger(folder, repeat, prefix="county: ", township=True)
    log("county: check ...")
    out += bench_check(folder, prefix="county: ")
    out += bench_check_floor(folder, prefix="county: ")
    log("county: GUI memory with warnings (findings cache dropped first) ...")
    out += bench_gui_memory(folder, prefix="county: ", cold_check=True)
    return out


PIECES = [
    ("render one 督办函 (warm)", "sifasuo_desktop.documents.bench", "bench_render_dubanhan", TARGET_RENDER_S),
    ("import 10,000-row spreadsheet", "sifasuo_desktop.xlsx.bench", "bench_import_10k", None),
]


def bench_pieces(context: dict) -> list[Result]:
    out: list[Result] = []
    for label, module, func, target in PIECES:
        fn = optional_piece(module, func)
        if fn is None:
            out.append(Result(label, None))
            continue
        log(f"running {module}.{func} ...")
        try:
            value = call_with_context(fn, context)
        except Exception as exc:  # a broken piece must not hide the other figures
            log(f"{module}.{func} failed: {exc!r}")
            out.append(Result(label, None, note=f"failed: {type(exc).__name__}: {exc}"[:120]))
            continue
        out.extend(results_from_piece(label, value, target))
    return out


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=None, help="cases in the demo (default 100000; --quick 2000)")
    ap.add_argument("--quick", action="store_true", help="small demo, 3 runs, RESULTS.md not written")
    ap.add_argument("--runs", type=int, default=None, help="start-up runs (default 5; --quick 3)")
    ap.add_argument("--data-dir", type=Path, help="use this existing demo folder instead of building one")
    ap.add_argument("--keep", action="store_true", help="keep the temporary demo folder")
    ap.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    ap.add_argument("--bundle", type=Path, default=ROOT / "dist" / "sifasuo" / ("sifasuo.exe" if os.name == "nt" else "sifasuo"),
                    help="frozen bundle executable to time as well (default dist/sifasuo/sifasuo, if built)")
    ap.add_argument("--results", type=Path, default=RESULTS_MD, help="where to write the results")
    ap.add_argument("--county", action="store_true", help="only the county-scale case (20 townships)")
    ap.add_argument("--no-county", action="store_true", help="skip the county-scale case")
    ap.add_argument("--county-dir", type=Path, default=None,
                    help="an existing county folder (e.g. a copy of the cached one) instead of the /tmp cache")
    ap.add_argument("--county-records", type=int, default=None,
                    help="records in the county folder (default 1,000,000; --quick 20,000)")
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    cases = args.cases if args.cases is not None else (2000 if args.quick else 100_000)
    runs = args.runs or (3 if args.quick else 5)
    if cases < 1 or runs < 1:
        ap.error("--cases and --runs must be positive")

    started = time.strftime("%Y-%m-%d %H:%M")
    t_all = time.perf_counter()
    results: list[Result] = []
    tmp = None
    county_records = args.county_records or (20_000 if args.quick else 1_000_000)
    if args.county:
        results += bench_county(runs, county_records, args.county_dir)
        return _report(results, args, started, t_all, f"county only ({args.county_dir or f'{county_records:,} records'})",
                       runs)
    if args.data_dir:
        data_dir = args.data_dir
        if not (data_dir / "sifasuo.sqlite3").exists():
            ap.error(f"{data_dir} has no sifasuo.sqlite3 (make one with `sifasuo demo --data-dir ...`)")
        if args.cases is None:  # the pieces that build their own data use the folder's size
            import sqlite3

            con = sqlite3.connect(f"file:{data_dir / 'sifasuo.sqlite3'}?mode=ro", uri=True)
            try:
                cases = con.execute("select count(*) from cases where deleted = 0").fetchone()[0]
            finally:
                con.close()
        cases_note = f"existing folder {data_dir} ({cases:,} cases)"
    else:
        tmp = Path(tempfile.mkdtemp(prefix="sifasuo-bench-"))
        data_dir = tmp / "demo"
        results.append(build_demo(data_dir, cases))
        cases_note = f"{cases:,} cases (sifasuo demo --cases {cases})"
    try:
        log("start-up ...")
        results += bench_startup(data_dir, runs)
        bare = next((r.value for r in results if r.name.startswith("start-up: bare")), None)
        results += bench_bundle_startup(args.bundle, data_dir, runs, bare)
        log("GUI memory ...")
        results += bench_gui_memory(data_dir)
        log("ledger model ...")
        results += bench_ledger(data_dir, repeat=runs)
        log("check ...")
        results += bench_check(data_dir)
        work = (tmp or Path(tempfile.mkdtemp(prefix="sifasuo-bench-"))) / "pieces"
        work.mkdir(parents=True, exist_ok=True)
        log("export-xlsx ...")
        results += bench_export_xlsx(data_dir, work)
        from bench.sync_rows import bench_sync_cli

        results += bench_sync_cli(data_dir, work, run_child, log=log)
        results += bench_pieces({"data_dir": data_dir, "work_dir": work, "workdir": work, "cases": cases,
                                 "n_cases": cases, "quick": args.quick})
    finally:
        if tmp and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp:
            log(f"kept {tmp}")
    if not args.no_county:
        results += bench_county(runs, county_records, args.county_dir)
    return _report(results, args, started, t_all, cases_note, runs)


def _report(results, args, started, t_all, cases_note, runs) -> int:
    machine = machine_info()
    meta = {"date": started, "data": cases_note, "start-up runs": str(runs),
            "platform": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "bench wall time": f"{time.perf_counter() - t_all:.0f} s"}
    print()
    print("machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()))
    print()
    print(format_table(results))
    missed = [r.name for r in results if r.status == "MISSED"]
    if missed:
        print("\nmissed targets: " + "; ".join(missed))
    if not args.quick and not args.no_write:
        old = args.results.read_text(encoding="utf-8") if args.results.exists() else None
        args.results.write_text(merge_notes(results_markdown(results, machine, meta), old), encoding="utf-8")
        print(f"\nwritten: {args.results}")
    return 0
