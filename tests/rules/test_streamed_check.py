"""Issue 19: the streamed check (cases chunk by chunk) finds exactly what run_all finds over every case at once,
and the shortcuts of DQ-01, DQ-02 and CF-01 give what the plain computations give."""
import datetime as dt
import random

import pytest

from sifasuo_desktop.demo import generate
from sifasuo_desktop.domain import rules as R
from sifasuo_desktop.domain.rules import dataquality, discretion
from sifasuo_desktop.domain.validators import normalize_number, to_halfwidth
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import rules_queries as rq

TODAY = dt.date(2026, 12, 4)


@pytest.fixture(scope="module")
def dirty_store(tmp_path_factory):
    """A demo township with bad values, shared and unnormalised 案号, and a 首违不罚 repeat offender."""
    s = Store.open(tmp_path_factory.mktemp("streamed") / "demo")
    generate(s, cases=400, seed=11)
    c = s.conn
    cases = c.execute("SELECT id, case_no, body_id, owner_org, party, power_id, decision_date FROM cases "
                      "WHERE deleted = 0 AND decision_date IS NOT NULL AND party IS NOT NULL "
                      "AND case_no LIKE '%〔%' ORDER BY rowid").fetchall()
    ids = [r[0] for r in cases]
    c.execute("UPDATE cases SET decision_date = '9999-12-31' WHERE id = ?", (ids[0],))
    c.execute("UPDATE cases SET fine_amount = 1e400 WHERE id = ?", (ids[1],))
    c.execute("UPDATE cases SET filed_date = '2026/01/02' WHERE id = ?", (ids[2],))
    c.execute("UPDATE cases SET extension_days = 2.5 WHERE id = ?", (ids[3],))
    a, b, d, e = cases[10], cases[11], cases[12], cases[13]
    # the same 案号 as stored, and the same one spelt with full-width digits and other brackets
    c.execute("UPDATE cases SET case_no = ?, body_id = ?, owner_org = ? WHERE id = ?", (a[1], a[2], a[3], b[0]))
    wide = a[1].translate({ord(ch): ord(ch) + 0xFEE0 for ch in "0123456789"}).replace("〔", "[").replace("〕", "]")
    c.execute("UPDATE cases SET case_no = ?, body_id = ?, owner_org = ? WHERE id = ?", (" " + wide, a[2], a[3], d[0]))
    # two unnormalised spellings of one number nobody stores in normal form
    c.execute("UPDATE cases SET case_no = ?, body_id = ?, owner_org = ? WHERE id = ?",
              (e[1].replace("〕", "〕第0") + "x", e[2], e[3], cases[14][0]))
    c.execute("UPDATE cases SET case_no = ?, body_id = ?, owner_org = ? WHERE id = ?",
              (e[1].replace("〕", "〕 ") + "x", e[2], e[3], cases[15][0]))
    # a pair as stored only, and a stored number with one unnormalised spelling only
    f, g, h, k = cases[16], cases[17], cases[18], cases[19]
    c.execute("UPDATE cases SET case_no = ?, body_id = ?, owner_org = ? WHERE id = ?", (f[1], f[2], f[3], g[0]))
    c.execute("UPDATE cases SET case_no = ?, body_id = ?, owner_org = ? WHERE id = ?",
              (h[1].replace("〔", "【").replace("〕", "】"), h[2], h[3], k[0]))
    # 首违不罚 for a party decided for the same violation a month before (the name in full-width brackets)
    first, again = cases[20], cases[21]
    later = (dt.date.fromisoformat(first[6]) + dt.timedelta(days=30)).isoformat()
    c.execute("UPDATE cases SET party = ?, party_code = NULL, party_id_number = NULL, power_id = ? WHERE id = ?",
              ("示范县(东风)商店", first[5], first[0]))
    c.execute("UPDATE cases SET party = ?, party_code = NULL, party_id_number = NULL, power_id = ?, outcome = ?, "
              "decision_date = ?, status = '已决定' WHERE id = ?",
              ("示范县（东风）商店", first[5], " 首违不罚", later, again[0]))
    first_inspection = c.execute("SELECT min(rowid) FROM inspections WHERE deleted = 0").fetchone()[0]
    c.execute("UPDATE inspections SET inspect_date = '10000-01-01' WHERE rowid = ?", (first_inspection,))
    # another body inspects an enterprise five days after a counted inspection (JC-02)
    r = dict(zip(("target_name", "target_uscc", "inspect_date", "body_id"), c.execute(
        "SELECT target_name, target_uscc, inspect_date, body_id FROM inspections WHERE deleted = 0 AND is_joint = 0 "
        "AND inspect_type = '日常检查' AND target_uscc IS NOT NULL AND length(inspect_date) = 10 "
        "AND coalesce(method, '') IN ('', '现场检查') ORDER BY rowid LIMIT 1").fetchone()))
    other = c.execute("SELECT id FROM bodies WHERE deleted = 0 AND id != ? LIMIT 1", (r["body_id"],)).fetchone()[0]
    s.insert("inspections", dict(r, body_id=other, inspect_type="日常检查", officer_names="甲",
                                 inspect_date=(dt.date.fromisoformat(r["inspect_date"]) + dt.timedelta(days=5)).isoformat()))
    c.commit()
    yield s
    s.close()


def _whole(store, codes=None):
    return R.run_all(rq.load_data(store), rq.load_params(store), TODAY, rq.load_calendar(store), codes=codes)


def _streamed(store, chunk_rows, codes=None):
    data = rq.load_data(store, [t for t in rq.COLUMNS if t not in R.STREAMED_TABLES])
    return R.run_streamed(data, rq.streamed_records(store, chunk_rows), rq.load_params(store), TODAY,
                          rq.load_calendar(store), codes=codes)


def test_streamed_check_equals_the_whole_list_check(dirty_store):
    whole = _whole(dirty_store)
    codes = {f.code for f in whole}
    # the data reach every path of the streamed check
    assert {"DQ-01", "DQ-02", "CF-01", "GS-01", "RY-01", "RY-02", "RY-06", "FZ-02", "CF-03"} <= codes
    assert {"JC-01", "JC-02", "JC-03", "JC-04", "JC-05", "JC-06"} <= codes
    assert {f.record_type for f in whole if f.code == "DQ-01"} >= {"cases", "inspections"}
    assert {f.record_type for f in whole if f.code == "RY-01"} == {"cases", "inspections"}
    assert {"FQ-01", "FQ-02"} & codes
    assert sum(f.code == "DQ-02" for f in whole) >= 9
    assert any(f.code == "CF-01" and "东风" in f.message for f in whole)
    for chunk_rows in (7, 64, 100000):
        assert _streamed(dirty_store, chunk_rows) == whole


def test_streamed_check_of_some_rules(dirty_store):
    for codes in (["DQ-02"], ["CF-01", "FQ-01"], ["RY-02", "GS-01"], ["DQ-01"], ["JC-02"], ["JC-01", "JC-06"]):
        whole = _whole(dirty_store, codes)
        assert whole
        assert _streamed(dirty_store, 9, codes) == whole


def test_a_rule_failing_in_a_later_chunk_is_dropped_whole(dirty_store, monkeypatch):
    """As in run_all: one DQ-01 finding names the rule, none of its findings stay (not those of earlier chunks)."""
    victim = dirty_store.conn.execute("SELECT id FROM cases WHERE deleted = 0 ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    plain = R.RULES["TZ-01"]

    def tz01(ctx, data, p):
        for c in data.get("cases", ()):
            if c["id"] == victim:
                raise ValueError("boom")
        return plain(ctx, data, p)

    monkeypatch.setitem(R.RULES, "TZ-01", tz01)
    whole = _whole(dirty_store)
    assert any(f.record_id == "rule:TZ-01" for f in whole) and not any(f.code == "TZ-01" for f in whole)
    assert _streamed(dirty_store, 13) == whole


def test_counting_inspections_failing_drops_jc01_and_jc02(dirty_store, monkeypatch):
    from sifasuo_desktop.domain.rules import inspections

    real = inspections._counted
    calls = []

    def counted(data):
        calls.append(1)
        if len(calls) > 1 and data.get("inspections"):
            raise TypeError("boom")
        return real(data)

    monkeypatch.setattr(inspections, "_counted", counted)
    found = _streamed(dirty_store, 11)
    assert {f.record_id for f in found if f.code == "DQ-01"} >= {"rule:JC-01", "rule:JC-02"}
    assert not any(f.code in ("JC-01", "JC-02") for f in found)
    assert any(f.code == "JC-03" for f in found)


def test_check_uses_the_stream_and_keeps_its_output(dirty_store, monkeypatch):
    """check_lines (the CLI's path) gives the whole-list findings also with a tiny chunk size."""
    expect = [rq.findings_cache.finding_line(f) for f in rq.apply_handlings(dirty_store, _whole(dirty_store))]
    monkeypatch.setattr(rq, "CASE_CHUNK", 5)
    lines, _notices, _day = rq.check_lines(dirty_store, today=TODAY, use_cache=False)
    assert lines == expect


def test_dq01_column_check_keeps_bools_apart_from_numbers():
    """True == 1 in a set: a column mixing them is checked record by record (True is no 延期天数)."""
    rows = [{"id": "a", "extension_days": 1}, {"id": "b", "extension_days": True}, {"id": "c", "extension_days": 0}]
    _clean, bad = dataquality.scan({"cases": rows})
    assert [rec["id"] for _t, rec, _p in bad] == ["b"]
    clean, bad = dataquality.scan({"cases": rows[:1] + rows[2:]})
    assert bad == [] and clean["cases"] is not None and len(clean["cases"]) == 2
    nan = float("nan")
    _clean, bad = dataquality.scan({"cases": [{"id": "n", "fine_amount": nan}, {"id": "m", "fine_amount": float("nan")}]})
    assert [rec["id"] for _t, rec, _p in bad] == ["n", "m"]


_CHARS = list("示综执罚〔〕2025第0１２号号 [](（）)【】［］\u3000\u00a0\t\n－．／Ａa٣𝟘xX") + ["〔2025〕", "〕0", "〕00"]


def test_normal_form_shortcut_of_numbers_matches_normalize_number():
    rng = random.Random(19)
    for _ in range(40000):
        text = "".join(rng.choice(_CHARS) for _ in range(rng.randint(0, 12)))
        assert dataquality._normal_number(text) == normalize_number(text), repr(text)
    for value in (None, "", 5):
        assert dataquality._normal_number(value) == normalize_number(value)


def _plain_key(text):
    if text is None:
        return ""
    out = to_halfwidth(str(text)).strip().replace("（", "(").replace("）", ")")
    return "".join(out.split())


def test_party_key_shortcut_matches_the_plain_key():
    rng = random.Random(15)
    for _ in range(40000):
        text = "".join(rng.choice(_CHARS) for _ in range(rng.randint(0, 10)))
        assert discretion._key(text) == _plain_key(text), repr(text)
    for value in (None, 12, 1.5):
        assert discretion._key(value) == _plain_key(value)


def test_ry02_ry06_shortcuts_fire_on_the_same_days_for_a_shared_officer_list():
    """Records sharing an officer list: the once-per-list threshold day passes over exactly those that cannot fire."""
    from tests.rules.helpers import case, officer, run

    offs = [officer("甲", cert_expiry="2025-06-10"), officer("乙", cert_expiry="2025-06-20"), officer("丙")]
    days = ["2025-06-09", "2025-06-10", "2025-06-11", "2025-06-15", "2025-06-21", None]
    cases = [case(officer_names="甲、乙", filed_date=d, decision_date=None) for d in days]
    cases += [case(officer_names="丙、丁", filed_date=d, decision_date=None) for d in days]   # 丁 is unregistered
    cases += [case(officer_names="甲、丙", filed_date="2025-07-01", decision_date=None)]
    found = {f.record_id: f.message for f in run("RY-02", "2025-12-01", officers=offs, cases=cases)}
    fired = [(c["officer_names"], c["filed_date"], found.get(c["id"], "")) for c in cases if c["id"] in found]
    assert [(n, d) for n, d, _m in fired] == [("甲、乙", "2025-06-11"), ("甲、乙", "2025-06-15"), ("甲、乙", "2025-06-21"),
                                             *[("丙、丁", d) for d in days], ("甲、丙", "2025-07-01")]
    assert "乙" not in fired[1][2] and "乙" in fired[2][2] and "丙" not in fired[-1][2]

    left = [officer("戊", duty_status="离岗", left_date="2025-06-10"), officer("己", duty_status="退休", left_date="2025-06-20"),
            officer("庚")]
    cases = [case(officer_names="戊、己", filed_date=d, decision_date=None) for d in days]
    cases += [case(officer_names="庚", filed_date=d, decision_date=None) for d in days]
    found = {f.record_id: f.message for f in run("RY-06", "2025-12-01", officers=left, cases=cases)}
    fired = [(c["filed_date"], found[c["id"]]) for c in cases if c["id"] in found]
    assert [d for d, _m in fired] == ["2025-06-10", "2025-06-11", "2025-06-15", "2025-06-21"]
    assert "己" not in fired[0][1] and "己" in fired[-1][1]
    # one name, two officers who both left: fires once the later of them had left
    twins = [officer("辛", id="x1", duty_status="离岗", left_date="2025-06-10"),
             officer("辛", id="x2", duty_status="调离", left_date="2025-06-20", body_id="b2")]
    cases = [case(officer_names="辛", filed_date=d, decision_date=None, body_id="b3") for d in days]
    found = run("RY-06", "2025-12-01", officers=twins, cases=cases)
    assert sorted(f.message[:10] for f in found) == ["2025-06-21"]


def _chunked(rows, n):
    return [rows[i:i + n] for i in range(0, len(rows), n)]


def test_cf01_pool_keeps_the_boundary_cases_of_each_target():
    """首违不罚 on 2026-03-15 after cases of the party decided on the 24-month boundary day (counts), the day before
    it (does not), the same day (does not); a target whose bad 决定日期 DQ-01 blanks is no target."""
    from tests.rules.helpers import BODY, OFFICERS, case

    def c(day, **kw):
        rec = dict(decision_date=day, party="示范县甲商店", power_id="p1", case_type="行政处罚(一般程序)",
                   filed_date="2024-01-01", status="已决定")
        return case(**dict(rec, **kw))

    cases = [c("2024-03-15", case_no="A"), c("2024-03-14", case_no="B"), c("2026-03-15", case_no="C"),
             c("2026-03-15", case_no="T", outcome="首违不罚"), c("9999-12-31", case_no="X", outcome="首违不罚"),
             c("2025-01-01", case_no="D", power_id="p2", cause="另一违法行为"),
             c("2025-06-01", case_no="E", party="示范县乙商店"), c("2025-02-01", case_no="F", outcome="首违不罚",
                                                             party="示范县乙商店"),
             # codes compared upper-case, half-width: found by code whatever the names
             c("2026-03-15", case_no="G", outcome="首违不罚", party="丙", party_code="91379901MA0000001X"),
             c("2025-05-01", case_no="H", party="丙公司", party_code="91379901ma0000001x"),
             c("2025-05-02", case_no="I", party="丙有限公司", party_code="９１379901MA0000001X"),
             c("2025-05-03", case_no="J", party="丙", party_code="91379901MA0000002X")]
    data = {"bodies": [BODY], "officers": OFFICERS}
    whole = R.run_all(dict(data, cases=cases), None, TODAY, codes=["CF-01"])
    assert [(f.ref, f.message.count("A，")) for f in whole] == [("G", 0), ("T", 1)]
    assert "H，2025-05-01决定等2件" in whole[0].message
    for n in (1, 3, 100):
        streamed = R.run_streamed(data, R.StreamedRecords(case_chunks=_chunked(cases, n), cf01_candidates=cases),
                                  None, TODAY, codes=["CF-01"])
        assert streamed == whole


def test_cf03_remembered_lookups_follow_the_organisation_and_the_level():
    """The same 裁量基准编码 and 阶次 on cases of two organisations: each gets its own organisation's range."""
    from tests.rules.helpers import BODY, OFFICERS, case

    standards = [{"id": "s1", "owner_org": "T1", "code": "JZ-1", "level": "一般", "fine_min": 100, "fine_max": 500},
                 {"id": "s2", "owner_org": "T2", "code": "JZ-1", "level": "一般", "fine_min": 1000, "fine_max": 2000},
                 {"id": "s3", "owner_org": "T1", "code": "JZ-1", "level": "较重", "fine_min": 500, "fine_max": 900}]

    def c(org, fine, level="一般", code="JZ-1"):
        return case(owner_org=org, fine_amount=fine, discretion_code=code, discretion_level=level)

    cases = [c("T1", 300), c("T2", 300), c("T1", 1500), c("T2", 1500), c("T1", 300, " 一般 "), c("T1", 300, "从轻"),
             c("T1", 300, code="ＪＺ-1"), c("T1", 300, code="JZ-9"), c("T3", 300), c("T3", 950, "较重")]
    data = {"bodies": [BODY], "officers": OFFICERS, "discretion_standards": standards}
    found = {f.record_id: f for f in R.run_all(dict(data, cases=cases), None, TODAY, codes=["CF-03"])}
    assert [(found[x["id"]].severity if x["id"] in found else "") for x in cases] == [
        "", "red", "red", "", "", "yellow", "", "yellow", "", "red"]
    assert "1000–2000元" in found[cases[1]["id"]].message and "100–500元" in found[cases[2]["id"]].message
    streamed = R.run_streamed(data, R.StreamedRecords(case_chunks=_chunked(cases, 3)), None, TODAY, codes=["CF-03"])
    assert streamed == sorted(found.values(), key=R.sort_key)
