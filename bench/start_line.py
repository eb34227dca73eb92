"""The phases of a first start, read from the line ctc-kg writes about it (a module of its
own: the tests read it without the benchmark's process tools)."""

from __future__ import annotations

import re
from pathlib import Path

_PHASES = re.compile(r"ctc-kg: prepared the data: validated and built in ([\d.]+) s \(([^)]*)\)")
_PHASE = re.compile(r"(\w+) ([\d.]+) s")


def start_phases(log: Path) -> dict[str, float] | None:
    """The phases ctc-kg's start reports (`load 1.2 s, validate 3.4 s, ...`), or None
    when the version came from its cache."""
    found = _PHASES.search(log.read_text(errors="replace"))
    if found is None:
        return None
    phases = {name: float(seconds) for name, seconds in _PHASE.findall(found.group(2))}
    # The validation runs beside the build (runtime/validation_aside.py): the phases
    # overlap, and the whole is the line's own total.
    phases["total"] = float(found.group(1))
    return phases
