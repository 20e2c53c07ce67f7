"""Backups: restore round-trips the records byte for byte, keeps what it replaces, starts a new stream."""
import datetime as dt
import shutil
import sqlite3

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.domain.permissions import SYSTEM, Actor
from sifasuo_desktop.security import backup as bk
from sifasuo_desktop.security import restore as rs
from sifasuo_desktop.security.audit import verify_chain
from sifasuo_desktop.store import Store

SKIP_TABLES = {"meta", "sqlite_sequence", "_sqlite_migrations"}


def dump(path, max_audit=None) -> dict:
    """Every row of every table (raw values), as the database file holds them."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = {}
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
            if name in SKIP_TABLES or name.startswith(("search_fts", "search_gram")):
                continue
            sql = f"SELECT * FROM {name}"
            if name == "audit_log" and max_audit is not None:
                sql += f" WHERE seq <= {max_audit}"
            out[name] = sorted(conn.execute(sql).fetchall(), key=repr)
        return out
    finally:
        conn.close()


@pytest.fixture
def demo_dir(tmp_path):
    from sifasuo_desktop.demo import generate
    d = tmp_path / "demo"
    with Store.open(d) as s:
        generate(s, cases=30, seed=3)
    return d


def _mutate(d):
    with Store.open(d) as s:
        case = s.rows("cases", limit=1)[0]
        s.update("cases", case["id"], {"party": "改过的当事人"})
        s.delete("officers", s.rows("officers", limit=1)[0]["id"])
        s.insert("bodies", {"name": "备份之后新建的单位"})


@pytest.mark.parametrize("passphrase", [None, "正确的备份密码"])
def test_backup_restore_round_trip_is_exact(demo_dir, tmp_path, passphrase):
    db = demo_dir / "sifasuo.sqlite3"
    with Store.open(demo_dir) as s:
        old_stream = s.stream_id
        out = bk.make_backup(s, tmp_path / "b.sqlite3", passphrase=passphrase)
        top = s.conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
    assert bk.is_encrypted(out) is bool(passphrase)
    before = dump(db)
    _mutate(demo_dir)
    assert dump(db) != before
    res = rs.restore(demo_dir, out, passphrase=passphrase)
    assert dump(db, max_audit=top) == before
    # what was replaced is kept, with the change made after the backup
    assert res.replaced_copy.exists()
    kept = sqlite3.connect(res.replaced_copy)
    assert kept.execute("SELECT count(*) FROM bodies WHERE name='备份之后新建的单位'").fetchone()[0] == 1
    kept.close()
    with Store.open(demo_dir) as s:
        assert s.stream_id != old_stream
        assert verify_chain(s.conn).ok
        last = s.conn.execute("SELECT action, after FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        assert last[0] == "restore" and out.name in last[1]


def test_wrong_passphrase_or_cut_file_leaves_data_untouched(demo_dir, tmp_path):
    with Store.open(demo_dir) as s:
        out = bk.make_backup(s, tmp_path / "b.enc", passphrase="secret-pass")
    _mutate(demo_dir)
    before = dump(demo_dir / "sifasuo.sqlite3")
    with pytest.raises(UserError, match="备份密码不正确"):
        rs.restore(demo_dir, out, passphrase="wrong-pass")
    with pytest.raises(UserError, match="需要备份密码"):
        rs.restore(demo_dir, out)
    cut = tmp_path / "cut.enc"
    cut.write_bytes(out.read_bytes()[:-100])
    with pytest.raises(UserError, match="不完整|损坏"):
        rs.restore(demo_dir, cut, passphrase="secret-pass")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(UserError, match="不是有效的台账数据库|不是本程序"):
        rs.restore(demo_dir, junk)
    empty = tmp_path / "other.sqlite3"
    sqlite3.connect(empty).execute("CREATE TABLE t(x)").connection.close()
    with pytest.raises(UserError):
        rs.restore(demo_dir, empty)
    assert dump(demo_dir / "sifasuo.sqlite3") == before
    assert not list(demo_dir.glob("*.restoring"))


def test_restore_over_a_broken_database(demo_dir, tmp_path):
    with Store.open(demo_dir) as s:
        out = bk.make_backup(s, tmp_path / "good.sqlite3")
    expected = dump(demo_dir / "sifasuo.sqlite3")
    db = demo_dir / "sifasuo.sqlite3"
    raw = bytearray(db.read_bytes())
    raw[4096:4096 * 6] = b"\xff" * (4096 * 5)
    db.write_bytes(bytes(raw))
    with pytest.raises(UserError):
        Store.open(demo_dir, check=True).close()
    found = rs.newest_good_backup(demo_dir, [tmp_path])
    assert found is not None and found[0].path == out
    with pytest.raises(UserError, match="--force"):   # its accounts and org cannot be checked: not silently
        rs.restore(demo_dir, out)
    res = rs.restore(demo_dir, out, force=True)
    assert res.replaced_copy.read_bytes()[4096:4100] == b"\xff" * 4
    top = max(r[0] for r in expected["audit_log"])
    assert dump(db, max_audit=top) == expected


def test_auto_backup_only_after_changes_second_folder_and_encryption(demo_dir, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    with Store.open(demo_dir) as s:
        bk.set_second_dir(s, str(usb))
        bk.set_passphrase(s, "auto-pass-1")
        first = bk.auto_backup(s)
        assert first.path and first.path.name.endswith(".sqlite3.enc") and first.second.exists()
        assert bk.auto_backup(s).path is None  # nothing changed since
        s.insert("bodies", {"name": "新单位"})
        assert bk.has_unsaved_changes(s)
        second = bk.auto_backup(s)
        assert second.path is not None and second.path != first.path
        s.actor = Actor("clerk", "staff")
        with pytest.raises(Exception, match="无权修改设置"):
            bk.set_second_dir(s, None)
    with Store.open(demo_dir) as s:
        code = s.org.code
    info = rs.check_backup(second.second, passphrase="auto-pass-1")
    assert info["org_code"] == code
    with pytest.raises(UserError, match="密码不正确"):
        rs.check_backup(second.path, passphrase="nope-nope")


def test_second_folder_missing_gives_a_warning_not_a_failure(demo_dir, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    with Store.open(demo_dir) as s:
        bk.set_second_dir(s, str(usb))
        usb.rmdir()  # stick pulled out
        res = bk.auto_backup(s, force=True)
    assert res.path.exists() and res.second is None and "第二备份文件夹" in res.warning


def test_thinning_keeps_12_daily_10_weekly_9_monthly():
    start = dt.datetime(2025, 1, 1, 8, 0)
    times = [start + dt.timedelta(minutes=30 * i) for i in range(0, 2 * 24 * 500, 7)]
    keep = bk.thin_plan(times)
    newest = max(times)
    assert newest in keep
    days = {t.date() for t in keep}
    recent_days = sorted({t.date() for t in times}, reverse=True)[:12]
    assert set(recent_days) <= days
    for d in recent_days:  # the newest backup of each of those days
        assert max(t for t in times if t.date() == d) in keep
    months = sorted({(t.year, t.month) for t in keep}, reverse=True)
    assert len(months) == 9 and len(keep) <= 12 + 10 + 9
    weeks = {t.isocalendar()[:2] for t in keep}
    assert len(weeks) >= 10


def test_thin_deletes_only_automatic_backups(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    base = dt.datetime(2026, 1, 1, 12, 0)
    for i in range(40):
        (folder / f"auto-{(base + dt.timedelta(days=i)).strftime('%Y%m%d-%H%M%S')}.sqlite3").write_bytes(b"x")
    (folder / "pre-migration-20250101-010101-m0001.sqlite3").write_bytes(b"x")
    (folder / "replaced-20250101-010101.sqlite3").write_bytes(b"x")
    (folder / "mine.sqlite3").write_bytes(b"x")
    removed = bk.thin(folder)
    names = {p.name for p in folder.iterdir()}
    assert {"pre-migration-20250101-010101-m0001.sqlite3", "replaced-20250101-010101.sqlite3", "mine.sqlite3"} <= names
    assert len(removed) == 40 - len([n for n in names if n.startswith("auto-")])
    assert 12 <= len([n for n in names if n.startswith("auto-")]) < 40


def test_backup_before_import_keeps_ten(demo_dir):
    with Store.open(demo_dir) as s:
        for _ in range(12):
            bk.backup_before(s, "xlsx-import")
    pres = [p for p in (demo_dir / "backups").iterdir() if p.name.startswith("pre-xlsx-import-")]
    assert len(pres) == 10


def test_cli_backup_and_restore_need_the_right_roles(tmp_path, capsys, monkeypatch):
    from sifasuo_desktop.security import accounts
    d = tmp_path / "d"
    with Store.open(d) as s:
        s.init_org("township", "丁镇司法所", "D1")
        accounts.create_account(s, "boss", "boss-pass-1", "admin")
        s.actor = Actor("boss", "admin")
        accounts.create_account(s, "clerk", "clerk-pass-1", "staff")
    monkeypatch.setenv("SIFASUO_USER", "clerk")
    monkeypatch.setenv("SIFASUO_PASSWORD", "clerk-pass-1")
    monkeypatch.setenv("SIFASUO_BACKUP_PASSPHRASE", "cli-pass-12")
    out = tmp_path / "x.sqlite3.enc"
    assert main(["backup", "--data-dir", str(d), "--out", str(out), "--encrypt"]) == 0
    assert bk.is_encrypted(out)
    assert main(["restore", str(out), "--data-dir", str(d)]) == 1
    assert "无权恢复备份" in capsys.readouterr().err
    monkeypatch.setenv("SIFASUO_USER", "boss")
    monkeypatch.setenv("SIFASUO_PASSWORD", "boss-pass-1")
    assert main(["restore", str(out), "--data-dir", str(d)]) == 0
    assert "原数据已保留为" in capsys.readouterr().out
    assert main(["backup", "--data-dir", str(d), "--list", "--json"]) == 0
    assert main(["backup", "--data-dir", str(d), "--auto"]) == 0


def test_backup_before_prunes_only_its_own_reason(demo_dir):
    folder = demo_dir / "backups"
    folder.mkdir(exist_ok=True)
    (folder / "pre-sync-20250101-010101-000001.sqlite3").write_bytes(b"x")
    (folder / "pre-migration-20250101-010101-m0001.sqlite3").write_bytes(b"x")
    (folder / "pre-other-20250101-010101.sqlite3").write_bytes(b"x")
    with Store.open(demo_dir) as s:
        for _ in range(11):
            bk.backup_before(s, "xlsx-import")
    names = {p.name for p in folder.iterdir()}
    assert {"pre-sync-20250101-010101-000001.sqlite3", "pre-migration-20250101-010101-m0001.sqlite3",
            "pre-other-20250101-010101.sqlite3"} <= names


def test_attachments_travel_to_the_second_folder_and_back(demo_dir, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence " * 100)
    with Store.open(demo_dir) as s:
        body = s.rows("bodies", limit=1)[0]
        att = s.add_attachment("bodies", body["id"], evidence)
        bk.set_second_dir(s, str(usb))
        bk.set_passphrase(s, "usb-pass-123")
        res = bk.auto_backup(s, force=True)
        assert res.attachments == 1
        # a second run the same day keeps only the newest backup of the day (thin_plan): restore that one
        res = bk.auto_backup(s, force=True)
        assert res.attachments == 0  # already there
    mirrored = list((usb / "attachments").rglob("*.enc"))
    assert len(mirrored) == 1 and b"evidence" not in mirrored[0].read_bytes()  # encrypted on the stick
    # the PC dies: a new data folder is restored from the stick
    fresh = tmp_path / "new-pc"
    out = rs.restore(fresh, res.second, passphrase="usb-pass-123")
    assert out.attachments_restored == 1 and not out.attachments_failed
    with Store.open(fresh) as s:
        row = s.get("attachments", att["id"])
        assert (fresh / "attachments" / row["stored_path"]).read_bytes() == evidence.read_bytes()


def test_cli_backup_with_attachments_plain(demo_dir, tmp_path, capsys):
    evidence = tmp_path / "照片.jpg"
    evidence.write_bytes(b"jpeg")
    with Store.open(demo_dir) as s:
        s.add_attachment("bodies", s.rows("bodies", limit=1)[0]["id"], evidence)
    dest = tmp_path / "manual"
    dest.mkdir()
    assert main(["backup", "--data-dir", str(demo_dir), "--out", str(dest / "b.sqlite3"), "--with-attachments"]) == 0
    assert "新复制附件 1 个" in capsys.readouterr().out
    assert [p.read_bytes() for p in (dest / "attachments").rglob("*.jpg")] == [b"jpeg"]
