"""The benchmark's plumbing (bench/core.py) and its ledger figures on a small demo."""
from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import core  # noqa: E402
from bench.core import NOT_BUILT, Result  # noqa: E402


def test_result_status_against_target():
    assert Result("x", 90.0, "ms", 100.0).status == "ok"
    assert Result("x", 100.0, "ms", 100.0).status == "ok"
    assert Result("x", 101.0, "ms", 100.0).status == "MISSED"
    assert Result("x", 5.0, "s").status == ""
    assert Result("x", None, target=1.0).status == ""


def test_value_text():
    assert Result("x", None).value_text() == NOT_BUILT
    assert Result("x", None, note="failed (exit 1)").value_text() == "failed (exit 1)"
    assert Result("x", 1.234, "x").value_text() == "1.23×"
    assert Result("x", 12.34, "ms").value_text() == "12.3 ms"
    assert Result("x", 1234.4, "ms").value_text() == "1234 ms"
    assert Result("x", 0.25, "s").value_text() == "0.25 s"
    assert Result("x", 399.6, "MB").value_text() == "400 MB"


def test_median():
    assert core.median([3.0, 1.0, 2.0]) == 2.0
    assert core.median([1.0, 2.0, 3.0, 10.0]) == 2.5
    with pytest.raises(ValueError):
        core.median([])


def test_format_table_aligns_chinese_columns():
    table = core.format_table([Result("搜索 3 字", 12.0, "ms", 150.0), Result("render", None)])
    lines = table.splitlines()
    assert len(lines) == 4
    widths = {core._width(line) for line in lines}
    assert len(widths) == 1, lines  # every line has the same display width
    assert "n/a (not built yet)" in lines[3]
    assert "ok" in lines[2]


def test_results_from_piece_number_and_dict():
    [r] = core.results_from_piece("render", 0.3, 0.5)
    assert (r.value, r.unit, r.status) == (0.3, "s", "ok")
    rows = core.results_from_piece("sync", {"demo_seconds": 9.0, "export_seconds": 1.5, "import_seconds": 2.0,
                                            "records": 10, "status": "applied"})
    names = [r.name for r in rows]
    assert names == ["sync: export", "sync: import"]
    assert "records=10" in rows[-1].note and "status=applied" in rows[-1].note
    [bad] = core.results_from_piece("x", "oops")
    assert bad.value is None and "unexpected" in bad.note


def test_call_with_context_passes_only_declared_arguments():
    def a(n_cases, workdir=None):
        return (n_cases, workdir)

    def b(repeat=5):
        return repeat

    def c(**kw):
        return sorted(kw)

    ctx = {"n_cases": 7, "workdir": "w", "cases": 7}
    assert core.call_with_context(a, ctx) == (7, "w")
    assert core.call_with_context(b, ctx) == 5
    assert core.call_with_context(c, ctx) == ["cases", "n_cases", "workdir"]


def test_optional_piece_missing_module_is_none_but_broken_module_raises(tmp_path, monkeypatch):
    assert core.optional_piece("sifasuo_desktop.no_such_piece.bench", "f") is None
    pkg = tmp_path / "brokenpiece"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "bench.py").write_text("import not_a_real_module_xyz\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError):
        core.optional_piece("brokenpiece.bench", "f")


def test_machine_info_and_markdown():
    info = core.machine_info()
    assert info["cores"].isdigit() and int(info["cores"]) >= 1
    md = core.results_markdown([Result("a", 1.0, "s", 5.0)], info, {"data": "100 cases"})
    assert "## Machine" in md and info["CPU"] in md and "| a " in md and "100 cases" in md


class _FakeStore:
    def __init__(self, conn):
        self.conn = conn


def test_pick_search_terms_uses_cases_text():
    from bench.runner import pick_search_terms

    conn = sqlite3.connect(":memory:")
    conn.execute("create table cases (party text, cause text, party_type text, deleted int)")
    conn.executemany("insert into cases values (?, ?, ?, 0)", [
        ("张伟", "未经批准擅自占用道路", "自然人"),
        ("示范镇某某有限公司", "无证经营食品小作坊", "法人"),
    ] * 5)
    three, two = pick_search_terms(_FakeStore(conn))
    assert len(three) == 3 and (three in "未经批准擅自占用道路" or three in "无证经营食品小作坊")
    assert two == "张伟"


def test_ledger_figures_on_a_small_demo(tmp_path, qapp):
    from sifasuo_desktop.cli import main as cli_main

    from bench.runner import bench_ledger

    data = tmp_path / "demo"
    assert cli_main(["demo", "--data-dir", str(data), "--cases", "60", "--json"]) == 0
    results = bench_ledger(data, repeat=1)
    names = [r.name for r in results]
    assert names[0] == "cases ledger: first page"
    assert any(n.startswith("search 3 chars") for n in names)
    assert any(n.startswith("search 2 chars (a name)") for n in names)
    assert any(n.startswith("sort by") for n in names)
    for r in results:
        assert r.value is not None and r.value >= 0, r


def test_pick_common_bigram_takes_a_frequent_but_not_universal_pair():
    from bench.runner import pick_common_bigram

    conn = sqlite3.connect(":memory:")
    conn.execute("create table cases (party text, cause text, party_type text, deleted int)")
    causes = ["擅自占用道路"] * 3 + ["无证经营"] * 5 + ["违规燃放烟花"] * 2
    conn.executemany("insert into cases values ('x', ?, '法人', 0)", [(c,) for c in causes])
    # 无证/证经/经营 are in 5 of 10 (the most frequent within 10%..50%); every pair here is ≥ 20%
    assert pick_common_bigram(_FakeStore(conn)) in {"无证", "证经", "经营"}
    conn.execute("delete from cases")
    assert pick_common_bigram(_FakeStore(conn)) is None


def test_merge_notes_keeps_the_hand_written_section():
    new = "# Benchmark results\n\nfigures v2\n"
    old = "# Benchmark results\n\nfigures v1\n\n## Notes\n\nstart-up is slow because ...\n"
    merged = core.merge_notes(new, old)
    assert "figures v2" in merged and "figures v1" not in merged
    assert merged.endswith("## Notes\n\nstart-up is slow because ...\n")
    assert core.merge_notes(new, None) == new
    assert core.merge_notes(new, "no notes here") == new


def test_bundle_startup_without_a_bundle_says_so(tmp_path):
    from bench.runner import bench_bundle_startup

    [r] = bench_bundle_startup(tmp_path / "dist" / "sifasuo" / "sifasuo", tmp_path, runs=1, bare_ms=100.0)
    assert r.value is None and "no bundle" in r.note


def test_run_child_reports_exit_code_and_rss(tmp_path):
    from bench.runner import run_child

    wall, rc, rss, err = run_child([sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"])
    assert rc == 3 and "boom" in err and wall > 0
    assert rss is None or rss > 1


@pytest.mark.skipif(not hasattr(os, "wait4"), reason="peak memory is read from wait4 (Linux)")
def test_run_child_peak_is_the_childs_own_not_the_grown_parents():
    """Issue 19: `check (repeat): peak memory` read 612 MB for a 113 MB run because the bench itself had grown:
    exec hands a forked child the parent's peak. A small child stays small however big the bench is."""
    from bench.runner import LAST_CPU, run_child

    ballast = bytearray(300 * 1024 * 1024)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    wall, rc, rss, err = run_child([sys.executable, "-c", "pass"])
    assert rc == 0 and rss is not None and rss < 100, rss
    assert LAST_CPU[0] is not None and LAST_CPU[0] < wall + 1
    del ballast


def test_run_child_kills_a_child_past_its_timeout():
    from bench.runner import run_child

    wall, rc, rss, err = run_child([sys.executable, "-c", "import time; time.sleep(30)"], timeout=1)
    assert rc != 0 and wall < 20


def test_check_figures_cold_then_from_the_cache(tmp_path):
    """Issue 19: the check row is taken twice, first with the findings cache dropped, and gives CPU time."""
    from sifasuo_desktop.cli import main as cli_main

    from bench.runner import bench_check

    data = tmp_path / "demo"
    assert cli_main(["demo", "--data-dir", str(data), "--cases", "40", "--json"]) == 0
    assert cli_main(["check", "--data-dir", str(data), "--json"]) == 0      # a cache the bench must not reuse
    results = bench_check(data)
    assert [r.name for r in results] == ["check over all records (cold)", "check over all records (cold): peak memory",
                                         "check over all records (repeat)",
                                         "check over all records (repeat): peak memory"]
    assert all(r.value is not None for r in results)
    assert "CPU" in results[0].note and "warnings" in results[0].note and "cache" in results[2].note


def test_check_floor_reads_every_case_and_inspection(tmp_path):
    """Issue 19: the floor row of the county check counts what it read."""
    from sifasuo_desktop.cli import main as cli_main
    from sifasuo_desktop.store import Store

    from bench.runner import bench_check_floor

    data = tmp_path / "demo"
    assert cli_main(["demo", "--data-dir", str(data), "--cases", "30", "--json"]) == 0
    store = Store.open(data, create=False)
    try:
        live = sum(store.conn.execute(f"SELECT count(*) FROM {t} WHERE deleted = 0").fetchone()[0]
                   for t in ("cases", "inspections"))
    finally:
        store.close()
    [r] = bench_check_floor(data, prefix="county: ")
    assert r.name == "county: check (cold): reading the records alone" and r.value is not None
    assert f"{live:,} cases and inspections" in r.note, r.note
