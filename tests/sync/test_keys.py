import json
import os
import re
import stat

import pytest

from sifasuo_desktop.sync import canonical
from sifasuo_desktop.sync.errors import SyncError
from sifasuo_desktop.sync.keys import LocalKeys, parse_identity


def test_keys_survive_save_and_load(tmp_path):
    keys = LocalKeys.generate("330102001", "城关镇司法所", "township")
    keys.save(tmp_path)
    again = LocalKeys.load(tmp_path)
    assert again.public == keys.public
    assert again.sign(b"x") == keys.sign(b"x")  # Ed25519 is deterministic
    assert bytes(again.box_priv) == bytes(keys.box_priv)


def test_private_keys_are_not_stored_in_clear(tmp_path):
    keys = LocalKeys.generate("330102001", "城关镇司法所", "township")
    keys.save(tmp_path)
    raw = (tmp_path / "keys" / "identity.json").read_bytes()
    from sifasuo_desktop.sync.keys import b64e
    assert b64e(bytes(keys.box_priv)).encode() not in raw
    if os.name == "posix":
        for name in ("identity.json", "local.secret"):
            mode = stat.S_IMODE((tmp_path / "keys" / name).stat().st_mode)
            assert mode == 0o600, (name, oct(mode))
        assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700


def test_keystore_with_wrong_secret_is_refused(tmp_path):
    LocalKeys.generate("330102001", "城关镇司法所", "township").save(tmp_path)
    (tmp_path / "keys" / "local.secret").write_bytes(os.urandom(32))
    with pytest.raises(SyncError) as exc:
        LocalKeys.load(tmp_path)
    assert exc.value.code == "keystore" and "损坏" in exc.value.message


def test_missing_keystore_message(tmp_path):
    with pytest.raises(SyncError) as exc:
        LocalKeys.load(tmp_path)
    assert "尚未生成" in exc.value.message


def test_identity_file_round_trip_and_fingerprint_groups(tmp_path, county_keys):
    path = county_keys.write_identity(tmp_path / "county.json")
    ident = parse_identity(path.read_bytes())
    assert ident == county_keys.public
    assert re.fullmatch(r"\d{5}( \d{5}){7}", ident.fingerprint)
    assert re.fullmatch(r"[0-9a-f]{16}", ident.key_id)
    other = LocalKeys.generate("330102", "某某县司法局", "county")
    assert other.public.fingerprint != ident.fingerprint


@pytest.mark.parametrize("field,value", [("org_code", "330199"), ("role", "township"),
                                         ("org_name", "冒名县司法局"), ("fingerprint", "00000 " * 7 + "00000")])
def test_tampered_identity_file_is_refused(county_keys, field, value):
    doc = json.loads(county_keys.identity_document())
    doc[field] = value
    with pytest.raises(SyncError) as exc:
        parse_identity(canonical.dumps(doc))
    assert exc.value.code == "identity"


def test_swapped_public_key_is_refused(county_keys, township_keys):
    doc = json.loads(county_keys.identity_document())
    doc["box_pub"] = json.loads(township_keys.identity_document())["box_pub"]
    with pytest.raises(SyncError):
        parse_identity(canonical.dumps(doc))


def test_garbage_identity_file(tmp_path):
    for data in (b"", b"{}", b"\xff\xfe", b"[1,2]", b'{"format":"sifasuo-identity/1"}'):
        with pytest.raises(SyncError) as exc:
            parse_identity(data)
        assert "身份文件" in exc.value.message


def test_bad_role_refused():
    with pytest.raises(SyncError):
        LocalKeys.generate("1", "x", "city")
