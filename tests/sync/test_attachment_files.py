"""Issue 11 item 3: synced attachment files are written before the commit (staged), so a failure while
writing them leaves nothing applied; a file lost after its row was applied is asked for again."""
from __future__ import annotations

import builtins
import errno
import os

import pytest

from sifasuo_desktop.sync import engine

from .world import World, add_cases, dump


@pytest.fixture()
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


def _attach(world, tmp_path, name="送达回证扫描件.pdf"):
    cid = add_cases(world.town, 1)[0]
    scan = tmp_path / name
    scan.write_bytes(b"%PDF-1.4 scan " + os.urandom(3000))
    return world.town.add_attachment("cases", cid, scan, note="扫描件"), scan


def test_disk_full_while_writing_attachment_changes_nothing(world, tmp_path, monkeypatch):
    att, scan = _attach(world, tmp_path)
    pkg = world.export(world.town)
    county_attachments = str(world.county.data_dir / "attachments")
    real_open = builtins.open

    def full_disk(file, mode="r", *a, **kw):
        if str(file).startswith(county_attachments) and any(c in mode for c in "wxa"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(file, mode, *a, **kw)

    before = dump(world.county)
    monkeypatch.setattr(builtins, "open", full_disk)
    s = engine.import_file(world.county, pkg)
    monkeypatch.undo()
    assert s.status == "rejected" and "没有改变" in s.rejected_reason
    assert dump(world.county) == before                     # before: rows applied, file lost for good
    assert world.county.get("attachments", att["id"]) is None
    s = engine.import_file(world.county, pkg)                # the same package again, disk has room now
    assert s.status == "applied"
    assert (world.county.attachments_dir() / att["stored_path"]).read_bytes() == scan.read_bytes()
    assert not any((world.county.attachments_dir() / engine.STAGING).glob("*/*"))


def test_county_asks_again_for_a_lost_attachment_file(world, tmp_path):
    att, scan = _attach(world, tmp_path)
    assert engine.import_file(world.county, world.export(world.town)).status == "applied"
    copy = world.county.attachments_dir() / att["stored_path"]
    copy.unlink()                                           # lost after the rows were applied
    down = engine.export_package(world.county, world.out, world.town.org.code)
    assert down.manifest["want_files"] == [att["sha256"]]
    assert engine.import_file(world.town, down.paths[0]).status in ("applied", "ignored")
    up = engine.export_package(world.town, world.out)
    assert f"files/{att['sha256']}" in {f["path"] for f in up.manifest["files"]}
    assert up.records == 0                                  # no row changed; only the file travels again
    s = engine.import_file(world.county, up.paths[0])
    assert s.status in ("applied", "ignored")
    assert copy.read_bytes() == scan.read_bytes()
    again = engine.export_package(world.county, world.out, world.town.org.code)
    assert again.manifest["want_files"] == []


def test_attachment_open_is_contained_and_documents_only(world, tmp_path):
    from sifasuo_desktop.domain.errors import UserError
    from sifasuo_desktop.store import workflow_ops as ops
    att, scan = _attach(world, tmp_path)
    assert ops.attachment_path(world.town, att).read_bytes() == scan.read_bytes()
    for evil in ({"stored_path": "../keys/local.secret", "file_name": "整改报告.pdf"},
                 {"stored_path": "/usr/bin/xterm", "file_name": "整改报告.pdf"},
                 {"stored_path": "cases/x/整改报告2.exe", "file_name": "整改报告2.pdf"},
                 {"stored_path": "cases/x/a.pdf", "file_name": "a.exe"}):
        with pytest.raises(UserError) as e:
            ops.attachment_path(world.town, evil)
        assert "不能打开附件" in e.value.message
    link = world.town.attachments_dir() / "cases" / "link.pdf"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(world.town.data_dir / "keys" / "local.secret")
    with pytest.raises(UserError):
        ops.attachment_path(world.town, {"stored_path": "cases/link.pdf", "file_name": "link.pdf"})
    exe = tmp_path / "setup.exe"
    exe.write_bytes(b"MZ")
    with pytest.raises(UserError):
        world.town.add_attachment("cases", att["record_id"], exe)


def test_long_attachment_name_is_shortened_and_still_syncs(world, tmp_path):
    from sifasuo_desktop.domain import limits
    att, scan = _attach(world, tmp_path, name="关于" + "长" * 70 + "的整改报告.pdf")   # 235 bytes in UTF-8
    assert limits.attachment_path_problem(att["stored_path"]) is None and att["stored_path"].endswith(".pdf")
    assert att["file_name"] == scan.name
    assert engine.import_file(world.county, world.export(world.town)).status == "applied"
    assert (world.county.attachments_dir() / att["stored_path"]).read_bytes() == scan.read_bytes()


def test_legacy_unsafe_attachment_stays_local_and_never_blocks_sync(world, tmp_path):
    """An .exe listed before the limits existed: the township's packages leave it out (with a hint) instead
    of being refused by the county for ever."""
    cid = add_cases(world.town, 1)[0]
    world.town.insert("attachments", {"table_name": "cases", "record_id": cid, "file_name": "setup.exe",
                                      "stored_path": f"cases/{cid}/setup.exe", "sha256": "0" * 64, "size": 2})
    up = engine.export_package(world.town, world.out)
    assert any("未同步" in w for w in up.warnings) and "未同步" in up.text()
    s = engine.import_file(world.county, up.paths[0])
    assert s.status == "applied" and world.county.get("cases", cid) is not None
    assert not world.county.rows("attachments") and not any("状态摘要" in w for w in s.warnings)
