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

Filter tokens (m0230): a row's `search_gram` text also holds `search_index.facets`, tokens for the values the
ledger filters test — the status (`0s` + a hash of the value), the owner (乡镇, `0o` + a hash of the org code)
and the date (`0y2026`, `0m202603`, `0d20260315`; a date that is not a plain YYYY-MM-DD of 1900–2100 gets
`0dx` + the table code instead). A search with a filter is then one FTS5 query (`"<code>擅自" AND "0s…"`)
whose doclist intersection is the exact hit set and count, without reading a record. The tokens start with a
digit, so no term token (a table code of letters, then the term) ever equals or prefixes one.
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


def grams_with_facets(table: str, body: str | None, facets: str | None) -> str:
    """The search_gram text of one search_index row since m0230: its n-grams and its filter tokens."""
    text = grams(table, body)
    if facets:
        return text + " " + facets if text else facets
    return text


_DATE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\Z")
FIRST_YEAR, LAST_YEAR = 1900, 2100   # date tokens for these years; any other date is "irregular"


def _hash(value: str) -> str:
    return hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def status_token(value: str) -> str:
    return "0s" + _hash(value)


def org_token(code: str) -> str:
    return "0o" + _hash(code)


def irregular_date_token(table: str) -> str:
    return "0dx" + alias(table)


def _regular_date(value) -> tuple[int, int, int] | None:
    m = _DATE.match(value) if isinstance(value, str) else None
    if m is None or not FIRST_YEAR <= int(m[1]) <= LAST_YEAR:
        return None
    return int(m[1]), int(m[2]), int(m[3])


def facets(table: str, status, date, org) -> str:
    """The filter tokens of one record (SQL function sfs_facets): values as SQLite stored them. A status or
    owner that is not text gets no token (a text filter value never equals it in SQL either)."""
    out = []
    if isinstance(status, str):
        out.append(status_token(status))
    if isinstance(org, str):
        out.append(org_token(org))
    if date is not None:
        ymd = _regular_date(date)
        if ymd is None:
            out.append(irregular_date_token(table))
        else:
            y, m, d = ymd
            out += [f"0y{y:04d}", f"0m{y:04d}{m:02d}", f"0d{y:04d}{m:02d}{d:02d}"]
    return " ".join(out)


def date_range_tokens(date_from: str | None, date_to: str | None) -> list[str] | None:
    """Date tokens whose rows are exactly those with a regular date d, date_from <= d <= date_to (as SQL
    compares the strings); None when a bound is not a plain YYYY-MM-DD (the caller filters in SQL then)."""
    bounds = []
    for value, default in ((date_from, (FIRST_YEAR, 1, 1)), (date_to, (LAST_YEAR, 12, 31))):
        if value is None:
            bounds.append(default)
            continue
        m = _DATE.match(value) if isinstance(value, str) else None
        if m is None:
            return None
        bounds.append((int(m[1]), int(m[2]), int(m[3])))
    first, last = (FIRST_YEAR, 1, 1), (LAST_YEAR, 12, 31)
    if bounds[0] > bounds[1] or bounds[0] > last or bounds[1] < first:
        return []
    (y1, m1, d1), (y2, m2, d2) = max(bounds[0], first), min(bounds[1], last)
    days = lambda y, m, a, b: [f"0d{y:04d}{m:02d}{d:02d}" for d in range(a, b + 1)]  # noqa: E731
    months = lambda y, a, b: ([f"0y{y:04d}"] if (a, b) == (1, 12)  # noqa: E731
                              else [f"0m{y:04d}{m:02d}" for m in range(a, b + 1)])
    if (y1, m1) == (y2, m2):
        return [f"0m{y1:04d}{m1:02d}"] if (d1, d2) == (1, 31) else days(y1, m1, d1, d2)
    out = []
    if d1 > 1:   # the first month from its day d1
        out += days(y1, m1, d1, 31)
        y1, m1 = (y1, m1 + 1) if m1 < 12 else (y1 + 1, 1)
    if d2 < 31:  # the last month up to its day d2
        out += days(y2, m2, 1, d2)
        y2, m2 = (y2, m2 - 1) if m2 > 1 else (y2 - 1, 12)
    if (y1, m1) <= (y2, m2):   # whole months between
        if y1 == y2:
            out += months(y1, m1, m2)
        else:
            out += months(y1, m1, 12)
            out += [f"0y{y:04d}" for y in range(y1 + 1, y2)]
            out += months(y2, 1, m2)
    return out


def facet_columns(ledger) -> tuple[str | None, str | None]:
    """The columns a ledger's filter tokens come from: (status column, date column)."""
    return ledger.status_field, ledger.date_field


def index_sql(ledger) -> str:
    """The upsert of one search_index row (params: table, record id, body), its filter tokens read from the
    record as stored (so they are what SQL filters compare): the record must be written first."""
    status, date = facet_columns(ledger)
    t = ledger.table
    cols = ", ".join(f"x.{c}" if c else "NULL" for c in (status, date))
    facet = f"coalesce((SELECT sfs_facets('{t}', {cols}, x.owner_org) FROM {t} x WHERE x.id = ?2), '')"
    return ("INSERT INTO search_index(table_name, record_id, body, facets) VALUES (?1, ?2, ?3, " + facet + ") "
            "ON CONFLICT(record_id) DO UPDATE SET body = excluded.body, facets = excluded.facets")


def usable(term: str) -> bool:
    """Whether the index answers this search term (1–2 letters/digits; anything else scans)."""
    return 1 <= len(term) <= 2 and all(ch.isalnum() for ch in term)


def candidate_expr(table: str, term: str) -> str | None:
    """An FTS5 expression matching every row whose text holds `term` (of 3+ letters/digits; a few more rows
    may match: every character pair of it, in any place), or None when the term has other characters."""
    low = term.lower()
    if len(low) != len(term) or not all(ch.isalnum() for ch in term):
        return None
    a = alias(table)
    return " AND ".join(f'"{a}{g}"' for g in sorted({low[i:i + 2] for i in range(len(low) - 1)}))


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
    conn.create_function("sfs_grams", 2, grams, deterministic=True)   # m0190/m0210 triggers
    conn.create_function("sfs_grams", 3, grams_with_facets, deterministic=True)
    conn.create_function("sfs_facets", 4, facets, deterministic=True)
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
    conn.execute("INSERT INTO search_gram(rowid, grams) SELECT rowid, sfs_grams(table_name, body, facets) "
                 "FROM search_index WHERE rowid > ?", (low,))
    floor[0] = NO_FLOOR


def discard(conn) -> None:
    """After a rollback: the deferred rows are gone with it."""
    floor = _floors.get(id(conn))
    if floor is not None:
        floor[0] = NO_FLOOR


def forget(conn) -> None:
    _floors.pop(id(conn), None)
