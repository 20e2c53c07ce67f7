"""A package's records are streamed from the store block by block (issue 19: a 100,000-case township is never a
Python list): the full export still sends exactly the owned rows, rows older than the stream first (seq 0), then
by seq, with the same state digest as a whole-table pass."""
import pytest

from sifasuo_desktop.store import sync_queries as sq
from sifasuo_desktop.sync import engine, export, policy
from sifasuo_desktop.sync.package import DATA_FILE, open_package

from .world import World, add_cases


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


def _records(world, path):
    county = world.county
    pkg = open_package(path, engine.local_keys(county), engine.trust_lookup(county), engine.schema_version())
    return pkg.manifest, [(e["seq"], e["table"], e["row"]["id"]) for e in pkg.records(DATA_FILE)]


def _expected(town):
    """The order the export had when it sorted one list of every owned row (before issue 19)."""
    conn, me = town.conn, town.org.code
    sid = town.stream_id
    to = sq.max_seq(conn, sid)
    seq_of = {(t, i): s for t, i, s in sq.changed_records(conn, sid, 0, to)}
    entries = []
    for t in sq.synced_tables(conn):
        for row in sq.owned_rows(conn, t, me):
            if policy.goes_up(t, row, me):
                entries.append((seq_of.get((t, row["id"]), 0), t, row["id"]))
    entries.sort(key=lambda e: e[0])
    return entries


def test_full_export_streams_the_same_records_in_the_same_order(world, monkeypatch):
    town = world.town
    old = add_cases(town, 5)
    with town.transaction():
        town.set_meta("prev_stream_id", town.stream_id)
        town.new_stream()                      # the five cases are older than the current stream
    new = add_cases(town, 7, start=10)
    with town.transaction():
        town.update("cases", old[1], {"party": "改过的当事人"})
        town.update("cases", new[0], {"party": "又改过"})
        town.delete("cases", new[3])
    monkeypatch.setattr(export, "BLOCK", 3)     # several blocks
    result = engine.export_package(town, world.out, snapshot=True)
    manifest, got = _records(world, result.paths[0])
    want = _expected(town)
    assert got == want
    assert [s for s, _, _ in got[:4]] == [0, 0, 0, 0]          # old[1] changed in the new stream: not seq 0
    assert (0, "cases", old[1]) not in got and any(i == old[1] and s > 0 for s, _, i in got)
    assert sum(manifest["counts"].values()) == len(got) == result.records
    keep = lambda t, r: policy.goes_up(t, r, town.org.code)  # noqa: E731
    full_fields = set(town.get_setting(policy.PERSONAL_SETTING, list(policy.DEFAULT_FULL_PERSONAL)) or [])
    row_map = lambda t, r: policy.outgoing_row(t, policy.finite_row(r), full_fields)  # noqa: E731
    assert manifest["state_digest"] == sq.state_digest(town.conn, town.org.code, sq.synced_tables(town.conn),
                                                       keep, row_map)
    s = engine.import_file(world.county, result.paths[0])
    assert s.status == "applied" and not s.warnings, s.text()


def test_changes_export_streams_only_what_changed_since_the_ack(world, monkeypatch):
    town = world.town
    ids = add_cases(town, 6)
    assert world.up().status == "applied"
    assert world.down().status in ("applied", "ignored")       # the county's ack reaches the township
    with town.transaction():
        town.update("cases", ids[2], {"party": "新当事人"})
        town.update("cases", ids[4], {"party": "另一个"})
    monkeypatch.setattr(export, "BLOCK", 1)
    result = engine.export_package(town, world.out)
    manifest, got = _records(world, result.paths[0])
    assert not manifest["full"]
    assert [(t, i) for _, t, i in got] == [("cases", ids[2]), ("cases", ids[4])]
    assert [s for s, _, _ in got] == sorted(s for s, _, _ in got)
    assert engine.import_file(world.county, result.paths[0]).status == "applied"
