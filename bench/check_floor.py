"""The floor of a full warning check: `python -m bench.check_floor DATA_DIR` reads every live case and inspection
the rules read (rules_queries.iter_table, the same lean SELECT and dicts `sifasuo check` builds) and runs no rule.

A check that evaluates every record in Python cannot take less than this; at county scale (986,000 cases and
inspections) it is above the 5 s target on its own, so the cold check can only meet the target by not re-reading
unchanged records (an incremental check). Prints one JSON line: {"records", "cpu_s", "wall_s"}."""
from __future__ import annotations

import json
import sys
import time


def main(argv: list[str]) -> int:
    from sifasuo_desktop.store import Store
    from sifasuo_desktop.store import rules_queries as rq

    w0, c0 = time.perf_counter(), time.process_time()
    store = Store.open(argv[0], create=False)
    n = 0
    try:
        for table in ("cases", "inspections"):
            for chunk in rq.iter_table(store, table):
                n += len(chunk)
    finally:
        store.close()
    print(json.dumps({"records": n, "cpu_s": time.process_time() - c0, "wall_s": time.perf_counter() - w0}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
