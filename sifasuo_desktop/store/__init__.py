"""Storage layer: the only place that writes SQL."""
from .repo import Changes, OrgInfo, Store, StoreError

__all__ = ["Changes", "OrgInfo", "Store", "StoreError"]
