"""Issue 12 (m0111): a 自然人's 身份证号 stored in party_code by an older build moves to party_id_number (masked),
as an audited update that travels; organisations' codes, invalid numbers and other bodies' rows stay."""
from sifasuo_desktop.domain.validators import make_id_number, make_uscc
from sifasuo_desktop.security.audit import verify_all
from sifasuo_desktop.store import Store

ID = make_id_number("33010219800101123")
USCC = make_uscc("91330102MA2ABCDE1")


def _old_rows(d):
    """Rows as an older build stored them (written as 法人 and then switched: no split applies)."""
    with Store.open(d) as s:
        s.init_org("township", "示范镇司法所", "330102001", "330102")
        ids = {}
        for key, code, kind in (("person", ID, "自然人"), ("company", USCC, "法人"), ("bad", "33010219800101999X",
                                                                                      "自然人")):
            c = s.insert("cases", {"case_no": f"示罚〔2026〕{len(ids) + 1}号", "case_type": "行政处罚(一般程序)",
                                   "party": "张三", "party_type": "法人", "party_code": code})
            if kind == "自然人":
                s.update("cases", c["id"], {"party_type": "自然人"})
            ids[key] = c["id"]
        other = s.insert("cases", {"case_no": "外罚〔2026〕1号", "case_type": "行政处罚(一般程序)", "party": "李四",
                                   "party_type": "法人", "party_code": ID}, owner_org="330102002")
        s.update("cases", other["id"], {"party_type": "自然人"})
        ids["other"] = other["id"]
        assert s.get("cases", ids["person"])["party_code"] == ID      # the old state
        s.conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm0111_party_id_from_code'")
        s.conn.commit()
        return ids


def test_migration_moves_a_persons_id_number_out_of_party_code(tmp_path):
    d = tmp_path / "d"
    ids = _old_rows(d)
    with Store.open(d) as s:                     # reopening runs the pending migration
        person = s.get("cases", ids["person"])
        assert person["party_code"] is None and person["party_id_number"] == ID
        assert person["updated_by"] == "system:migration"
        assert s.get("cases", ids["company"])["party_code"] == USCC       # an organisation keeps its code
        assert s.get("cases", ids["bad"])["party_code"] == "33010219800101999X"   # not a valid 身份证号
        assert s.get("cases", ids["other"])["party_code"] == ID           # another body's row: its owner fixes it
        # audited and in the change log (it travels up, masked), and the chain has no drift
        last = s.conn.execute("SELECT action, actor FROM audit_log WHERE record_id = ? ORDER BY seq DESC LIMIT 1",
                              (ids["person"],)).fetchone()
        assert tuple(last) == ("update", "system:migration")
        assert s.conn.execute("SELECT max(version) FROM change_log WHERE record_id = ?",
                              (ids["person"],)).fetchone()[0] == person["version"]
        res = verify_all(s.conn, d)
        assert res.ok and res.drift_count == 0, res.reason
        body = s.conn.execute("SELECT body FROM search_index WHERE record_id = ?", (ids["person"],)).fetchone()
        assert body is None or ID not in body[0]
