"""Certificate events travel up with the officer whose status they set; the county sees the same history."""
import pytest

from sifasuo_desktop.store.cert_events import record_event

from .world import World


@pytest.fixture()
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


def test_events_and_the_officer_status_reach_the_county(world):
    town = world.town
    o = town.insert("officers", {"name": "张三", "cert_no": "37990001", "cert_status": "有效", "duty_status": "在岗"})
    record_event(town, {"officer_id": o["id"], "event_type": "离岗", "event_date": "2025-03-01", "reason": "借调"})
    record_event(town, {"officer_id": o["id"], "event_type": "返岗", "event_date": "2025-09-01", "result": "合格"})
    s = world.up()
    assert s.status == "applied" and not s.conflicts
    county = world.county
    events = sorted((e["event_type"], e["event_date"]) for e in county.rows("cert_events"))
    assert events == [("离岗", "2025-03-01"), ("返岗", "2025-09-01")]
    got = county.get("officers", o["id"])
    assert (got["duty_status"], got["left_date"]) == ("在岗", "2025-03-01")
    assert got["version"] == town.get("officers", o["id"])["version"]  # stored as sent: no re-derivation on apply
    # a later event goes up as one more row and one more officer version
    record_event(town, {"officer_id": o["id"], "event_type": "暂扣", "event_date": "2025-10-01"})
    assert world.up().status == "applied"
    assert county.get("officers", o["id"])["cert_status"] == "暂扣" and county.count("cert_events") == 3
