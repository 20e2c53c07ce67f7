"""Sync export / import of one township (issue 19 targets: ≤ 30 s each, ≤ 300 MB), each `sifasuo sync ...` in its
own process so its peak memory (VmHWM via wait4) is its own. The township is a copy of the bench's demo folder;
the county is a fresh folder that trusts it."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from bench.core import Result

TARGET_SYNC_S = 30.0
TARGET_SYNC_MB = 300.0


def _county_for(town: Path, county: Path) -> None:
    from sifasuo_desktop.domain.permissions import SYSTEM
    from sifasuo_desktop.store import Store
    from sifasuo_desktop.sync import engine
    from sifasuo_desktop.sync.keys import parse_identity
    from sifasuo_desktop.sync.setup import after_init

    t = Store.open(town)
    c = Store.open(county)
    try:
        t.actor = c.actor = SYSTEM
        c.init_org("county", "示范县司法局", t.org.parent_code)
        after_init(c)
        engine.trust_identity(t, parse_identity(engine.local_keys(c).identity_document()))
        engine.trust_identity(c, parse_identity(engine.local_keys(t).identity_document()))
    finally:
        t.close()
        c.close()


def bench_sync_cli(data_dir: Path, work: Path, run_child, log=print, prefix: str = "") -> list[Result]:
    town, county, pkg = work / "sync-town", work / "sync-county", work / "sync-up.tspkg"
    for p in (town, county):
        shutil.rmtree(p, ignore_errors=True)
    shutil.copytree(data_dir, town, ignore=shutil.ignore_patterns(".sifasuo.lock", "backups"))
    _county_for(town, county)
    saved = {k: os.environ.get(k) for k in ("SIFASUO_USER", "SIFASUO_PASSWORD")}
    os.environ["SIFASUO_USER"], os.environ["SIFASUO_PASSWORD"] = "admin", "demo1234"   # the demo's login
    out: list[Result] = []
    try:
        py = [sys.executable, "-m", "sifasuo_desktop", "sync"]
        log("sync export ...")
        wall, rc, rss, err = run_child(py + ["export", "--data-dir", str(town), "--out", str(pkg)], timeout=900)
        if rc != 0:
            log(f"sync export failed ({rc}): {err[-400:]}")
            return [Result(f"{prefix}sync export of one township", None, note=f"failed (exit {rc})")]
        size = pkg.stat().st_size / 1e6
        out += [Result(f"{prefix}sync export of one township", wall, "s", TARGET_SYNC_S, note=f"{size:.0f} MB package"),
                Result(f"{prefix}sync export: peak memory", rss, "MB", TARGET_SYNC_MB)]
        log("sync import ...")
        os.environ.pop("SIFASUO_USER")       # the county folder has no accounts: it acts as the system
        os.environ.pop("SIFASUO_PASSWORD")
        wall, rc, rss, err = run_child(py + ["import", str(pkg), "--data-dir", str(county)], timeout=900)
        if rc != 0:
            log(f"sync import failed ({rc}): {err[-400:]}")
            out.append(Result(f"{prefix}sync import of one township", None, note=f"failed (exit {rc})"))
            return out
        out += [Result(f"{prefix}sync import of one township", wall, "s", TARGET_SYNC_S,
                       note="new county: every record inserted, indexed and audited"),
                Result(f"{prefix}sync import: peak memory", rss, "MB", TARGET_SYNC_MB)]
        return out
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(town, ignore_errors=True)
        shutil.rmtree(county, ignore_errors=True)
        pkg.unlink(missing_ok=True)
