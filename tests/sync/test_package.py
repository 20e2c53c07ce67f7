"""Package envelope, signature and container checks (sync.md §3.8 items 5, 7, 8, 12, 15, 20)."""
import errno
import io
import os
import stat
import struct
import zipfile
import zlib

import pytest

from sifasuo_desktop.sync import canonical, container, envelope
from sifasuo_desktop.sync.errors import SyncError
from sifasuo_desktop.sync.keys import LocalKeys, PublicIdentity
from sifasuo_desktop.sync.naming import package_file_name
from sifasuo_desktop.sync.package import (SIG_CONTEXT, build_manifest, ndjson_gz, open_package,
                                          seal_package, verify_container)
from sifasuo_desktop.sync.keys import b64e
from sifasuo_desktop.sync import split as splitmod

from .helpers import CJK, SCHEMA, Trust, decrypt_bytes, encrypt_bytes, make_package, zip_bytes


def _reject(path, county_keys, trust, code=None, schema=SCHEMA):
    with pytest.raises(SyncError) as exc:
        open_package(path, county_keys, trust, schema)
    assert CJK.search(exc.value.message), exc.value.message
    if code:
        assert exc.value.code == code, (exc.value.code, exc.value.message)
    return exc.value


def test_round_trip(tmp_path, township_keys, county_keys, county_trust):
    rows = [{"seq": i, "name": "王𠀀𪚥😀", "id_no": "１１０１０１１９９００１０１１２３４"} for i in range(3000)]
    path = make_package(tmp_path, township_keys, county_keys.public, rows)
    pkg = open_package(path, county_keys, county_trust, SCHEMA)
    assert list(pkg.records("data/changes-0001.ndjson.gz")) == rows
    assert pkg.manifest["sender"]["org"] == "330102001"
    assert pkg.manifest["recipient"]["key_id"] == county_keys.key_id
    assert pkg.manifest["suite"] == "intl-1"
    assert os.listdir(tmp_path) == ["p.tspkg"]  # no temp files left


def test_truncation_offsets_all_rejected(tmp_path, township_keys, county_keys, county_trust):
    # payload of ~3 chunks, incompressible so the ciphertext spans several secretstream chunks
    rows = [{"seq": i, "blob": os.urandom(40).hex()} for i in range(3000)]
    path = make_package(tmp_path, township_keys, county_keys.public, rows)
    data = path.read_bytes()
    (hlen,) = struct.unpack(">I", data[8:12])
    header_end = 12 + hlen
    chunk = envelope.CHUNK + envelope.ABYTES
    assert len(data) > header_end + 2 * chunk
    offsets = {0, 1, header_end, header_end + 1, header_end + chunk // 2, header_end + chunk,
               header_end + 2 * chunk, len(data) - 16, len(data) - 1}
    for off in sorted(offsets):
        bad = tmp_path / f"cut{off}.tspkg"
        bad.write_bytes(data[:off])
        err = _reject(bad, county_keys, county_trust, "corrupt")
        assert "不完整" in err.message or "损坏" in err.message
    bad = tmp_path / "longer.tspkg"
    bad.write_bytes(data + b"\0")
    _reject(bad, county_keys, county_trust, "corrupt")


def test_not_a_package(tmp_path, county_keys, county_trust):
    p = tmp_path / "x.tspkg"
    p.write_bytes(b"PK\x03\x04 this is a zip or something")
    _reject(p, county_keys, county_trust, "not_a_package")


def test_recipient_is_another_installation(tmp_path, township_keys, county_keys):
    other_county = LocalKeys.generate("330103", "邻县司法局", "county")
    path = make_package(tmp_path, township_keys, other_county.public)
    _reject(path, county_keys, Trust(township_keys.public), "not_for_me")


# ---- signature cases (item 7) -------------------------------------------------------------------
def _forge(tmp_path, county_keys, manifest: dict, sig_key: LocalKeys, files: dict, name="f.tspkg",
           manifest_bytes=None, extra_entries=()):
    mb = manifest_bytes if manifest_bytes is not None else canonical.dumps(manifest)
    sig = canonical.dumps({"alg": "ed25519", "key_id": manifest["sender"]["key_id"],
                           "sig": b64e(sig_key.sign(SIG_CONTEXT + canonical.dumps(manifest)))})
    entries = [("manifest.json", mb), ("manifest.sig", sig)] + list(files.items()) + list(extra_entries)
    path = tmp_path / name
    path.write_bytes(encrypt_bytes(zip_bytes(entries), county_keys.public))
    return path


def _parts(township_keys, county_keys):
    gz, n = ndjson_gz([{"seq": 1, "name": "李四"}])
    files = {"data/changes-0001.ndjson.gz": gz}
    m = build_manifest(sender=township_keys, recipient=county_keys.public, kind="changes",
                       schema_version=SCHEMA, files=files, records={"data/changes-0001.ndjson.gz": n})
    return m, files


def test_signature_cases(tmp_path, township_keys, county_keys, county_trust):
    m, files = _parts(township_keys, county_keys)
    # control: a correctly forged-by-us package is accepted
    ok = _forge(tmp_path, county_keys, m, township_keys, files, "ok.tspkg")
    assert open_package(ok, county_keys, county_trust, SCHEMA).package_id == m["package_id"]

    impostor = LocalKeys.generate("330102001", "城关镇司法所", "township")
    # wrong key: claims the trusted key id but is signed by another key
    _reject(_forge(tmp_path, county_keys, m, impostor, files, "wrong.tspkg"), county_keys, county_trust,
            "bad_signature")
    # unknown key id
    m2 = dict(m, sender=dict(m["sender"], key_id=impostor.key_id))
    _reject(_forge(tmp_path, county_keys, m2, impostor, files, "unknown.tspkg"), county_keys, county_trust,
            "unknown_key")
    # revoked key
    revoked = PublicIdentity(**{**township_keys.public.__dict__, "revoked_at": "2026-11-01"})
    _reject(ok, county_keys, Trust(revoked), "revoked_key")
    # manifest edited after signing
    edited = dict(m, kind="snapshot")
    _reject(_forge(tmp_path, county_keys, m, township_keys, files, "edited.tspkg",
                   manifest_bytes=canonical.dumps(edited)), county_keys, county_trust, "bad_signature")
    # file hash mismatch
    gz2, _ = ndjson_gz([{"seq": 1, "name": "王五"}])
    _reject(_forge(tmp_path, county_keys, m, township_keys, {"data/changes-0001.ndjson.gz": gz2}, "hash.tspkg"),
            county_keys, county_trust, "hash_mismatch")
    # an unlisted extra file
    _reject(_forge(tmp_path, county_keys, m, township_keys, files, "extra.tspkg",
                   extra_entries=[("data/evil.txt", b"x")]), county_keys, county_trust, "extra_file")
    # a missing file
    _reject(_forge(tmp_path, county_keys, m, township_keys, {}, "missing.tspkg"), county_keys, county_trust,
            "missing_file")


def test_schema_and_format_mismatch(tmp_path, township_keys, county_keys, county_trust):
    path = make_package(tmp_path, township_keys, county_keys.public, schema=SCHEMA + 1)
    err = _reject(path, county_keys, county_trust, "schema")
    assert "升级" in err.message
    m, files = _parts(township_keys, county_keys)
    m["format"] = "tspkg/2"
    err = _reject(_forge(tmp_path, county_keys, m, township_keys, files, "fmt.tspkg"), county_keys,
                  county_trust, "format")
    assert "不兼容" in err.message


def test_record_count_must_match_manifest(tmp_path, township_keys, county_keys, county_trust):
    m, files = _parts(township_keys, county_keys)
    m["files"][0]["records"] = 2
    pkg = open_package(_forge(tmp_path, county_keys, m, township_keys, files), county_keys, county_trust, SCHEMA)
    with pytest.raises(SyncError) as exc:
        list(pkg.records("data/changes-0001.ndjson.gz"))
    assert exc.value.code == "hash_mismatch"


# ---- malicious zips (item 8) --------------------------------------------------------------------
def _pyzip(build):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        build(z)
    return buf.getvalue()


def _evil_cases():
    def traversal(z):
        z.writestr("manifest.json", b"{}")
        z.writestr("../x", b"x")

    def absolute(z):
        z.writestr("/etc/passwd", b"x")

    def duplicate(z):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr("manifest.json", b"{}")
            z.writestr("manifest.json", b"{}")

    def symlink(z):
        info = zipfile.ZipInfo("data/link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/etc/passwd")

    def backslash(z):
        z.writestr("..\\x", b"x")

    return {"traversal": traversal, "absolute": absolute, "duplicate": duplicate, "symlink": symlink,
            "backslash": backslash}


@pytest.mark.parametrize("case", sorted(_evil_cases()))
def test_malicious_zip_entries_rejected(tmp_path, county_keys, county_trust, case):
    data = _pyzip(_evil_cases()[case])
    path = tmp_path / "evil.tspkg"
    path.write_bytes(encrypt_bytes(data, county_keys.public))
    err = _reject(path, county_keys, county_trust, "unsafe_zip")
    assert "拒绝" in err.message


def _zip_bomb_1gb() -> bytes:
    """A real 1 GiB-of-zeros deflate entry (~1 MB on disk), built streaming."""
    comp = zlib.compressobj(1, zlib.DEFLATED, -15)
    block = bytes(1 << 20)
    parts, crc = [], 0
    for _ in range(1024):
        parts.append(comp.compress(block))
        crc = zlib.crc32(block, crc)
    parts.append(comp.flush())
    body = b"".join(parts)
    size = 1 << 30
    name = b"data/bomb"
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 33, crc, len(body), size, len(name), 0)
    cen = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 33, crc, len(body), size,
                      len(name), 0, 0, 0, 0, 0o100644 << 16, 0)
    cd = cen + name
    off = len(local) + len(name) + len(body)
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(cd), off, 0)
    return local + name + body + cd + eocd


def test_zip_bomb_rejected_without_inflating(tmp_path, county_keys, county_trust):
    bomb = _zip_bomb_1gb()
    assert zipfile.ZipFile(io.BytesIO(bomb)).getinfo("data/bomb").file_size == 1 << 30
    path = tmp_path / "bomb.tspkg"
    path.write_bytes(encrypt_bytes(bomb, county_keys.public))
    err = _reject(path, county_keys, county_trust, "zip_bomb")
    assert "压缩炸弹" in err.message


def test_gzip_bomb_inside_payload_is_bounded():
    from sifasuo_desktop.sync.package import iter_ndjson_gz
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    data = b"".join(comp.compress(bytes(1 << 20)) for _ in range(64)) + comp.flush()
    with pytest.raises(SyncError) as exc:
        list(iter_ndjson_gz(data, limit=8 << 20))
    assert exc.value.code == "zip_bomb"


def test_foreign_zip_layout_rejected(tmp_path, county_keys, county_trust):
    """A normal zip made by another tool (timestamps, deflate) is not our canonical container."""
    data = _pyzip(lambda z: (z.writestr("manifest.json", b"{}"), z.writestr("manifest.sig", b"{}")))
    path = tmp_path / "foreign.tspkg"
    path.write_bytes(encrypt_bytes(data, county_keys.public))
    _reject(path, county_keys, county_trust, "unsafe_zip")


# ---- names, atomic write, split -----------------------------------------------------------------
def test_file_names_are_ascii_and_readable():
    import datetime as dt
    name = package_file_name("330102001", "330102", "changes", "0190f6c2-aaaa-bbbb", 101, 150,
                             dt.datetime(2026, 11, 23, 9, 5))
    assert name == "TS1_330102001_330102_changes_0190f6c2_101-150_202611230905.tspkg"
    weird = package_file_name("城关镇", "县/局", "ack")
    assert weird.isascii() and len(weird) <= 255 and "/" not in weird


def test_export_to_failing_target_leaves_nothing(tmp_path, township_keys, county_keys, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    real_fsync = os.fsync

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(SyncError) as exc:
        make_package(out, township_keys, county_keys.public)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert "磁盘空间不足" in exc.value.message
    assert os.listdir(out) == []
    # a target folder that does not exist / is a file
    with pytest.raises(SyncError) as exc:
        make_package(tmp_path / "nowhere", township_keys, county_keys.public)
    assert "不存在" in exc.value.message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores read-only modes")
def test_export_to_read_only_folder(tmp_path, township_keys, county_keys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(SyncError):
            make_package(ro, township_keys, county_keys.public)
        assert os.listdir(ro) == []
    finally:
        ro.chmod(0o700)


def test_split_and_reassemble_in_any_order(tmp_path, township_keys, county_keys, county_trust):
    rows = [{"seq": i, "blob": os.urandom(30).hex()} for i in range(4000)]
    path = make_package(tmp_path, township_keys, county_keys.public, rows)
    original = path.read_bytes()
    parts = splitmod.split_package(path, cap=64 * 1024)
    assert len(parts) >= 3 and not path.exists()
    assert all(p.stat().st_size <= 64 * 1024 for p in parts)
    # the mail client renamed the attachments; order is reversed
    renamed = []
    for i, p in enumerate(parts):
        q = p.with_name(f"ATT{i:05d}.dat")
        p.rename(q)
        renamed.append(q)
    store = splitmod.PartStore(tmp_path / "parts")
    results = [store.add(p) for p in reversed(renamed)]
    assert all(r[0] is None for r in results[:-1])
    assert results[-2][1]["have"] == len(parts) - 1
    whole = results[-1][0]
    assert whole.read_bytes() == original
    assert open_package(whole, county_keys, county_trust, SCHEMA).manifest["kind"] == "changes"
    # adding a part again is harmless
    assert store.add(renamed[0])[0] is not None


def test_damaged_part_rejected(tmp_path, township_keys, county_keys):
    rows = [{"seq": i, "blob": os.urandom(30).hex()} for i in range(2000)]
    parts = splitmod.split_package(make_package(tmp_path, township_keys, county_keys.public, rows), 40 * 1024)
    data = bytearray(parts[1].read_bytes())
    data[-5] ^= 0x10
    parts[1].write_bytes(bytes(data))
    with pytest.raises(SyncError) as exc:
        splitmod.PartStore(tmp_path / "ps").add(parts[1])
    assert exc.value.code == "parts" and "分卷" in exc.value.message


def test_small_package_is_not_split(tmp_path, township_keys, county_keys):
    path = make_package(tmp_path, township_keys, county_keys.public)
    assert splitmod.split_package(path, cap=20 * 1024 * 1024) == [path]
