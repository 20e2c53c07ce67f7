"""A township's handled findings travel to the county; a forged handling row is refused whole."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from sifasuo_desktop.domain import handling as H
from sifasuo_desktop.store.handling_ops import handle_finding
from sifasuo_desktop.store.rules_queries import check_store
from sifasuo_desktop.sync import engine

from tests.sync.helpers import CJK
from tests.sync.test_malicious import entry, forge, with_
from tests.sync.world import World, add_cases, dump

TODAY = dt.date(2026, 12, 3)


@pytest.fixture()
def world(tmp_path):
    w = World(tmp_path, n_townships=1)
    yield w
    w.close()


def _finding(store):
    cid = add_cases(store, 1, decision_date="2024-03-01", published_date=None)[0]
    res = check_store(store, today=TODAY)
    mine = [f for f in res.findings if f.record_id == cid]
    assert mine, "the test case should raise a warning"
    return mine[0]


def test_handling_travels_to_the_county(world):
    town = world.town
    f = _finding(town)
    handle_finding(town, f.code, f.record_type, f.record_id, "无法纠正", "2024年的公示无法补做")
    s = engine.import_file(world.county, world.export(town))
    assert s.status == "applied", s.rejected_reason
    got = [g for g in check_store(world.county, today=TODAY).findings
           if (g.code, g.record_id) == (f.code, f.record_id)]
    assert got and got[0].handled and got[0].handling == "无法纠正：2024年的公示无法补做"


def _handling_row(world, f, **kw):
    town = world.town
    row = handle_finding(town, f.code, f.record_type, f.record_id, "已知悉", "理由")
    return with_(dict(row), **kw)


def test_forged_handlings_are_refused(world):
    f = _finding(world.town)
    engine.import_file(world.county, world.export(world.town))
    before = dump(world.county)
    cases = {
        "unknown disposition": dict(disposition="已删除"),
        "overlong reason": dict(reason="长" * (H.MAX_REASON + 1)),
        "empty reason": dict(reason=""),
        "unknown record type": dict(record_type="accounts"),
        "unknown rule": dict(rule_code="XX-01"),
        "id does not match the identity": dict(id=str(uuid.uuid4())),
        "reason is a number": dict(reason=5),
        "reason with a line break": dict(reason="第一行\n第二行"),
    }
    for label, kw in cases.items():
        row = _handling_row(world, f, version=50, **kw)
        s = engine.import_file(world.county, forge(world, [entry(row, H.TABLE)]))
        assert s.status == "rejected" and s.exit_code == 4, (label, s.status)
        assert CJK.search(s.rejected_reason), label
        assert dump(world.county) == before, label


def test_a_restored_record_comes_back_at_the_county_with_the_same_values(world):
    from sifasuo_desktop.store.handling_ops import restore_record

    town = world.town
    cid = add_cases(town, 1)[0]
    engine.import_file(world.county, world.export(town))
    original = dict(world.county.get("cases", cid))
    town.delete("cases", cid)
    engine.import_file(world.county, world.export(town))
    assert world.county.get("cases", cid)["deleted"] == 1
    restore_record(town, "cases", cid)
    s = engine.import_file(world.county, world.export(town))
    assert s.status == "applied"
    back = world.county.get("cases", cid)
    skip = {"version", "updated_at", "updated_by", "deleted"}
    assert back["deleted"] == 0 and back["version"] == original["version"] + 2
    assert {k: v for k, v in back.items() if k not in skip} == {k: v for k, v in original.items() if k not in skip}


def test_restoring_a_case_whose_number_is_in_use_again_is_refused(world):
    from sifasuo_desktop.domain.errors import UserError
    from sifasuo_desktop.store.handling_ops import deleted_records, restore_record

    town = world.town
    cid = add_cases(town, 1)[0]
    rec = town.get("cases", cid)
    town.delete("cases", cid)
    assert [r["id"] for r in deleted_records(town, "cases")] == [cid]
    town.insert("cases", {"case_no": rec["case_no"], "body_id": rec["body_id"], "case_type": rec["case_type"]})
    with pytest.raises(UserError) as exc:
        restore_record(town, "cases", cid)
    assert "案号" in exc.value.message and town.get("cases", cid)["deleted"] == 1
    with pytest.raises(UserError):
        restore_record(town, "accounts", cid)
