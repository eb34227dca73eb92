"""bench.merge: runs made separately (the 15-minute default and a long 1M run) become one
report, and only when they can share one (same machine, each size measured once)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.merge import main, merge
from bench.report import markdown

MACHINE = {"nproc": 2, "cpu": "test cpu", "memory_bytes": 2**34, "kernel": "6", "python": "3.11"}


def _run(size: str, quads: int, started: str, machine: dict[str, Any] = MACHINE) -> dict[str, Any]:
    cell = {
        "size": size,
        "contender": "ctc-kg",
        "workload": "lookup",
        "concurrency": 1,
        "rps": 100.0,
        "p50_ms": 1.0,
        "p99_ms": 2.0,
        "requests": 200,
        "errors": 0,
        "timeouts": 0,
        "cpu_s": 1.0,
        "peak_rss": 2**20,
        "check": "ok",
        "note": "",
        "warm_requests": 3,
        "warm_max_ms": 5.0,
    }
    return {
        "started": started,
        "machine": machine,
        "options": {
            "sizes": [size],
            "contenders": ["ctc-kg"],
            "concurrency": [1],
            "duration_s": 2.0,
            "seed": 1,
        },
        "sizes": [
            {
                "label": size,
                "quads": quads,
                "prepare_s": 1.0,
                "validate_s": 2.0,
                "validate_note": "",
                "build_s": 3.0,
                "build_note": "",
                "static_source": "",
                "contenders": {
                    "ctc-kg": {
                        "start_s": 4.0,
                        "load_s": 0.0,
                        "rss_bytes": 2**21,
                        "pss_bytes": 2**20,
                    }
                },
            }
        ],
        "cells": [cell],
        "elapsed_s": 60.0,
    }


def test_runs_of_different_sizes_become_one_report() -> None:
    merged = merge([_run("1k", 1000, "A"), _run("1m", 1_000_000, "B")])
    assert [s["label"] for s in merged["sizes"]] == ["1k", "1m"]
    assert [c["size"] for c in merged["cells"]] == ["1k", "1m"]
    assert [r["started"] for r in merged["runs"]] == ["A", "B"]
    assert merged["elapsed_s"] == 120.0


def test_a_size_measured_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="1k"):
        merge([_run("1k", 1000, "A"), _run("1k", 1000, "B")])


def test_runs_from_another_machine_are_refused() -> None:
    other = dict(MACHINE, nproc=64)
    with pytest.raises(ValueError, match="different machines"):
        merge([_run("1k", 1000, "A"), _run("1m", 1_000_000, "B", other)])


def test_the_report_names_the_runs_and_lists_every_size() -> None:
    text = markdown(merge([_run("1k", 1000, "A"), _run("1m", 1_000_000, "B")]))
    assert "Merged from 2 runs on this machine: A (1k; " in text
    assert "| 1k | 1,000 |" in text
    assert "| 1m | 1,000,000 |" in text


def test_the_command_refuses_what_cannot_be_merged(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(_run("1k", 1000, "A")))
    out = tmp_path / "merged"
    assert main([str(path), str(path), "--out", str(out)]) == 2
    assert not out.exists()


def test_the_report_gives_the_memory_after_serving_beside_the_memory_after_start_up() -> None:
    run = _run("1k", 1000, "A")
    run["sizes"][0]["contenders"]["ctc-kg"].update(
        after_cells_rss_bytes=300 * 2**20, after_cells_pss_bytes=200 * 2**20
    )
    text = markdown(merge([run]))
    assert "| 2/1 / served 300/200 |" in text
    assert "`served`, after the contender's last cell" in text
