"""Import benchmark: a 10,000-row cases sheet into a fresh demo store.

    .venv/bin/python -c "from sifasuo_desktop.xlsx.bench import bench_import_10k; print(bench_import_10k())"
"""
from __future__ import annotations

import datetime as _dt
import random
import tempfile
import time
from pathlib import Path


def build_cases_sheet(path, n: int = 10000, officer_names: list[str] | None = None, seed: int = 7) -> Path:
    """A cases ledger as offices keep it: title + 填报单位 rows, mixed date forms, amounts with 元/万元."""
    import openpyxl

    r = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("执法案件台账")
    ws.append(["示范镇行政执法案件台账"])
    ws.append(["填报单位：示范镇司法所", None, None, None, "填报日期：2026年11月20日"])
    header = ["序号", "案件编号", "办案单位", "案件类型", "案由", "当事人", "当事人类型", "立案时间", "处罚决定日期",
              "处罚种类", "罚款(元)", "执法人员", "是否重大", "公示时间", "备注"]
    ws.append(header)
    names = officer_names or ["张三", "李四"]
    bodies = ["示范镇人民政府", "示范镇综合行政执法队"]
    base = _dt.date(2023, 1, 1)
    for i in range(n):
        d = base + _dt.timedelta(days=r.randrange(0, 1000))
        form = i % 4
        filed = (d if form == 0 else d.strftime("%Y/%m/%d") if form == 1 else
                 f"{d.year}年{d.month}月{d.day}日" if form == 2 else (d - _dt.date(1899, 12, 30)).days)
        decided = d + _dt.timedelta(days=r.randrange(1, 40))
        fine = r.choice([200, 500, 1000, 3000])
        ws.append([i + 1, f"示综罚〔{d.year}〕{i + 1}号", bodies[i % 2], "行政处罚(一般程序)", "占道经营",
                   f"当事人{i}", "自然人", filed, decided.isoformat(), "罚款", f"{fine}元" if i % 3 else fine,
                   "、".join(r.sample(names, 2)), "否", (decided + _dt.timedelta(days=5)).isoformat(), ""])
    wb.save(str(path))
    return Path(path)


def bench_import_10k(n: int = 10000, workdir=None) -> float:
    """Seconds to plan and apply a 10,000-row cases sheet into a fresh demo store (target < 20 s)."""
    from sifasuo_desktop.demo import generate
    from sifasuo_desktop.store import Store
    from sifasuo_desktop.security.backup import backup_before
    from sifasuo_desktop.store.import_apply import apply_plan
    from sifasuo_desktop.xlsx.planner import plan_import

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        tmp = Path(tmp)
        store = Store.open(tmp / "data")
        try:
            generate(store, cases=50, seed=1)
            officers = [o["name"] for o in store.rows("officers")][:8]
            sheet = build_cases_sheet(tmp / "cases.xlsx", n, officers)
            t0 = time.perf_counter()
            plan = plan_import(store, sheet)
            if plan.errors:
                raise RuntimeError(f"bench sheet refused: {plan.errors[:3]}")
            backup_before(store, "xlsx-import")      # as the CLI and the GUI do
            summary = apply_plan(store, plan)
            seconds = time.perf_counter() - t0
            assert summary["created"] == n, summary
        finally:
            store.close()
    return round(seconds, 2)


if __name__ == "__main__":
    print(f"bench_import_10k: {bench_import_10k()} s")
