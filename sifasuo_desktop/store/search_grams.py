"""The n-gram side index for 1–2 character searches (issue 19).

The trigram FTS5 index (`search_fts`) cannot answer a term shorter than 3 characters, and an `instr()` scan
of `search_index` costs ~45 ms per 100,000 rows (360 ms at county scale). `search_gram` is an
FTS5 table (`detail=none`: membership only; it stores its token text so the database stays dumpable) whose row for a `search_index` row holds one token per
distinct character pair of its text (plus the last character of every word, so a 1-character term is a
prefix query), each token led by a fixed 6-letter code of the record's table. A 2-character term of a
ledger is then one token (`"<code>张伟"`), its hit count one doclist, with no join and no scan.

Triggers on `search_index` (migration m0190) keep it in step through `sfs_grams()`, which `register()`
adds to every connection the store opens.

Bulk writes (sync import, spreadsheet import, demo data) defer both full-text indexes (this one and the
trigram `search_fts`): `defer()` notes the highest `search_index` rowid (the floor); the triggers (m0210) skip
every row above it (`WHEN new.rowid <= sfs_index_floor()`), and `flush()` indexes those rows in two
INSERT … SELECT statements just before the transaction commits (Store.transaction). Rows at or below the
floor keep their per-row triggers, so an update or delete of an older row during the bulk write stays exact;
rows above it are indexed from their final text. Everything happens inside the one transaction: a crash
before COMMIT leaves rows and indexes as they were, a COMMIT leaves both complete.
"""
from __future__ import annotations

import hashlib
import operator
import re

_ALIASES: dict[str, str] = {}


def alias(table: str) -> str:
    """6 lowercase letters for a table, fixed forever (they are stored in the index)."""
    a = _ALIASES.get(table)
    if a is None:
        digest = hashlib.sha1(("sifasuo-gram:" + table).encode()).digest()
        a = _ALIASES[table] = "".join(chr(ord("a") + b % 26) for b in digest[:6])
    return a


# runs of letters/digits: re's \w is str.isalnum() plus "_" (CPython: alpha, decimal, digit, numeric)
_WORD = re.compile(r"[^\W_]+")
_add = operator.add


def grams(table: str, body: str | None) -> str:
    """The index text of one row: space-separated distinct tokens."""
    if not body:
        return ""
    a = alias(table)
    out: set[str] = set()
    for run in _WORD.findall(body.lower()):
        out.update(map(_add, run, run[1:]))   # every adjacent character pair
        out.add(run[-1])
    return a + (" " + a).join(out) if out else ""


def usable(term: str) -> bool:
    """Whether the index answers this search term (1–2 letters/digits; anything else scans)."""
    return 1 <= len(term) <= 2 and all(ch.isalnum() for ch in term)


def match_expr(table: str, terms: list[str]) -> str:
    """The FTS5 MATCH expression for the rows of `table` holding every one of `terms` (each usable())."""
    parts = []
    for term in terms:
        tok = alias(table) + term.lower()
        parts.append(f'"{tok}"' if len(term) == 2 else f'"{tok}"*')
    return " AND ".join(parts)


NO_FLOOR = (1 << 63) - 1            # not deferring: every row is indexed by its trigger
_floors: dict[int, list[int]] = {}  # id(connection) -> [floor]; register() gives each new connection its own


def register(conn) -> None:
    conn.create_function("sfs_grams", 2, grams, deterministic=True)
    floor = _floors[id(conn)] = [NO_FLOOR]
    conn.create_function("sfs_index_floor", 0, lambda: floor[0])


def defer(conn) -> None:
    """Inside a transaction: leave the indexing of rows added from now on to flush() at its commit."""
    if not conn.in_transaction:
        raise RuntimeError("search index deferral needs a transaction")
    floor = _floors[id(conn)]
    if floor[0] == NO_FLOOR:
        floor[0] = conn.execute("SELECT coalesce(max(rowid), 0) FROM search_index").fetchone()[0]


def deferred(conn) -> bool:
    return _floors.get(id(conn), [NO_FLOOR])[0] != NO_FLOOR


def flush(conn) -> None:
    """Index every row above the floor in both full-text tables (same transaction), then stop deferring."""
    floor = _floors.get(id(conn))
    if floor is None or floor[0] == NO_FLOOR:
        return
    low = floor[0]
    conn.execute("INSERT INTO search_fts(rowid, body) SELECT rowid, body FROM search_index WHERE rowid > ?",
                 (low,))
    conn.execute("INSERT INTO search_gram(rowid, grams) SELECT rowid, sfs_grams(table_name, body) "
                 "FROM search_index WHERE rowid > ?", (low,))
    floor[0] = NO_FLOOR


def discard(conn) -> None:
    """After a rollback: the deferred rows are gone with it."""
    floor = _floors.get(id(conn))
    if floor is not None:
        floor[0] = NO_FLOOR


def forget(conn) -> None:
    _floors.pop(id(conn), None)
