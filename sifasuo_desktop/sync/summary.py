"""What an import did: ImportSummary (CLI text, JSON, exit codes) and the import log beside the database."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..store import sync_queries as sq
from .local import sync_dir

now_utc = sq.now_utc


@dataclass
class ImportSummary:
    file: str
    status: str = "applied"           # applied | ignored | held | rejected
    package_id: str | None = None
    sender: str | None = None
    kind: str | None = None
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    held: int = 0
    conflicts: list = field(default_factory=list)
    rejected_reason: str | None = None
    code: str | None = None
    warnings: list = field(default_factory=list)
    released: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def exit_code(self) -> int:
        return {"rejected": 4, "held": 3}.get(self.status, 0)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["released"] = [r.to_dict() if isinstance(r, ImportSummary) else r for r in self.released]
        return d

    def text(self) -> str:
        name = Path(self.file).name
        pre = "【试运行，未写入】" if self.dry_run else ""
        if self.status == "rejected":
            return f"{pre}{name}：已拒绝。原因：{self.rejected_reason}"
        if self.status == "held":
            return f"{pre}{name}：已暂存，等待缺失的同步包或分卷。{'；'.join(self.warnings)}"
        line = (f"{pre}{name}：新增 {self.imported} 条，更新 {self.updated} 条，忽略 {self.ignored} 条，"
                f"冲突 {len(self.conflicts)} 条")
        if self.status == "ignored":
            line += "（重复或无新内容）"
        if self.warnings:
            line += "。提示：" + "；".join(self.warnings)
        for r in self.released:
            line += "\n  " + r.text()
        return line


def exit_code(summaries) -> int:
    codes = {s.exit_code for s in summaries}
    return 4 if 4 in codes else 3 if 3 in codes else 0


def log_attempt(store, summary: ImportSummary) -> None:
    """Every import attempt, with its result, in a file beside the database (not in it)."""
    try:
        rec = {"at": now_utc(), "file": summary.file, "status": summary.status, "package_id": summary.package_id,
               "sender": summary.sender, "code": summary.code, "reason": summary.rejected_reason,
               "imported": summary.imported, "updated": summary.updated, "ignored": summary.ignored,
               "conflicts": len(summary.conflicts), "dry_run": summary.dry_run}
        with open(sync_dir(store) / "import-log.ndjson", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    except OSError:
        pass
