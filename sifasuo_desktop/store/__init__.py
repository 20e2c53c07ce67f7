"""Storage layer: the only place that writes SQL."""
from .repo import Changes, OrgInfo, Store, StoreError
from . import cert_events as _cert_events  # noqa: E402,F401  (registers its write hooks)

__all__ = ["Changes", "OrgInfo", "Store", "StoreError"]
