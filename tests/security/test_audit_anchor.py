"""Issue 11 item 10: the audit chain's head is anchored (meta, backups, the county's copy from sync packages),
and verify reports rows that differ from their last audited after-image (direct database edits)."""
import json
import sqlite3

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.security import accounts
from sifasuo_desktop.store import Store


def _sql(d, *statements):
    conn = sqlite3.connect(d / "sifasuo.sqlite3")
    for sql, params in statements:
        conn.execute(sql, params)
    conn.commit()
    conn.close()


def _truncate(d, n):
    """Delete the newest n entries and the AUTOINCREMENT memory of them (the probe that passed before)."""
    conn = sqlite3.connect(d / "sifasuo.sqlite3")
    top = conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
    conn.execute("DELETE FROM audit_log WHERE seq > ?", (top - n,))
    conn.execute("DELETE FROM sqlite_sequence WHERE name = 'audit_log'")
    conn.commit()
    conn.close()
    return top - n


@pytest.fixture
def chain_dir(store):
    ids = [store.insert("officers", {"name": f"执法员{i}"})["id"] for i in range(6)]
    store.update("officers", ids[0], {"name": "改名"})
    d = store.data_dir
    store.close()
    return d, ids


def _verify(d, capsys, *extra):
    capsys.readouterr()
    code = main(["audit", "verify", "--data-dir", str(d), "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def test_cut_off_tail_with_sqlite_sequence_is_detected(chain_dir, capsys):
    d, _ = chain_dir
    code, res = _verify(d, capsys)
    assert code == 0 and res["ok"] and res["head"]["seq"] == res["entries"]
    last = _truncate(d, 3)
    code, res = _verify(d, capsys)
    assert code == 1 and not res["ok"] and "被删除" in res["reason"] and res["broken_seq"] == last + 1


def test_meta_head_rewritten_too_is_caught_by_a_backup(chain_dir, capsys):
    d, _ = chain_dir
    assert main(["backup", "--out", str(d / "backups" / "manual.sqlite3"), "--data-dir", str(d)]) == 0
    last = _truncate(d, 2)
    with sqlite3.connect(d / "sifasuo.sqlite3") as conn:        # a careful attacker also fixes meta
        seq, h = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (f"{seq} {h}",))
    assert seq == last
    code, res = _verify(d, capsys)
    assert code == 1 and "备份" in res["reason"]
    assert any(a["status"] == "missing" and a["source"].startswith("备份") for a in res["anchors"])


def test_anchor_given_on_the_command_line(chain_dir, capsys):
    d, _ = chain_dir
    _, res = _verify(d, capsys)
    head = res["head"]
    code, res = _verify(d, capsys, "--anchor", f"{head['seq']}:{head['hash']}")
    assert code == 0 and res["anchors"][0]["status"] == "ok"
    code, res = _verify(d, capsys, "--anchor", f"{head['seq']}:{'0' * 64}")
    assert code == 1 and res["anchors"][0]["status"] == "mismatch"


def test_direct_edit_of_a_ledger_row_is_reported_as_drift(chain_dir, capsys):
    d, ids = chain_dir
    _sql(d, ("UPDATE officers SET name = '冒名' WHERE id = ?", (ids[0],)),
         ("DELETE FROM officers WHERE id = ?", (ids[1],)))
    code, res = _verify(d, capsys)
    assert code == 1 and res["drift_count"] == 2
    kinds = {(x["record_id"], x["kind"]) for x in res["drift"]}
    assert kinds == {(ids[0], "changed"), (ids[1], "missing")}
    assert main(["audit", "verify", "--data-dir", str(d)]) == 1
    assert "name" in capsys.readouterr().err


def test_direct_edit_of_an_account_role_is_reported(sec_dir, capsys):
    code, res = _verify(sec_dir, capsys)
    assert code == 0 and res["drift_count"] == 0, res["drift"]
    _sql(sec_dir, ("UPDATE accounts SET role = 'admin' WHERE username = 'guest'", ()))
    code, res = _verify(sec_dir, capsys)
    assert code == 1 and res["drift"] == [{"table": "accounts", "record_id": "guest", "kind": "changed",
                                           "fields": ["role"]}]


def test_role_change_through_the_program_is_not_drift(sec_dir, capsys):
    with Store.open(sec_dir) as s:
        s.actor = accounts.authenticate(s, "boss", "boss-pass-1")
        accounts.set_role(s, "guest", "staff")
    code, res = _verify(sec_dir, capsys)
    assert code == 0 and res["drift_count"] == 0


def test_county_keeps_the_townships_heads(tmp_path, capsys):
    from tests.sync.world import World, add_cases
    from sifasuo_desktop.sync import engine
    w = World(tmp_path)
    try:
        add_cases(w.town, 3)
        up = engine.export_package(w.town, w.out)
        head = up.manifest["audit_head"]
        assert head == w.town.audit_head()
        assert engine.import_file(w.county, up.paths[0]).status == "applied"
        capsys.readouterr()
        assert main(["sync", "audit-heads", "--data-dir", str(w.county.data_dir), "--json"]) == 0
        heads = json.loads(capsys.readouterr().out)
        assert [(h["org_code"], h["seq"], h["hash"]) for h in heads] == [(w.town.org.code, head["seq"], head["hash"])]
        # the township's log is cut back and rewritten; its next package shows the regression at the county
        town_dir = w.town.data_dir
        w.town.close()
        _truncate(town_dir, 4)
        w.towns[0] = Store.open(town_dir)
        add_cases(w.town, 1, start=50)
        s = engine.import_file(w.county, engine.export_package(w.town, w.out).paths[0])
        assert s.status == "applied" and any("审计日志的链头" in x for x in s.warnings)
        # and the head the county holds proves it at the township
        capsys.readouterr()
        code = main(["audit", "verify", "--data-dir", str(town_dir), "--json", "--no-drift",
                     "--anchor", f"{head['seq']}:{head['hash']}"])
        res = json.loads(capsys.readouterr().out)
        assert code == 1 and res["anchors"][0]["status"] in ("mismatch", "missing")
    finally:
        w.close()
