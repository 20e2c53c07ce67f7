"""The enterprise view reads only what the JC rules need (not the whole ledger); its findings must be exactly the
ones `sifasuo check` reports on that enterprise's inspections and on its bodies' year (JC-06)."""
import datetime as dt

from sifasuo_desktop.store.enterprise_queries import JC_CODES, enterprise_view
from sifasuo_desktop.store.rules_queries import check_store

TODAY = dt.date(2026, 11, 20)


def test_view_findings_match_the_full_check_for_every_demo_enterprise(demo_store):
    full = check_store(demo_store, TODAY, codes=JC_CODES).findings
    insp = demo_store.rows("inspections")
    codes = sorted({(r["target_uscc"] or "").strip().upper() for r in insp} - {""})
    assert len(codes) >= 3, "the demo holds inspections of several enterprises"
    seen_any = 0
    for code in codes:
        v = enterprise_view(demo_store, code, TODAY.year, TODAY)
        ids = {r["id"] for r in v["rows"]}
        got = sorted((r["id"], f["code"], f["message"]) for r in v["rows"] for f in r["findings"])
        want = sorted((f.record_id, f.code, f.message) for f in full
                      if f.record_type == "inspections" and f.record_id in ids)
        assert got == want, code
        bodies = {r["body"] for r in v["rows"]}
        want_b = sorted((f.body, f.message) for f in full if f.record_type == "bodies" and f.body in bodies
                        and f.ref.endswith(f"{TODAY.year}年度"))
        assert sorted((b["body"], b["message"]) for b in v["body_findings"]) == want_b, code
        seen_any += len(got) + len(want_b)
    assert seen_any > 0, "the demo's enterprises carry JC findings, so the comparison means something"


def test_same_named_bodies_of_two_townships_are_counted_apart(store):
    from sifasuo_desktop.domain.validators import make_uscc

    code = make_uscc("91379901MA0000007")
    a = store.insert("bodies", {"name": "示范县城市管理局", "township": "青石镇", "status": "有效"})
    b = store.insert("bodies", {"name": "示范县城市管理局", "township": "东湖镇", "status": "有效"})
    for body, day in ((a, "2026-03-02"), (a, "2026-04-02"), (b, "2026-05-06")):
        store.insert("inspections", {"inspect_date": day, "body_id": body["id"], "target_name": "甲公司",
                                     "target_uscc": code, "inspect_type": "日常检查", "method": "现场检查"})
    v = enterprise_view(store, code, 2026, TODAY)
    assert {p["body"]: p["counted"] for p in v["per_body"]} == {"示范县城市管理局（青石镇）": 2,
                                                               "示范县城市管理局（东湖镇）": 1}
