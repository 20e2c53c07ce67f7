"""Benchmark: render one 2-page 督办函 (warm: fonts already scanned and loaded). Called by bench/."""
from __future__ import annotations

import datetime as _dt
import time

from . import templates as T
from .fonts import default_resolver
from .model import DUBANHAN
from .pdf import render_pdf

FACTS = dict(
    issuer="青山县司法局", office="青山镇司法所", recipient="青山镇人民政府", date=_dt.date(2026, 11, 23),
    doc_no="青司督函〔2026〕3号", found_date=_dt.date(2026, 9, 12), source="行政执法案卷评查",
    earlier_doc_no="青司监意〔2026〕7号", earlier_date=_dt.date(2026, 9, 20),
    earlier_deadline=_dt.date(2026, 10, 20), deadline=_dt.date(2026, 12, 10), contact="刘明",
    phone="0530-1234567", cc=["青山镇党委", "县人民政府办公室"],
    problems=[
        dict(category="执法程序", description="行政处罚案卷中未见法制审核意见，重大执法决定未经法制审核即作出决定",
             case_ref="青综执罚〔2026〕12号案卷"),
        dict(category="文书归档", description="3卷案卷的送达回证缺少受送达人签名，当事人王堃、李赟、张喆的身份证明材料未归档"),
        dict(category="执法主体", description="2名执法人员未取得行政执法证件即参与现场检查"),
    ],
)


def bench_render_dubanhan(repeat: int = 5) -> float:
    """Seconds for one warm render of a 2-page 督办函 (best of `repeat` after one warm-up render)."""
    resolver = default_resolver()
    doc = T.build(DUBANHAN, FACTS)
    first = render_pdf(doc, resolver=resolver)  # warm-up: font scan, font loading
    if first.pages != 2:
        raise RuntimeError(f"bench document has {first.pages} pages, expected 2")
    best = float("inf")
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        render_pdf(T.build(DUBANHAN, FACTS), resolver=resolver)
        best = min(best, time.perf_counter() - t0)
    return best


if __name__ == "__main__":  # pragma: no cover
    print(f"bench_render_dubanhan: {bench_render_dubanhan():.3f} s")
