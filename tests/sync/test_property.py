"""Item 23: several townships, random edits, lost / duplicated / reordered packages and acks, crashes;
after a final full exchange the county's replica of each township equals that township's own state."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sifasuo_desktop.store import sync_queries as sq
from sifasuo_desktop.sync import engine

from .world import World, owned_state

ACTIONS = ["insert", "update", "delete", "export_up", "export_down", "deliver_up", "deliver_down",
           "lose_up", "lose_down", "crash_up"]


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_county_converges_to_every_township(tmp_path_factory, data):
    n = data.draw(st.integers(3, 5), label="townships")
    world = World(tmp_path_factory.mktemp("prop"), n)
    up, down = [], []          # packages "in the post": (town index, path)
    counter = 0
    try:
        for _ in range(data.draw(st.integers(5, 40), label="steps")):
            action = data.draw(st.sampled_from(ACTIONS), label="action")
            ti = data.draw(st.integers(0, n - 1), label="town")
            town = world.towns[ti]
            live = town.rows("cases")
            if action == "insert" or (action in ("update", "delete") and not live):
                counter += 1
                town.insert("cases", {"case_no": f"案{counter}", "case_type": "其他", "party": f"人{counter}",
                                      "filed_date": "2026-09-01"})
            elif action == "update":
                rec = live[data.draw(st.integers(0, len(live) - 1))]
                counter += 1
                town.update("cases", rec["id"], {"party": f"改{counter}"})
            elif action == "delete":
                rec = live[data.draw(st.integers(0, len(live) - 1))]
                town.delete("cases", rec["id"])
            elif action == "export_up":
                p = world.export(town)
                up.append((ti, p))
                if data.draw(st.booleans(), label="duplicate"):
                    up.append((ti, p))
            elif action == "export_down":
                down.append((ti, world.export(world.county, town.org.code)))
            elif action in ("deliver_up", "lose_up", "crash_up") and up:
                _, p = up.pop(data.draw(st.integers(0, len(up) - 1), label="which"))   # any order
                if action == "deliver_up":
                    assert engine.import_file(world.county, p).status != "rejected"
                elif action == "crash_up":
                    try:
                        engine.import_file(world.county, p, fail_after=data.draw(st.integers(1, 4)))
                    except RuntimeError:
                        pass
            elif action in ("deliver_down", "lose_down") and down:
                i, p = down.pop(data.draw(st.integers(0, len(down) - 1), label="which"))
                if action == "deliver_down":
                    assert engine.import_file(world.towns[i], p).status != "rejected"
        # final full exchange: each township sends everything since the county's last ack it received
        for town in world.towns:
            s = engine.import_file(world.county, world.export(town))
            assert s.status in ("applied", "ignored"), s.text()
        for town in world.towns:
            code = town.org.code
            assert owned_state(world.county, code) == owned_state(town, code)
        assert sq.conflicts(world.county.conn) == []
    finally:
        world.close()
