"""The two warning severities and their labels: what the window shows next to a record without loading the rules'
package (domain/rules re-exports them)."""
from __future__ import annotations

RED, YELLOW = "red", "yellow"
SEVERITY_LABELS = {RED: "红色预警", YELLOW: "黄色预警"}
