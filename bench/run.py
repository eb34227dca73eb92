"""The benchmark run: for each size, prepare the graph, time ctc-kg's validate and build,
then start each contender in turn, check its answers against pyoxigraph's, warm it up
with one pass over each workload's rotation, and drive every workload it supports at each
concurrency for a fixed duration."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench import procstats
from bench.checks import capture_static, check
from bench.contenders import (
    REPOSITORY,
    Contender,
    HttpContender,
    Oxigraph,
    Prepared,
    UnavailableError,
    venv_bin,
)
from bench.describe import union_turtle, write_static
from bench.generate import generate, parse_size, size_label, vocabulary_quads, write_root
from bench.load import fetch, run_wrk
from bench.profile import profile_under_load
from bench.queries import Kind, Samples, Workload, workloads
from bench.samples import sample


@dataclass(frozen=True)
class Options:
    sizes: tuple[str, ...]
    contenders: tuple[str, ...]
    concurrency: tuple[int, ...]
    duration_s: float
    seed: int
    out: Path
    start_timeout_s: float
    step_timeout_s: float
    request_timeout_s: float
    settle_s: float
    slow_rps: float
    keep: bool
    #: The whole run's time budget in seconds (0: none). Waits for content steps and
    #: server starts are cut to what it leaves after the cells still to run.
    budget_s: float = 0.0
    #: ctc-kg workloads to profile with py-spy after the measured cells ("all" for every one).
    profile: tuple[str, ...] = ()
    #: Also time `ctc-kg validate` and `ctc-kg build` as commands before the servers start.
    content_steps: bool = False
    log: Callable[[str], None] = print


@dataclass
class Cell:
    size: str
    contender: str
    workload: str
    concurrency: int
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    requests: int = 0
    errors: int = 0
    timeouts: int = 0
    cpu_s: float | None = None
    peak_rss: int | None = None
    check: str = ""
    note: str = ""
    #: Client connections seen open during the cell and how many got an answer (None:
    #: not watched); `failed` says why the cell did not serve `concurrency` clients.
    connections_opened: int | None = None
    connections_served: int | None = None
    failed: str = ""
    #: The unmeasured pass over the rotation before the cells (see `_warm_up`).
    warm_requests: int = 0
    warm_max_ms: float | None = None


@dataclass
class SizeResult:
    label: str
    quads: int = 0
    prepare_s: float = 0.0
    validate_s: float | None = None
    validate_note: str = ""
    build_s: float | None = None
    build_note: str = ""
    static_source: str = "pyoxigraph descriptions (bench/describe.py)"
    contenders: dict[str, dict[str, Any]] = field(default_factory=dict)


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    memory = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass

    def version(command: list[str]) -> str:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return "missing"
        return (
            (done.stdout + done.stderr).strip().splitlines()[0] if done.stdout + done.stderr else ""
        )

    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory_bytes": memory,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "pyoxigraph": ox.__version__ if hasattr(ox, "__version__") else "",
        "wrk": version(["wrk", "-v"]),
        "nginx": version(["nginx", "-v"]),
        "virtuoso": version(["virtuoso-t", "-?"]),
    }


def _prepare(label: str, options: Options, workdir: Path) -> tuple[Prepared, float]:
    began = time.monotonic()
    if label == "real":
        root = REPOSITORY
        nquads = workdir / "all.nq"
        store = ox.Store()
        for path in sorted((REPOSITORY / "data").glob("*.trig")):
            store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
        quads = len(store)
        store.bulk_extend(vocabulary_quads(REPOSITORY))
        store.dump(str(nquads), format=ox.RdfFormat.N_QUADS)
    else:
        synthetic = generate(parse_size(label), options.seed)
        root = workdir / "root"
        write_root(synthetic, root, REPOSITORY)
        nquads = root / "export" / "all.nq"
        quads = synthetic.quads
        store = ox.Store()
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    samples = sample(store)
    static = workdir / "static"
    dump = workdir / "union.ttl"
    union_turtle(store, dump)
    items = {i for w in workloads(samples) if w.kind is Kind.RESOURCE for i in w.items}
    write_static(store, sorted(items), dump, static)
    prepared = Prepared(label, quads, root, nquads, static, samples, workdir)
    return prepared, time.monotonic() - began


def _timed_step(
    command: list[str], timeout_s: float, log: Path, env: dict[str, str] | None = None
) -> tuple[float | None, str]:
    began = time.monotonic()
    try:
        with log.open("wb") as out:
            done = subprocess.run(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout_s,
                check=False,
                env={**os.environ, **(env or {})},
            )
    except subprocess.TimeoutExpired:
        return None, f"stopped after {timeout_s:.0f} s"
    elapsed = time.monotonic() - began
    if done.returncode != 0:
        return elapsed, f"exit {done.returncode} (log {log.name})"
    return elapsed, ""


class Budget:
    """Keeps the run within `options.budget_s`: a slow start-up or content step may use
    only the time left once the remaining cells are reserved, so one slow contender
    cannot push the whole run past its budget (it is reported as not started)."""

    def __init__(self, options: Options, factories: dict[str, Callable[[], Contender]]) -> None:
        self.options = options
        self.deadline = time.monotonic() + options.budget_s if options.budget_s > 0 else None
        dummy = Samples(("x",), ("x",), ("x",), ("x",), ("x",), ("x",))
        mix = workloads(dummy)
        self.per_contender: dict[str, float] = {}
        for name, factory in factories.items():
            contender = factory()
            http = isinstance(contender, HttpContender)
            levels = len(options.concurrency) if http else 1
            supported = sum(1 for w in mix if contender.supports(w))
            # A cell: its duration, the check, the wait for the server to settle; and per
            # workload at most one cell's duration of warm-up (HTTP contenders).
            warm_up = supported * options.duration_s if http else 0.0
            cells = supported * levels
            self.per_contender[name] = cells * (options.duration_s + 1.5) + warm_up + 10.0

    def cells_s(self, names: list[str]) -> float:
        return sum(self.per_contender.get(name, 0.0) for name in names)

    def timeout(self, wanted_s: float, reserve_s: float) -> float:
        if self.deadline is None:
            return wanted_s
        left = self.deadline - time.monotonic() - reserve_s
        return max(20.0, min(wanted_s, left))


def _measure_content_steps(
    prepared: Prepared, result: SizeResult, options: Options, budget: Budget, reserve_s: float
) -> None:
    try:
        ctc_kg = venv_bin("ctc-kg")
    except UnavailableError:
        result.validate_note = result.build_note = "ctc-kg not installed"
        return
    root = ["--root", str(prepared.root)]
    # A cache of their own, so these steps never warm the server's first start.
    env = {"CTC_KG_CACHE_DIR": str(prepared.workdir / "steps-cache")}
    result.validate_s, result.validate_note = _timed_step(
        [ctc_kg, *root, "validate"],
        budget.timeout(options.step_timeout_s, reserve_s),
        prepared.workdir / "validate.log",
        env,
    )
    out = prepared.workdir / "dist"
    result.build_s, result.build_note = _timed_step(
        [ctc_kg, *root, "build", "--out", str(out)],
        budget.timeout(options.step_timeout_s, reserve_s),
        prepared.workdir / "build.log",
        env,
    )
    shutil.rmtree(out, ignore_errors=True)


def _inprocess_cell(reference: Oxigraph, workload: Workload, duration_s: float, cell: Cell) -> None:
    timings: list[float] = []
    cpu_before = time.process_time()
    with procstats.Watch(os.getpid()) as usage:
        deadline = time.perf_counter() + duration_s
        index = 0
        while time.perf_counter() < deadline:
            item = workload.items[index % len(workload.items)]
            began = time.perf_counter()
            reference.answer(workload, item)
            timings.append(time.perf_counter() - began)
            index += 1
    total = sum(timings)
    cell.requests = len(timings)
    cell.rps = len(timings) / total if total > 0 else None
    if timings:
        ordered = sorted(timings)
        cell.p50_ms = statistics.median(ordered) * 1000
        cell.p99_ms = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    cell.cpu_s = time.process_time() - cpu_before
    cell.peak_rss = usage.peak_rss
    cell.check = "reference"


def _http_cells(
    contender: HttpContender,
    prepared: Prepared,
    workload: Workload,
    reference: Oxigraph,
    options: Options,
    cells: list[Cell],
    restart: Callable[[], None],
) -> None:
    runnable, seen = check(contender, workload, reference, options.request_timeout_s)
    warm_requests, warm_max_ms = _warm_up(contender, workload, options) if runnable else (0, None)
    slow = False
    for concurrency in options.concurrency:
        cell = Cell(prepared.label, contender.name, workload.name, concurrency, check=seen)
        cell.warm_requests, cell.warm_max_ms = warm_requests, warm_max_ms
        cells.append(cell)
        if not runnable:
            cell.note = "not run: check failed"
            continue
        if slow:
            cell.note = f"not run: below {options.slow_rps:g} req/s at concurrency 1"
            continue
        requests = [contender.request(workload, item) for item in workload.items]
        try:
            with procstats.Watch(contender.pid) as usage:
                result = run_wrk(
                    contender.base_url,
                    requests,
                    concurrency,
                    options.duration_s,
                    options.request_timeout_s,
                    distinct=workload.distinct,
                )
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            cell.note = f"wrk failed: {error}"
            continue
        cell.rps = result.rps
        cell.p50_ms, cell.p99_ms = result.p50_ms, result.p99_ms
        cell.requests, cell.errors, cell.timeouts = result.requests, result.errors, result.timeouts
        cell.cpu_s, cell.peak_rss = usage.cpu_s, usage.peak_rss
        cell.connections_opened = result.connections.opened
        cell.connections_served = result.connections.served
        cell.failed = result.connections.verdict(concurrency)
        if cell.failed:
            cell.note = f"failed: {cell.failed}"
        if result.requests == 0:
            # Slower than the cell itself: let the server finish, then time one request
            # alone (bounded by the request timeout) so the ratio still has a number.
            procstats.settle(contender.pid, options.settle_s)
            _time_one(contender, workload, options, cell)
            if concurrency == 1 and cell.rps is not None:
                cell.failed = ""  # one client, served (alone): what this cell reports
        options.log(
            f"    {workload.name:<13} c={concurrency:<3} {cell.rps or 0:9.1f} req/s  "
            f"p50 {_ms(cell.p50_ms)}  p99 {_ms(cell.p99_ms)}  errors {cell.errors}"
            + (f"  ({cell.note})" if cell.note else "")
            + (f"  FAILED: {cell.failed}" if cell.failed and cell.failed not in cell.note else "")
        )
        if concurrency == options.concurrency[0] and (cell.rps or 0) < options.slow_rps:
            slow = True
        if not procstats.settle(contender.pid, options.settle_s):
            cell.note = "server still busy after the cell: restarted"
            options.log(f"    {contender.name} still busy after {options.settle_s:g} s: restart")
            restart()


def _warm_up(
    contender: HttpContender, workload: Workload, options: Options
) -> tuple[int, float | None]:
    """One unmeasured pass over the rotation, one request at a time, before the cells.

    First requests pay one-time costs (a page's first render, a cache filling, an engine
    warming its buffers); without this pass, a cell that starts cold at 50 clients reports
    them as its p99, which says nothing about the steady state the cells measure. The pass
    is bounded by one cell's duration; the slowest of its requests is kept and reported, so
    the one-time costs stay visible. Returns (requests sent, slowest in ms)."""
    deadline = time.monotonic() + options.duration_s
    sent, slowest = 0, None
    for item in workload.items:
        if time.monotonic() >= deadline:
            break
        began = time.perf_counter()
        try:
            fetch(contender.base_url, contender.request(workload, item), options.request_timeout_s)
        except OSError:
            break
        elapsed_ms = (time.perf_counter() - began) * 1000
        sent, slowest = sent + 1, max(elapsed_ms, slowest or 0.0)
    return sent, slowest


def _profile(
    contender: HttpContender, prepared: Prepared, mix: list[Workload], options: Options
) -> None:
    for workload in mix:
        if "all" not in options.profile and workload.name not in options.profile:
            continue
        concurrency = max(options.concurrency)
        raw = options.out / f"profile-{prepared.label}-{workload.name}.raw"
        requests = [contender.request(workload, item) for item in workload.items]
        summary = profile_under_load(
            contender.pid,
            contender.base_url,
            requests,
            concurrency,
            max(5.0, options.duration_s),
            raw,
        )
        target = raw.with_suffix(".txt")
        target.write_text(
            f"ctc-kg, {prepared.label}, {workload.name}, {concurrency} connections\n\n{summary}"
        )
        options.log(f"    profile of {workload.name}: {target}")
        procstats.settle(contender.pid, options.settle_s)


def _time_one(contender: HttpContender, workload: Workload, options: Options, cell: Cell) -> None:
    began = time.perf_counter()
    try:
        reply = fetch(
            contender.base_url,
            contender.request(workload, workload.items[0]),
            options.request_timeout_s,
        )
    except OSError:
        cell.rps = None
        cell.note = f"no answer within {options.request_timeout_s:g} s"
        return
    elapsed = time.perf_counter() - began
    if not 200 <= reply.status < 300:
        cell.rps = None
        cell.note = f"HTTP {reply.status} when timed alone"
        return
    cell.requests = 1
    cell.rps = 1 / elapsed
    cell.p50_ms = cell.p99_ms = elapsed * 1000
    cell.note = "slower than the cell: one request timed alone"


def _ms(value: float | None) -> str:
    return f"{value:8.2f} ms" if value is not None else "       - ms"


def run(options: Options, factories: dict[str, Callable[[], Contender]]) -> dict[str, Any]:
    began = time.monotonic()
    options.out.mkdir(parents=True, exist_ok=True)
    work = options.out / "work"
    work.mkdir(exist_ok=True)
    os.chmod(work, 0o755)
    os.chmod(options.out, 0o755)
    sizes: list[SizeResult] = []
    cells: list[Cell] = []
    results: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "options": {
            "sizes": list(options.sizes),
            "contenders": list(options.contenders),
            "concurrency": list(options.concurrency),
            "duration_s": options.duration_s,
            "seed": options.seed,
        },
        "sizes": sizes,
        "cells": cells,
    }
    budget = Budget(options, factories)
    names = list(options.contenders)
    for position, label in enumerate(options.sizes):
        later_sizes = len(options.sizes) - position - 1
        label = label if label == "real" else size_label(parse_size(label))
        workdir = work / label
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        options.log(f"== {label}: preparing the graph")
        prepared, prepare_s = _prepare(label, options, workdir)
        result = SizeResult(label, prepared.quads, prepare_s)
        sizes.append(result)
        options.log(f"   {prepared.quads} quads, prepared in {prepare_s:.1f} s")
        # Without the timed commands, the first start's phases fill validate_s and build_s.
        if "ctc-kg" in options.contenders and options.content_steps:
            reserve = budget.cells_s(names) * (1 + later_sizes)
            _measure_content_steps(prepared, result, options, budget, reserve)
            options.log(
                f"   ctc-kg validate {_seconds(result.validate_s)} {result.validate_note}; "
                f"build {_seconds(result.build_s)} {result.build_note}"
            )
        reference = Oxigraph()
        reference.start(prepared, options.start_timeout_s)
        mix = workloads(prepared.samples)
        for index, name in enumerate(names):
            contender = factories[name]()
            reserve = budget.cells_s(names[index:]) + budget.cells_s(names) * later_sizes
            start_timeout = budget.timeout(options.start_timeout_s, reserve)
            options.log(f"-- {label} / {name}: starting")
            info: dict[str, Any] = {}
            result.contenders[name] = info
            try:
                started = contender.start(prepared, start_timeout)
            except UnavailableError as error:
                info["error"] = f"unavailable: {error}"
                options.log(f"   unavailable: {error}")
                continue
            except (RuntimeError, TimeoutError, OSError, subprocess.TimeoutExpired) as error:
                info["error"] = f"did not start: {error}"
                options.log(f"   did not start: {error}")
                contender.stop()
                continue
            if name == "ctc-kg" and started.phases and result.validate_s is None:
                # No timed steps: the first start's own phases say what they would have.
                phases = started.phases
                result.validate_s = phases.get("load", 0.0) + phases.get("validate", 0.0)
                # The validation overlaps the build: the start's own total is the whole.
                result.build_s = phases.get(
                    "total", result.validate_s + phases.get("build", 0.0) + phases.get("store", 0.0)
                )
                result.validate_note = result.build_note = "phases of the first start"
            if name == "ctc-kg" and isinstance(contender, HttpContender):
                # Start-up once more: what a restart of the same content costs.
                contender.stop()
                again = contender.start(prepared, start_timeout)
                started = replace(
                    started,
                    restart_s=again.start_s,
                    restart_rss_bytes=again.rss_bytes,
                    restart_pss_bytes=again.pss_bytes,
                )
            info.update(asdict(started))
            # Other work on the machine skews a contender's cells: keep the evidence.
            info["load_average_before"] = round(os.getloadavg()[0], 2)
            again_text = (
                f", again with the same content {started.restart_s:.1f} s "
                f"(RSS {(started.restart_rss_bytes or 0) / 2**20:.0f} MiB, "
                f"PSS {(started.restart_pss_bytes or 0) / 2**20:.0f} MiB)"
                if started.restart_s is not None
                else ""
            )
            options.log(
                f"   up in {started.start_s:.1f} s (+ load {started.load_s:.1f} s){again_text}, "
                f"RSS {started.rss_bytes / 2**20:.0f} MiB, PSS {started.pss_bytes / 2**20:.0f} MiB"
            )
            if name == "ctc-kg" and isinstance(contender, HttpContender):
                # nginx then serves ctc-kg's own bytes: the same descriptions, dump, context.
                files = capture_static(contender, mix, prepared.static, options.request_timeout_s)
                result.static_source = f"ctc-kg's responses ({files} files)"
            try:
                for workload in mix:
                    if not contender.supports(workload) or not workload.items:
                        continue
                    if isinstance(contender, HttpContender):

                        def restart(c: HttpContender = contender, p: Prepared = prepared) -> None:
                            c.stop()
                            c.start(p, options.start_timeout_s)

                        _http_cells(
                            contender, prepared, workload, reference, options, cells, restart
                        )
                    elif isinstance(contender, Oxigraph):
                        cell = Cell(label, name, workload.name, 1)
                        _inprocess_cell(contender, workload, options.duration_s, cell)
                        cells.append(cell)
                        options.log(
                            f"    {workload.name:<13} c=1   {cell.rps or 0:9.1f} req/s  "
                            f"p50 {_ms(cell.p50_ms)}  p99 {_ms(cell.p99_ms)}"
                        )
                if name == "ctc-kg" and isinstance(contender, HttpContender) and options.profile:
                    _profile(contender, prepared, mix, options)
            finally:
                info["load_average_after"] = round(os.getloadavg()[0], 2)
                if isinstance(contender, HttpContender):
                    # What serving cost: ctc-kg's web workers open their in-process copy of
                    # the store at their first bounded query, after the start-up figure.
                    info["after_cells_rss_bytes"] = procstats.rss_bytes(contender.pid)
                    info["after_cells_pss_bytes"] = procstats.pss_bytes(contender.pid)
                contender.stop()
        reference.stop()
        if not options.keep and label != "real":
            shutil.rmtree(workdir / "root" / "export", ignore_errors=True)
            shutil.rmtree(workdir / "static", ignore_errors=True)
            shutil.rmtree(workdir / "virtuoso", ignore_errors=True)
            (workdir / "union.ttl").unlink(missing_ok=True)
    results["elapsed_s"] = round(time.monotonic() - began, 1)
    results["sizes"] = [asdict(s) for s in sizes]
    results["cells"] = [asdict(c) for c in cells]
    return results


def _seconds(value: float | None) -> str:
    return f"{value:.1f} s" if value is not None else "-"


def write_json(results: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
