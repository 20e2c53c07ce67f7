"""Bulk writes defer both full-text indexes to one pass before their commit (issue 19): a sync import (new rows
and updates of older rows) leaves exactly the index per-row triggers leave, and a failure before the commit
leaves rows and indexes as they were."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.store import Store, search_grams
from sifasuo_desktop.store.ledger_queries import LedgerQuery, count_rows, query_rowids
from sifasuo_desktop.sync import engine

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.sync_rows import _county_for  # noqa: E402


def _open(path) -> Store:
    s = Store.open(path)
    s.actor = SYSTEM
    return s


def _export(town: Path, out: Path) -> Path:
    s = _open(town)
    try:
        engine.export_package(s, out)
    finally:
        s.close()
    return out


def _import(county: Path, pkg: Path, per_row: bool, monkeypatch) -> None:
    with monkeypatch.context() as m:
        if per_row:   # the old way: every row through its triggers
            m.setattr(Store, "defer_search_index", lambda self: None)
        s = _open(county)
        try:
            summary = engine.import_file(s, pkg)
            assert summary.imported or summary.updated, summary.text()
        finally:
            s.close()


def _index_state(county: Path):
    s = _open(county)
    try:
        c = s.conn
        c.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")   # trigram index = content
        c.execute("INSERT INTO search_gram(search_gram) VALUES ('integrity-check')")
        body = {(r[0], r[1]): r[2] for r in c.execute("SELECT table_name, record_id, body FROM search_index")}
        grams = {r[0]: frozenset(r[1].split()) for r in c.execute(
            "SELECT i.record_id, g.grams FROM search_gram g JOIN search_index i ON i.rowid = g.rowid")}
        assert c.execute("SELECT count(*) FROM search_gram").fetchone()[0] == len(body)
        terms = ["张", "王", "司法", "占用", "违法", "2025", "占用挖", "有限公司", "x"]
        words = {r[0] for r in c.execute("SELECT body FROM search_index LIMIT 50")}
        terms += sorted({w[:2] for b in words for w in b.split() if len(w) >= 2})[:15]
        terms += sorted({w[:3] for b in words for w in b.split() if len(w) >= 3})[:15]
        found = {}
        for ledger in ("cases", "inspections", "bodies"):
            for term in terms:
                q = LedgerQuery(ledger, search=term)
                rowids = query_rowids(c, q)
                found[ledger, term] = (count_rows(c, q), sorted(
                    r[0] for r in c.execute(f"SELECT id FROM {ledger} WHERE rowid IN "
                                            f"({','.join('?' * len(rowids))})", rowids)) if rowids else [])
        tri = {}
        for term in ("占用挖", "有限公", "司法所"):
            tri[term] = sorted(r[0] for r in c.execute(
                "SELECT i.record_id FROM search_fts f JOIN search_index i ON i.rowid = f.rowid "
                "WHERE search_fts MATCH ?", (f'"{term}"',)))
        return body, grams, found, tri
    finally:
        s.close()


def test_sync_import_index_equals_per_row_triggers(tmp_path, monkeypatch):
    town, county = tmp_path / "town", tmp_path / "county"
    assert main(["demo", "--data-dir", str(town), "--cases", "60", "--json"]) == 0
    _county_for(town, county)
    shutil.copytree(county, tmp_path / "county-rows")
    first = _export(town, tmp_path / "p1.tspkg")
    _import(county, first, per_row=False, monkeypatch=monkeypatch)
    _import(tmp_path / "county-rows", first, per_row=True, monkeypatch=monkeypatch)
    assert _index_state(county) == _index_state(tmp_path / "county-rows")

    # a second package: updates of rows the county already holds (below the floor: per-row triggers while
    # deferring), a deleted one and new ones
    t = _open(town)
    try:
        t.actor = SYSTEM
        ids = [r[0] for r in t.conn.execute("SELECT id FROM cases WHERE deleted = 0 ORDER BY id LIMIT 6")]
        for i, rid in enumerate(ids[:5]):
            t.update("cases", rid, {"note": f"占用挖掘道路改名案{i}号"})
        t.delete("cases", ids[5])
        body = t.conn.execute("SELECT body_id FROM cases WHERE id = ?", (ids[0],)).fetchone()[0]
        for i in range(3):
            t.insert("inspections", {"body_id": body, "inspect_date": "2025-06-0%d" % (i + 1),
                                     "target_name": f"新增检查对象乙{i}"})
    finally:
        t.close()
    second = _export(town, tmp_path / "p2.tspkg")
    _import(county, second, per_row=False, monkeypatch=monkeypatch)
    _import(tmp_path / "county-rows", second, per_row=True, monkeypatch=monkeypatch)
    deferred, per_row = _index_state(county), _index_state(tmp_path / "county-rows")
    assert deferred == per_row
    assert deferred[2]["cases", "占用挖"][0] >= 5


def test_failure_before_commit_leaves_rows_and_index_as_they_were(tmp_path, monkeypatch):
    s = Store.open(tmp_path / "d")
    s.init_org("township", "测试司法所", "370000101000", "370000")
    s.insert("cases", {"note": "旧案张伟"})
    before = _counts(s)

    def boom(conn, _real=search_grams.flush):
        _real(conn)                      # both indexes written, then the commit never comes
        raise OSError("power gone")

    monkeypatch.setattr(search_grams, "flush", boom)
    with pytest.raises(OSError):
        s.bulk_insert("cases", [{"note": f"新案李四{i}"} for i in range(50)])
    monkeypatch.undo()
    assert _counts(s) == before
    assert not search_grams.deferred(s.conn)
    s.conn.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
    assert count_rows(s.conn, LedgerQuery("cases", search="李四")) == 0
    # the next writes index normally (per row) and in bulk
    s.insert("cases", {"note": "单条王五"})
    s.bulk_insert("cases", [{"note": f"新案李四{i}"} for i in range(50)])
    assert count_rows(s.conn, LedgerQuery("cases", search="李四")) == 50
    assert count_rows(s.conn, LedgerQuery("cases", search="王五")) == 1
    assert count_rows(s.conn, LedgerQuery("cases", search="新案李")) == 50
    s.conn.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
    s.close()


def test_deferral_only_inside_a_transaction(tmp_path):
    s = Store.open(tmp_path / "d")
    try:
        with pytest.raises(RuntimeError):
            s.defer_search_index()
    finally:
        s.close()


def _counts(s):
    c = s.conn
    return tuple(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("cases", "search_index", "search_gram", "audit_log"))


def test_grams_words_are_runs_of_isalnum_characters():
    """grams() splits with a regex: its word characters are exactly str.isalnum()'s (every code point)."""
    word = search_grams._WORD
    assert [c for c in map(chr, range(0x110000))
            if not 0xD800 <= ord(c) < 0xE000 and bool(word.fullmatch(c)) != c.isalnum()] == []
    a = search_grams.alias("cases")
    assert set(search_grams.grams("cases", "a_b 张伟伟²").split()) == {a + t for t in ("a", "b", "张伟", "伟伟", "伟²", "²")}
    assert search_grams.grams("cases", "，。 _") == ""
