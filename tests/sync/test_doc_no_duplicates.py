"""Issue 12: the county flags a duplicate 文号 that a township's package brings (sync warning + DQ-02)."""
import json

from sifasuo_desktop.cli import main
from sifasuo_desktop.store import Store

LOGIN = {"SIFASUO_USER": "admin", "SIFASUO_PASSWORD": "demo1234"}


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_county_flags_a_duplicate_doc_no_it_receives(tmp_path, capsys, monkeypatch):
    t, c, usb = tmp_path / "t", tmp_path / "c", tmp_path / "usb"
    assert run(capsys, "demo", "--data-dir", t, "--cases", "30")[0] == 0
    assert run(capsys, "demo", "--data-dir", c, "--cases", "30", "--role", "county")[0] == 0
    for k, v in LOGIN.items():
        monkeypatch.setenv(k, v)
    with Store.open(c) as s:
        taken = s.rows("documents", "coalesce(doc_no, '') != ''")[0]["doc_no"]
    with Store.open(t) as s:   # a number printed before issue 12 (the county's 代字, typed at the township)
        own = s.rows("documents", "owner_org = ? AND coalesce(doc_no, '') != ''", (s.org.code,))[0]   # an issued one
        s.conn.execute("DROP TRIGGER IF EXISTS documents_frozen")
        with s.workflow():   # a number printed before issue 12 (written behind the workflow's back)
            s.update("documents", own["id"], {"doc_no": taken}, action="issue_document")
    assert run(capsys, "identity", "--data-dir", t, "--out", tmp_path / "t.id")[0] == 0
    assert run(capsys, "identity", "--data-dir", c, "--out", tmp_path / "c.id")[0] == 0
    assert run(capsys, "trust", tmp_path / "c.id", "--data-dir", t, "--yes")[0] == 0
    assert run(capsys, "trust", tmp_path / "t.id", "--data-dir", c, "--yes")[0] == 0
    usb.mkdir()
    code, out, _ = run(capsys, "sync", "export", "--data-dir", t, "--out", usb, "--json")
    code, out, err = run(capsys, "sync", "import", json.loads(out)["files"][0], "--data-dir", c, "--json")
    res = json.loads(out)[0]
    assert code == 0 and res["status"] == "applied", err
    assert any("DQ-02" in w and taken in w for w in res["warnings"]), res["warnings"]
    code, out, _ = run(capsys, "check", "--data-dir", c, "--rule", "DQ-02", "--json", "--today", "2026-11-23")
    found = json.loads(out)
    assert code == 0 and len(found) == 2 and {f["ref"] for f in found} == {taken}
