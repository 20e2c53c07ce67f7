"""Read queries behind the ledger views: ordered row ids for a search/filter, then rows on demand.

Chinese substring search: FTS5 trigram for queries of 3+ characters, instr() scan of the same index text for
1–2 characters (the trigram index cannot answer those). `search_index` holds exactly the live (not deleted)
records of each ledger, so a pure text search can be counted on it alone.

For a 1–2 character term two plans exist: "IN" materialises every hit and sorts them (fast for rare terms such
as a name), "EXISTS" walks the sort index and stops after a page of hits (fast for common words, slow for rare
ones). The hit count on the index (~45 ms at 100,000 rows) picks the plan.
"""
from __future__ import annotations

from dataclasses import dataclass

from sifasuo_desktop.domain.ledgers import LEDGERS, REF, TOWNSHIP_FIELD, Field, Ledger, township_label


@dataclass
class LedgerQuery:
    ledger: str
    search: str = ""
    status: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    order_by: str | None = None
    descending: bool = False
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


COMMON_TERM_SHARE = 0.05   # a short term hitting more than 5 % of the rows is "common"
_plan_cache: dict[tuple, bool] = {}


def _short_term_hits(conn, table: str, term: str) -> int:
    return conn.execute("SELECT count(*) FROM search_index WHERE table_name = ? AND instr(body, ?) > 0",
                        (table, term)).fetchone()[0]


def _is_common(conn, table: str, term: str) -> bool:
    """Whether a short term is frequent enough for the EXISTS plan (cached per connection state)."""
    key = (id(conn), conn.total_changes, table, term)
    hit = _plan_cache.get(key)
    if hit is None:
        rows = conn.execute("SELECT count(*) FROM search_index WHERE table_name = ?", (table,)).fetchone()[0]
        hit = rows > 0 and _short_term_hits(conn, table, term) > COMMON_TERM_SHARE * rows
        if len(_plan_cache) > 256:
            _plan_cache.clear()
        _plan_cache[key] = hit
    return hit


def build_sql(q: LedgerQuery, conn=None) -> tuple[str, list]:
    """SQL for the ordered row ids of `q`. With `conn`, short search terms get the faster plan."""
    ledger: Ledger = LEDGERS[q.ledger]
    t = ledger.table
    where = ["t.deleted = 0"]
    params: list = []
    terms = [s for s in (q.search or "").split() if s]
    for term in terms:
        if len(term) >= 3:
            where.append("t.id IN (SELECT s.record_id FROM search_index s WHERE s.rowid IN "
                         "(SELECT rowid FROM search_fts WHERE search_fts MATCH ?) AND s.table_name = ?)")
            params += [_fts_phrase(term), t]
        elif conn is not None and _is_common(conn, t, term):
            where.append("EXISTS (SELECT 1 FROM search_index s WHERE s.record_id = t.id AND instr(s.body, ?) > 0)")
            params += [term]
        else:
            where.append("t.id IN (SELECT s.record_id FROM search_index s WHERE s.table_name = ? "
                         "AND instr(s.body, ?) > 0)")
            params += [t, term]
    if q.status and ledger.status_field:
        where.append(f"t.{ledger.status_field} = ?")
        params.append(q.status)
    if ledger.date_field:
        if q.date_from:
            where.append(f"t.{ledger.date_field} >= ?")
            params.append(q.date_from)
        if q.date_to:
            where.append(f"t.{ledger.date_field} <= ?")
            params.append(q.date_to)
    if q.extra_where:
        where.append(f"({q.extra_where})")
        params += list(q.extra_params)
    order_col = q.order_by or ledger.date_field or "created_at"
    direction = "DESC" if (q.descending if q.order_by else True) else "ASC"
    if q.order_by and ledger.has(order_col) and ledger.field(order_col).kind == REF:
        ref = LEDGERS[ledger.field(order_col).ref]
        disp = ref.display_field or ref.number_field or "id"
        order_sql = f"(SELECT r.{disp} FROM {ref.table} r WHERE r.id = t.{order_col}) {direction}"
    else:
        # plain column order so SQLite can walk an index (first page of 100k rows in a few ms)
        order_sql = f"t.{order_col} {direction}"
    sql = f"SELECT t.rowid FROM {t} t WHERE {' AND '.join(where)} ORDER BY {order_sql}, t.rowid {direction}"
    return sql, params


def query_rowids(conn, q: LedgerQuery, limit: int | None = None, offset: int = 0) -> list[int]:
    """Row ids in display order; with `limit`, one page starting at `offset`."""
    sql, params = build_sql(q, conn)
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return [r[0] for r in conn.execute(sql, params)]


def count_rows(conn, q: LedgerQuery) -> int:
    terms = [s for s in (q.search or "").split() if s]
    if terms and not (q.status or q.date_from or q.date_to or q.extra_where):
        # a pure text search: count on the index, which holds exactly the live records of the ledger
        where, params = ["table_name = ?"], [LEDGERS[q.ledger].table]
        for term in terms:
            if len(term) >= 3:
                where.append("rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)")
                params.append(_fts_phrase(term))
            else:
                where.append("instr(body, ?) > 0")
                params.append(term)
        return conn.execute(f"SELECT count(*) FROM search_index WHERE {' AND '.join(where)}", params).fetchone()[0]
    sql, params = build_sql(q, conn)
    sql = "SELECT count(*) FROM (" + sql.split(" ORDER BY ")[0] + ")"
    return conn.execute(sql, params).fetchone()[0]


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
