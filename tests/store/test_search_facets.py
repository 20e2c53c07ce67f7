"""Filter tokens in the n-gram index (issue 19, m0230): a search with a status / date / 乡镇 filter answered by
one FTS5 query gives the rows, order and count of a brute-force filter, under both plans."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from sifasuo_desktop.domain.ledgers import LEDGERS
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import ledger_queries as lq
from sifasuo_desktop.store import search_grams
from sifasuo_desktop.store.ledger_queries import LedgerQuery, build_sql, count_rows, query_rowids
from sifasuo_desktop.store.migrations import m0230_search_facets


def test_frozen_facet_columns_are_the_ledgers_filters():
    """m0230 built the tokens from these columns; a ledger whose status/date column changes needs a new
    migration rebuilding them (until then its filtered searches would miss rows)."""
    assert m0230_search_facets.FACET_COLUMNS == {
        ledger.table: search_grams.facet_columns(ledger) for ledger in LEDGERS.values()}


def _day_tokens(value) -> set[str]:
    return set(search_grams.facets("cases", None, value, None).split())


def test_date_range_tokens_cover_exactly_the_range():
    rng = random.Random(3)
    days = [dt.date(1900, 1, 1), dt.date(2100, 12, 31), dt.date(2024, 2, 29), dt.date(2025, 12, 31),
            dt.date(2026, 1, 1)] + [dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(0, 3000))
                                    for _ in range(300)]
    values = sorted({d.isoformat() for d in days})
    bounds = [None, "1850-01-01", "2200-06-30"] + values[::7] + ["2026-01-01", "2026-12-31", "2026-03-01",
                                                                 "2026-03-31", "2025-12-15", "2027-01-15"]
    for lo in bounds:
        for hi in bounds[::3]:
            toks = search_grams.date_range_tokens(lo, hi)
            assert toks is not None and len(toks) == len(set(toks)), (lo, hi)
            for v in values:
                inside = (lo is None or v >= lo) and (hi is None or v <= hi)
                assert inside == bool(_day_tokens(v) & set(toks)), (lo, hi, v)
    assert search_grams.date_range_tokens("2026-1-1", None) is None   # not comparable as a string: SQL filters
    assert search_grams.date_range_tokens("2026-05-01", "2026-04-30") == []
    assert _day_tokens("2026-02-30") == {"0y2026", "0m202602", "0d20260230"}
    for odd in ("2026-13-01", "", "1899-12-31", "2026/01/01", "2026-01-01 "):
        assert _day_tokens(odd) == {search_grams.irregular_date_token("cases")}, odd


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from sifasuo_desktop.cli import main

    d = tmp_path_factory.mktemp("facets") / "c"
    assert main(["demo", "--data-dir", str(d), "--role", "county", "--cases", "60"]) == 0
    s = Store.open(d)
    yield s
    s.close()


def _expected(store, q: LedgerQuery) -> list[int]:
    """Brute force: every live case's index text tested in Python, the filters in Python, SQL's order."""
    terms = [t.lower() for t in q.search.split()]
    ok = set()
    for rowid, status, filed, org, body in store.conn.execute(
            "SELECT t.rowid, t.status, t.filed_date, t.owner_org, s.body FROM cases t "
            "JOIN search_index s ON s.record_id = t.id WHERE t.deleted = 0"):
        if not all(term in body.lower() for term in terms):
            continue
        if q.status and status != q.status:
            continue
        if q.date_from and not (filed is not None and filed >= q.date_from):
            continue
        if q.date_to and not (filed is not None and filed <= q.date_to):
            continue
        if q.township and org != q.township:
            continue
        ok.add(rowid)
    plain = LedgerQuery("cases", order_by=q.order_by, descending=q.descending)
    sql, params = build_sql(plain)
    return [r for r in (x[0] for x in store.conn.execute(sql, params)) if r in ok]


def _queries(store):
    orgs = [r[0] for r in store.conn.execute("SELECT DISTINCT owner_org FROM cases WHERE deleted = 0")]
    statuses = [r[0] for r in store.conn.execute("SELECT DISTINCT status FROM cases WHERE status IS NOT NULL")]
    assert len(orgs) >= 3 and len(statuses) >= 2
    years = sorted({r[0][:4] for r in store.conn.execute("SELECT filed_date FROM cases WHERE filed_date > ''")})
    y = years[-1]
    filters = [{"status": statuses[0]}, {"status": statuses[-1]}, {"township": orgs[1]},
               {"date_from": f"{y}-01-01", "date_to": f"{y}-12-31"}, {"date_from": f"{y}-03-15"},
               {"date_to": f"{years[0]}-06-10"}, {"date_from": f"{years[0]}-02-03", "date_to": f"{y}-02-27"},
               {"status": statuses[0], "township": orgs[0], "date_from": f"{years[0]}-07-01"},
               {"township": "不存在的机关"}, {}]
    for term in ("擅自", "违法", "经", "占用挖", "擅自 经营", "公司", "执法", "未经许可", "1"):
        for f in filters:
            yield LedgerQuery("cases", search=term, **f)
    for f in filters[:-1]:   # a filter alone (no term): SQL, and never the whole ledger's count
        yield LedgerQuery("cases", **f)
    yield LedgerQuery("cases", search="违法", status=statuses[0], order_by="party")
    yield LedgerQuery("cases", search="擅自", township=orgs[2], order_by="decision_date", descending=True)


# never common (collected hits) / always common (walk the order) / pages from the newest months' hits
@pytest.mark.parametrize("share,window", [(2.0, 10 ** 9), (0.0, 10 ** 9), (2.0, 0)])
def test_filtered_searches_equal_a_brute_force_filter(county, monkeypatch, share, window):
    monkeypatch.setattr(lq, "COMMON_TERM_SHARE", share)
    monkeypatch.setattr(lq, "WINDOW_MIN_HITS", window)
    monkeypatch.setattr(lq, "DAYS_OVER", window)   # the window: narrowed to days whenever it can be
    seen_hits = 0
    planned = 0
    for q in _queries(county):
        lq._count_cache.clear()
        expect = _expected(county, q)
        assert query_rowids(county.conn, q) == expect, q
        for offset, limit in ((0, 1), (3, 7), (0, 200), (len(expect) - 2, 5)):
            assert query_rowids(county.conn, q, limit=limit, offset=max(offset, 0)) == \
                expect[max(offset, 0):max(offset, 0) + limit], (q, offset)
        assert count_rows(county.conn, q) == len(expect), q
        seen_hits += bool(expect)
        planned += lq._index_plan(county.conn, q) is not None
    assert seen_hits > 40
    assert planned > 70   # the index answers them (not a fallback to SQL filters)


def test_tokens_follow_edits_of_the_filtered_columns(county):
    s = county
    rec = s.conn.execute("SELECT id, status, owner_org FROM cases WHERE deleted = 0 AND cause LIKE '%擅自%' "
                         "LIMIT 1").fetchone()
    new_status = next(v for (v,) in s.conn.execute("SELECT DISTINCT status FROM cases WHERE status IS NOT NULL")
                      if v != rec["status"])
    q_old = LedgerQuery("cases", search="擅自", status=rec["status"], township=rec["owner_org"])
    q_date = LedgerQuery("cases", search="擅自", date_from="1990-05-05", date_to="1990-05-05")
    before = count_rows(s.conn, q_old)
    assert count_rows(s.conn, q_date) == 0
    with s.transaction():
        s.conn.execute("UPDATE cases SET status = ?, filed_date = '1990-05-05' WHERE id = ?", (new_status, rec["id"]))
        s._index_record("cases", dict(s.conn.execute("SELECT * FROM cases WHERE id = ?", (rec["id"],)).fetchone()))
    assert count_rows(s.conn, q_old) == before - 1
    assert count_rows(s.conn, q_date) == 1 == len(query_rowids(s.conn, q_date))
    assert _expected(s, q_date) == query_rowids(s.conn, q_date)


def test_migration_gives_existing_rows_their_tokens(tmp_path):
    """A folder made before m0230: its filtered searches use the tokens after the upgrade, same results."""
    from sifasuo_desktop.store.migrations import m0210_deferred_search_index as m0210

    s = Store.open(tmp_path / "old")
    s.init_org("township", "测试司法所", "370000101000", "370000")
    for i in range(30):
        s.insert("cases", {"case_no": f"{i}", "case_type": "其他", "party": "赵六" if i % 3 else "钱七",
                           "cause": "擅自占用" if i % 2 else "无证经营", "filed_date": f"2025-0{i % 9 + 1}-1{i % 10}",
                           "status": None})
    c = s.conn
    for name in ("search_gram_ai", "search_gram_ad", "search_gram_au"):   # back to m0210's schema
        c.execute(f"DROP TRIGGER {name}")
        c.execute(f"CREATE TRIGGER {name} {m0210._TRIGGERS[name]}")
    c.execute("ALTER TABLE search_index DROP COLUMN facets")
    c.execute("DELETE FROM search_gram")
    c.execute("INSERT INTO search_gram(rowid, grams) SELECT rowid, sfs_grams(table_name, body) FROM search_index")
    q = LedgerQuery("cases", search="擅自", date_from="2025-03-01", date_to="2025-06-30")
    lq._count_cache.clear()
    assert lq._index_plan(c, q) is None
    expect = _expected(s, q)
    assert expect and query_rowids(c, q) == expect

    class Db:
        conn = c

    m0230_search_facets.migrate(Db)
    lq._count_cache.clear()
    assert lq._index_plan(c, q) is not None
    assert query_rowids(c, q) == expect and count_rows(c, q) == len(expect)
    s.insert("cases", {"case_no": "new", "case_type": "其他", "party": "孙八", "cause": "擅自搭建",
                       "filed_date": "2025-04-01"})   # the new triggers index the tokens of a new row
    assert count_rows(c, q) == len(expect) + 1 == len(_expected(s, q))
    s.close()
