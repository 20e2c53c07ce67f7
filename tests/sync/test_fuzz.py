"""≥ 1,000 bit-flip / truncation cases (sync.md §3.8 item 6): every one is rejected cleanly."""
import random

import pytest

from sifasuo_desktop.sync.errors import SyncError
from sifasuo_desktop.sync.package import open_package, verify_container

from .helpers import CJK, SCHEMA, decrypt_bytes, encrypt_bytes, make_package

SEED = 20261123


def _expect_reject(fn):
    try:
        fn()
    except SyncError as exc:
        assert CJK.search(exc.message), exc.message
        return exc.code
    raise AssertionError("tampered package was accepted")


def test_fuzz_envelope_and_inner_zip(tmp_path, township_keys, county_keys, county_trust):
    rng = random.Random(SEED)
    rows = [{"seq": i, "name": f"赵六{i}", "note": "x" * rng.randrange(0, 200)} for i in range(1500)]
    good = make_package(tmp_path, township_keys, county_keys.public, rows)
    data = good.read_bytes()
    plain = decrypt_bytes(good, county_keys)
    assert verify_container(plain, county_keys, county_trust, SCHEMA)
    target = tmp_path / "fuzz.tspkg"
    codes = {}
    cases = 0
    # 1) bit flips anywhere in the envelope (header, key wrap, chunks, tags)
    for _ in range(600):
        buf = bytearray(data)
        pos = rng.randrange(len(buf))
        buf[pos] ^= 1 << rng.randrange(8)
        target.write_bytes(bytes(buf))
        code = _expect_reject(lambda: open_package(target, county_keys, county_trust, SCHEMA))
        codes[code] = codes.get(code, 0) + 1
        cases += 1
    # 2) truncation at random offsets
    for _ in range(150):
        target.write_bytes(data[:rng.randrange(len(data))])
        _expect_reject(lambda: open_package(target, county_keys, county_trust, SCHEMA))
        cases += 1
    # 3) bit flips in the decrypted inner zip (re-encrypted, so only the container checks can catch it);
    #    half of them aimed at the zip's own metadata (headers, directory), half anywhere
    meta_positions = [i for i in range(len(plain)) if i < 200 or i > len(plain) - 400]
    for k in range(400):
        buf = bytearray(plain)
        pos = rng.choice(meta_positions) if k % 2 else rng.randrange(len(buf))
        buf[pos] ^= 1 << rng.randrange(8)
        code = _expect_reject(lambda: verify_container(bytes(buf), county_keys, county_trust, SCHEMA))
        codes[code] = codes.get(code, 0) + 1
        cases += 1
    # a few of those also through the full path
    for _ in range(20):
        buf = bytearray(plain)
        buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
        target.write_bytes(encrypt_bytes(bytes(buf), county_keys.public))
        _expect_reject(lambda: open_package(target, county_keys, county_trust, SCHEMA))
        cases += 1
    assert cases >= 1000
    assert "corrupt" in codes and len(codes) >= 3, codes
    # the untouched package still opens
    assert open_package(good, county_keys, county_trust, SCHEMA)
