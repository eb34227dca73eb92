"""The phases of a first start of new content, with wall and CPU seconds of each.

    .venv/bin/python -m bench.phases ROOT

ROOT is a ctc-kg root (`python -m bench --keep` leaves one per size under
bench/results/work/<size>/root). The phases are what `runtime/prepare.py` runs when nothing
is cached: load, validate, build (the dumps), store. The store is written while the build
runs (runtime/store_writer.py): its time is what was waited for it once the build was done.
CPU seconds include the build's forked processes and the store's. To time another version
of ctc-kg, put its `server/` first on PYTHONPATH.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from ctc_kg.config import load_settings
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.validate import validate_content
from ctc_kg.runtime.prepare import build_and_store


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(root: Path) -> str:
    work = Path(tempfile.mkdtemp(prefix="ctc-kg-phases-"))
    settings = load_settings({"root": root, "cache": False}, environ={})
    marks = [(time.monotonic(), _cpu())]
    phases: list[str] = []

    def mark(name: str) -> None:
        now = (time.monotonic(), _cpu())
        wall, cpu = now[0] - marks[-1][0], now[1] - marks[-1][1]
        phases.append(f"{name} {wall:.1f} s ({cpu:.1f} s CPU)")
        marks.append(now)

    try:
        content = load_content(content_files(settings), settings.base_iri)
        mark("load")
        report = validate_content(content)
        if not report.conforms:
            raise SystemExit(report.text())
        mark("validate")
        # What `ctc-kg serve` does (runtime.prepare), its two steps timed there.
        steps: dict[str, float] = {}
        build_and_store(content, work, True, steps)
        mark(f"build {steps['build']:.1f} s + store {steps['store']:.1f} s waited")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    wall, cpu = marks[-1][0] - marks[0][0], marks[-1][1] - marks[0][1]
    load = os.getloadavg()[0]
    return f"first start {wall:.1f} s ({cpu:.1f} s CPU): {', '.join(phases)}; load {load:.1f}"


if __name__ == "__main__":
    print(main(Path(sys.argv[1])))
