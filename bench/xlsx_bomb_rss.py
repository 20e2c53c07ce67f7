"""Peak RSS of importing hostile .xlsx files (issue 11 item 12), each in a fresh child process.

    .venv/bin/python -m bench.xlsx_bomb_rss [--code-root DIR]   # DIR: another checkout to compare against

Each child runs reader.load_grids under a 3 GB address-space limit and reports its peak RSS
(VmHWM; resource.getrusage where /proc is missing), wall time and outcome (refused with a message / loaded / crashed)."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
def peak_mb():
    # VmHWM: this process image's own peak (ru_maxrss keeps the parent's peak from before the fork)
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
from sifasuo_desktop.xlsx.reader import load_grids
from sifasuo_desktop.domain.errors import UserError
t = time.perf_counter()
try:
    g = load_grids(sys.argv[1]); out = "loaded %d rows" % sum(len(x.rows) for x in g)
except UserError as e:
    out = "refused: " + e.message[:60]
except MemoryError:
    out = "MemoryError"
print(json.dumps({"outcome": out, "seconds": round(time.perf_counter() - t, 2),
                  "code": __import__("sifasuo_desktop").__file__, "peak_rss_mb": peak_mb()}, ensure_ascii=False))
"""


def cases(tmp: Path):
    sys.path.insert(0, str(ROOT))
    from tests.xlsx import bombs

    yield "4 M shared strings (68 MB XML)", bombs.many_shared_strings(tmp / "ss.xlsx", 4_000_000)
    yield "one 60 MB shared string", bombs.one_huge_string(tmp / "one.xlsx", 60 * 1024 * 1024)
    yield "one 60 MB inline string", bombs.huge_inline_string(tmp / "inline.xlsx", 60 * 1024 * 1024)
    yield "dimension A1:XFD1048576 + value at XFD1048576", bombs.huge_dimension(tmp / "dim.xlsx")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--code-root", default=str(ROOT))
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=args.code_root)
    with tempfile.TemporaryDirectory() as tmp:
        for label, path in cases(Path(tmp)):
            try:
                res = subprocess.run([sys.executable, "-c", CHILD, str(path)], env=env, cwd=args.code_root,
                                     capture_output=True, text=True, timeout=600)
                line = res.stdout.strip().splitlines()[-1] if res.stdout.strip() else \
                    json.dumps({"outcome": f"crashed rc={res.returncode}: {res.stderr.strip()[-80:]}"})
            except subprocess.TimeoutExpired:
                line = json.dumps({"outcome": "timeout 600 s"})
            print(f"{label} ({path.stat().st_size // 1024} KB on disk): {line}", flush=True)


if __name__ == "__main__":
    main()
