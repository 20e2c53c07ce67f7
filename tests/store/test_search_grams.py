"""The 1–2 character search index (issue 19): kept in step by triggers, same rows as a text scan."""
from __future__ import annotations

import pytest

from sifasuo_desktop.store import Store
from sifasuo_desktop.store import ledger_queries as lq
from sifasuo_desktop.store import search_grams
from sifasuo_desktop.store.ledger_queries import LedgerQuery, count_rows, query_rowids


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "d")
    s.init_org("township", "测试司法所", "370000101000", "370000")
    yield s
    s.close()


def _scan(store, term: str) -> set[str]:
    """What the search must find: a case-folded substring test of every live case's index text."""
    return {r[0] for r in store.conn.execute(
        "SELECT record_id FROM search_index WHERE table_name = 'cases' AND instr(lower(body), ?) > 0",
        (term.lower(),))}


def _found(store, q: LedgerQuery) -> set[str]:
    rowids = query_rowids(store.conn, q)
    if not rowids:
        return set()
    marks = ",".join("?" * len(rowids))
    return {r[0] for r in store.conn.execute(f"SELECT id FROM cases WHERE rowid IN ({marks})", rowids)}


def test_grams_of_a_text():
    a = search_grams.alias("cases")
    toks = set(search_grams.grams("cases", "张伟 违法，A1").split())
    assert {a + "张伟", a + "伟", a + "违法", a + "法", a + "a1", a + "1"} == toks
    assert search_grams.grams("cases", "") == ""
    assert search_grams.usable("张伟") and search_grams.usable("张") and not search_grams.usable("，张")
    assert not search_grams.usable("违法建设")


def test_index_follows_inserts_updates_and_deletes(store):
    a = store.insert("cases", {"case_no": "1", "case_type": "其他", "party": "张伟", "cause": "占道经营",
                               "filed_date": "2026-01-02"})
    b = store.insert("cases", {"case_no": "2", "case_type": "其他", "party": "李四", "cause": "擅自搭建 ABC",
                               "filed_date": "2026-01-03"})
    assert _found(store, LedgerQuery("cases", search="张伟")) == {a["id"]}
    assert count_rows(store.conn, LedgerQuery("cases", search="张伟")) == 1
    store.update("cases", a["id"], {"party": "王五"})
    assert _found(store, LedgerQuery("cases", search="张伟")) == set()
    assert count_rows(store.conn, LedgerQuery("cases", search="张伟")) == 0   # the cached count is not reused
    assert _found(store, LedgerQuery("cases", search="王五")) == {a["id"]}
    assert _found(store, LedgerQuery("cases", search="ab")) == {b["id"]}      # Latin: case-folded like FTS
    store.delete("cases", b["id"])
    assert _found(store, LedgerQuery("cases", search="擅自")) == set()
    assert count_rows(store.conn, LedgerQuery("cases", search="擅")) == 0
    # other ledgers' rows never answer for this one
    store.insert("bodies", {"name": "王五执法队", "body_type": "乡镇政府", "status": "有效"})
    assert count_rows(store.conn, LedgerQuery("cases", search="王五")) == 1


@pytest.mark.parametrize("share", [2.0, 0.0])   # never common (IN plan) / always common (EXISTS plan)
def test_short_terms_find_what_a_scan_finds(store, monkeypatch, share):
    monkeypatch.setattr(lq, "COMMON_TERM_SHARE", share)
    words = ["占道经营", "擅自搭建", "张三丰", "李四", "违法建设，已拆除", "Ab1", "经"]
    for i in range(40):
        store.insert("cases", {"case_no": f"号{i}", "case_type": "其他", "party": words[i % len(words)],
                               "cause": words[(i * 3) % len(words)] + str(i % 4),
                               "filed_date": f"2026-02-{i % 28 + 1:02d}", "status": "已结案" if i % 2 else "办理中"})
    for term in ("经", "经营", "张三", "已拆", "ab", "1", "建设", "，已", "丰", "擅自 搭"):
        lq._count_cache.clear()
        expect = set.intersection(*(_scan(store, t) for t in term.split()))
        q = LedgerQuery("cases", search=term)
        assert _found(store, q) == expect, term
        assert count_rows(store.conn, q) == len(expect), term
        qf = LedgerQuery("cases", search=term, status="已结案")
        assert count_rows(store.conn, qf) == len(_found(store, qf)), term


def test_migration_indexes_existing_rows(tmp_path):
    """A folder made before m0190: its rows are searchable with the new index after the upgrade."""
    s = Store.open(tmp_path / "old")
    s.init_org("township", "测试司法所", "370000101000", "370000")
    s.insert("cases", {"case_no": "1", "case_type": "其他", "party": "赵六", "filed_date": "2026-01-02"})
    from sifasuo_desktop.store.migrations import m0190_search_grams

    s.conn.execute("DROP TRIGGER search_gram_ai")
    s.conn.execute("DROP TRIGGER search_gram_ad")
    s.conn.execute("DROP TRIGGER search_gram_au")
    s.conn.execute("DROP TABLE search_gram")   # as if the index had never been built

    class Db:
        conn = s.conn

    m0190_search_grams.migrate(Db)
    assert count_rows(s.conn, LedgerQuery("cases", search="赵六")) == 1
    s.close()
