"""Issue 19 (i19s): the faster sync import stores exactly what the earlier one did. The record checker's inline
type tests decide every value as `_scalar_ok` does, the cached searchable-field list gives the search text the
field loop gave, and a county imported the new way equals one imported with the earlier code paths: records,
audit entries (chain verified), change log, both full-text indexes and their search results, live_counts, state
digest and `sifasuo check --json`."""
from __future__ import annotations

import json
import math
import shutil
import sys
from pathlib import Path

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.ledgers import LEDGERS, REF
from sifasuo_desktop.domain.permissions import SYSTEM
from sifasuo_desktop.security.audit import verify_chain
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import search_text as search_text_mod
from sifasuo_desktop.store import sync_queries as sq
from sifasuo_desktop.store.ledger_queries import LedgerQuery, count_rows, query_rowids
from sifasuo_desktop.sync import engine, policy, records_check
from sifasuo_desktop.sync.errors import SyncError

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.sync_rows import _county_for  # noqa: E402


class _Str(str):
    pass


class _Int(int):
    pass


_VALUES = [None, "", "张伟", "a" * records_check.MAX_TEXT, "a" * (records_check.MAX_TEXT + 1), "x\x00y", "\x00",
           0, 1, -1, 2 ** 63 - 1, 2 ** 63, -2 ** 63, -2 ** 63 - 1, 10 ** 30, True, False, 0.0, 1.5, -0.0,
           math.inf, -math.inf, math.nan, 1e308, [], [1], {}, {"a": 1}, (1,), b"x", _Str("子类"), _Str("a\x00"),
           _Int(5), _Int(2 ** 63), object()]


def _checker():
    cols = ["id", "owner_org", "version", "deleted", "created_at", "updated_at", "updated_by", "extra"]
    return records_check.RecordChecker("370000101000", "township", lambda t: cols)


def _row(value):
    return {"id": "r1", "owner_org": "370000101000", "version": 1, "deleted": 0, "created_at": None,
            "updated_at": "2026-01-01", "updated_by": "u", "extra": value}


@pytest.mark.parametrize("value", _VALUES, ids=[f"v{i}" for i in range(len(_VALUES))])
def test_value_checks_decide_as_scalar_ok(value):
    ok = records_check._scalar_ok(value)
    c = _checker()
    if ok:
        c.row("not_a_ledger", _row(value))
    else:
        with pytest.raises(SyncError) as err:
            c.row("not_a_ledger", _row(value))
        assert "extra" in err.value.message


def test_column_set_is_checked_on_every_row():
    c = _checker()
    c.row("t", _row(1))
    for bad in ({**_row(1), "more": 1}, {k: v for k, v in _row(1).items() if k != "extra"}):
        with pytest.raises(SyncError):
            c.row("t", bad)
    c.row("t", _row(2))


def test_ledger_typed_fields_keep_their_checks():
    c = records_check.RecordChecker("370000101000", "township", lambda t: None)
    ledger = LEDGERS["cases"]
    date = next(f for f in ledger.fields if f.kind == "date")
    money = next(f for f in ledger.fields if f.kind in ("money", "float", "int"))
    base = {"id": "c1", "owner_org": "370000101000", "version": 1, "deleted": 1}
    with pytest.raises(SyncError) as err:
        c.row("cases", {**base, date.name: 20250101})
    assert date.label in err.value.message
    c.row("cases", {**base, money.name: "一百"})       # legacy text in a number column: counted, applied
    c.row("cases", {**base, date.name: "1800-01-01"})  # out of range: counted, applied
    assert c.out_of_range == 2
    with pytest.raises(SyncError):
        c.row("cases", {**base, money.name: [1]})


def _reference_search_text(store, table, rec):
    """Store.search_text before the cached field list."""
    parts = []
    for f in LEDGERS[table].fields:
        if not f.searchable:
            continue
        val = rec.get(f.name)
        if not val:
            continue
        if f.kind == REF:
            val = store.ref_names(f.ref).get(val, "")
        parts.append(str(val))
    return " ".join(parts)


def _open(path) -> Store:
    s = Store.open(path)
    s.actor = SYSTEM
    return s


def _import(county: Path, pkg: Path) -> None:
    s = _open(county)
    try:
        summary = engine.import_file(s, pkg)
        assert summary.status == "applied", summary.text()
        assert not any("不一致" in w for w in summary.warnings), summary.warnings
    finally:
        s.close()


_VOLATILE = {"ts", "prev_hash", "hash", "received_at", "created_at_local", "imported_at", "at", "backup"}


def _content(county: Path, town_org: str):
    s = _open(county)
    try:
        c = s.conn
        assert verify_chain(c).ok
        c.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
        c.execute("INSERT INTO search_gram(search_gram) VALUES ('integrity-check')")
        tables = sorted(sq.synced_tables(c))
        rows = {t: [dict(r) for r in c.execute(f"SELECT * FROM {t} ORDER BY id")] for t in tables}
        audit = [tuple(r) for r in c.execute("SELECT actor, action, table_name, record_id, before, after "
                                             "FROM audit_log ORDER BY seq")]
        changes = [tuple(r) for r in c.execute("SELECT table_name, record_id, version, op FROM change_log "
                                               "ORDER BY rowid")]
        index = sorted(tuple(r) for r in c.execute("SELECT table_name, record_id, body, facets FROM search_index"))
        grams = sorted((r[0], frozenset(r[1].split())) for r in c.execute(
            "SELECT i.record_id, g.grams FROM search_gram g JOIN search_index i ON i.rowid = g.rowid"))
        live = {r[0]: r[1] for r in c.execute("SELECT tbl, n FROM live_counts")}
        for t, n in live.items():
            assert n == c.execute(f"SELECT count(*) FROM {t} WHERE deleted = 0").fetchone()[0]
        found = {}
        bodies = [r[2] for r in index]
        terms = ["张", "王", "司法", "违法", "2025", "有限公司", "占用挖"]
        terms += sorted({w[:2] for b in bodies[:40] for w in b.split() if len(w) >= 2})[:10]
        terms += sorted({w[:3] for b in bodies[:40] for w in b.split() if len(w) >= 3})[:10]
        for ledger in ("cases", "inspections", "bodies", "documents"):
            for term in terms:
                q = LedgerQuery(ledger, search=term)
                ids = query_rowids(c, q)
                found[ledger, term] = (count_rows(c, q), sorted(r[0] for r in c.execute(
                    f"SELECT id FROM {ledger} WHERE rowid IN ({','.join('?' * len(ids))})", ids)) if ids else [])
        keep = lambda t, r: policy.goes_up(t, r, town_org)  # noqa: E731
        digest = sq.state_digest(c, town_org, tables, keep)
        return {"rows": rows, "audit": audit, "changes": changes, "index": index, "grams": grams, "live": live,
                "found": found, "digest": digest}
    finally:
        s.close()


def _check_json(county: Path, capsys) -> dict:
    capsys.readouterr()
    main(["check", "--data-dir", str(county), "--json"])
    out = json.loads(capsys.readouterr().out)

    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if k not in _VOLATILE and "time" not in k and "_ms" not in k}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    return strip(out)


def test_county_imported_the_new_way_equals_the_earlier_import(tmp_path, monkeypatch, capsys):
    town, county = tmp_path / "town", tmp_path / "county"
    assert main(["demo", "--data-dir", str(town), "--cases", "80", "--json"]) == 0
    _county_for(town, county)
    shutil.copytree(county, tmp_path / "county-old")
    t = _open(town)
    org = t.org.code
    pkg = tmp_path / "p.tspkg"
    try:
        engine.export_package(t, pkg)
    finally:
        t.close()
    _import(county, pkg)
    with monkeypatch.context() as m:   # the earlier code paths
        m.setattr(Store, "search_text", _reference_search_text)
        m.setattr(Store, "BULK_CACHE_KIB", 2000)          # SQLite's default page cache
        m.setattr(search_text_mod, "searchable_fields", None)   # any use of the new list would fail here
        _import(tmp_path / "county-old", pkg)
    new, old = _content(county, org), _content(tmp_path / "county-old", org)
    assert new["rows"]["cases"] and sum(1 for n, _ in new["found"].values() if n) >= 5
    for key in new:
        assert new[key] == old[key], key
    assert _check_json(county, capsys) == _check_json(tmp_path / "county-old", capsys)


def test_bulk_write_cache_is_raised_for_its_transaction_only(tmp_path):
    s = Store.open(tmp_path / "d")
    try:
        s.init_org("township", "测试司法所", "370000101000", "370000")
        before = s.conn.execute("PRAGMA cache_size").fetchone()[0]
        seen = []
        with s.transaction():
            s.defer_search_index()
            seen.append(s.conn.execute("PRAGMA cache_size").fetchone()[0])
            s.defer_search_index()
        assert seen == [-Store.BULK_CACHE_KIB]
        assert s.conn.execute("PRAGMA cache_size").fetchone()[0] == before
        with pytest.raises(RuntimeError):
            with s.transaction():
                s.defer_search_index()
                raise RuntimeError("boom")
        assert s.conn.execute("PRAGMA cache_size").fetchone()[0] == before
        s.bulk_insert("cases", [{"note": f"新案李四{i}"} for i in range(20)])
        assert s.conn.execute("PRAGMA cache_size").fetchone()[0] == before
        assert count_rows(s.conn, LedgerQuery("cases", search="李四")) == 20
    finally:
        s.close()
