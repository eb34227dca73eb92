"""The benchmark reads a first start's phases from ctc-kg's own log line; the validation
runs beside the build, so the phases overlap and the line's total is the whole."""

from __future__ import annotations

from pathlib import Path

from bench.start_line import start_phases


def test_the_phases_and_the_total_are_read_from_the_start_line(tmp_path: Path) -> None:
    log = tmp_path / "ctc-kg.log"
    log.write_text(
        "ctc-kg: prepared the data: validated and built in 12.5 s (load 1.9 s, validate 9.0 s,"
        " build 10.6 s, store 0.0 s), cached in /tmp/x\n"
    )
    assert start_phases(log) == {
        "load": 1.9,
        "validate": 9.0,
        "build": 10.6,
        "store": 0.0,
        "total": 12.5,
    }


def test_a_start_from_the_cache_has_no_phases(tmp_path: Path) -> None:
    log = tmp_path / "ctc-kg.log"
    log.write_text("ctc-kg: prepared the data: from the cache, nothing validated or built (/x)\n")
    assert start_phases(log) is None
