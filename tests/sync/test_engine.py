"""sync.md §3.8 test matrix against real stores (items 1-4, 9-14, 16-19, 21, 22)."""
import datetime as dt
import os
import random
import shutil
import unicodedata

import pytest

from sifasuo_desktop.domain.errors import UserError
from sifasuo_desktop.paths import db_path
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import sync_queries as sq
from sifasuo_desktop.sync import engine, policy
from sifasuo_desktop.sync.keys import LocalKeys

from .world import COUNTY, World, add_cases, clone_store, dump, make_store, owned_state


@pytest.fixture()
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


def _no_temp_files(folder):
    return [p for p in os.listdir(folder) if p.endswith(".tmp")] == []


def test_first_package_carries_whole_state_and_county_equals_township(world):
    add_cases(world.town, 30)
    s = world.up()
    assert (s.status, s.imported, s.updated, s.ignored, s.conflicts) == ("applied", 31, 0, 0, [])  # + orgs row
    assert owned_state(world.county, "T01") == owned_state(world.town, "T01")
    assert _no_temp_files(world.out)


def test_1_same_package_twice_changes_nothing(world):
    add_cases(world.town, 10)
    pkg = world.export(world.town)
    first = engine.import_file(world.county, pkg)
    before = dump(world.county)
    again = engine.import_file(world.county, pkg)
    assert (again.status, again.imported, again.updated, again.ignored) == ("ignored", 0, 0, first.imported)
    assert again.exit_code == 0
    assert dump(world.county) == before


def test_2_overlapping_cumulative_packages_apply_only_new(world):
    add_cases(world.town, 100)
    a = world.export(world.town)
    add_cases(world.town, 50, start=100)
    b = world.export(world.town)  # no ack came back: cumulative again from 1
    sa = engine.import_file(world.county, a)
    sb = engine.import_file(world.county, b)
    assert sa.imported == 101
    assert (sb.imported, sb.updated, sb.ignored) == (50, 0, 101)
    assert owned_state(world.county, "T01") == owned_state(world.town, "T01")


def test_3_out_of_order_is_held_then_applied(world, tmp_path):
    add_cases(world.town, 100)
    a = world.export(world.town)
    # a second county PC (same keys) receives the late package first
    late_county = clone_store(world.county, tmp_path / "county2")
    engine.import_file(world.county, a)
    assert world.down().status in ("applied", "ignored")          # the ack reaches the township
    ids = add_cases(world.town, 50, start=100)
    world.town.update("cases", ids[0], {"party": "改后的当事人"})
    b = world.export(world.town)
    held = engine.import_file(late_county, b)
    assert (held.status, held.exit_code, held.imported) == ("held", 3, 0)
    assert sq.held(late_county.conn)
    first = engine.import_file(late_county, a)
    assert first.status == "applied" and len(first.released) == 1
    assert first.released[0].imported == 50
    assert not sq.held(late_county.conn)
    assert owned_state(late_county, "T01") == owned_state(world.town, "T01")
    engine.import_file(world.county, b)
    assert owned_state(late_county, "T01") == owned_state(world.county, "T01")
    late_county.close()


def test_4_gap_never_filled_force_apply_after_days(world, tmp_path):
    add_cases(world.town, 5)
    a = world.export(world.town)
    late_county = clone_store(world.county, tmp_path / "county2")
    engine.import_file(world.county, a)
    world.down()
    add_cases(world.town, 5, start=5)
    b = world.export(world.town)
    assert engine.import_file(late_county, b).status == "held"
    pid = sq.held(late_county.conn)[0]["package_id"]
    with pytest.raises(UserError) as exc:
        engine.force_held(late_county, pid)
    assert "未满" in exc.value.message
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=6)
    s = engine.force_held(late_county, pid, now=later)
    assert s.status == "applied" and s.imported == 5
    soft = [c for c in sq.conflicts(late_county.conn) if c["type"] == "soft"]
    assert len(soft) == 5 and all("强制" in c["reason"] for c in soft)
    assert not sq.held(late_county.conn)
    late_county.close()


def test_9_replays(world, tmp_path):
    add_cases(world.town, 3)
    old = world.export(world.town)
    engine.import_file(world.county, old)
    world.down()
    add_cases(world.town, 3, start=3)
    engine.import_file(world.county, world.export(world.town))
    before = dump(world.county)
    # an old package re-imported after newer ones
    assert engine.import_file(world.county, old).status == "ignored"
    assert dump(world.county) == before
    # a package whose recipient is another county
    other = make_store(tmp_path / "x", "county", "C02", "邻县司法局")
    from .world import introduce
    other_town = make_store(tmp_path / "x", "township", "T09", "邻县某镇", "C02")
    introduce(other_town, other)
    foreign = engine.export_package(other_town, world.out).paths[0]
    s = engine.import_file(world.county, foreign)
    assert (s.status, s.code, s.exit_code) == ("rejected", "not_for_me", 4)
    # a county catalog replayed to another township
    t2 = make_store(tmp_path / "y", "township", "T02", "第二镇司法所", COUNTY)
    from .world import introduce as intro
    intro(t2, world.county)
    for_t1 = world.export(world.county, "T01")
    s = engine.import_file(t2, for_t1)
    assert (s.status, s.code) == ("rejected", "not_for_me")
    # catalog version N-1 after N
    std = world.county.insert("review_standards", {"name": "评查标准", "version_label": "2026版", "active": 1})
    p1 = world.export(world.county, "T01")
    world.county.update("review_standards", std["id"], {"version_label": "2026修订版"})
    p2 = world.export(world.county, "T01")
    s = engine.import_file(world.town, p2)
    assert s.status == "applied" and s.imported == 2  # the standard + the orgs row of registered T02
    assert world.town.get("review_standards", std["id"])["version_label"] == "2026修订版"
    s = engine.import_file(world.town, p1)
    assert s.status == "ignored" and world.town.get("review_standards", std["id"])["version"] == 2
    for s_ in (other, other_town, t2):
        s_.close()


def test_10_clock_skew_warns_but_orders_by_seq(world):
    add_cases(world.town, 2)
    p1 = engine.export_package(world.town, world.out, now=dt.datetime(2035, 1, 1, 9, 0)).paths[0]
    s1 = engine.import_file(world.county, p1)
    assert s1.status == "applied" and any("时间" in w for w in s1.warnings)
    world.down()
    ids = add_cases(world.town, 2, start=2)
    p2 = engine.export_package(world.town, world.out, now=dt.datetime(2010, 1, 1, 9, 0)).paths[0]
    s2 = engine.import_file(world.county, p2)
    assert s2.status == "applied" and s2.imported == 2
    assert any("调回" in w for w in s2.warnings) and any("1天" in w for w in s2.warnings)
    assert world.county.get("cases", ids[0]) == world.town.get("cases", ids[0])


def test_11_crash_after_k_rows_rolls_back_and_reimport_matches(world, tmp_path):
    add_cases(world.town, 40)
    pkg = world.export(world.town)
    clean = clone_store(world.county, tmp_path / "clean")
    engine.import_file(clean, pkg)
    before = dump(world.county)
    for k in random.Random(7).sample(range(1, 41), 4):
        with pytest.raises(RuntimeError):
            engine.import_file(world.county, pkg, fail_after=k)
        assert dump(world.county) == before
    s = engine.import_file(world.county, pkg)
    assert s.imported == 41
    assert owned_state(world.county, "T01") == owned_state(clean, "T01")
    clean.close()


def test_12_export_to_missing_folder_is_refused_cleanly(world, tmp_path):
    add_cases(world.town, 1)
    before = dump(world.town)
    with pytest.raises(UserError) as exc:
        engine.export_package(world.town, tmp_path / "no" / "such.tspkg")
    assert "不存在" in exc.value.message
    assert dump(world.town) == before


def test_13_restore_starts_new_stream_and_county_reconciles(world, tmp_path):
    ids = add_cases(world.town, 5)
    engine.import_file(world.county, world.export(world.town))
    world.down()
    backup = tmp_path / "old.sqlite3"
    world.town.backup_to(backup)
    world.town.update("cases", ids[0], {"party": "备份之后的修改"})
    world.town.update("cases", ids[0], {"party": "备份之后的第二次修改"})
    engine.import_file(world.county, world.export(world.town))
    assert world.county.get("cases", ids[0])["version"] == 3
    # the township PC restores the old backup
    data_dir = world.town.data_dir
    world.town.close()
    for suffix in ("", "-wal", "-shm"):
        p = db_path(data_dir).with_name(db_path(data_dir).name + suffix)
        if p.exists():
            p.unlink()
    shutil.copyfile(backup, db_path(data_dir))
    town = Store.open(data_dir)
    world.towns[0] = town
    old_stream = town.stream_id
    town.update("cases", ids[0], {"party": "恢复后的修改"})      # version 2 here, county has 3
    pkg = world.export(town)
    assert town.stream_id != old_stream and town.meta("prev_stream_id") == old_stream
    s = engine.import_file(world.county, pkg)
    assert world.county.get("cases", ids[0])["party"] == "备份之后的第二次修改"   # no silent overwrite
    recs = sq.reconciliations(world.county.conn)
    assert len(recs) == 1 and recs[0]["org_code"] == "T01"
    soft = [c for c in sq.conflicts(world.county.conn) if c["type"] == "soft"]
    assert [c["record_id"] for c in soft] == [ids[0]]
    assert any("新的数据流" in w for w in s.warnings)
    # the operator accepts the township's current version after checking
    engine.resolve_conflict(world.county, soft[0]["id"], "accept")
    assert world.county.get("cases", ids[0])["party"] == "恢复后的修改"


def test_14_snapshot_equals_incremental_replay(world, tmp_path):
    county_b = clone_store(world.county, tmp_path / "countyB")
    ids = add_cases(world.town, 10)
    engine.import_file(world.county, world.export(world.town))
    world.down()
    world.town.update("cases", ids[1], {"party": "更正"})
    world.town.delete("cases", ids[2])
    engine.import_file(world.county, world.export(world.town))
    world.down()
    add_cases(world.town, 3, start=10)
    engine.import_file(world.county, world.export(world.town))
    snap = engine.export_package(world.town, world.out, snapshot=True).paths[0]
    s = engine.import_file(county_b, snap)
    assert s.status == "applied" and not s.warnings
    tables = sq.synced_tables(world.county.conn)
    keep = lambda t, r: policy.goes_up(t, r, "T01")  # noqa: E731
    assert sq.state_digest(world.county.conn, "T01", tables, keep) == sq.state_digest(
        county_b.conn, "T01", tables, keep) == sq.state_digest(world.town.conn, "T01", tables, keep)
    assert owned_state(world.county, "T01") == owned_state(county_b, "T01")
    county_b.close()


def test_16_township_rows_for_county_tables_are_hard_conflicts(world, monkeypatch):
    world.up()
    world.down()
    world.town.insert("review_standards", {"name": "乡镇自编标准", "active": 1})
    world.town.insert("cases", {"case_no": "冒名", "case_type": "其他"}, owner_org="T77")
    monkeypatch.setattr(policy, "goes_up", lambda t, r, town: t != "settings" and r["owner_org"] != COUNTY)
    s = world.up()
    hard = [c for c in s.conflicts if c["type"] == "hard"]
    assert sorted(c["table"] for c in hard) == ["cases", "review_standards"]
    assert not world.county.rows("review_standards")
    assert not world.county.rows("cases", "case_no = ?", ("冒名",))


def test_17_equal_version_different_content_is_quarantined(world):
    ids = add_cases(world.town, 2)
    engine.import_file(world.county, world.export(world.town))
    world.down()
    # a bug or tampering changes a row without a version bump
    world.town.conn.execute("UPDATE cases SET party = '偷改' WHERE id = ?", (ids[0],))
    world.town.conn.execute("INSERT INTO change_log(stream_id, table_name, record_id, version, op, ts) "
                            "VALUES (?, 'cases', ?, 1, 'update', 'x')", (world.town.stream_id, ids[0]))
    s = world.up()
    assert [(c["type"], c["id"]) for c in s.conflicts] == [("hard", ids[0])]
    assert world.county.get("cases", ids[0])["party"] == "当事人0"
    c = sq.conflicts(world.county.conn)[0]
    assert c["conflicting_fields"] == '["party"]'
    # the same conflict arriving again in an overlapping package is not duplicated
    world.up()
    assert len(sq.conflicts(world.county.conn)) == 1


def test_18_locked_period_rejects_until_unlocked(world):
    ids = add_cases(world.town, 2)
    engine.import_file(world.county, world.export(world.town))
    world.down()
    engine.lock_period(world.county, "T01", "2026-10")
    world.town.update("cases", ids[0], {"party": "验收后修改"})
    s = world.up()
    assert [(c["type"], c["id"]) for c in s.conflicts] == [("locked", ids[0])]
    assert world.county.get("cases", ids[0])["version"] == 1
    assert engine.unlock_period(world.county, "T01", "2026-10") == 1
    assert world.county.get("cases", ids[0]) == world.town.get("cases", ids[0])
    assert not sq.conflicts(world.county.conn)


def test_19_text_fidelity_and_chinese_folder(world, tmp_path):
    names = ["王𠀀𪚥", unicodedata.normalize("NFC", "Zoë 张"), unicodedata.normalize("NFD", "Zoë 张"), "李四😀👨‍👩‍👧",
             "　全角　空格", "߷ \u200b 零宽"]
    ids = []
    for i, n in enumerate(names):
        ids.append(world.town.insert("cases", {"case_no": f"字{i}", "case_type": "其他", "party": n,
                                               "party_code": "１１０１０１１９９００３０７００１Ｘ",
                                               "fine_amount": 0.1 + 0.2})["id"])
    folder = tmp_path / "县司法局U盘" / "同步包"
    folder.mkdir(parents=True)
    path = engine.export_package(world.town, folder).paths[0]
    assert path.name.isascii() and len(path.name) <= 255
    assert not set(path.name) & set('<>:"/\\|?*')            # FAT32/NTFS-safe characters
    engine.import_file(world.county, path)
    for i, rid in enumerate(ids):
        row = world.county.get("cases", rid)
        assert row["party"].encode("utf-8") == names[i].encode("utf-8")
        assert row == world.town.get("cases", rid)
    assert world.county.get("cases", ids[1])["party"] != world.county.get("cases", ids[2])["party"]


def test_21_lost_ack_overlap_dedups(world):
    add_cases(world.town, 20)
    engine.import_file(world.county, world.export(world.town))
    world.export(world.county, "T01")            # the ack package is lost on the way
    add_cases(world.town, 5, start=20)
    s = world.up()                                # township re-sends from 1
    assert (s.imported, s.ignored) == (5, 21)
    assert world.county.count("cases") == 25


def test_22_dry_run_matches_real_import_and_writes_nothing(world):
    add_cases(world.town, 15)
    pkg = world.export(world.town)
    before = dump(world.county)
    dry = engine.import_file(world.county, pkg, dry_run=True)
    assert dump(world.county) == before
    real = engine.import_file(world.county, pkg)
    for k in ("status", "imported", "updated", "ignored", "conflicts"):
        assert getattr(dry, k) == getattr(real, k), k


def test_down_flow_settings_catalog_and_addressed_documents(world, tmp_path):
    t2 = make_store(tmp_path / "t2", "township", "T02", "第二镇司法所", COUNTY)
    from .world import introduce
    introduce(t2, world.county)
    world.county.set_setting("rules", {"cert_expiry_warn_days": 45})
    world.county.set_setting("rules.cert_expiry_warn_days", 45)
    world.county.set_setting("ui.last_page", "cases")            # county-local, never pushed
    world.town.set_setting("rules.cert_expiry_warn_days", 30)    # township's own value gets replaced
    world.county.insert("review_standards", {"name": "县局评查标准", "active": 1})
    world.county.insert("holidays", {"date": "2027-10-01", "kind": "holiday", "name": "国庆节"})
    world.county.insert("documents", {"doc_type": "督办函", "title": "关于整改的督办函", "target_org": "T01"})
    world.county.insert("documents", {"doc_type": "督办函", "title": "给第二镇", "target_org": "T02"})
    s = world.down()
    assert s.status == "applied" and not s.conflicts
    assert world.town.get_setting("rules.cert_expiry_warn_days") == 45
    assert world.town.get_setting("rules") == {"cert_expiry_warn_days": 45}
    assert world.town.get_setting("ui.last_page") is None
    assert [d["title"] for d in world.town.rows("documents")] == ["关于整改的督办函"]
    assert world.town.rows("review_standards")[0]["name"] == "县局评查标准"
    assert world.town.rows("holidays")[0]["date"] == "2027-10-01"
    engine.import_file(t2, world.export(world.county, "T02"))
    assert [d["title"] for d in t2.rows("documents")] == ["给第二镇"]
    # the township's next package acknowledges the county stream
    world.up()
    assert sq.acked_to(world.county.conn, "T01", world.county.stream_id) > 0
    t2.close()


def test_unknown_and_revoked_sender(world, tmp_path):
    add_cases(world.town, 1)
    stranger = make_store(tmp_path / "s", "township", "T55", "陌生镇", COUNTY)
    from sifasuo_desktop.sync.keys import parse_identity
    engine.trust_identity(stranger, parse_identity(engine.local_keys(world.county).identity_document()))
    s = engine.import_file(world.county, engine.export_package(stranger, world.out).paths[0])
    assert (s.status, s.code) == ("rejected", "unknown_key")
    engine.revoke(world.county, engine.local_keys(world.town).key_id)
    s = world.up()
    assert (s.status, s.code) == ("rejected", "revoked_key")
    stranger.close()


def test_trust_rules(world, tmp_path):
    from sifasuo_desktop.sync.keys import parse_identity
    other_county = LocalKeys.generate("C99", "外县司法局", "county")
    with pytest.raises(UserError) as exc:
        engine.trust_identity(world.town, other_county.public)
    assert "不是本所的上级" in exc.value.message
    with pytest.raises(UserError):
        engine.trust_identity(world.town, engine.local_keys(world.town).public)
    t2 = LocalKeys.generate("T02", "第二镇", "township")
    with pytest.raises(UserError):
        engine.trust_identity(world.town, t2.public)
    engine.trust_identity(world.county, t2.public)
    assert world.county.rows("orgs", "code = ?", ("T02",))     # registered township appears for the 乡镇 column
    assert sq.township_names(world.county.conn)["T02"] == "第二镇"


def test_attachment_files_travel_with_their_rows(world, tmp_path):
    ids = add_cases(world.town, 1)
    scan = tmp_path / "送达回证扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 scan " + os.urandom(2000))
    att = world.town.add_attachment("cases", ids[0], scan, note="扫描件")
    s = world.up()
    assert s.status == "applied"
    copy = world.county.attachments_dir() / att["stored_path"]
    assert copy.read_bytes() == scan.read_bytes()
    assert world.county.get("attachments", att["id"]) == world.town.get("attachments", att["id"])


def test_attachment_with_unsafe_path_is_not_written(world, tmp_path, monkeypatch):
    import hashlib
    from sifasuo_desktop.sync.attachment_files import safe_rel
    assert not safe_rel("../../etc/passwd") and not safe_rel("/abs") and not safe_rel("C:/x")
    assert safe_rel("cases/abc/123-扫描件.pdf")
    data = b"payload"
    world.town.attachments_dir()
    (world.town.data_dir / "evil.bin").write_bytes(data)
    world.town.insert("attachments", {"table_name": "cases", "record_id": "x", "file_name": "evil.bin",
                                      "stored_path": "../evil.bin", "sha256": hashlib.sha256(data).hexdigest(),
                                      "size": len(data)})
    from sifasuo_desktop.sync import attachment_files, policy
    monkeypatch.setattr(attachment_files, "safe_rel", lambda p: True)      # a sender that does not check
    monkeypatch.setattr(policy, "attachment_travels", lambda t, r: True)
    pkg = world.export(world.town)
    monkeypatch.undo()
    before = dump(world.county)
    s = engine.import_file(world.county, pkg)      # issue 11: an unsafe stored_path refuses the package
    assert s.status == "rejected" and s.code == "bad_record" and "stored_path" in s.rejected_reason
    assert dump(world.county) == before
    assert not (world.county.data_dir / "evil.bin").exists()


def test_stick_pulled_while_reading(world, monkeypatch):
    add_cases(world.town, 3)
    pkg = world.export(world.town)
    before = dump(world.county)
    from sifasuo_desktop.sync import envelope
    real = envelope.decrypt

    def pulled(src, dst, me):
        src.read(10)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(envelope, "decrypt", pulled)
    s = engine.import_file(world.county, pkg)
    assert (s.status, s.code, s.exit_code) == ("rejected", "io", 4) and "U盘" in s.rejected_reason
    assert dump(world.county) == before
    monkeypatch.setattr(envelope, "decrypt", real)
    assert engine.import_file(world.county, pkg).status == "applied"
