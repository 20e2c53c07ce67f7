"""Look-ups used when saving records: link officer names to officer records."""
from __future__ import annotations

import json

from sifasuo_desktop.domain.validators import normalize_person_name, split_person_names


def link_officers(store, names, owner_org: str | None = None) -> tuple[list[str], list[str], list[str]]:
    """Resolve names to officer ids. Returns (ids, unknown_names, ambiguous_names).

    A name matching exactly one active (not deleted) officer is linked; names matching nobody or several
    are returned so the caller can report them.
    """
    ids, unknown, ambiguous = [], [], []
    wanted = split_person_names(names) if isinstance(names, str) else [normalize_person_name(n) for n in names or []]
    for name in wanted:
        # stored names may still carry a roster's padding ("王  五"): compare without spaces
        sql = ("SELECT id FROM officers WHERE deleted = 0 AND "
               "replace(replace(replace(name, ' ', ''), char(12288), ''), char(9), '') = ?")
        params: list = [name]
        if owner_org:
            sql += " AND owner_org = ?"
            params.append(owner_org)
        found = [r[0] for r in store.conn.execute(sql, params)]
        if len(found) == 1:
            ids.append(found[0])
        elif not found:
            unknown.append(name)
        else:
            ambiguous.append(name)
    return ids, unknown, ambiguous


def officer_ids_json(store, names) -> str:
    ids, _, _ = link_officers(store, names)
    return json.dumps(ids)


def live_ids(store, table: str, limit: int) -> list[str]:
    """Ids of up to `limit` live records of `table` (to decide between a list and a typed reference)."""
    store.columns(table)
    return [r[0] for r in store.conn.execute(f"SELECT id FROM {table} WHERE deleted = 0 LIMIT ?", (int(limit),))]


def ids_by_number(store, table: str, text: str, limit: int = 2) -> list[str]:
    """Live records of `table` whose display column (案号, 问题编号, name...) equals `text`."""
    col = store.display_column(table)
    store.columns(table)
    return [r[0] for r in store.conn.execute(
        f"SELECT id FROM {table} WHERE deleted = 0 AND {col} = ? LIMIT ?", (text, int(limit)))]
