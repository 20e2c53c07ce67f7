"""The county's ranking of townships by a 质效 index (issue 16). Plain Python: the numbers come in, the
index, the ranks and the 满意率 go out.

Each indicator gives points in [0, 1]; the score is 100 × the weighted mean of the points of the indicators
that have data (an indicator without data — no decisions to publish, no surveys — drops out and the other
weights count in its place). Weights are the county's (setting RANKING_SETTING, pushed down with the rules).
"""
from __future__ import annotations

from dataclasses import dataclass

RANKING_SETTING = "county.ranking_weights"
SATISFACTION_TARGET = 0.93          # the seeds' target: 满意率 ≥ 93 %
OVERDUE_STEP = 0.10                 # each 逾期未销号 problem costs 10 % of that indicator's points
FINDINGS_ZERO_AT = 20.0             # 20 JC/RY findings per 100 actions (or more) give no points


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    weight: float                   # default weight
    kind: str = "rate"              # rate (higher better, 0..1) | overdue (count) | per100 (lower better)


INDICATORS = (
    Indicator("publication_rate", "公示及时率", 15),
    Indicator("legal_review_rate", "法制审核率", 10),
    Indicator("certified_rate", "持证率", 10),
    Indicator("training_rate", "培训达标率", 10),
    Indicator("rectification_rate", "整改率", 15),
    Indicator("overdue_problems", "逾期未销号", 5, "overdue"),
    Indicator("review_good_rate", "评查优良率", 15),
    Indicator("findings_per_100", "JC/RY预警每百件", 10, "per100"),
    Indicator("satisfaction_rate", "满意率", 10),
)
BY_KEY = {i.key: i for i in INDICATORS}
BY_LABEL = {i.label: i for i in INDICATORS}


def default_weights() -> dict[str, float]:
    return {i.key: float(i.weight) for i in INDICATORS}


def effective_weights(stored) -> dict[str, float]:
    """Defaults with the county's stored weights ({key: number ≥ 0}); anything else is ignored."""
    out = default_weights()
    if isinstance(stored, dict):
        for k, v in stored.items():
            if k in out and not isinstance(v, bool) and isinstance(v, (int, float)) and 0 <= v < 1e6:
                out[k] = float(v)
    return out


def parse_weights(pairs: list[str]) -> dict[str, float]:
    """`KEY=N` (KEY: an indicator key or its Chinese label) → {key: N}; ValueError with a Chinese message."""
    from .validators import to_halfwidth

    out: dict[str, float] = {}
    for pair in pairs:
        key, sep, raw = to_halfwidth(pair).partition("=")
        key, raw = key.strip(), raw.strip()
        ind = BY_KEY.get(key) or BY_LABEL.get(key)
        if not sep or ind is None:
            known = "、".join(f"{i.key}（{i.label}）" for i in INDICATORS)
            raise ValueError(f"“{pair}”应写成 指标=权重，指标可用：{known}。")
        try:
            num = float(raw)
        except ValueError:
            raise ValueError(f"{ind.label}的权重应为数字：“{raw}”。") from None
        if not 0 <= num < 1e6:
            raise ValueError(f"{ind.label}的权重应为不小于0的数字。")
        out[ind.key] = num
    if out and not any(out.values()) and len(out) == len(INDICATORS):
        raise ValueError("权重不能全部为0。")
    return out


def rate(num, den):
    return round(num / den, 4) if den else None


def satisfaction_rate(surveys: list[dict]):
    """满意率 = (满意 + 基本满意) / 样本数 over the surveys (ledgers.md 执法满意度调查)."""
    sample = sum(int(s.get("sample_count") or 0) for s in surveys)
    ok = sum(int(s.get("satisfied_count") or 0) + int(s.get("basic_count") or 0) for s in surveys)
    return rate(min(ok, sample), sample)


def points(ind: Indicator, value) -> float | None:
    if value is None:
        return None
    if ind.kind == "overdue":
        return max(0.0, 1.0 - OVERDUE_STEP * float(value))
    if ind.kind == "per100":
        return max(0.0, 1.0 - float(value) / FINDINGS_ZERO_AT)
    return max(0.0, min(1.0, float(value)))


def score(values: dict, weights: dict[str, float]) -> float | None:
    """100 × weighted mean of the points of the indicators with data; None when none has data."""
    num = den = 0.0
    for ind in INDICATORS:
        p = points(ind, values.get(ind.key))
        w = weights.get(ind.key, 0.0)
        if p is None or w <= 0:
            continue
        num += w * p
        den += w
    return round(100.0 * num / den, 2) if den else None


def rank(rows: list[dict], weights: dict[str, float]) -> list[dict]:
    """rows: {"township", "org_code", <indicator keys>} → the same with "score" and "rank", best first.
    Equal scores share a rank (1, 2, 2, 4); a township without any data comes last with score 0."""
    for r in rows:
        s = score(r, weights)
        r["score"] = 0.0 if s is None else s
        r["has_data"] = s is not None
    rows.sort(key=lambda r: (not r["has_data"], -r["score"], r.get("org_code") or ""))
    prev, prev_rank = None, 0
    for i, r in enumerate(rows, 1):
        key = (r["has_data"], r["score"])
        r["rank"] = prev_rank if key == prev else i
        prev, prev_rank = key, r["rank"]
    return rows
