"""The command line: identity, trust, sync export/import with exit codes 0 / 3 / 4, parts, --json."""
import json
import os
import shutil

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.store import Store


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def folders(tmp_path, capsys):
    t, c = tmp_path / "t", tmp_path / "c"
    assert run(capsys, "init", "--data-dir", t, "--role", "township", "--org-name", "城关镇司法所",
               "--org-code", "330102001", "--parent-code", "330102")[0] == 0
    assert run(capsys, "init", "--data-dir", c, "--role", "county", "--org-name", "某某县司法局",
               "--org-code", "330102")[0] == 0
    assert (t / "keys" / "identity.json").exists()          # keys are created at init
    return tmp_path, t, c


def _introduce(capsys, base, t, c):
    code, out, _ = run(capsys, "identity", "--data-dir", t, "--out", base / "t.json")
    assert code == 0 and "指纹" in out
    run(capsys, "identity", "--data-dir", c, "--out", base / "c.json")
    code, out, err = run(capsys, "trust", base / "c.json", "--data-dir", t)   # not a terminal, no --yes
    assert code == 1 and "核对指纹" in err
    assert run(capsys, "trust", base / "c.json", "--data-dir", t, "--yes")[0] == 0
    assert run(capsys, "trust", base / "t.json", "--data-dir", c, "--yes")[0] == 0


def _add_case(t, n=1):
    with Store.open(t) as s:
        for i in range(n):
            s.insert("cases", {"case_no": f"CLI{i}-{os.urandom(4).hex()}", "case_type": "其他", "party": f"张{i}",
                               "note": os.urandom(500).hex()})


def test_export_import_exit_codes(folders, capsys):
    base, t, c = folders
    _introduce(capsys, base, t, c)
    _add_case(t, 3)
    out_dir = base / "out"
    out_dir.mkdir()
    code, out, _ = run(capsys, "sync", "export", "--data-dir", t, "--out", out_dir, "--json")
    assert code == 0
    first = json.loads(out)["files"][0]
    code, out, _ = run(capsys, "sync", "import", first, "--data-dir", c, "--dry-run", "--json")
    assert code == 0 and json.loads(out)[0]["dry_run"] is True
    code, out, _ = run(capsys, "sync", "import", first, "--data-dir", c)
    assert code == 0 and "新增 4 条" in out
    code, out, _ = run(capsys, "sync", "import", first, "--data-dir", c, "--json")
    assert code == 0 and json.loads(out)[0]["status"] == "ignored"
    # a damaged file: exit 4 with the reason
    bad = base / "bad.tspkg"
    data = bytearray(open(first, "rb").read())
    data[len(data) // 2] ^= 4
    bad.write_bytes(bytes(data))
    code, out, _ = run(capsys, "sync", "import", bad, "--data-dir", c)
    assert code == 4 and "已拒绝" in out and "损坏" in out
    # status lists the township
    code, out, _ = run(capsys, "sync", "status", "--data-dir", c)
    assert code == 0 and "城关镇司法所" in out


def test_held_package_exit_3_and_parts(folders, capsys, tmp_path):
    base, t, c = folders
    _introduce(capsys, base, t, c)
    _add_case(t, 2)
    out_dir = base / "out"
    out_dir.mkdir()
    first = json.loads(run(capsys, "sync", "export", "--data-dir", t, "--out", out_dir, "--json")[1])["files"][0]
    c2 = tmp_path / "c2"          # a second county PC (copy) that never gets the first package
    shutil.copytree(c, c2)
    assert run(capsys, "sync", "import", first, "--data-dir", c)[0] == 0
    back = json.loads(run(capsys, "sync", "export", "--data-dir", c, "--out", out_dir, "--to", "330102001",
                          "--json")[1])["files"][0]
    assert run(capsys, "sync", "import", back, "--data-dir", t)[0] == 0
    _add_case(t, 40)
    code, out, _ = run(capsys, "sync", "export", "--data-dir", t, "--out", out_dir, "--split-mb", "0.015", "--json")
    parts = json.loads(out)["files"]
    assert len(parts) >= 2 and all(".part" in p for p in parts)
    code, out, _ = run(capsys, "sync", "import", parts[0], "--data-dir", c)
    assert code == 3 and "分卷已收到 1/" in out
    code, out, _ = run(capsys, "sync", "import", *parts[1:], "--data-dir", c)
    assert code == 0 and "新增 40 条" in out
    # all parts at once, in reverse order, at the other county PC: the package leaves a gap there -> held
    code, out, _ = run(capsys, "sync", "import", *reversed(parts), "--data-dir", c2)
    assert code == 3 and "缺少" in out
    code, out, _ = run(capsys, "sync", "import", first, "--data-dir", c2)
    assert code == 0 and "新增 40 条" in out          # the held package was released


def test_trust_list_and_revoke(folders, capsys):
    base, t, c = folders
    _introduce(capsys, base, t, c)
    code, out, _ = run(capsys, "trust", "--list", "--data-dir", c, "--json")
    keys = json.loads(out)
    assert [k["org_code"] for k in keys] == ["330102001"]
    assert run(capsys, "trust", "--revoke", keys[0]["key_id"], "--data-dir", c)[0] == 0
    code, _, err = run(capsys, "trust", "--revoke", keys[0]["key_id"], "--data-dir", c)
    assert code == 1 and "没有找到" in err


def test_bad_identity_file_and_usage(folders, capsys):
    base, t, c = folders
    bad = base / "x.json"
    bad.write_text("{}")
    code, _, err = run(capsys, "trust", bad, "--data-dir", t, "--yes")
    assert code == 4 and "身份文件" in err
    code, _, err = run(capsys, "sync", "export", "--data-dir", t, "--out", base / "nowhere" / "x")
    assert code == 1 and "不存在" in err
    code, _, err = run(capsys, "sync", "export", "--data-dir", t, "--out", base)
    assert code == 1 and "县司法局的身份文件" in err


def test_dry_run_with_accounts_uses_the_login(tmp_path, capsys, monkeypatch):
    """A data folder with accounts: --dry-run checks the package as the logged-in account (not read-only)."""
    t, c = tmp_path / "t", tmp_path / "c"
    assert run(capsys, "init", "--data-dir", t, "--role", "township", "--org-name", "城关镇司法所", "--org-code",
               "330102001", "--parent-code", "330102", "--admin-user", "a", "--admin-password", "pass-1234")[0] == 0
    assert run(capsys, "init", "--data-dir", c, "--role", "county", "--org-name", "某某县司法局", "--org-code",
               "330102", "--admin-user", "a", "--admin-password", "pass-1234")[0] == 0
    monkeypatch.setenv("SIFASUO_USER", "a")
    monkeypatch.setenv("SIFASUO_PASSWORD", "pass-1234")
    _introduce(capsys, tmp_path, t, c)
    (tmp_path / "out").mkdir()
    code, out, _ = run(capsys, "sync", "export", "--data-dir", t, "--out", tmp_path / "out", "--json")
    pkg = json.loads(out)["files"][0]
    code, out, _ = run(capsys, "sync", "import", pkg, "--data-dir", c, "--dry-run", "--json")
    res = json.loads(out)[0]
    assert code == 0 and res["dry_run"] is True and res["status"] != "rejected", res
    code, out, _ = run(capsys, "sync", "import", pkg, "--data-dir", c, "--json")
    assert code == 0 and json.loads(out)[0]["status"] == "applied"      # the dry run changed nothing
