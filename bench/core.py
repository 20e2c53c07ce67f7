"""Pieces of the benchmark that do not measure anything: results, targets, table, machine, RESULTS.md."""
from __future__ import annotations

import importlib
import inspect
import os
import platform
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

NOT_BUILT = "n/a (not built yet)"


def load_average() -> str:
    """The 1/5/15-minute load average now (the machine is shared: every figure carries it)."""
    try:
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):  # pragma: no cover - Windows
        return "?"


@dataclass
class Result:
    """One line of the table. `value` is None when the figure could not be taken (see `note`)."""

    name: str
    value: float | None
    unit: str = ""  # "ms", "s", "MB", "x"
    target: float | None = None  # upper bound, same unit
    note: str = ""
    samples: list[float] = field(default_factory=list)
    load: str = field(default_factory=load_average)  # when the figure was taken

    @property
    def status(self) -> str:
        if self.value is None:
            return ""
        if self.target is None:
            return ""
        return "ok" if self.value <= self.target else "MISSED"

    def value_text(self) -> str:
        if self.value is None:
            return self.note or NOT_BUILT
        if self.unit == "x":
            return f"{self.value:.2f}×"
        if self.unit == "ms":
            return f"{self.value:.1f} ms" if self.value < 100 else f"{self.value:.0f} ms"
        if self.unit == "s":
            return f"{self.value:.2f} s"
        if self.unit == "MB":
            return f"{self.value:.0f} MB"
        return f"{self.value:g} {self.unit}".strip()

    def target_text(self) -> str:
        if self.target is None:
            return "—"
        if self.unit == "x":
            return f"≤ {self.target:g}×"
        return f"≤ {self.target:g} {self.unit}"


def median(values: list[float]) -> float:
    if not values:
        raise ValueError("median of no samples")
    return float(statistics.median(values))


def ms(seconds: float) -> float:
    return seconds * 1000.0


def format_table(results: list[Result]) -> str:
    """A Markdown table (reads fine in a terminal too)."""
    rows = [("measure", "value", "target", "load 1/5/15", "")]
    for r in results:
        extra = r.note if (r.value is not None and r.note) else ""
        rows.append((r.name, r.value_text(), r.target_text(), r.load,
                     (r.status + ("  " + extra if extra else "")).strip()))
    widths = [max(_width(row[i]) for row in rows) for i in range(5)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("| " + " | ".join(_pad(c, w) for c, w in zip(row, widths)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _width(text: str) -> int:
    # CJK characters take two terminal columns
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def machine_info() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 0
    try:
        import PySide6

        pyside = PySide6.__version__
    except Exception:  # pragma: no cover
        pyside = "?"
    import sqlite3

    os_name = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return {
        "CPU": cpu,
        "cores": str(cores),
        "RAM": mem,
        "OS": os_name,
        "Python": sys.version.split()[0],
        "PySide6": pyside,
        "SQLite": sqlite3.sqlite_version,
        "load average at start": load_average(),
    }


def optional_piece(module: str, func: str):
    """The function `module.func`, or None if that piece of the app does not exist yet."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            return None
        raise
    return getattr(mod, func, None)


def call_with_context(fn, context: dict):
    """Call fn passing only the keyword arguments it declares (data_dir, cases, quick ...)."""
    sig = inspect.signature(fn)
    if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
        return fn(**context)
    kwargs = {k: v for k, v in context.items() if k in sig.parameters}
    return fn(**kwargs)


def results_from_piece(label: str, value, target: float | None = None) -> list[Result]:
    """Turn what a piece's bench function returned into table lines.

    A number is seconds. A dict maps sub-labels to seconds (numbers) or to dicts with
    'seconds'/'ms'/'value'+'unit' and optional 'note'; non-numeric entries become notes.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [Result(label, float(value), "s", target)]
    if isinstance(value, dict):
        out: list[Result] = []
        notes = []
        for key, v in value.items():
            name = f"{label}: {key}"
            if key.startswith("demo"):  # the piece's own set-up (building its data), not a figure
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                if key.endswith("_ms"):
                    out.append(Result(f"{label}: {key[:-3]}", float(v) / 1000.0, "s", target))
                elif key.endswith(("_s", "seconds")) or key in ("export", "import", "render", "total"):
                    short = key.removesuffix("_seconds").removesuffix("_s").replace("_", " ")
                    out.append(Result(f"{label}: {short}", float(v), "s", target))
                else:
                    notes.append(f"{key}={v:g}")
            elif isinstance(v, dict) and ("seconds" in v or "ms" in v or "value" in v):
                if "seconds" in v:
                    val, unit = float(v["seconds"]), "s"
                elif "ms" in v:
                    val, unit = float(v["ms"]) / 1000.0, "s"
                else:
                    val, unit = float(v["value"]), v.get("unit", "")
                out.append(Result(name, val, unit, v.get("target", target), note=str(v.get("note", ""))))
            else:
                notes.append(f"{key}={v}")
        if notes and out:
            out[-1].note = (out[-1].note + "; " if out[-1].note else "") + ", ".join(notes)
        elif notes:
            out.append(Result(label, None, note=", ".join(notes)))
        return out
    return [Result(label, None, note=f"unexpected result {value!r}")]


def results_markdown(results: list[Result], machine: dict[str, str], meta: dict[str, str]) -> str:
    lines = ["# Benchmark results", "",
             "Written by `python -m bench` (bench/__main__.py); re-run it to refresh. Targets from issue 8.",
             "Times are wall-clock on the machine below; `n/a` rows depend on a piece not built yet.", ""]
    lines += ["## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in machine.items()]
    lines += ["", "## Run", ""]
    lines += [f"- {k}: {v}" for k, v in meta.items()]
    lines += ["", "## Figures", "", format_table(results), ""]
    return "\n".join(lines)


NOTES_MARKER = "## Notes"


def merge_notes(new_text: str, old_text: str | None) -> str:
    """Keep the hand-written notes section (from "## Notes" on) of the previous RESULTS.md."""
    if old_text and NOTES_MARKER in old_text:
        return new_text.rstrip() + "\n\n" + old_text[old_text.index(NOTES_MARKER):]
    return new_text
