"""Issue 11 items 5-7: a corpus of malicious packages, generated here. Each one is validly signed by a
trusted township (or is a split part anyone could forge); each must be refused with a Chinese reason,
exit code 4, no traceback, and the county's database byte-identical."""
from __future__ import annotations

import gzip
import io
import struct
import uuid

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain import limits
from sifasuo_desktop.sync import canonical, engine
from sifasuo_desktop.sync.package import build_manifest, ndjson_gz, seal_package
from sifasuo_desktop.sync.split import MAGIC as PART_MAGIC

from .helpers import CJK
from .world import World, add_cases, dump

DATA = engine.DATA_FILE


@pytest.fixture()
def world(tmp_path):
    w = World(tmp_path, n_townships=2)
    yield w
    w.close()


def forge(world, entries, edit=None, files=None, town=None, raw=None):
    """A package signed with the township's real key, with any manifest/rows we like."""
    town = town or world.town
    keys, peer = engine.local_keys(town), engine.peer_identity(town)
    if raw is not None:
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
            gz.write(raw)
        gzd, n = buf.getvalue(), raw.count(b"\n")
    else:
        gzd, n = ndjson_gz(entries)
    fs = {DATA: gzd, **(files or {})}
    sid = town.stream_id
    extra = {"sender": {"stream_id": sid, "node_id": town.installation_id, "name": town.org.name},
             "seq": {"stream_id": sid, "from": 1, "to": max(n, 1), "prev_stream_id": None},
             "full": True, "counts": {}, "acks": {}, "open_conflicts": 0,
             "schema_digest": engine.schema_digest(), "contains_personal_data": True}
    m = build_manifest(sender=keys, recipient=peer, kind="changes", schema_version=engine.schema_version(),
                       files=fs, records={DATA: n}, extra=extra)
    if edit:
        edit(m)
    path = world.out / f"forged-{uuid.uuid4().hex[:8]}.tspkg"
    seal_package(path, m, fs, keys, peer)
    return path


_CASE_STARTS = iter(range(900, 100000))


def case_row(world):
    cid = add_cases(world.town, 1, start=next(_CASE_STARTS))[0]
    return dict(world.town.get("cases", cid))


def entry(row, table="cases", seq=1):
    return {"seq": seq, "table": table, "row": row}


def with_(row, **kw):
    return dict(row, **kw)


def _set(path, value):
    def edit(m):
        d = m
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
    return edit


def _del(*path):
    def edit(m):
        d = m
        for k in path[:-1]:
            d = d[k]
        del d[path[-1]]
    return edit


MANIFEST_SHAPES = {
    "seq missing": _del("seq"),
    "seq.from is text": _set(("seq", "from"), "1"),
    "seq is a list": _set(("seq",), [1, 2]),
    "acks is a list": _set(("acks",), []),
    "ack value is text": _set(("acks",), {"x": "5"}),
    "ack value 2**64": _set(("acks",), {"x": 2 ** 64}),
    "created_at_local missing": _del("created_at_local"),
    "state_digest is a list": _set(("state_digest",), []),
    "records count negative": lambda m: m["files"][0].update(records=-1),
    "seq.to 2**63": _set(("seq", "to"), 2 ** 63),
    "sender.stream_id differs from seq": _set(("sender", "stream_id"), "someone-else"),
    "package_id is a path": _set(("package_id",), "../../x"),
    "sender is a string": _set(("sender",), "T01"),
    "want_files not hex": _set(("want_files",), ["../../keys"]),
    "audit_head hash not hex": _set(("audit_head",), {"seq": 3, "hash": "zz"}),
}


def record_shapes(world):
    row = case_row(world)
    county = world.county.org.code
    other = world.towns[1].org.code
    me = world.town.org.code
    org_row = dict(world.town.rows("orgs", "code = ?", (me,))[0])
    att = {"id": str(uuid.uuid4()), "owner_org": me, "version": 1, "deleted": 0, "created_at": row["created_at"],
           "updated_at": row["updated_at"], "updated_by": "x", "table_name": "cases", "record_id": row["id"],
           "file_name": "整改报告2.pdf", "stored_path": "cases/x/整改报告2.pdf", "sha256": "0" * 64, "size": 1,
           "note": None}
    cols = world.county.columns("attachments")
    att = {c: att.get(c) for c in cols}
    return {
        "version is text": [entry(with_(row, version="abc"))],
        "version 2**63-1": [entry(with_(row, version=2 ** 63 - 1))],
        "version is a float": [entry(with_(row, version=1.5))],
        "deleted is 2": [entry(with_(row, deleted=2))],
        "id is a list": [entry(with_(row, id=["x"]))],
        "id with NUL": [entry(with_(row, id="a\x00b"))],
        "column value is an object": [entry(with_(row, party={"a": 1}))],
        "date is a number": [entry(with_(row, filed_date=20261015))],
        "extra column": [entry(with_(row, evil=1))],
        "entry seq is text": [{"seq": "1", "table": "cases", "row": row}],
        "orgs row renames the county": [entry(with_(org_row, code=county, name="黑客县", role="county"), "orgs")],
        "orgs row of another township": [entry(with_(org_row, id=str(uuid.uuid4()), code=other, name="假镇"),
                                               "orgs")],
        "attachment ../../keys": [entry(with_(att, stored_path="../../keys/local.secret"), "attachments")],
        "attachment absolute": [entry(with_(att, stored_path="/usr/bin/xterm"), "attachments")],
        "attachment .exe shown as pdf": [entry(with_(att, stored_path="cases/x/整改报告2.exe"), "attachments")],
        "attachment file_name .exe": [entry(with_(att, file_name="run.exe"), "attachments")],
        "attachment with NUL": [entry(with_(att, stored_path="cases/x/a\x00.pdf"), "attachments")],
        "attachment backslash": [entry(with_(att, stored_path="..\\..\\keys\\local.secret"), "attachments")],
        "attachment long name": [entry(with_(att, stored_path="cases/" + "长" * 120 + ".pdf"), "attachments")],
        "attachment sha not hex": [entry(with_(att, sha256="../x"), "attachments")],
    }


def _check_refused(world, path, before, label):
    s = engine.import_file(world.county, path)
    assert s.status == "rejected" and s.exit_code == 4, (label, s.status, s.warnings)
    assert CJK.search(s.rejected_reason), (label, s.rejected_reason)
    assert dump(world.county) == before, label
    return s.code


def test_malicious_signed_packages_are_refused(world, capsys):
    engine.import_file(world.county, world.export(world.town))     # a normal first sync
    handled = total = 0
    before = dump(world.county)
    codes = {}
    for label, edit in MANIFEST_SHAPES.items():
        row = dict(world.town.rows("cases", limit=1)[0]) if world.town.rows("cases", limit=1) else None
        entries = [entry(row)] if row else []
        path = forge(world, entries, edit=edit)
        codes[label] = _check_refused(world, path, before, label)
        handled += 1
        total += 1
    before = dump(world.county)
    for label, entries in record_shapes(world).items():
        path = forge(world, entries)
        codes[label] = _check_refused(world, path, before, label)
        handled += 1
        total += 1
    # 1e400 in a number column (json reads it as inf)
    row = case_row(world)
    raw = canonical.dumps(entry(with_(row, fine_amount=12345.5)), allow_float=True).replace(b"12345.5", b"1e400")
    codes["fine 1e400"] = _check_refused(world, forge(world, None, raw=raw + b"\n"), before, "1e400")
    total += 1
    handled += 1
    assert handled == total == len(MANIFEST_SHAPES) + len(record_shapes(world)) + 1
    assert set(codes.values()) <= {"bad_manifest", "bad_record", "corrupt", "not_for_me"}, codes
    # and through the CLI: exit 4, Chinese message, no traceback
    path = forge(world, [entry(with_(row, version="abc"))])
    capsys.readouterr()
    code = main(["sync", "import", str(path), "--data-dir", str(world.county.data_dir)])
    err = capsys.readouterr()
    assert code == 4 and "Traceback" not in err.err + err.out and CJK.search(err.out + err.err)


def test_version_poison_does_not_freeze_a_stream(world):
    """Before: a text version was stored and every later package of that township failed."""
    row = case_row(world)
    assert engine.import_file(world.county, forge(world, [entry(with_(row, version="abc"))])).status == "rejected"
    assert engine.import_file(world.county, forge(world, [entry(with_(row, version=2 ** 63 - 1))])).status == \
        "rejected"
    s = engine.import_file(world.county, world.export(world.town))
    assert s.status == "applied" and s.imported >= 1
    world.town.update("cases", row["id"], {"party": "改过的当事人"})
    s = engine.import_file(world.county, world.export(world.town))
    assert s.status == "applied" and world.county.get("cases", row["id"])["party"] == "改过的当事人"


def test_stream_of_another_township_cannot_be_claimed(world):
    add_cases(world.town, 2)
    assert engine.import_file(world.county, world.export(world.town)).status == "applied"
    t2 = world.towns[1]
    victim_stream = world.town.stream_id
    row = dict(world.town.rows("cases", limit=1)[0])

    def hijack(m):
        m["seq"]["stream_id"] = victim_stream
        m["sender"]["stream_id"] = victim_stream
        m["seq"]["from"] = 50
        m["seq"]["to"] = 60
    before = dump(world.county)
    s = engine.import_file(world.county, forge(world, [entry(with_(row, owner_org=t2.org.code))], edit=hijack,
                                               town=t2))
    assert s.status == "rejected" and s.code == "stream" and "另一单位" in s.rejected_reason
    assert dump(world.county) == before


def test_township_may_send_its_own_org_row(world):
    me = world.town.org.code
    row = dict(world.town.rows("orgs", "code = ?", (me,))[0])
    s = engine.import_file(world.county, forge(world, [entry(row, "orgs")]))
    assert s.status == "applied"
    names = {r["code"]: r["name"] for r in world.county.rows("orgs")}
    assert names[world.county.org.code] == "示范县司法局"


def _part(header: dict, body: bytes) -> bytes:
    h = canonical.dumps(header)
    return PART_MAGIC + struct.pack(">I", len(h)) + h + body


def test_forged_split_parts_stay_inside_and_are_capped(world, tmp_path):
    import hashlib
    body = b"x" * 100
    good = {"package_bytes": 200, "package_name": "p.tspkg", "index": 1, "count": 2,
            "part_sha256": hashlib.sha256(body).hexdigest(), "package_sha256": "a" * 64}
    escape = tmp_path / "escape"
    shapes = {
        "sha is a path": dict(good, package_sha256=str(escape) + "/" + "a" * 20),
        "sha is ../": dict(good, package_sha256="../../../../" + "a" * 52),
        "sha uppercase/short": dict(good, package_sha256="A" * 63),
        "count 10**6": dict(good, count=10 ** 6),
        "index text": dict(good, index="1"),
        "package_bytes huge": dict(good, package_bytes=2 ** 40),
        "package_bytes below body": dict(good, package_bytes=10),
        "extra header key": dict(good, evil="1"),
    }
    before = dump(world.county)
    handled = 0
    for label, header in shapes.items():
        p = tmp_path / f"part-{handled}.bin"
        p.write_bytes(_part(header, body))
        s = engine.import_files(world.county, [p])[0]
        assert s.status == "rejected" and s.exit_code == 4 and CJK.search(s.rejected_reason), label
        handled += 1
    assert handled == len(shapes)
    assert not escape.exists() and dump(world.county) == before
    parts = world.county.data_dir / "sync" / "parts"
    assert all(limits.HEX64.match(p.name) for p in parts.iterdir()) if parts.exists() else True


def test_oversized_package_and_part_refused_before_decryption(world, tmp_path):
    big = tmp_path / "big.tspkg"
    with open(big, "wb") as fh:                                  # sparse: no disk or memory used
        fh.write(b"TSPKG-1\n")
        fh.truncate(limits.MAX_PACKAGE_BYTES + 1)
    s = engine.import_file(world.county, big)
    assert s.status == "rejected" and s.code == "too_large" and "MB" in s.rejected_reason
    part = tmp_path / "big.part01of02"
    with open(part, "wb") as fh:
        fh.write(PART_MAGIC)
        fh.truncate(limits.MAX_PART_FILE_BYTES + 1)
    s = engine.import_files(world.county, [part])[0]
    assert s.status == "rejected" and s.code == "too_large"
    assert not any((world.county.data_dir / "sync" / "parts").glob("*/*.part"))


def test_stored_inf_does_not_block_export(world):
    """Before: json.dumps(allow_nan=False) raised on a stored inf and no package could be made again."""
    cid = add_cases(world.town, 1)[0]
    with world.town.transaction():
        world.town.conn.execute("UPDATE cases SET fine_amount = ? WHERE id = ?", (float("inf"), cid))
    s = engine.import_file(world.county, world.export(world.town))
    assert s.status == "applied" and "状态摘要" not in "".join(s.warnings)
    assert world.county.get("cases", cid)["fine_amount"] is None


def test_out_of_range_values_travel_and_are_flagged(world):
    cid = add_cases(world.town, 1)[0]
    with world.town.transaction():
        world.town.conn.execute("UPDATE cases SET filed_date = '9999-12-31', fine_amount = -5 WHERE id = ?", (cid,))
    s = engine.import_file(world.county, world.export(world.town))
    assert s.status == "applied" and any("DQ-01" in w for w in s.warnings)
    from sifasuo_desktop.store.rules_queries import check_store
    found = [f for f in check_store(world.county, today="2026-11-01").findings if f.code == "DQ-01"]
    assert any(f.record_id == cid and "立案日期" in f.message and "罚款金额" in f.message for f in found)



def test_old_conflict_with_a_poisoned_row_cannot_be_accepted(world):
    """A hard conflict recorded before these checks may hold a row the import now refuses."""
    import json as _json

    from sifasuo_desktop.domain.errors import UserError
    from sifasuo_desktop.store import sync_queries as sq
    row = case_row(world)
    assert engine.import_file(world.county, world.export(world.town)).status == "applied"
    bad = with_(row, version="abc", party="篡改")
    with world.county.transaction():
        sq.add_conflict(world.county.conn, {"type": "hard", "reason": "版本号相同但内容不同", "table_name": "cases",
                                            "record_id": row["id"], "owner_org": row["owner_org"],
                                            "sender_org": world.town.org.code, "incoming_row": _json.dumps(bad),
                                            "created_at": "2026-11-01T00:00:00+00:00"})
    cid = sq.conflicts(world.county.conn)[0]["id"]
    before = dump(world.county)
    with pytest.raises(UserError) as e:
        engine.resolve_conflict(world.county, cid, "accept")
    assert "version" in e.value.message and dump(world.county) == before
    engine.resolve_conflict(world.county, cid, "keep")
