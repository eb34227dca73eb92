"""`python -m bench.merge RUN.json ... [--out DIR]`: one report from runs made separately.

The default run (1k and 100k) fits in 15 minutes; a 1M run does not (ctc-kg's first start
alone validates a million quads). Merged, their tables and plots show every size side by
side. Only runs from the same machine are merged, and a size measured twice is refused:
ratios are taken within one size, but the plots put sizes on one axis.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.report import markdown, plots

_SAME_MACHINE = ("nproc", "cpu", "memory_bytes")


def merge(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The runs as one results document; ValueError when they cannot share a report."""
    if not runs:
        raise ValueError("no runs to merge")
    first = runs[0]
    for run in runs[1:]:
        for key in _SAME_MACHINE:
            if run["machine"].get(key) != first["machine"].get(key):
                raise ValueError(
                    f"runs {first['started']} and {run['started']} are from different "
                    f"machines ({key}: {first['machine'].get(key)} vs {run['machine'].get(key)})"
                )
    sizes: list[dict[str, Any]] = []
    seen: set[str] = set()
    for run in runs:
        for size in run["sizes"]:
            if size["label"] in seen:
                raise ValueError(f"size {size['label']} is in more than one run")
            seen.add(size["label"])
            sizes.append(size)
    concurrency = sorted({c for run in runs for c in run["options"]["concurrency"]})
    return {
        "started": first["started"],
        "machine": first["machine"],
        "options": {
            "sizes": [size["label"] for size in sizes],
            "contenders": sorted({c for run in runs for c in run["options"]["contenders"]}),
            "concurrency": concurrency,
            # Each run's own cells and duration are listed under "runs".
            "duration_s": first["options"]["duration_s"],
            "seed": first["options"]["seed"],
        },
        "sizes": sizes,
        "cells": [cell for run in runs for cell in run["cells"]],
        "elapsed_s": sum(run.get("elapsed_s", 0.0) for run in runs),
        "runs": [
            {
                "started": run["started"],
                "elapsed_s": run.get("elapsed_s"),
                "options": run["options"],
            }
            for run in runs
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.merge", description=__doc__)
    p.add_argument("runs", nargs="+", type=Path, help="results.json of each run")
    p.add_argument("--out", type=Path, default=Path("bench/results/merged"), help="folder")
    args = p.parse_args(argv)
    try:
        results = merge([json.loads(path.read_text()) for path in args.runs])
    except (OSError, ValueError, KeyError) as error:
        print(f"cannot merge: {error}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    (args.out / "results.json").write_text(text)
    (args.out / "results.md").write_text(markdown(results))
    for path in [args.out / "results.json", args.out / "results.md", *plots(results, args.out)]:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
