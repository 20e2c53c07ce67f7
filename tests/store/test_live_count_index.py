"""The unfiltered 共 N 条 of the big ledgers comes from m0240's trigger-kept counters, which stay equal to
count(*) … WHERE deleted = 0 through every way rows are written: insert, bulk insert, tombstone, restore, a synced
upsert, a hard delete."""
import pytest

from sifasuo_desktop.store import Store
from sifasuo_desktop.store.ledger_queries import LedgerQuery, _count_cache, count_rows


def _counts(s, table):
    stored = s.conn.execute("SELECT n FROM live_counts WHERE tbl = ?", (table,)).fetchone()[0]
    real = s.conn.execute(f"SELECT count(*) FROM {table} WHERE deleted = 0").fetchone()[0]
    return stored, real


@pytest.mark.parametrize("table", ["cases", "inspections"])
def test_counter_follows_every_write(tmp_path, table):
    with Store.open(tmp_path / "d") as s:
        s.init_org("township", "测试司法所", "370000101000", "370000")
        if table == "cases":
            make = lambda i: {"case_no": f"青罚〔2026〕{i}号", "case_type": "其他", "party": "张三"}  # noqa: E731
        else:
            make = lambda i: {"inspect_date": "2026-03-0%d" % (i % 9 + 1), "target_name": f"商户{i}"}  # noqa: E731
        ids = [s.insert(table, make(i))["id"] for i in range(1, 6)]
        assert _counts(s, table) == (5, 5)
        s.bulk_insert(table, [make(i) for i in range(6, 9)])
        assert _counts(s, table) == (8, 8)
        s.delete(table, ids[0])                                   # tombstone
        s.update(table, ids[1], {"deleted": 1})
        s.update(table, ids[1], {"deleted": 1})                   # no change: no count
        assert _counts(s, table) == (6, 6)
        s.update(table, ids[0], {"deleted": 0})                   # restore
        assert _counts(s, table) == (7, 7)
        row = dict(s.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (ids[2],)).fetchone())
        cols = [c for c in row if c != "id"]
        s.conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))}) "
                       f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols)}",
                       [row[c] if c != "deleted" else 1 for c in row])      # a synced tombstone (upsert)
        assert _counts(s, table) == (6, 6)
        s.conn.execute(f"DELETE FROM {table} WHERE id = ?", (ids[3],))
        assert _counts(s, table) == (5, 5)
        s.conn.commit()
        _count_cache.clear()
        assert count_rows(s.conn, LedgerQuery(table)) == 5
        s.insert(table, make(99))
        assert count_rows(s.conn, LedgerQuery(table)) == 6            # a write invalidates the cached count


def test_upgrade_counts_the_rows_already_there(tmp_path):
    from sifasuo_desktop.store.migrations import m0240_live_counts as m0240

    with Store.open(tmp_path / "d") as s:
        s.init_org("township", "测试司法所", "370000101000", "370000")
        for i in range(4):
            s.insert("cases", {"case_no": f"青罚〔2026〕{i}号", "case_type": "其他", "party": "张三"})
        s.conn.execute("DROP TABLE live_counts")
        for op in "iud":
            s.conn.execute(f"DROP TRIGGER live_cases_{op}")

        class Db:
            conn = s.conn

        m0240.migrate(Db)
        assert _counts(s, "cases") == (4, 4)
