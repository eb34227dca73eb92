"""The phases of a first start of new content, with wall and CPU seconds of each.

    .venv/bin/python -m bench.phases ROOT

ROOT is a ctc-kg root (`python -m bench --keep` leaves one per size under
bench/results/work/<size>/root). The phases are what `runtime/prepare.py` runs when nothing
is cached: load, then the validation in a process of its own while the build (the dumps)
runs (runtime/validation_aside.py), the store written beside the build
(runtime/store_writer.py): its time is what was waited for it once the build was done.
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
from ctc_kg.errors import ValidationFailedError
from ctc_kg.runtime.prepare import validate_and_build


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
        # What `ctc-kg serve` does (runtime.prepare): the validation in a process of its
        # own while the build runs, the store written beside the build; steps timed there.
        steps: dict[str, float] = {}
        try:
            validate_and_build(content, work, True, steps)
        except ValidationFailedError as error:
            raise SystemExit(error.report) from error
        mark(
            f"validate {steps['validate']:.1f} s beside build {steps['build']:.1f} s"
            f" + store {steps['store']:.1f} s waited"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    wall, cpu = marks[-1][0] - marks[0][0], marks[-1][1] - marks[0][1]
    load = os.getloadavg()[0]
    return f"first start {wall:.1f} s ({cpu:.1f} s CPU): {', '.join(phases)}; load {load:.1f}"


if __name__ == "__main__":
    print(main(Path(sys.argv[1])))
