"""Issue 7: personal data travels up in full only where the county needs it (a county-pushed setting)."""
import pytest

from sifasuo_desktop.domain.validators import make_id_number
from sifasuo_desktop.sync import engine, policy

from .world import World


@pytest.fixture()
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


def test_only_listed_personal_fields_travel_in_full(world):
    idno = make_id_number("37990119800101123")
    officer = world.town.insert("officers", {"name": "王堃", "id_number": idno, "phone": "13812345678"})
    complaint = world.town.insert("complaints", {"channel": "12345", "received_date": "2026-11-01",
                                                 "summary": "反映执法态度", "complainant": "李四", "phone": "13900001111"})
    s = world.up()
    assert s.status == "applied" and not any("摘要不一致" in w for w in s.warnings), s.warnings
    at_county = world.county.get("officers", officer["id"])
    assert at_county["id_number"] == idno                  # the county manages certificates: default full
    assert at_county["phone"] == "138****5678"
    assert world.county.get("complaints", complaint["id"])["phone"] == "139****1111"
    # the township keeps its full values
    assert world.town.get("complaints", complaint["id"])["phone"] == "13900001111"


def test_setting_controls_which_fields_are_full(world):
    world.town.set_setting(policy.PERSONAL_SETTING, ["complaints.phone"])
    idno = make_id_number("37990119800101123")
    officer = world.town.insert("officers", {"name": "赵赟", "id_number": idno})
    complaint = world.town.insert("complaints", {"channel": "12345", "received_date": "2026-11-01",
                                                 "summary": "反映执法态度", "phone": "13900001111"})
    s = world.up()
    assert s.status == "applied" and not any("摘要不一致" in w for w in s.warnings), s.warnings
    assert world.county.get("officers", officer["id"])["id_number"] == idno[:3] + "*" * 11 + idno[-4:]
    assert world.county.get("complaints", complaint["id"])["phone"] == "13900001111"


def test_outgoing_row_leaves_other_fields_alone():
    row = {"id": "x", "name": "甲", "phone": None, "id_number": "11010519491231002X"}
    assert policy.outgoing_row("officers", row, set())["id_number"] == "110***********002X"
    assert policy.outgoing_row("officers", row, {"officers.id_number"}) is row
    assert policy.outgoing_row("cases", {"id": "y", "party": "甲"}, set()) == {"id": "y", "party": "甲"}


def test_cli_sets_and_refuses(tmp_path):
    import os
    import subprocess
    import sys

    d = tmp_path / "t"
    env = dict(os.environ, SIFASUO_USER="admin", SIFASUO_PASSWORD="demo1234")
    run = lambda *a: subprocess.run([sys.executable, "-m", "sifasuo_desktop", *a], capture_output=True, text=True,  # noqa: E731
                                    env=env, stdin=subprocess.DEVNULL, timeout=120)
    assert run("demo", "--data-dir", str(d), "--cases", "5").returncode == 0
    r = run("sync", "personal-fields", "--data-dir", str(d), "--full", "complaints.phone")
    assert r.returncode == 0 and "完整传送：complaints.phone" in r.stdout
    r = run("sync", "personal-fields", "--data-dir", str(d), "--full", "cases.party")
    assert r.returncode == 1 and "不是个人信息字段" in r.stderr
    from sifasuo_desktop.store import Store
    with Store.open(d) as s:
        assert s.get_setting(policy.PERSONAL_SETTING) == ["complaints.phone"]


def test_a_persons_id_number_never_travels_in_full(world):
    """Issue 12: a 自然人's 身份证号 typed where the 统一社会信用代码 goes is stored as 当事人身份证号 and the
    package carries it masked (nowhere in the decrypted package in full)."""
    import gzip

    from sifasuo_desktop.sync.package import open_package

    pid = make_id_number("37990119900101123")
    case = world.town.insert("cases", {"case_no": "青罚〔2026〕7号", "case_type": "行政处罚(简易程序)", "party": "张三",
                                       "party_type": "自然人", "party_code": pid, "filed_date": "2026-10-15"})
    pkg = world.export(world.town)
    opened = open_package(pkg, engine.local_keys(world.county), engine.trust_lookup(world.county),
                          engine.schema_version())
    plain = b"".join(gzip.decompress(b) if b[:2] == b"\x1f\x8b" else b for b in opened.files.values())
    assert b"37990119" in plain or "张三".encode() in plain     # the case is in there …
    assert pid.encode() not in plain                            # … but not the full 身份证号
    s = engine.import_file(world.county, pkg)
    assert s.status == "applied", s.warnings
    at_county = world.county.get("cases", case["id"])
    assert at_county["party_code"] is None
    assert at_county["party_id_number"] == pid[:3] + "*" * 11 + pid[-4:]
    assert world.town.get("cases", case["id"])["party_id_number"] == pid   # the township keeps its full value
