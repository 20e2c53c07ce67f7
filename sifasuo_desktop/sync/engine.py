"""The sync API in one place (sync.md §3.4-3.7), for the CLI, the GUI and tests: `engine.<name>`.

The code lives in modules named for what they hold:
  local.py            this installation's sync/ folder, keys, schema identity
  trust.py            pinning/revoking the other side's keys, finding the peer
  export.py           building a package (changes since the peer's ack, or the full state)
  importer.py         verifying, holding, backing up and applying a package in one transaction
  row_rules.py        the row-by-row decisions of §3.5 (insert/update/ignore/conflict)
  attachment_files.py attachment files in packages (read, want_files, staging before the commit)
  summary.py          ImportSummary and the import log
  decisions.py        actions a person decides (force a held package, resolve a conflict, lock a period)
Imports go one way: engine -> the modules above; decisions -> importer/summary/local/trust; none imports engine.
"""
from __future__ import annotations

from .attachment_files import STAGING  # noqa: F401
from .decisions import (close_reconciliation, force_held, lock_period, resolve_conflict,  # noqa: F401
                        township_status, unlock_period)
from .export import ExportResult, export_package  # noqa: F401
from .importer import BLOCK, DEFAULT_HOLD_DAYS, apply_package, import_file, import_files  # noqa: F401
from .local import local_keys, schema_digest, schema_version, sync_dir  # noqa: F401
from .package import DATA_FILE  # noqa: F401
from .summary import ImportSummary, exit_code, log_attempt  # noqa: F401
from .trust import peer_identity, revoke, trust_identity, trust_lookup  # noqa: F401
from ..store.sync_queries import now_utc  # noqa: F401
