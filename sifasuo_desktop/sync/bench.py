"""Sync benchmark: a township demo of n cases -> export -> import at a fresh county.

    python -m sifasuo_desktop.sync.bench 100000
prints and returns seconds for each step plus package size and record counts.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path


def bench_sync(n_cases: int, workdir: str | Path | None = None) -> dict:
    from sifasuo_desktop.demo import generate
    from sifasuo_desktop.store import Store
    from sifasuo_desktop.sync import engine
    from sifasuo_desktop.sync.keys import parse_identity
    from sifasuo_desktop.sync.setup import after_init

    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="sifasuo-bench-")
        workdir = tmp.name
    base = Path(workdir)
    try:
        t0 = time.perf_counter()
        town = Store.open(base / "township")
        generate(town, cases=n_cases, seed=1)
        after_init(town)
        demo_s = time.perf_counter() - t0
        county = Store.open(base / "county")
        county.init_org("county", "示范县司法局", town.org.parent_code)
        after_init(county)
        engine.trust_identity(town, parse_identity(engine.local_keys(county).identity_document()))
        engine.trust_identity(county, parse_identity(engine.local_keys(town).identity_document()))
        out = base / "out"
        out.mkdir(exist_ok=True)
        t0 = time.perf_counter()
        result = engine.export_package(town, out)
        export_s = time.perf_counter() - t0
        path = result.paths[0]
        t0 = time.perf_counter()
        summary = engine.import_file(county, path)
        import_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = engine.import_file(county, path)
        reimport_s = time.perf_counter() - t0
        figures = {"n_cases": n_cases, "records": result.records, "package_bytes": path.stat().st_size,
                   "demo_seconds": round(demo_s, 2), "export_seconds": round(export_s, 2),
                   "import_seconds": round(import_s, 2), "duplicate_import_seconds": round(reimport_s, 2),
                   "imported": summary.imported, "status": summary.status, "duplicate_status": again.status}
        town.close()
        county.close()
        return figures
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    print(json.dumps(bench_sync(n), ensure_ascii=False, indent=2))
