"""Run one command and report its own peak memory: `python -m bench.peak RESULT_FILE CMD...`.

Linux hands a child the parent's peak: exec records the peak of the address space it replaces in the child's
ru_maxrss, and a forked child's address space is the parent's. A bench parent that has grown (it parsed 51 MB of
`check --json`, it queried the county) therefore inflates every later child's figure. This small process is the
parent instead: its own address space is a fresh interpreter's, so wait4 on its child gives the child's figure.
Writes {"wall", "rc", "maxrss_kb", "cpu"} as JSON to RESULT_FILE; stdio is inherited; exits with the child's code."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    result_file, cmd = argv[0], argv[1:]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    with open(result_file, "w", encoding="utf-8") as fh:
        json.dump({"wall": wall, "rc": rc, "maxrss_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}, fh)
    return rc if rc >= 0 else 128 - rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
