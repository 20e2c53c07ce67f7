"""Acceptance: what a county tester does on the demo folders with the documented commands."""
import json
import re

from sifasuo_desktop.cli import main

LOGIN = {"SIFASUO_USER": "admin", "SIFASUO_PASSWORD": "demo1234"}


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_documents_can_be_drafted_and_issued(tmp_path, capsys, monkeypatch):
    d = tmp_path / "t"
    assert run(capsys, "demo", "--data-dir", d, "--cases", "60")[0] == 0
    for k, v in LOGIN.items():
        monkeypatch.setenv(k, v)
    code, out, _ = run(capsys, "docs", "list", "--data-dir", d, "--json")
    demo_docs = json.loads(out)
    nos = [x["doc_no"] for x in demo_docs if x["doc_no"]]
    assert code == 0 and len(nos) == len(set(nos))
    # county-name documents under the county's 代字 (the 决定书 under the government's), the 司法所's own under 示司所
    codes = {"督办函": "示司督函", "监督意见书": "示司监意", "监督建议书": "示司监建", "监督决定书": "示政监决",
             "评查通报": "示司通", "季度通报": "示司通", "约谈通知": "示司约谈", "整改通知单": "示司所"}
    assert set(codes) <= {x["type"] for x in demo_docs if x["status"] not in ("草稿", "已作废")}
    for x in demo_docs:
        if x["status"] == "草稿":
            assert not x["doc_no"]
            continue
        assert re.fullmatch(codes[x["type"]] + r"〔20\d\d〕[1-9]\d*号", x["doc_no"]), x
    code, _, err = run(capsys, "docs", "draft-overdue", "--data-dir", d, "--body", "不存在的单位")
    assert code == 1 and "不存在的单位" in err
    # the body by name, as a tester has it at hand (its id works too)
    code, out, err = run(capsys, "docs", "draft-overdue", "--data-dir", d, "--body", "示范镇人民政府", "--json")
    drafts = json.loads(out)
    assert code == 0 and drafts, err
    # a 督办函 speaks in the county bureau's name: the township drafts it, only the county issues it
    code, out, err = run(capsys, "docs", "issue", drafts[0]["id"], "--data-dir", d, "--date", "2026-11-23")
    assert code == 1 and "只能由县司法局签发" in err and "Traceback" not in err
    # the township's own 整改通知单 is numbered under its own 机关代字
    from sifasuo_desktop.documents import service as S
    from sifasuo_desktop.store import Store

    with Store.open(d) as s:
        body = s.rows("bodies", "name = ?", ("示范镇人民政府",))[0]
        own = S.draft_for_problems(s, body["id"], key="zhenggai")
    code, out, err = run(capsys, "docs", "issue", own["id"], "--data-dir", d, "--date", "2026-11-23")
    assert code == 0, err
    code, out, _ = run(capsys, "docs", "list", "--data-dir", d, "--json")
    listed = {x["id"]: x for x in json.loads(out)}
    assert listed[drafts[0]["id"]]["status"] == "草稿"
    issued = listed[own["id"]]
    assert issued["status"] == "已签发" and re.fullmatch(r"示司所〔2026〕\d+号", issued["doc_no"])
    assert issued["doc_no"] not in nos
    code, out, err = run(capsys, "docs", "render", drafts[0]["id"], "--data-dir", d, "--out", tmp_path / "x.pdf")
    assert code == 0 and (tmp_path / "x.pdf").stat().st_size > 0, err


def test_township_demo_syncs_into_county_demo_without_conflicts(tmp_path, capsys, monkeypatch):
    t, c, usb = tmp_path / "t", tmp_path / "c", tmp_path / "usb"
    assert run(capsys, "demo", "--data-dir", t, "--cases", "40")[0] == 0
    assert run(capsys, "demo", "--data-dir", c, "--cases", "40", "--role", "county")[0] == 0
    for k, v in LOGIN.items():
        monkeypatch.setenv(k, v)
    assert run(capsys, "identity", "--data-dir", t, "--out", tmp_path / "t.id")[0] == 0
    assert run(capsys, "identity", "--data-dir", c, "--out", tmp_path / "c.id")[0] == 0
    assert run(capsys, "trust", tmp_path / "c.id", "--data-dir", t, "--yes")[0] == 0
    assert run(capsys, "trust", tmp_path / "t.id", "--data-dir", c, "--yes")[0] == 0
    usb.mkdir()
    code, out, _ = run(capsys, "sync", "export", "--data-dir", t, "--out", usb, "--json")
    pkg = json.loads(out)["files"][0]
    code, out, err = run(capsys, "sync", "import", pkg, "--data-dir", c, "--json")
    res = json.loads(out)[0]
    assert code == 0 and res["status"] == "applied" and res["imported"] > 100, err
    assert res["conflicts"] == [] and res["warnings"] == []
    code, out, _ = run(capsys, "sync", "status", "--data-dir", c, "--json")
    towns = {x["org_code"]: x for x in json.loads(out)["townships"]}
    assert len(towns) == 4 and towns["379901101000"]["applied_to"] > 0
    # and back down: the county's acknowledgement imports at the township
    code, out, _ = run(capsys, "sync", "export", "--data-dir", c, "--out", usb, "--to", "379901101000", "--json")
    assert code == 0
    code, out, err = run(capsys, "sync", "import", json.loads(out)["files"][0], "--data-dir", t, "--json")
    assert code == 0 and json.loads(out)[0]["status"] in ("applied", "ignored"), err


def test_closed_pipe_ends_without_traceback(tmp_path, capsys):
    """`sifasuo docs list | head -0` and the like: no Python traceback when the reader goes away."""
    import os
    import subprocess
    import sys

    d = tmp_path / "t"
    assert run(capsys, "demo", "--data-dir", d, "--cases", "20")[0] == 0
    for argv in (["docs", "list"], ["sync", "status"], ["audit", "verify"]):
        p = subprocess.Popen([sys.executable, "-m", "sifasuo_desktop", *argv, "--data-dir", str(d)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                             env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
        p.stdout.close()
        err = p.stderr.read().decode()
        p.wait(timeout=60)
        assert "Traceback" not in err and "BrokenPipe" not in err, (argv, err)


def test_quit_after_startup_on_empty_or_broken_folder_does_not_wait_for_a_dialog(tmp_path):
    import os
    import subprocess
    import sys

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "sifasuo.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    for d, words in ((tmp_path / "empty", "sifasuo init"), (broken, "无法打开")):
        r = subprocess.run([sys.executable, "-m", "sifasuo_desktop", "--data-dir", str(d), "--quit-after-startup"],
                           capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
                           env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
        assert r.returncode == 1 and r.stderr.startswith("错误：") and words in r.stderr, r.stderr


def test_restore_refuses_another_organisations_backup(tmp_path, capsys):
    from sifasuo_desktop.store import Store

    a, b = tmp_path / "a", tmp_path / "b"
    assert run(capsys, "init", "--data-dir", a, "--role", "county", "--org-name", "甲县司法局", "--org-code", "379901")[0] == 0
    assert run(capsys, "init", "--data-dir", b, "--role", "township", "--org-name", "乙镇司法所", "--org-code", "379901105000",
               "--parent-code", "379901")[0] == 0
    assert run(capsys, "backup", "--data-dir", a, "--out", tmp_path / "a.bak")[0] == 0
    before = (b / "sifasuo.sqlite3").read_bytes()
    code, _, err = run(capsys, "restore", tmp_path / "a.bak", "--data-dir", b)
    assert code == 1 and "不能用它覆盖" in err and "甲县司法局" in err
    assert (b / "sifasuo.sqlite3").read_bytes() == before and not (b / "sifasuo.sqlite3.restoring").exists()
    with Store.open(b) as s:
        assert s.org.code == "379901105000"
    # into a new folder it restores
    assert run(capsys, "restore", tmp_path / "a.bak", "--data-dir", tmp_path / "new")[0] == 0
    with Store.open(tmp_path / "new") as s:
        assert s.org.code == "379901"


def test_sync_export_to_a_missing_folder_is_refused(tmp_path, capsys):
    t, c = tmp_path / "t", tmp_path / "c"
    assert run(capsys, "init", "--data-dir", t, "--role", "township", "--org-name", "乙镇司法所", "--org-code", "379901105000",
               "--parent-code", "379901")[0] == 0
    assert run(capsys, "init", "--data-dir", c, "--role", "county", "--org-name", "甲县司法局", "--org-code", "379901")[0] == 0
    assert run(capsys, "identity", "--data-dir", c, "--out", tmp_path / "c.id")[0] == 0
    assert run(capsys, "trust", tmp_path / "c.id", "--data-dir", t, "--yes")[0] == 0
    code, _, err = run(capsys, "sync", "export", "--data-dir", t, "--out", f"{tmp_path / 'usb'}/")
    assert code == 1 and "不存在" in err and not (tmp_path / "usb").exists()
