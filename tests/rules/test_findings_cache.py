"""The findings cache of the warning checks (issue 19): reused only while nothing the rules read has changed."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.store import Store, findings_cache
from sifasuo_desktop.store import rules_queries as rq
from sifasuo_desktop.store.migrations.m0200_check_changes import TABLES
from sifasuo_desktop.store.rules_queries import COLUMNS, check_lines, check_store

DAY = "2026-11-20"


@pytest.fixture
def runs(monkeypatch):
    """Counts the real rule runs (a cache hit runs none)."""
    calls = []
    real = rq.run_streamed

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(rq, "run_streamed", counting)
    return calls


def _same(a, b):
    return [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings]


def test_every_table_the_rules_read_is_counted(demo_store):
    """A table added to rules_queries.COLUMNS needs the change-counter triggers (a migration calling
    m0200.add_counter_triggers), or the cache is never used."""
    assert set(COLUMNS) | set(findings_cache.EXTRA_TABLES) <= set(TABLES)
    assert findings_cache.counted_tables(demo_store.conn, list(COLUMNS) + list(findings_cache.EXTRA_TABLES))


def test_a_repeat_run_reads_the_cache_and_any_change_recomputes(demo_store, runs):
    s = demo_store
    first = check_store(s, today=DAY)
    assert runs == [1] and first.findings
    path = findings_cache.cache_path(s.data_dir, DAY)
    assert path.exists() and (os.name != "posix" or (path.stat().st_mode & 0o777) == 0o600)
    again = check_store(s, today=DAY)
    assert runs == [1] and _same(first, again) and again.notices == first.notices
    lines, notices, _ = check_lines(s, today=DAY)
    assert runs == [1] and lines == [findings_cache.finding_line(f) for f in first.findings]

    case = s.conn.execute("SELECT id, case_no FROM cases WHERE deleted = 0 ORDER BY rowid LIMIT 1").fetchone()
    s.update("cases", case["id"], {"party": "改过的当事人"})                       # an edit
    check_store(s, today=DAY)
    assert len(runs) == 2
    check_store(s, today=DAY)
    assert len(runs) == 2
    with s.conn:                                                                 # SQL behind the store's back
        s.conn.execute("UPDATE officers SET cert_expiry = '2026-11-25' WHERE rowid = (SELECT min(rowid) FROM officers)")
    assert any(f.code == "RY-03" and "2026-11-25" in (f.due_date or "") for f in check_store(s, today=DAY).findings)
    assert len(runs) == 3
    s.set_setting("rules", {"GS-01": {"enabled": False}})                        # a rule setting
    res = check_store(s, today=DAY)
    assert len(runs) == 4 and not any(f.code == "GS-01" for f in res.findings)
    check_store(s, today="2026-11-21")                                           # another day
    assert len(runs) == 5
    check_store(s, today=DAY)                                                    # the earlier day is still cached
    assert len(runs) == 5
    check_store(s, today=DAY, codes=["GS-02"])                                   # a part of the rules: never cached
    check_store(s, today=DAY, use_cache=False)
    assert len(runs) == 7


def test_a_broken_or_foreign_cache_file_is_not_trusted(demo_store, runs):
    s = demo_store
    first = check_store(s, today=DAY)
    path = findings_cache.cache_path(s.data_dir, DAY)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")                   # cut short
    assert _same(check_store(s, today=DAY), first) and len(runs) == 2
    header, _, rest = path.read_text(encoding="utf-8").partition("\n")
    forged = json.loads(header)
    forged["key"] = "0" * 64
    path.write_text(json.dumps(forged) + "\n" + rest, encoding="utf-8")          # made for another state
    assert _same(check_store(s, today=DAY), first) and len(runs) == 3
    header, _, rest = path.read_text(encoding="utf-8").partition("\n")
    path.write_text(header + "\n" + "not json\n" * json.loads(header)["count"], encoding="utf-8")
    assert _same(check_store(s, today=DAY), first) and len(runs) == 4
    path.unlink()
    path.mkdir()                                                                 # cannot be written: checks still run
    assert _same(check_store(s, today=DAY), first) and len(runs) == 5


def test_no_cache_without_the_triggers(demo_store, runs):
    s = demo_store
    with s.conn:
        s.conn.execute("DROP TRIGGER chk_cases_u")
    check_store(s, today=DAY)
    check_store(s, today=DAY)
    assert len(runs) == 2 and not findings_cache.cache_path(s.data_dir, DAY).exists()


def test_a_replaced_database_is_not_answered_from_the_cache(tmp_path, runs):
    from sifasuo_desktop.demo import generate

    a, b = tmp_path / "a", tmp_path / "b"
    for folder, seed in ((a, 7), (b, 8)):
        s = Store.open(folder)
        generate(s, cases=60, seed=seed)
        s.close()
    s = Store.open(a, create=False)
    first = check_store(s, today=DAY)
    s.close()
    # the other folder's database put in place (as a restore does): same counter value is possible
    shutil.copyfile(b / "sifasuo.sqlite3", tmp_path / "x.sqlite3")
    os.replace(tmp_path / "x.sqlite3", a / "sifasuo.sqlite3")
    s = Store.open(a, create=False)
    try:
        other = check_store(s, today=DAY)
    finally:
        s.close()
    assert len(runs) == 2 and not _same(first, other)


def test_cli_json_is_the_same_cold_and_warm(demo_store, capsys):
    folder = str(demo_store.data_dir)
    demo_store.close()
    assert main(["check", "--data-dir", folder, "--today", DAY, "--json"]) == 0
    cold = capsys.readouterr().out
    assert main(["check", "--data-dir", folder, "--today", DAY, "--json"]) == 0
    warm = capsys.readouterr().out
    assert cold == warm and json.loads(warm)
    findings_cache.drop(folder)
    assert not list((demo_store.data_dir / "cache").glob("*.jsonl"))
