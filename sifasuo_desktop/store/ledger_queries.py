"""Read queries behind the ledger views: ordered row ids for a search/filter, then rows on demand.

Chinese substring search: FTS5 trigram for queries of 3+ characters, the n-gram index `search_gram`
(store/search_grams.py) for 1–2 letters/digits, an instr() scan only for a short term with punctuation.
`search_index` holds exactly the live (not deleted) records of each ledger, so a pure text search is counted
on the indexes alone.

Two plans exist for a search: "IN" collects every hit from the index and sorts them (fast for rare terms such
as a name), "EXISTS" walks the sort index and stops after a page of hits (fast for common words, slow for rare
ones). The hit count (a doclist count: milliseconds) picks the plan and is the 共 N 条 count too, cached per
database state so one search counts once.

A search with a status / date / 乡镇 filter counts and collects its hits in the n-gram index too: the filters
are tokens of the same rows (search_grams.facets, m0230), so `"<code>擅自" AND "0s<已结案>"` is the exact hit set
of 擅自 + 已结案 (a 3+ character term: its character pairs there, the trigram index on top). That count picks
the plan as above and is the 共 N 条 count; a filter the tokens cannot express (an arbitrary `extra_where`, a
non-text status column, a date that is not YYYY-MM-DD) keeps the SQL filter on the collected hits.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from sifasuo_desktop.domain.ledgers import LEDGERS, REF, TOWNSHIP_FIELD, Field, Ledger, township_label

from . import search_grams


@dataclass
class LedgerQuery:
    ledger: str
    search: str = ""
    status: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    order_by: str | None = None
    descending: bool = False
    township: str | None = None   # owner org code (a county's 乡镇 filter)
    extra_where: str = ""
    extra_params: tuple = ()


def is_county(store) -> bool:
    return store.meta("role") == "county"


def county_townships(store) -> dict[str, str]:
    """A county folder: org code → 乡镇 (青石镇) of every township it knows (registered, trusted, or whose records
    it holds), for the 乡镇 column and filter of the ledger lists; {} in a township's folder."""
    if not is_county(store):
        return {}
    from .sync_queries import township_names

    own = store.meta("org_code")
    out = {code: township_label(name, code) for code, name in township_names(store.conn).items() if code != own}
    for (code,) in store.conn.execute("SELECT DISTINCT owner_org FROM bodies WHERE deleted = 0"):
        if code and code != own:
            out.setdefault(code, code)
    return out


def list_fields(store, ledger: Ledger) -> list[Field]:
    """The columns of a ledger list: the ledger's list fields, led by 乡镇 (the record's owner) in a county."""
    fields = ledger.list_fields
    if is_county(store):
        fields = [TOWNSHIP_FIELD] + [f for f in fields if f.name != TOWNSHIP_FIELD.name]
    return fields


def township_display(townships: dict[str, str], store, code: str | None) -> str:
    """The 乡镇 cell of a record owned by `code` (the county's own records: its name)."""
    if not code:
        return ""
    if code in townships:
        return townships[code]
    return store.meta("org_name") if code == store.meta("org_code") else code


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


COMMON_TERM_SHARE = 0.015  # a term hitting more than 1.5 % of the rows is "common": walk the sort index
_count_cache: dict[tuple, object] = {}
_serial_numbers = itertools.count(1)


_serials: dict[int, tuple] = {}


def _serial(conn) -> int:
    """A number of this connection object that no later connection reuses (id() alone is reused after a close,
    and a fresh connection of another folder with as many changes would read this one's cached counts)."""
    got = _serials.get(id(conn))
    if got is None or got[0] is not conn:
        if len(_serials) > 64:
            _serials.clear()
        got = _serials[id(conn)] = (conn, next(_serial_numbers))
    return got[1]


def _state(conn) -> tuple:
    """Changes by this connection or (data_version) by any other one invalidate the cached counts."""
    return _serial(conn), conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0]


_MISSING = object()


def _cached(key: tuple, compute):
    n = _count_cache.get(key, _MISSING)
    if n is _MISSING:
        n = compute()
        if len(_count_cache) > 512:
            _count_cache.clear()
        _count_cache[key] = n
    return n


def _terms(q: LedgerQuery) -> list[str]:
    return [s for s in (q.search or "").split() if s]


def _text_hits(conn, table: str, terms: list[str]) -> int:
    """Live records of `table` whose text holds every term, counted on the indexes alone (cached)."""
    def compute() -> int:
        grams = [t for t in terms if len(t) < 3 and search_grams.usable(t)]
        rest = [t for t in terms if t not in grams]
        if grams and not rest:   # one doclist walk: no join, no scan (~ms for any term)
            return conn.execute("SELECT count(*) FROM search_gram WHERE search_gram MATCH ?",
                                (search_grams.match_expr(table, grams),)).fetchone()[0]
        where, params = ["table_name = ?"], [table]
        if grams:
            where.append("rowid IN (SELECT rowid FROM search_gram WHERE search_gram MATCH ?)")
            params.append(search_grams.match_expr(table, grams))
        for term in rest:
            if len(term) >= 3:
                where.append("rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)")
                params.append(_fts_phrase(term))
            else:
                where.append("instr(body, ?) > 0")
                params.append(term)
        return conn.execute(f"SELECT count(*) FROM search_index WHERE {' AND '.join(where)}", params).fetchone()[0]
    return _cached(_state(conn) + ("hits", table, tuple(terms)), compute)


def live_count(conn, table: str) -> int:
    """Live records of `table` (cached until a write): the ledger's 共 N 条 and the first-run checklist ask at
    start-up, one count of a 100,000-case table serves both (issue 19)."""
    def compute() -> int:
        row = conn.execute("SELECT n FROM live_counts WHERE tbl = ?", (table,)).fetchone()   # m0240's counters
        if row is not None:
            return row[0]
        return conn.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0").fetchone()[0]
    return _cached(_state(conn) + ("live", table), compute)


def _column_type(conn, table: str, column: str) -> str:
    def compute() -> str:
        for r in conn.execute(f"PRAGMA table_info({table})"):
            if r[1] == column:
                return (r[2] or "").upper()
        return ""
    return _cached(_state(conn) + ("type", table, column), compute)


def _has_facets(conn) -> bool:
    return _cached(_state(conn) + ("facets",), lambda: any(
        r[1] == "facets" for r in conn.execute("PRAGMA table_info(search_index)")))


def _irregular_dates(conn, table: str) -> bool:
    """Whether some record of `table` has a date the date tokens do not cover (then its range filter is SQL)."""
    return _cached(_state(conn) + ("irregular", table), lambda: conn.execute(
        "SELECT 1 FROM search_gram WHERE search_gram MATCH ? LIMIT 1",
        (f'"{search_grams.irregular_date_token(table)}"',)).fetchone() is not None)


@dataclass(frozen=True)
class _IndexPlan:
    """A search the n-gram index answers with its filters: the rows of search_gram matching `gram`, each also
    matching every trigram phrase of `phrases` (terms of 3+ characters), are exactly the records shown."""
    gram: str
    phrases: tuple[str, ...]

    def hits_sql(self, rowid: str = "rowid") -> tuple[str, list]:
        """A condition on the search_index rowid `rowid`: it is one of the hits."""
        sql = f"{rowid} IN (SELECT rowid FROM search_gram WHERE search_gram MATCH ?)"
        params = [self.gram]
        for phrase in self.phrases:
            # "+": SQLite would otherwise hand each trigram hit to the n-gram query as a rowid (one FTS5
            # query per hit: seconds)
            sql += f" AND +{rowid} IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)"
            params.append(phrase)
        return sql, params


def _index_plan(conn, q: LedgerQuery, bare: bool = False) -> _IndexPlan | None:
    """The index plan of a search with filters (`bare`: or without), or None (no terms, no filter, or one the
    tokens cannot express)."""
    terms = _terms(q)
    ledger: Ledger = LEDGERS[q.ledger]
    t = ledger.table
    status = q.status if q.status and ledger.status_field else None
    dated = ledger.date_field and (q.date_from or q.date_to)
    if not terms or q.extra_where or not (bare or status or dated or q.township) or conn is None \
            or not _has_facets(conn):
        return None
    parts, phrases = [], []
    for term in terms:
        if search_grams.usable(term):
            parts.append(search_grams.match_expr(t, [term]))
            continue
        expr = search_grams.candidate_expr(t, term) if len(term) >= 3 else None
        if expr is None:
            return None
        parts.append(expr)
        phrases.append(_fts_phrase(term))
    if status:
        if not isinstance(status, str) or _column_type(conn, t, ledger.status_field) != "TEXT":
            return None
        parts.append(f'"{search_grams.status_token(status)}"')
    if dated:
        tokens = search_grams.date_range_tokens(q.date_from, q.date_to)
        if not tokens or _column_type(conn, t, ledger.date_field) != "TEXT" or _irregular_dates(conn, t):
            return None
        parts.append("(" + " OR ".join(f'"{tok}"' for tok in tokens) + ")")
    if q.township:
        if not isinstance(q.township, str):
            return None
        parts.append(f'"{search_grams.org_token(q.township)}"')
    return _IndexPlan(" AND ".join(parts), tuple(phrases))


def _plan_ids(conn, plan: _IndexPlan, within: list[str] | None = None) -> list[int]:
    """The search_index rowids of the plan's hits, ascending; `within`: only those with one of these tokens."""
    gram = plan.gram if within is None else plan.gram + " AND (" + " OR ".join(f'"{tok}"' for tok in within) + ")"
    sql, params = _IndexPlan(gram, plan.phrases).hits_sql()
    text = conn.execute(f"SELECT group_concat(rowid) FROM search_index WHERE {sql}", params).fetchone()[0]
    return list(map(int, text.split(","))) if text else []


def _plan_hits(conn, plan: _IndexPlan) -> int:
    def compute() -> int:
        if not plan.phrases:   # the doclists alone: no search_index row is read
            return conn.execute("SELECT count(*) FROM search_gram WHERE search_gram MATCH ?",
                                (plan.gram,)).fetchone()[0]
        sql, params = plan.hits_sql()
        return conn.execute(f"SELECT count(*) FROM search_index WHERE {sql}", params).fetchone()[0]
    return _cached(_state(conn) + ("plan", plan), compute)


WINDOW_MIN_HITS = 2000   # more hits than this: a page sorted by date collects only the newest months' hits
DAYS_OVER = 500          # a month's hits exceed the page by more than this: keep only its newest days' hits


def _newest_months(conn, q: LedgerQuery, plan: _IndexPlan, need: int) -> list[int] | None:
    """For a page of `need` rows in the default order (date, newest first): the hits of the newest months that
    hold at least `need` of them, found through the month tokens (1, 1, 2, 4, ... months a query: each a few
    ms); every other hit is older than all of these. None when the order is another, a date is irregular, or
    the dated hits are too few (records without a date come last)."""
    ledger: Ledger = LEDGERS[q.ledger]
    t, date = ledger.table, ledger.date_field
    if not date or (q.order_by not in (None, date)) or (q.order_by and not q.descending):
        return None
    if not _leads_index(conn, t, date) or _column_type(conn, t, date) != "TEXT" or _irregular_dates(conn, t):
        return None
    # two statements: SQLite reads a lone min() or max() off the index, both together scan the table
    top = conn.execute(f"SELECT max({date}) FROM {t}").fetchone()[0]
    bottom = conn.execute(f"SELECT min({date}) FROM {t} WHERE {date} IS NOT NULL").fetchone()[0]
    if top is None:
        return None
    top, bottom = min(top, q.date_to or top), max(bottom, q.date_from or bottom)
    y, m = int(top[:4]), int(top[5:7])
    end = (int(bottom[:4]), int(bottom[5:7]))
    out: list[int] = []
    step = 1
    while (y, m) >= end:
        months = []
        while len(months) < step and (y, m) >= end:
            months.append((y, m))
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        got = _plan_ids(conn, plan, [f"0m{y_:04d}{m_:02d}" for y_, m_ in months])
        if len(out) + len(got) >= need:
            return out + _newest_days(conn, months, got, need - len(out))
        out += got
        step = min(step * 2, 24)
    return None


def _newest_days(conn, months: list[tuple[int, int]], got: list[int], need: int) -> list[int]:
    """Of the hits `got` in `months` (newest first), those of the newest days holding `need` of them, through
    the day tokens (small doclists): the page then sorts a few hundred rows, not a month's thousands."""
    if len(got) <= need + DAYS_OVER:
        return got
    left = set(got)
    out: list[int] = []
    for y, m in months:
        for d in range(31, 0, -1):
            text = conn.execute("SELECT group_concat(rowid) FROM search_gram WHERE search_gram MATCH ?",
                                (f'"0d{y:04d}{m:02d}{d:02d}"',)).fetchone()[0]
            if text:
                out += [i for i in map(int, text.split(",")) if i in left]
                if len(out) >= need:
                    return out
    return got   # not reached: every hit of these months has one of their days


def _hit_list_sql(ids: list[int]) -> tuple[str, list]:
    return ("t.id IN (SELECT s.record_id FROM search_index s WHERE s.rowid IN (SELECT value FROM json_each(?)))",
            ["[" + ",".join(map(str, ids)) + "]"])


def _indexed_rows(conn, table: str) -> int:
    return _cached(_state(conn) + ("rows", table), lambda: conn.execute(
        "SELECT count(*) FROM search_index WHERE table_name = ?", (table,)).fetchone()[0])


def _is_common(conn, table: str, terms: list[str]) -> bool:
    """Whether the search hits so many rows that walking the sort index and testing each row is faster than
    collecting and sorting every hit (the hit count is the one the 共 N 条 label shows: computed once)."""
    rows = _indexed_rows(conn, table)
    return rows > 0 and _text_hits(conn, table, terms) > COMMON_TERM_SHARE * rows


def _hit_set(t: str, term: str) -> tuple[str, list]:
    """SQL (a condition on t.id) and params: the records of table `t` whose text holds `term`, from an index."""
    if len(term) >= 3:
        return ("t.id IN (SELECT s.record_id FROM search_index s WHERE s.rowid IN "
                "(SELECT rowid FROM search_fts WHERE search_fts MATCH ?) AND s.table_name = ?)", [_fts_phrase(term), t])
    if search_grams.usable(term):
        return ("t.id IN (SELECT s.record_id FROM search_index s WHERE s.rowid IN "
                "(SELECT rowid FROM search_gram WHERE search_gram MATCH ?))", [search_grams.match_expr(t, [term])])
    return "t.id IN (SELECT s.record_id FROM search_index s WHERE s.table_name = ? AND instr(s.body, ?) > 0)", [t, term]


def _row_test(term: str) -> tuple[str, list]:
    """SQL testing one row t for `term` (the EXISTS plan); case-folded like the indexes (ASCII)."""
    if len(term) >= 3 or search_grams.usable(term):
        return "EXISTS (SELECT 1 FROM search_index s WHERE s.record_id = t.id AND instr(lower(s.body), ?) > 0)", \
            [term.lower()]
    return "EXISTS (SELECT 1 FROM search_index s WHERE s.record_id = t.id AND instr(s.body, ?) > 0)", [term]


def _where(q: LedgerQuery, conn=None, common: bool | None = None,
           hits: tuple[str, list] | None = None) -> tuple[list[str], list]:
    ledger: Ledger = LEDGERS[q.ledger]
    t = ledger.table
    where = ["t.deleted = 0"]
    params: list = []
    terms = _terms(q)
    plan = _index_plan(conn, q) if terms and conn is not None else None
    if hits is not None:
        common = False
    elif common is None:
        if plan is not None:
            rows = _indexed_rows(conn, t)
            common = rows > 0 and _plan_hits(conn, plan) > COMMON_TERM_SHARE * rows
        else:
            common = bool(terms) and conn is not None and _is_common(conn, t, terms)
    # With the index plan SQLite must not look the filters up in their own indexes: collected hits are
    # filtered already (the SQL tests only double-check them), and a walk in display order stops after a page
    # of hits, while the status index would hand it every 已结案 row to test and sort (seconds). A date range
    # on the column the rows are sorted by stays indexable: the walk starts at the range.
    col = date_col = "+t." if plan is not None else "t."
    if plan is not None and common and (q.order_by or ledger.date_field) == ledger.date_field:
        date_col = "t."
    if hits is not None:
        where.append(hits[0])
        params += hits[1]
    elif plan is not None and not common:
        sql, p = plan.hits_sql("s.rowid")
        where.append(f"t.id IN (SELECT s.record_id FROM search_index s WHERE {sql})")
        params += p
    else:
        for term in terms:
            sql, p = _row_test(term) if common else _hit_set(t, term)
            where.append(sql)
            params += p
    if q.status and ledger.status_field:
        where.append(f"{col}{ledger.status_field} = ?")
        params.append(q.status)
    if ledger.date_field:
        if q.date_from:
            where.append(f"{date_col}{ledger.date_field} >= ?")
            params.append(q.date_from)
        if q.date_to:
            where.append(f"{date_col}{ledger.date_field} <= ?")
            params.append(q.date_to)
    if q.township:
        where.append(f"{col}owner_org = ?")
        params.append(q.township)
    if q.extra_where:
        where.append(f"({q.extra_where})")
        params += list(q.extra_params)
    return where, params


def _leads_index(conn, table: str, column: str) -> bool:
    """Whether an index of `table` starts with `column` (so rows can be looked up or walked by it)."""
    def compute() -> bool:
        for idx in conn.execute(f"PRAGMA index_list({table})").fetchall():
            cols = conn.execute(f"PRAGMA index_info({idx[1]})").fetchall()
            if cols and cols[0][2] == column:
                return True
        return False
    return _cached(_state(conn) + ("index", table, column), compute)


MAX_REF_VALUES = 2000  # distinct values of a reference column the merge plan walks (bodies, powers: dozens)


def _dangling(conn, table: str, column: str, ref_table: str) -> tuple | None:
    """Values of `table.column` (not NULL) that name no row of `ref_table`, found by walking the column's index
    one distinct value at a time; None when the column holds too many distinct values for that."""
    def compute():
        out = []
        row = conn.execute(f"SELECT min({column}) FROM {table} WHERE {column} IS NOT NULL").fetchone()
        value, seen = row[0], 0
        while value is not None:
            seen += 1
            if seen > MAX_REF_VALUES:
                return None
            if conn.execute(f"SELECT 1 FROM {ref_table} WHERE id = ?", (value,)).fetchone() is None:
                out.append(value)
            value = conn.execute(f"SELECT min({column}) FROM {table} WHERE {column} > ?", (value,)).fetchone()[0]
        return tuple(out)
    return _cached(_state(conn) + ("dangling", table, column, ref_table), compute)


def _ref_order_sql(conn, t: str, col: str, ref: Ledger, disp: str, where: list[str], params: list,
                   direction: str) -> tuple[str, list] | None:
    """Rows ordered by the display name of a reference column (执法主体), without computing the name of every row:
    the referenced table is walked in name order through its index and each name's rows are fetched through the
    reference column's index (CROSS JOIN: SQLite keeps that loop order whatever its statistics say), merged with
    the rows whose reference is empty or dangling, which sort as NULL.
    Same order as `ORDER BY (SELECT name ...), rowid`; None when the indexes for it are missing."""
    if conn is None or not (_leads_index(conn, t, col) and _leads_index(conn, ref.table, disp)):
        return None
    dangling = _dangling(conn, t, col, ref.table)
    if dangling is None:
        return None
    cond = " AND ".join(where)
    orphan = f"t.{col} IS NULL" + (f" OR t.{col} IN ({','.join('?' * len(dangling))})" if dangling else "")
    sql = (f"SELECT t.rowid AS rid, NULL AS k FROM {t} t WHERE {cond} AND ({orphan}) "
           f"UNION ALL SELECT t.rowid, ref_.{disp} FROM {ref.table} ref_ CROSS JOIN {t} t ON t.{col} = ref_.id "
           f"WHERE {cond} ORDER BY 2 {direction}, 1 {direction}")
    return sql, params + list(dangling) + params


def build_sql(q: LedgerQuery, conn=None, hits: tuple[str, list] | None = None) -> tuple[str, list]:
    """SQL for the ordered row ids of `q`. With `conn`, searches get the faster plan for their hit count;
    `hits` (a condition on t.id and its params) stands for the search and its filters, found already."""
    ledger: Ledger = LEDGERS[q.ledger]
    t = ledger.table
    where, params = _where(q, conn, hits=hits)
    order_col = q.order_by or ledger.date_field or "created_at"
    direction = "DESC" if (q.descending if q.order_by else True) else "ASC"
    if q.order_by and ledger.has(order_col) and ledger.field(order_col).kind == REF:
        ref = LEDGERS[ledger.field(order_col).ref]
        disp = ref.display_field or ref.number_field or "id"
        merged = _ref_order_sql(conn, t, order_col, ref, disp, where, params, direction)
        if merged is not None:
            return merged
        order_sql = f"(SELECT r.{disp} FROM {ref.table} r WHERE r.id = t.{order_col}) {direction}"
    else:
        # plain column order so SQLite can walk an index (first page of 100k rows in a few ms)
        order_sql = f"t.{order_col} {direction}"
    sql = f"SELECT t.rowid FROM {t} t WHERE {' AND '.join(where)} ORDER BY {order_sql}, t.rowid {direction}"
    return sql, params


def _page_sql(conn, q: LedgerQuery, limit: int, offset: int) -> tuple[str, list] | None:
    """A page of an index-planned search from its collected hits (few, or the newest months' of many)."""
    plan = _index_plan(conn, q, bare=True)
    if plan is None:
        return None
    n = _plan_hits(conn, plan)
    if n > WINDOW_MIN_HITS:
        ids = _newest_months(conn, q, plan, offset + limit)
    else:   # few: all of them (ids, not the subquery: SQLite would run the FTS5 query again)
        ids = _plan_ids(conn, plan)
    if ids is None:
        return None
    hits, params = _hit_list_sql(ids)
    sql, rest = build_sql(q, conn, hits=(hits, params))
    return f"{sql} LIMIT {int(limit)} OFFSET {int(offset)}", rest


def query_rowids(conn, q: LedgerQuery, limit: int | None = None, offset: int = 0) -> list[int]:
    """Row ids in display order; with `limit`, one page starting at `offset`."""
    paged = _page_sql(conn, q, limit, offset) if limit is not None and conn is not None else None
    if paged is not None:
        return [r[0] for r in conn.execute(*paged)]
    sql, params = build_sql(q, conn)
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return [r[0] for r in conn.execute(sql, params)]


def count_rows(conn, q: LedgerQuery) -> int:
    terms = _terms(q)
    t = LEDGERS[q.ledger].table
    if not (terms or q.status or q.date_from or q.date_to or q.township or q.extra_where):
        return live_count(conn, t)
    plan = _index_plan(conn, q) if terms else None
    if plan is not None:   # the filters are index tokens: the count of one FTS5 query (the plan choice's)
        return _plan_hits(conn, plan)
    if terms and not (q.status or q.date_from or q.date_to or q.township or q.extra_where):
        # a pure text search: the count on the index (the one the plan choice took: not counted twice)
        return _text_hits(conn, t, terms)
    # with a filter: collect the hits from the index and test those (testing every filtered row's text
    # instead costs an instr() per row: 2-4 s for a common status at county scale)
    where, params = _where(q, conn, common=False)
    return conn.execute(f"SELECT count(*) FROM {t} t WHERE {' AND '.join(where)}", params).fetchone()[0]


def iter_rows(conn, q: LedgerQuery, chunk: int = 500):
    """The rows of `q` (dicts) in display order, read through a cursor and fetched `chunk` at a time: an export
    of a whole county ledger never holds its rows, or their ids, in a list."""
    sql, params = build_sql(q, conn)
    cur = conn.execute(sql, params)
    table = LEDGERS[q.ledger].table
    while True:
        ids = [r[0] for r in cur.fetchmany(chunk)]
        if not ids:
            return
        recs = fetch_rows(conn, table, ids)
        for rid in ids:
            rec = recs.get(rid)
            if rec is not None:
                yield rec


def fetch_rows(conn, table: str, rowids: list[int]) -> dict[int, dict]:
    if not rowids:
        return {}
    out: dict[int, dict] = {}
    for i in range(0, len(rowids), 500):
        chunk = rowids[i:i + 500]
        sql = f"SELECT rowid AS _rowid, * FROM {table} WHERE rowid IN ({','.join('?' * len(chunk))})"
        for r in conn.execute(sql, chunk):
            d = dict(r)
            out[d.pop("_rowid")] = d
    return out
