"""The audit verifier detects an edited, removed or cut-off entry; history shows who changed what."""
import json

import pytest

from sifasuo_desktop.cli import main
from sifasuo_desktop.domain.permissions import Actor
from sifasuo_desktop.security.audit import record_history, verify_chain
from sifasuo_desktop.store import Store


@pytest.fixture
def chain_dir(store):
    for i in range(5):
        rec = store.insert("officers", {"name": f"执法员{i}", "id_number": "37990119800101001X", "phone": "13912345678"})
    store.update("officers", rec["id"], {"phone": "13800001111"})
    d = store.data_dir
    store.close()
    return d, rec["id"]


def _sql(d, sql, params=()):
    import sqlite3
    conn = sqlite3.connect(d / "sifasuo.sqlite3")
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def test_intact_chain_verifies(chain_dir, capsys):
    d, _ = chain_dir
    assert main(["audit", "verify", "--data-dir", str(d)]) == 0
    assert "审计日志完好" in capsys.readouterr().out


def test_edited_row_is_reported_with_its_number(chain_dir, capsys):
    d, rid = chain_dir
    # someone "corrects" the history of the phone change directly in the database file
    _sql(d, "UPDATE audit_log SET after = replace(after, '13800001111', '13000000000') WHERE action='update'")
    with Store.open(d) as s:
        seq = s.conn.execute("SELECT seq FROM audit_log WHERE action='update'").fetchone()[0]
    assert main(["audit", "verify", "--data-dir", str(d), "--json"]) == 1
    res = json.loads(capsys.readouterr().out)
    assert res["ok"] is False and res["broken_seq"] == seq and res["entry"]["record_id"] == rid
    assert main(["audit", "verify", "--data-dir", str(d)]) == 1
    assert f"第{seq}条" in capsys.readouterr().err


def test_edited_actor_or_time_is_detected(chain_dir):
    d, _ = chain_dir
    _sql(d, "UPDATE audit_log SET actor='someone' WHERE seq=3")
    with Store.open(d) as s:
        res = verify_chain(s.conn)
    assert not res.ok and res.broken_seq == 3


def test_rehashed_edit_still_breaks_the_next_link(chain_dir):
    """Even recomputing the edited row's own hash is caught: the next entry points at the old hash."""
    from sifasuo_desktop.store.repo import audit_hash
    d, _ = chain_dir
    with Store.open(d) as s:
        r = dict(s.conn.execute("SELECT * FROM audit_log WHERE seq=2").fetchone())
    r["actor"] = "forger"
    h = audit_hash(r["prev_hash"], r["ts"], r["actor"], r["action"], r["table_name"], r["record_id"], r["before"],
                   r["after"])
    _sql(d, "UPDATE audit_log SET actor=?, hash=? WHERE seq=2", (r["actor"], h))
    with Store.open(d) as s:
        res = verify_chain(s.conn)
    assert not res.ok and res.broken_seq == 3


def test_deleted_middle_and_last_entries_are_detected(chain_dir):
    d, _ = chain_dir
    with Store.open(d) as s:
        top = s.conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
    _sql(d, "DELETE FROM audit_log WHERE seq=?", (top,))
    with Store.open(d) as s:
        res = verify_chain(s.conn)
    assert not res.ok and "最后" in res.reason
    _sql(d, "DELETE FROM audit_log WHERE seq=2")
    with Store.open(d) as s:
        res = verify_chain(s.conn)
    assert not res.ok and res.broken_seq == 3


def test_history_shows_who_changed_what_with_masking(store):
    rec = store.insert("officers", {"name": "王五", "id_number": "37990119800101001X", "phone": "13912345678"})
    store.actor = Actor("clerk", "staff", "李工作")
    store.update("officers", rec["id"], {"phone": "13800001111", "post": "执法队员"})
    items = record_history(store, "officers", rec["id"])
    assert [i["action"] for i in items] == ["insert", "update"]
    assert items[1]["actor"] == "clerk"
    changes = {c["label"]: (c["old"], c["new"]) for c in items[1]["changes"]}
    assert changes["联系电话"] == ("139****5678", "138****1111")  # staff sees masked numbers
    assert "version" not in {c["field"] for c in items[1]["changes"]}
    full = record_history(store, "officers", rec["id"], actor=Actor("lead", "leader"))
    assert {c["label"]: c["new"] for c in full[1]["changes"]}["联系电话"] == "13800001111"
    first = {c["label"]: c["new"] for c in items[0]["changes"]}
    assert first["身份证号"] == "379***********001X" and first["姓名"] == "王五"


def test_history_cli_masks_for_anonymous_reader(store, capsys, monkeypatch):
    from sifasuo_desktop.security import accounts
    rec = store.insert("officers", {"name": "赵六", "phone": "13912345678"})
    accounts.create_account(store, "boss", "boss-pass-1", "admin")
    d = store.data_dir
    store.close()
    assert main(["audit", "history", "--data-dir", str(d), "officers", rec["id"]]) == 0
    out = capsys.readouterr().out
    assert "139****5678" in out and "13912345678" not in out and "新建" in out


def test_history_shows_names_for_references_and_yes_no(store):
    body = store.insert("bodies", {"name": "甲镇人民政府"})
    rec = store.insert("officers", {"name": "钱七", "body_id": body["id"], "is_legal_reviewer": 0})
    store.update("officers", rec["id"], {"is_legal_reviewer": 1})
    store.delete("officers", rec["id"])
    items = record_history(store, "officers", rec["id"])
    first = {c["label"]: c["new"] for c in items[0]["changes"]}
    assert first["所属单位"] == "甲镇人民政府" and "已删除" not in first
    assert [(c["old"], c["new"]) for c in items[1]["changes"]] == [("否", "是")]
    assert items[2]["action_label"] == "删除" and items[2]["changes"][0]["new"] == "是"
