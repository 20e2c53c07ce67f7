"""The n-gram side index for 1–2 character searches (issue 19).

The trigram FTS5 index (`search_fts`) cannot answer a term shorter than 3 characters, and an `instr()` scan
of `search_index` costs ~45 ms per 100,000 rows (360 ms at county scale). `search_gram` is an
FTS5 table (`detail=none`: membership only; it stores its token text so the database stays dumpable) whose row for a `search_index` row holds one token per
distinct character pair of its text (plus the last character of every word, so a 1-character term is a
prefix query), each token led by a fixed 6-letter code of the record's table. A 2-character term of a
ledger is then one token (`"<code>张伟"`), its hit count one doclist, with no join and no scan.

Triggers on `search_index` (migration m0190) keep it in step through `sfs_grams()`, which `register()`
adds to every connection the store opens.
"""
from __future__ import annotations

import hashlib

_ALIASES: dict[str, str] = {}


def alias(table: str) -> str:
    """6 lowercase letters for a table, fixed forever (they are stored in the index)."""
    a = _ALIASES.get(table)
    if a is None:
        digest = hashlib.sha1(("sifasuo-gram:" + table).encode()).digest()
        a = _ALIASES[table] = "".join(chr(ord("a") + b % 26) for b in digest[:6])
    return a


def _runs(text: str):
    run = []
    for ch in text:
        if ch.isalnum():
            run.append(ch)
        elif run:
            yield run
            run = []
    if run:
        yield run


def grams(table: str, body: str | None) -> str:
    """The index text of one row: space-separated distinct tokens."""
    if not body:
        return ""
    a = alias(table)
    out: set[str] = set()
    for run in _runs(body.lower()):
        for i in range(len(run) - 1):
            out.add(run[i] + run[i + 1])
        out.add(run[-1])
    return " ".join(a + g for g in out)


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


def register(conn) -> None:
    conn.create_function("sfs_grams", 2, grams, deterministic=True)
