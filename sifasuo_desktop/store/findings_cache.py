"""The warning checks' findings cache (issue 19): the last full run's findings, kept beside the database.

A full check reads every record (a million at county scale: about a minute). Its findings only change when a
record the rules read changes, the rules' settings or holidays change, the day changes, or the program does, so
the last run's result for a day is stored in <data folder>/cache/findings-<day>.jsonl (0600, the last few days
kept; one finding per line as
`sifasuo check --json` prints it, after a header line with the state it is valid for) and reused while that
state holds:

- `check_changes.n`, raised by a trigger on every write of a table the rules read (migration m0200); every table
  of rules_queries.COLUMNS must carry those triggers, or nothing is cached;
- the database file (a restore replaces it), the audit chain head, the folder's role and codes;
- the day checked, the effective rule parameters, the program's rule code and holiday tables.

Only full runs are cached (not `--rule CODE`). A cache that cannot be read or written is ignored: the checks
then run as before. Nothing here ever changes the database.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

CACHE_DIR = "cache"
FORMAT = 1
KEEP_DAYS = 3     # cache files kept (the day the GUI checks, plus runs for other days such as a ranking's)
EXTRA_TABLES = ("holidays", "settings")   # read by the checks besides the rules' record tables
_TRIGGER_OPS = ("i", "u", "d")

_code_signature: str | None = None


def cache_path(data_dir, today) -> Path:
    return Path(data_dir) / CACHE_DIR / f"findings-{today}.jsonl"


_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode


def finding_line(finding) -> str:
    """One finding as a line of `sifasuo check --json` (and of the cache file)."""
    return _ENCODE(finding.to_dict())


def finding_from_line(line: str):
    from sifasuo_desktop.domain.rules import Finding

    return Finding(**json.loads(line))


def _program_signature() -> str:
    """Changes with the program's rules: their source files, the rule defaults, the version, chinesecalendar."""
    global _code_signature
    if _code_signature is None:
        import sifasuo_desktop
        from sifasuo_desktop.domain import calendar as calendar_mod
        from sifasuo_desktop.domain import rules as rules_pkg
        from sifasuo_desktop.domain.rules import base

        h = hashlib.sha256(f"{FORMAT}/{getattr(sifasuo_desktop, '__version__', '')}".encode())
        files = [Path(__file__).with_name("rules_queries.py"), Path(base.DEFAULTS_PATH), Path(calendar_mod.__file__)]
        pkg_dir = Path(rules_pkg.__file__).parent
        files += sorted(pkg_dir.glob("*.py"))
        for p in files:
            try:
                st = p.stat()
                h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns};".encode())
            except OSError:
                h.update(f"{p.name}:-;".encode())
        import chinese_calendar   # a dependency (pyproject.toml): its holiday tables are part of the rules

        h.update(str(getattr(chinese_calendar, "__version__", "")).encode())
        _code_signature = h.hexdigest()
    return _code_signature


def counted_tables(conn, tables) -> bool:
    """Whether every one of `tables` that exists carries the three change-counter triggers."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}
    if "check_changes" not in names:
        return False
    return all(table not in names or all(f"chk_{table}_{op}" in names for op in _TRIGGER_OPS) for table in tables)


def _handlings_state(conn) -> list:
    """Handled findings (issue 12) are part of the result: any handling written, taken back or received by sync
    changes this (a small table: count, versions, newest stamp)."""
    try:
        return list(conn.execute("SELECT count(*), total(version), max(updated_at) FROM finding_handlings").fetchone())
    except Exception:   # no table (older schema)
        return []


def state_key(store, today, params: dict, tables) -> str | None:
    """What a cached result must have been computed for; None when nothing may be cached."""
    conn = store.conn
    try:
        if not counted_tables(conn, list(tables) + list(EXTRA_TABLES)):
            return None
        n = conn.execute("SELECT n FROM check_changes WHERE id = 1").fetchone()
        if n is None:
            return None
        st = os.stat(Path(store.data_dir) / "sifasuo.sqlite3")
        meta = {k: store.meta(k) for k in ("org_code", "role", "parent_code", "audit_head")}
        handled = _handlings_state(conn)
    except Exception:  # an old or odd database: no cache
        return None
    raw = json.dumps({"n": n[0], "file": [st.st_dev, st.st_ino], "meta": meta, "today": str(today), "handled": handled,
                      "params": params, "program": _program_signature()}, sort_keys=True, ensure_ascii=False,
                     default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def read(data_dir, today, key: str) -> tuple[list[str], list[str]] | None:
    """(finding lines, notices) of a cache valid for `key`, or None."""
    path = cache_path(data_dir, today)
    try:
        with open(path, encoding="utf-8") as fh:
            header = json.loads(fh.readline() or "null")
            if not isinstance(header, dict) or header.get("key") != key or header.get("format") != FORMAT:
                return None
            lines = [line.rstrip("\n") for line in fh]
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if len(lines) != header.get("count"):
        return None          # cut short (disk full, a crash while writing): not used
    notices = header.get("notices")
    return lines, [str(n) for n in notices] if isinstance(notices, list) else []


def write(data_dir, today, key: str, lines, notices: list[str]) -> None:
    """Store a full run's finding lines for `key` (atomically, 0600); failures are ignored."""
    from sifasuo_desktop import fsutil

    path = cache_path(data_dir, today)
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        old = sorted(p for p in path.parent.glob("findings-*.jsonl") if p != path)
        for p in old[:max(0, len(old) - (KEEP_DAYS - 1))]:
            p.unlink()
        lines = list(lines)
        header = {"format": FORMAT, "key": key, "count": len(lines), "notices": list(notices)}
        with fsutil.atomic_path(path) as tmp:
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(header, ensure_ascii=False) + "\n")
                for line in lines:
                    fh.write(line + "\n")
    except OSError:
        pass


def drop(data_dir) -> None:
    """Remove every cached result (nothing else relies on them)."""
    folder = Path(data_dir) / CACHE_DIR
    for p in folder.glob("findings-*.jsonl") if folder.is_dir() else ():
        try:
            p.unlink()
        except OSError:
            pass
