"""Sorting a ledger by a reference column (执法主体, issue 19): the merge plan walks the bodies in name order and
returns exactly the order of `ORDER BY (SELECT name ...), rowid`, including rows whose body is empty or unknown."""
from __future__ import annotations

import pytest

from sifasuo_desktop.store import Store
from sifasuo_desktop.store import ledger_queries as lq
from sifasuo_desktop.store.ledger_queries import LedgerQuery, build_sql, query_rowids


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "d")
    s.init_org("township", "测试司法所", "370000101000", "370000")
    yield s
    s.close()


def _bodies(store):
    ids = []
    for name in ("乙执法队", "甲执法队", "乙执法队", "丙执法队"):   # two bodies share a name
        ids.append(store.insert("bodies", {"name": name, "body_type": "乡镇政府", "status": "有效"})["id"])
    return ids


def _cases(store, body_ids):
    n = 0
    for i in range(40):
        body = body_ids[i % len(body_ids)]
        store.insert("cases", {"case_no": f"青{i}", "case_type": "其他", "party": f"当事人{i % 7}",
                               "cause": "擅自搭建" if i % 3 else "占道经营", "filed_date": f"2026-01-{1 + i % 28:02d}",
                               "status": "已结案" if i % 2 else "办理中", "body_id": body})
        n += 1
    # rows whose 执法主体 is empty, blank or names no body (e.g. a package not yet complete): they sort as NULL
    rows = [r[0] for r in store.conn.execute("SELECT rowid FROM cases ORDER BY rowid LIMIT 6")]
    with store.conn:
        store.conn.execute("UPDATE cases SET body_id = NULL WHERE rowid IN (?, ?)", rows[:2])
        store.conn.execute("UPDATE cases SET body_id = '' WHERE rowid = ?", (rows[2],))
        store.conn.execute("UPDATE cases SET body_id = 'no-such-body' WHERE rowid IN (?, ?)", rows[3:5])
    return n


def _old_order(store, q):
    sql, params = build_sql(q)        # without a connection: the per-row name subquery
    assert "UNION ALL" not in sql
    return [r[0] for r in store.conn.execute(sql, params)]


@pytest.mark.parametrize("desc", [False, True])
@pytest.mark.parametrize("filters", [{}, {"status": "已结案"}, {"search": "擅自"}, {"search": "擅自搭建"},
                                     {"date_from": "2026-01-05", "date_to": "2026-01-20"}])
def test_reference_sort_matches_the_name_order(store, desc, filters):
    ids = _bodies(store)
    _cases(store, ids)
    q = LedgerQuery("cases", order_by="body_id", descending=desc, **filters)
    sql, _ = build_sql(q, store.conn)
    assert "UNION ALL" in sql            # the merge plan was taken
    want = _old_order(store, q)
    assert query_rowids(store.conn, q) == want
    # pages add up to the whole list
    pages = []
    for offset in range(0, len(want) + 7, 7):
        pages += query_rowids(store.conn, q, limit=7, offset=offset)
    assert pages == want
    names = dict(store.conn.execute("SELECT id, name FROM bodies"))
    keys = [names.get(r) for (r,) in (store.conn.execute("SELECT body_id FROM cases WHERE rowid = ?", (x,)).fetchone()
                                      for x in want)]
    if not filters:
        assert keys.count(None) == 5     # NULL, '' and the unknown body sort together
        assert (keys[:5] == [None] * 5) if not desc else (keys[-5:] == [None] * 5)


def test_reference_sort_follows_a_renamed_and_a_deleted_body(store):
    ids = _bodies(store)
    _cases(store, ids)
    q = LedgerQuery("cases", order_by="body_id")
    store.update("bodies", ids[3], {"name": "啊执法队"})      # renamed: its rows move
    assert query_rowids(store.conn, q) == _old_order(store, q)
    store.delete("bodies", ids[1])                           # a deleted body's name still sorts its rows
    assert query_rowids(store.conn, q) == _old_order(store, q)
    with store.conn:                                         # a body row vanishes entirely: its rows become dangling
        store.conn.execute("DELETE FROM bodies WHERE id = ?", (ids[0],))
    assert query_rowids(store.conn, q) == _old_order(store, q)


def test_reference_sort_falls_back_without_an_index(store, monkeypatch):
    ids = _bodies(store)
    _cases(store, ids)
    monkeypatch.setattr(lq, "MAX_REF_VALUES", 2)             # too many distinct values to walk
    q = LedgerQuery("cases", order_by="body_id", descending=True)
    sql, _ = build_sql(q, store.conn)
    assert "UNION ALL" not in sql
    assert query_rowids(store.conn, q) == _old_order(store, q)


@pytest.mark.parametrize("ledger", ["cases", "inspections"])
def test_every_list_column_of_the_big_ledgers_sorts_through_an_index(store, ledger):
    """Issue 19: the first page of a sort by any list column walks an index (no sort of every row), except the
    long text 检查结果; a reference column takes the merge plan."""
    from sifasuo_desktop.domain.ledgers import LEDGERS, LONGTEXT, REF

    for field in LEDGERS[ledger].list_fields:
        if field.kind == LONGTEXT:
            continue
        for desc in (False, True):
            q = LedgerQuery(ledger, order_by=field.name, descending=desc)
            sql, params = build_sql(q, store.conn)
            plan = " / ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql + " LIMIT 40", params))
            if field.kind == REF:
                # the referenced table is the outer loop, walked in name order (CROSS JOIN fixes the order)
                assert "UNION ALL" in sql and "SCAN ref_ USING INDEX" in plan, plan
            else:
                assert "USING INDEX" in plan and "TEMP B-TREE" not in plan, (field.name, plan)
