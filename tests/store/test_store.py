import json
import sqlite3

import pytest

from sifasuo_desktop.domain.errors import ConflictError, PermissionDenied, UserError
from sifasuo_desktop.domain.permissions import Actor
from sifasuo_desktop.paths import db_path
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import migrations as migs
from sifasuo_desktop.store.ledger_queries import LedgerQuery, count_rows, query_rowids
from sifasuo_desktop.store.repo import GENESIS_HASH, audit_hash


def test_pragmas(store):
    c = store.conn
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_insert_writes_audit_and_change_log_with_uuid(store):
    rec = store.insert("bodies", {"name": "测试镇人民政府"})
    assert len(rec["id"]) == 36 and rec["version"] == 1 and rec["deleted"] == 0
    assert rec["owner_org"] == "T0001" and rec["updated_by"] == "system"
    audit = store.conn.execute("SELECT * FROM audit_log WHERE record_id = ?", (rec["id"],)).fetchall()
    assert len(audit) == 1 and audit[0]["action"] == "insert" and json.loads(audit[0]["after"])["name"] == "测试镇人民政府"
    changes = store.conn.execute("SELECT * FROM change_log WHERE record_id = ?", (rec["id"],)).fetchall()
    assert [(c["op"], c["version"]) for c in changes] == [("insert", 1)]


def test_update_bumps_version_and_logs_before_after(store):
    rec = store.insert("bodies", {"name": "甲"})
    rec2 = store.update("bodies", rec["id"], {"name": "乙"})
    assert rec2["version"] == 2
    row = store.conn.execute("SELECT before, after FROM audit_log WHERE record_id=? AND action='update'",
                             (rec["id"],)).fetchone()
    assert json.loads(row["before"])["name"] == "甲" and json.loads(row["after"])["name"] == "乙"
    # an unchanged update writes nothing
    n = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    store.update("bodies", rec["id"], {"name": "乙"})
    assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == n


def test_optimistic_version_check(store):
    rec = store.insert("bodies", {"name": "甲"})
    store.update("bodies", rec["id"], {"name": "乙"})
    with pytest.raises(ConflictError):
        store.update("bodies", rec["id"], {"name": "丙"}, expected_version=1)


def test_delete_is_a_tombstone(store):
    rec = store.insert("bodies", {"name": "甲"})
    store.delete("bodies", rec["id"])
    row = store.conn.execute("SELECT deleted, version FROM bodies WHERE id=?", (rec["id"],)).fetchone()
    assert tuple(row) == (1, 2)
    assert store.rows("bodies", "id = ?", (rec["id"],)) == []
    assert store.conn.execute("SELECT op FROM change_log WHERE record_id=? ORDER BY seq DESC",
                              (rec["id"],)).fetchone()[0] == "delete"


def test_logs_in_same_transaction_as_the_write(store):
    """A failure inside the transaction leaves neither the record nor its log rows."""
    before = [store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("bodies", "audit_log", "change_log")]
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.insert("bodies", {"name": "回滚"})
            raise RuntimeError("boom")
    after = [store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("bodies", "audit_log", "change_log")]
    assert before == after


def test_change_log_sequence_is_monotonic(store):
    for i in range(5):
        store.insert("bodies", {"name": f"单位{i}"})
    seqs = [r[0] for r in store.conn.execute("SELECT seq FROM change_log ORDER BY seq")]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert {r[0] for r in store.conn.execute("SELECT stream_id FROM change_log")} == {store.stream_id}


def test_audit_chain_links(store):
    store.insert("bodies", {"name": "甲"})
    store.bulk_insert("bodies", [{"name": "乙"}, {"name": "丙"}])
    prev = GENESIS_HASH
    for r in store.conn.execute("SELECT * FROM audit_log ORDER BY seq"):
        assert r["prev_hash"] == prev
        assert r["hash"] == audit_hash(prev, r["ts"], r["actor"], r["action"], r["table_name"], r["record_id"],
                                       r["before"], r["after"])
        prev = r["hash"]


def test_readonly_actor_cannot_write(store):
    store.actor = Actor("reader", "readonly")
    with pytest.raises(PermissionDenied) as exc:
        store.insert("bodies", {"name": "甲"})
    assert "无权" in exc.value.message


def test_settings_need_admin(store):
    store.actor = Actor("clerk", "staff")
    with pytest.raises(PermissionDenied):
        store.set_setting("x", 1)
    store.actor = Actor("boss", "admin")
    store.set_setting("x", {"a": [1, 2]})
    assert store.get_setting("x") == {"a": [1, 2]}


def test_changes_broadcast_after_commit(store):
    seen = []
    store.subscribe(seen.append)
    with store.transaction():
        store.insert("bodies", {"name": "甲"})
        store.insert("officers", {"name": "张三"})
        assert seen == []
    assert len(seen) == 1 and seen[0].tables == {"bodies", "officers"}


def test_search_chinese_substrings(store):
    b = store.insert("bodies", {"name": "东风镇人民政府"})
    store.insert("cases", {"case_no": "东罚〔2026〕1号", "case_type": "其他", "party": "张三", "body_id": b["id"],
                           "cause": "擅自改变林地用途"})
    store.insert("cases", {"case_no": "东罚〔2026〕2号", "case_type": "其他", "party": "李四", "cause": "占道经营"})
    def n(term):
        return len(query_rowids(store.conn, LedgerQuery("cases", search=term)))
    assert n("张三") == 1          # 2 characters: instr scan
    assert n("林地用途") == 1       # 4 characters: trigram index
    assert n("东风镇") == 1         # referenced body name is searchable
    assert n("〔2026〕") == 2
    assert n("王五") == 0
    assert count_rows(store.conn, LedgerQuery("cases", search="经营")) == 1


def test_migration_backup_and_newer_schema_refused(tmp_path, monkeypatch):
    d = tmp_path / "d"
    Store.open(d).close()
    # a new migration appears (a program update): the existing file is copied before it runs
    real_load, real_known = migs.load, migs.known_names

    def load():
        m = real_load()
        m(name="m9000_test")(lambda db: db.conn.execute("CREATE TABLE extra_test (x)"))
        return m

    monkeypatch.setattr(migs, "load", load)
    monkeypatch.setattr(migs, "known_names", lambda: real_known() + ["m9000_test"])
    s = Store.open(d)
    assert s.conn.execute("SELECT count(*) FROM extra_test").fetchone()[0] == 0
    s.close()
    backups = list((d / "backups").glob("pre-migration-*m9000_test.sqlite3"))
    assert len(backups) == 1
    b = sqlite3.connect(backups[0])
    assert b.execute("SELECT count(*) FROM sqlite_master WHERE name='extra_test'").fetchone()[0] == 0
    b.close()
    # a failing migration rolls back and leaves the file as it was
    def load_bad():
        m = load()
        def bad(db):
            db.conn.execute("CREATE TABLE half_done (x)")
            raise RuntimeError("broken migration")
        m(name="m9001_bad")(bad)
        return m
    monkeypatch.setattr(migs, "load", load_bad)
    monkeypatch.setattr(migs, "known_names", lambda: real_known() + ["m9000_test", "m9001_bad"])
    with pytest.raises(RuntimeError):
        Store.open(d)
    monkeypatch.setattr(migs, "load", real_load)
    monkeypatch.setattr(migs, "known_names", real_known)
    # the file now carries a migration this program does not know: refused with a clear message
    with pytest.raises(UserError) as exc:
        Store.open(d)
    assert "更新版本" in exc.value.message and "m9000_test" in exc.value.message
    conn = sqlite3.connect(db_path(d))
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name='half_done'").fetchone()[0] == 0
    conn.close()


def test_not_a_database_gives_chinese_message(tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    db_path(d).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(UserError) as exc:
        Store.open(d)
    assert "损坏" in exc.value.message or "无法" in exc.value.message


def test_init_org_validation(tmp_path):
    s = Store.open(tmp_path / "x")
    with pytest.raises(UserError):
        s.init_org("village", "甲", "A1")
    with pytest.raises(UserError):
        s.init_org("township", "", "A1")
    with pytest.raises(UserError):
        s.init_org("township", "甲", "代码")
    s.init_org("township", "甲司法所", "A1")
    with pytest.raises(UserError):
        s.init_org("township", "乙", "A2")


def test_demo_is_deterministic(tmp_path):
    from sifasuo_desktop.demo import generate
    dumps = []
    for i in range(2):
        s = Store.open(tmp_path / f"d{i}")
        generate(s, cases=50, seed=3)
        dumps.append([tuple(r) for r in s.conn.execute(
            "SELECT id, case_no, party, filed_date, fine_amount FROM cases ORDER BY id")])
        s.close()
    assert dumps[0] == dumps[1] and len(dumps[0]) == 50


def test_demo_county_has_townships(tmp_path):
    from sifasuo_desktop.demo import generate
    s = Store.open(tmp_path / "c")
    summary = generate(s, cases=30, seed=2, role="county")
    assert s.org.role == "county"
    owners = {r[0] for r in s.conn.execute("SELECT DISTINCT owner_org FROM cases")}
    assert len(owners) == 3 and summary["counts"]["cases"] == 30


def test_demo_case_numbers_are_unique(tmp_path):
    from sifasuo_desktop.demo import generate
    s = Store.open(tmp_path / "u")
    generate(s, cases=400, seed=9)
    dup = s.conn.execute("SELECT case_no, count(*) FROM cases GROUP BY owner_org, case_no HAVING count(*) > 1").fetchall()
    assert dup == []
    s.close()


def test_short_search_plans_agree(store, monkeypatch):
    """The IN and EXISTS plans for 1–2 character terms return the same rows; counts agree with the rows."""
    from sifasuo_desktop.store import ledger_queries as lq
    for i in range(30):
        store.insert("cases", {"case_no": f"号{i}", "case_type": "其他", "party": "张三" if i % 3 else "李四",
                               "cause": "占道经营" if i % 2 else "擅自搭建", "filed_date": f"2026-01-{i % 28 + 1:02d}"})
    gone = store.rows("cases", "party = '张三'", limit=1)[0]
    store.delete("cases", gone["id"])
    for term in ("张三", "经营", "李", "张三 擅自"):
        q = LedgerQuery("cases", search=term)
        monkeypatch.setattr(lq, "COMMON_TERM_SHARE", 2.0)   # never common: IN plan
        lq._count_cache.clear()
        via_in = query_rowids(store.conn, q)
        monkeypatch.setattr(lq, "COMMON_TERM_SHARE", 0.0)   # always common: EXISTS plan
        lq._count_cache.clear()
        via_exists = query_rowids(store.conn, q)
        assert via_in == via_exists and len(via_in) == count_rows(store.conn, q)
    assert count_rows(store.conn, LedgerQuery("cases", search="张三")) == 19
