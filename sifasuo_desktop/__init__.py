"""司法所行政执法监督台账 (sifasuo_desktop)."""

__version__ = "0.1.0"
APP_NAME = "司法所行政执法监督台账"
