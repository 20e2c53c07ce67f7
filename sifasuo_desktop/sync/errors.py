"""Sync errors: each carries a Chinese reason for the user and a short machine code for tests/logs."""
from __future__ import annotations

from ..domain.errors import UserError


class SyncError(UserError):
    """A package or key problem. `code` is a stable machine-readable reason."""

    exit_code = 4

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"SyncError({self.code!r}, {self.message!r})"


# Codes used across the package (kept together so the UI can map them if needed).
CORRUPT = "corrupt"              # AEAD/framing failure: damaged or truncated
NOT_A_PACKAGE = "not_a_package"  # wrong magic / not our format
SUITE = "suite"                  # unknown crypto suite
NOT_FOR_ME = "not_for_me"        # recipient is another installation
UNKNOWN_KEY = "unknown_key"      # sender key not trusted here
REVOKED_KEY = "revoked_key"
BAD_SIGNATURE = "bad_signature"
HASH_MISMATCH = "hash_mismatch"
EXTRA_FILE = "extra_file"
MISSING_FILE = "missing_file"
UNSAFE_ZIP = "unsafe_zip"
ZIP_BOMB = "zip_bomb"
BAD_MANIFEST = "bad_manifest"
FORMAT = "format"
SCHEMA = "schema"
KEYSTORE = "keystore"
IDENTITY = "identity"
WRITE_FAILED = "write_failed"
PARTS = "parts"
TOO_LARGE = "too_large"          # package or part above the size cap (checked before authentication)
BAD_RECORD = "bad_record"        # a signed record with a wrong type or value out of range
STREAM = "stream"                # a stream id already used by another sender
