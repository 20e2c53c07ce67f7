"""bench/sync_rows.py: `sifasuo sync export` / `sync import` of one township in their own processes, with the
peak memory of each (issue 19 rows of `python -m bench`)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.runner import run_child  # noqa: E402
from bench.sync_rows import bench_sync_cli  # noqa: E402
from sifasuo_desktop.cli import main  # noqa: E402


def test_sync_rows_on_a_small_demo(tmp_path):
    demo = tmp_path / "demo"
    assert main(["demo", "--data-dir", str(demo), "--cases", "30", "--json"]) == 0
    work = tmp_path / "work"
    work.mkdir()
    rows = bench_sync_cli(demo, work, run_child, log=lambda *_: None)
    names = [r.name for r in rows]
    assert names == ["sync export of one township", "sync export: peak memory", "sync import of one township",
                     "sync import: peak memory"], [(r.name, r.note) for r in rows]
    assert all(r.value and r.value > 0 for r in rows)
    assert rows[1].unit == rows[3].unit == "MB" and rows[0].target == 30.0
    assert sorted(p.name for p in work.iterdir()) == []      # the copies and the package are removed
