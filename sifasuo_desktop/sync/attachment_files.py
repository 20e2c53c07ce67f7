"""Attachment files in packages: read them for export (files/<sha256>), answer the county's want_files,
stage them before an import's commit and move them into place after it."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from ..domain import limits
from ..store import sync_queries as sq
from .local import sync_dir
from .package import VerifiedPackage

STAGING = ".staging"


def attachment_files(store, rows) -> dict[str, bytes]:
    """Scans/attachments listed in the package (their attachments rows) travel as content-addressed
    files/<sha256>."""
    return read_attachment_files(store, rows)


def read_attachment_files(store, rows, out: dict | None = None) -> dict[str, bytes]:
    out = {} if out is None else out
    for r in rows:
        if r.get("deleted") or not r.get("sha256") or not r.get("stored_path"):
            continue
        name = f"files/{r['sha256']}"
        if name in out or not safe_rel(r["stored_path"]):
            continue
        try:
            data = (store.attachments_dir() / r["stored_path"]).read_bytes()
        except OSError:
            continue            # the row still travels; the file can follow in a later package
        if hashlib.sha256(data).hexdigest() == r["sha256"]:
            out[name] = data
    return out


def wanted_path(store) -> Path:
    return sync_dir(store) / "wanted-files.json"


def wanted_files(store, have: dict) -> dict[str, bytes]:
    """Township: the files the county's last package asked for again (their rows travelled before)."""
    try:
        wanted = json.loads(wanted_path(store).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(wanted, list):
        return {}
    shas = [w for w in wanted if isinstance(w, str) and limits.HEX64.match(w) and f"files/{w}" not in have]
    rows = sq.attachments_by_sha(store.conn, store.org.code, shas)
    return read_attachment_files(store, rows)


def safe_rel(path: str) -> bool:
    """A stored_path that may be written and opened below attachments/ (domain.limits is the rule)."""
    return limits.attachment_path_problem(path) is None



def remember_wanted(store, shas: list) -> None:
    try:
        wanted_path(store).write_text(json.dumps(sorted(set(shas))), "utf-8")
    except OSError:
        pass



def stage_attachment_files(store, pkg: VerifiedPackage, rows: list[dict], sender: str) -> list[tuple[Path, Path]]:
    """Write the package's attachment files to attachments/.staging/<package> BEFORE the commit (an error
    here rolls the import back); returns (staged file, final path) pairs to rename after the commit.
    Files that answer a county's request for missing files are matched to existing rows by hash."""
    root = store.attachments_dir()
    targets: dict[str, Path] = {}
    for r in rows:
        if r.get("deleted") or not r.get("sha256") or not safe_rel(r.get("stored_path") or ""):
            continue
        targets[str(root / r["stored_path"])] = r["sha256"]
    offered = {name[6:] for name in pkg.files if name.startswith("files/")}
    if offered:
        for r in sq.attachments_by_sha(store.conn, sender, sorted(offered)):
            if safe_rel(r.get("stored_path") or ""):
                targets.setdefault(str(root / r["stored_path"]), r["sha256"])
    stage = root / STAGING / pkg.package_id
    out = []
    for i, (dest, sha) in enumerate(sorted(targets.items())):
        data = pkg.files.get(f"files/{sha}")
        dest = Path(dest)
        if data is None or dest.exists() or hashlib.sha256(data).hexdigest() != sha:
            continue
        stage.mkdir(parents=True, exist_ok=True)
        tmp = stage / f"{i:06d}"
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        out.append((tmp, dest))
    return out


def place_staged(store, staged: list[tuple[Path, Path]], summary) -> int:
    """After the commit: move staged files into place. A failure here only leaves the file missing;
    the county asks for it again in its next package (want_files)."""
    placed = 0
    for tmp, dest in staged:
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, dest)
            placed += 1
        except OSError:
            summary.warnings.append(f"附件“{dest.name[:60]}”未能保存，下次同步时将请求对方重新发送")
    for tmp, _ in staged[:1]:
        shutil.rmtree(tmp.parent, ignore_errors=True)
    return placed


def clean_staging(store, max_age_s: int = 3600) -> None:
    """Leftovers of an import killed between commit and rename (the county asks for those files again)."""
    folder = Path(store.data_dir) / "attachments" / STAGING
    try:
        old = [p for p in folder.iterdir() if time.time() - p.stat().st_mtime > max_age_s]
    except OSError:
        return
    for p in old:
        shutil.rmtree(p, ignore_errors=True)
