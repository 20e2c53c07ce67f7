"""The county-scale bench folder: a county (示范县司法局) holding 20 townships, ~1,000,000 records.

    python -m bench.county [DIR] [--records N]

Built directly through the store (`Store.bulk_insert` via the demo generator, one township at a
time), then ANALYZEd. The built folder is cached under /tmp (keyed by the size, the schema version
and the demo generator's source), so later bench runs reuse it; a run never writes to the cache
copy it measures except through the GUI/CLI under test (the bench copies nothing: read-only figures
only, writes go to copies).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

TOWNSHIPS = 20
RECORDS = 1_000_000
# records per case of the demo generator (cases + their inspections, problems, officers, ...): measured
RECORDS_PER_CASE = 1.217
CACHE_ROOT = Path(os.environ.get("SIFASUO_BENCH_CACHE", "/tmp"))

TOWNSHIP_NAMES = ["青石镇", "柳河乡", "东湖镇", "白塔镇", "龙泉乡", "桃源镇", "红星乡", "双河镇", "南山镇", "北岭乡",
                  "西沟镇", "金川乡", "石门镇", "长乐乡", "高桥镇", "清水乡", "新华镇", "永安乡", "凤凰镇", "太平乡"]


def _fingerprint(records: int, townships: int) -> str:
    root = Path(__file__).resolve().parent.parent / "sifasuo_desktop"
    h = hashlib.sha256(f"{records}/{townships}/{RECORDS_PER_CASE}/v1".encode())
    for rel in ("demo.py", "demo_discretion.py", "demo_enterprise.py", "demo_lifecycle.py", "demo_supervision.py",
                "domain/ledgers.py"):
        p = root / rel
        if p.exists():
            h.update(p.read_bytes())
    for p in sorted((root / "store" / "migrations").glob("*.py")):
        h.update(p.name.encode())
    return h.hexdigest()[:12]


def cached_folder(records: int = RECORDS, townships: int = TOWNSHIPS) -> Path:
    return CACHE_ROOT / f"sifasuo-bench-county-{records}-{_fingerprint(records, townships)}"


def build(data_dir: Path, records: int = RECORDS, townships: int = TOWNSHIPS, log=None) -> dict:
    """Fill a new folder with the county; returns {"records", "cases", "seconds"}."""
    from sifasuo_desktop import demo
    from sifasuo_desktop.store import Store

    t0 = time.perf_counter()
    cases_per = max(int(records / RECORDS_PER_CASE / townships), 1)
    county = "379901"
    with Store.open(data_dir) as store:
        store.init_org("county", "示范县司法局", county)
        g = demo._Gen("county-bench")
        counts: dict[str, int] = {}
        for i in range(townships):
            code = f"{county}{101 + i:03d}000"
            name = TOWNSHIP_NAMES[i % len(TOWNSHIP_NAMES)] + ("" if i < len(TOWNSHIP_NAMES) else str(i))
            store.insert("orgs", {"code": code, "name": f"{name}司法所", "role": "township", "parent_code": county},
                         owner_org=county)
            c = demo._township(store, g, code, name, cases_per, None)
            for k, v in c.items():
                counts[k] = counts.get(k, 0) + v
            if log:
                log(f"  county bench: township {i + 1}/{townships} built ({sum(counts.values()):,} records, "
                    f"{time.perf_counter() - t0:.0f} s)")
        store.set_setting("documents.issuer", "示范县司法局")
        store.set_setting("documents.county_gov", "示范县人民政府")
        store.set_setting("documents.county_short", "示")
        from sifasuo_desktop.security.setup import after_demo
        from sifasuo_desktop.sync.setup import after_init

        after_demo(store)
        after_init(store)
        store.conn.execute("ANALYZE")
    return {"records": sum(counts.values()), "cases": counts.get("cases", 0),
            "seconds": time.perf_counter() - t0}


def ensure(records: int = RECORDS, townships: int = TOWNSHIPS, log=None) -> tuple[Path, dict | None]:
    """The cached county folder, built if missing. Returns (folder, build info or None when reused)."""
    target = cached_folder(records, townships)
    if (target / "sifasuo.sqlite3").exists() and (target / ".bench-complete").exists():
        return target, None
    shutil.rmtree(target, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".building-", dir=target.parent))
    try:
        info = build(tmp, records, townships, log)
        (tmp / ".bench-complete").write_text(f"{info}\n", encoding="utf-8")
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target, info


def main(argv: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m bench.county")
    ap.add_argument("dir", nargs="?", type=Path, help="build here instead of the /tmp cache")
    ap.add_argument("--records", type=int, default=RECORDS)
    ap.add_argument("--townships", type=int, default=TOWNSHIPS)
    a = ap.parse_args(argv)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    if a.dir:
        info = build(a.dir, a.records, a.townships, log)
        print(f"{a.dir}: {info}")
    else:
        path, info = ensure(a.records, a.townships, log)
        print(f"{path}: {info or 'cached'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
