"""A small township/county world for engine tests: real stores, real keys, real packages."""
from __future__ import annotations

import shutil
from pathlib import Path

from sifasuo_desktop.paths import db_path
from sifasuo_desktop.store import Store
from sifasuo_desktop.store import sync_queries as sq
from sifasuo_desktop.sync import engine
from sifasuo_desktop.sync.keys import parse_identity
from sifasuo_desktop.sync.setup import after_init

COUNTY = "C01"


def make_store(base: Path, role: str, code: str, name: str, parent: str | None = None) -> Store:
    s = Store.open(base / code)
    s.init_org(role, name, code, parent)
    after_init(s)
    return s


def introduce(township: Store, county: Store) -> None:
    engine.trust_identity(township, parse_identity(engine.local_keys(county).identity_document()))
    engine.trust_identity(county, parse_identity(engine.local_keys(township).identity_document()))


class World:
    def __init__(self, base: Path, n_townships: int = 1):
        self.base = Path(base)
        self.out = self.base / "out"
        self.out.mkdir(parents=True, exist_ok=True)
        self.county = make_store(self.base, "county", COUNTY, "示范县司法局")
        self.towns = []
        for i in range(n_townships):
            t = make_store(self.base, "township", f"T{i + 1:02d}", f"第{i + 1}镇司法所", COUNTY)
            introduce(t, self.county)
            self.towns.append(t)

    @property
    def town(self) -> Store:
        return self.towns[0]

    def export(self, src: Store, to: str | None = None, **kw) -> Path:
        return engine.export_package(src, self.out, to, **kw).paths[0]

    def up(self, town: Store | None = None, **kw):
        town = town or self.town
        return engine.import_file(self.county, self.export(town, **kw), **{k: v for k, v in kw.items()
                                                                             if k in ("dry_run",)})

    def down(self, town: Store | None = None):
        town = town or self.town
        return engine.import_file(town, self.export(self.county, town.org.code))

    def close(self):
        self.county.close()
        for t in self.towns:
            t.close()


def add_cases(store: Store, n: int, start: int = 0, **extra) -> list[str]:
    ids = []
    with store.transaction():
        for i in range(start, start + n):
            rec = store.insert("cases", {"case_no": f"案{i:05d}", "case_type": "行政检查", "party": f"当事人{i}",
                                         "filed_date": "2026-10-15", **extra})
            ids.append(rec["id"])
    return ids


def dump(store: Store) -> str:
    return "\n".join(store.conn.iterdump())


def owned_state(store: Store, org: str) -> dict:
    """What `org` owns in the synced tables (except local settings), as a comparable dict."""
    out = {}
    for t in sq.synced_tables(store.conn):
        if t == "settings":
            continue
        rows = sorted(sq.owned_rows(store.conn, t, org), key=lambda r: r["id"])
        if rows:
            out[t] = rows
    return out


def clone_store(store: Store, dest: Path) -> Store:
    """A copy of an installation (database + keys), e.g. a second county PC or an old backup."""
    dest.mkdir(parents=True)
    store.backup_to(db_path(dest))
    shutil.copytree(Path(store.data_dir) / "keys", dest / "keys")
    return Store.open(dest)
