"""results.md (tables, ratios, targets) and PNG plots from results.json."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SUBJECT = "ctc-kg"
SPARQL_WORKLOADS = ("lookup", "listing", "counts", "search", "two-hop", "construct")
SELECTIVE = ("lookup", "two-hop", "construct", "deref-ttl", "deref-jsonld", "deref-html")
RESOURCE_WORKLOADS = ("deref-ttl", "deref-jsonld")

Cells = list[dict[str, Any]]


def _index(cells: Cells) -> dict[tuple[str, str, str, int], dict[str, Any]]:
    return {(c["size"], c["contender"], c["workload"], c["concurrency"]): c for c in cells}


def best_rps(cells: Cells, size: str, contender: str, workload: str) -> float | None:
    values = [
        c["rps"]
        for c in cells
        if c["size"] == size
        and c["contender"] == contender
        and c["workload"] == workload
        and c["rps"] is not None
        and not c.get("failed")
    ]
    return max(values) if values else None


def _fmt_rps(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _fmt_ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}x" if value >= 100 else f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return a / b


def geometric_mean(values: Iterable[float]) -> float | None:
    items = [v for v in values if v > 0]
    if not items:
        return None
    return math.exp(sum(math.log(v) for v in items) / len(items))


def _contenders(results: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    for cell in results["cells"]:
        if cell["contender"] not in seen:
            seen.append(cell["contender"])
    return seen


def _workloads(results: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    for cell in results["cells"]:
        if cell["workload"] not in seen:
            seen.append(cell["workload"])
    return seen


def _mib(value: int | None) -> str:
    return f"{value / 2**20:.0f}" if value else "-"


def targets(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(target, measured, met?) for each target of issue 7 this run can speak to."""
    cells: Cells = results["cells"]
    index = _index(cells)
    out: list[tuple[str, str, str]] = []
    sizes = [s["label"] for s in results["sizes"]]
    for size in sizes:
        for other, floor in (("virtuoso", 2.0), ("rdflib-endpoint", 50.0)):
            ratios = {
                w: _ratio(best_rps(cells, size, SUBJECT, w), best_rps(cells, size, other, w))
                for w in SPARQL_WORKLOADS
            }
            known = {w: r for w, r in ratios.items() if r is not None}
            if not known:
                continue
            mean = geometric_mean(known.values())
            worst = min(known, key=lambda w: known[w])
            measured = (
                f"geometric mean {_fmt_ratio(mean)} over {len(known)} queries; "
                f"lowest {worst} {_fmt_ratio(known[worst])}"
            )
            met = "met" if mean is not None and mean >= floor else "not met"
            out.append((f"{size}: SPARQL mix throughput ≥ {floor:g}x {other}", measured, met))
        for workload in RESOURCE_WORKLOADS:
            ratio = _ratio(
                best_rps(cells, size, SUBJECT, workload), best_rps(cells, size, "nginx", workload)
            )
            if ratio is not None:
                out.append(
                    (
                        f"{size}: {workload} ≥ 0.1x nginx",
                        _fmt_ratio(ratio),
                        "met" if ratio >= 0.1 else "not met",
                    )
                )
    for size in sizes:
        if size not in ("real", "1k"):
            continue
        p99s = {
            w: index[(size, SUBJECT, w, 50)]["p99_ms"]
            for w in _workloads(results)
            if (size, SUBJECT, w, 50) in index
            and index[(size, SUBJECT, w, 50)]["p99_ms"] is not None
            and w != "dump"
        }
        if p99s:
            worst = max(p99s, key=lambda w: p99s[w])
            out.append(
                (
                    f"{size}: p99 < 20 ms at 50 clients"
                    + (" (real graph)" if size == "real" else " (1k ≈ the real graph's size)"),
                    f"worst {worst} {_fmt_ms(p99s[worst])} ms",
                    "met" if p99s[worst] < 20 else "not met",
                )
            )
    for size_info in results["sizes"]:
        if size_info["quads"] < 900_000 or size_info["label"] == "real":
            continue
        size = size_info["label"]
        p50s = {
            w: index[(size, SUBJECT, w, 1)]["p50_ms"]
            for w in SELECTIVE
            if (size, SUBJECT, w, 1) in index and index[(size, SUBJECT, w, 1)]["p50_ms"] is not None
        }
        if p50s:
            worst = max(p50s, key=lambda w: p50s[w])
            out.append(
                (
                    f"{size}: selective queries < 10 ms",
                    f"worst p50 at c=1: {worst} {_fmt_ms(p50s[worst])} ms",
                    "met" if p50s[worst] < 10 else "not met",
                )
            )
        info = size_info["contenders"].get(SUBJECT, {})
        if "start_s" in info:
            again = info.get("restart_s")
            fastest = min(info["start_s"], again) if again is not None else info["start_s"]
            out.append(
                (
                    f"{size}: start-up < 30 s",
                    f"first start (validate, build, write the store) {info['start_s']:.1f} s; "
                    + (
                        f"restart of the same content (validated version cached) {again:.1f} s"
                        if again is not None
                        else "no restart measured"
                    ),
                    (
                        "met on restart, not on first start"
                        if fastest < 30 <= info["start_s"]
                        else "met"
                        if fastest < 30
                        else "not met"
                    ),
                )
            )
            out.append(
                (
                    f"{size}: memory reported",
                    f"RSS {_mib(info.get('rss_bytes'))} MiB, PSS {_mib(info.get('pss_bytes'))} MiB",
                    "met",
                )
            )
        elif "error" in info:
            out.append((f"{size}: start-up < 30 s", info["error"][:80], "not met"))
    return out


BARE = "bare"
BARE_FLOOR = 0.7
# What issue 16's target measures (one-resource queries and listings), and all the bare
# app runs (bench/contenders.py).
BARE_TARGET_WORKLOADS = ("lookup", "lookup-distinct", "listing")


def bare_ratios(results: dict[str, Any]) -> list[tuple[str, str, int, float | None, str]]:
    """ctc-kg / bare at the same size, query and concurrency (issue 16, target 2):
    (size, query, concurrency, ratio, why there is none)."""
    cells: Cells = results["cells"]
    index = _index(cells)
    out: list[tuple[str, str, int, float | None, str]] = []
    for size in [s["label"] for s in results["sizes"]]:
        for workload in BARE_TARGET_WORKLOADS:
            for level in results["options"]["concurrency"]:
                mine = index.get((size, SUBJECT, workload, level))
                theirs = index.get((size, BARE, workload, level))
                if mine is None or theirs is None:
                    continue
                failed = [c["contender"] for c in (mine, theirs) if c.get("failed")]
                if failed:
                    out.append((size, workload, level, None, f"{', '.join(failed)} failed"))
                    continue
                out.append((size, workload, level, _ratio(mine["rps"], theirs["rps"]), ""))
    return out


def _bare_target(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    ratios = bare_ratios(results)
    for size in [s["label"] for s in results["sizes"]]:
        mine = [r for r in ratios if r[0] == size]
        if not mine:
            continue
        parts = [f"{w} c={c} {_fmt_ratio(r) if r is not None else why}" for _, w, c, r, why in mine]
        known = [r for *_, r, _ in mine if r is not None]
        met = "met" if known and len(known) == len(mine) and min(known) >= BARE_FLOOR else "not met"
        out.append(
            (
                f"{size}: ctc-kg ≥ {BARE_FLOOR:g}x the bare app (protections that cost little)",
                "; ".join(parts),
                met,
            )
        )
    return out


def _cpu_per_request(cell: dict[str, Any] | None) -> str:
    if not cell or not cell.get("requests") or cell.get("cpu_s") is None:
        return "-"
    return f"{cell['cpu_s'] / cell['requests'] * 1000:.2f}"


def bare_section(results: dict[str, Any]) -> list[str]:
    """ctc-kg beside the bare app, with the server CPU each spends per request (less
    sensitive than throughput to other work on a shared machine)."""
    index = _index(results["cells"])
    rows = []
    for size, workload, level, ratio, why in bare_ratios(results):
        mine = index[(size, SUBJECT, workload, level)]
        theirs = index[(size, BARE, workload, level)]
        rows.append(
            f"| {size} | {workload} | {level} | {_fmt_cell(mine)} | {_fmt_cell(theirs)} | "
            f"{_fmt_ratio(ratio) if ratio is not None else why} | "
            f"{_cpu_per_request(mine)} | {_cpu_per_request(theirs)} |"
        )
    if not rows:
        return []
    return [
        "",
        "## The price of the protections: ctc-kg against the bare app",
        "",
        "The bare app (`bench/bare.py`) is Flask + pyoxigraph without any protection, served "
        f"like ctc-kg (granian WSGI, the same workers and threads). Target: ≥ {BARE_FLOOR:g}x. "
        "CPU is the server's (all its processes) per request, in ms.",
        "",
        "| size | query | c | ctc-kg | bare | ctc-kg/bare | ctc-kg CPU ms/req | bare CPU ms/req |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
    ]


def cached_uncached(results: dict[str, Any]) -> list[str]:
    """The rotating lookup (64 queries, which caches can hold) beside the distinct one
    (no two requests alike), per contender and concurrency."""
    cells: Cells = results["cells"]
    index = _index(cells)
    rows: list[str] = []
    for size in [s["label"] for s in results["sizes"]]:
        for name in _contenders(results):
            for level in results["options"]["concurrency"]:
                cached = index.get((size, name, "lookup", level))
                uncached = index.get((size, name, "lookup-distinct", level))
                if cached is None or uncached is None:
                    continue
                ratio = None
                if not (cached.get("failed") or uncached.get("failed")):
                    ratio = _ratio(uncached["rps"], cached["rps"])
                rows.append(
                    f"| {size} | {name} | {level} | {_fmt_cell(cached)} | "
                    f"{_fmt_cell(uncached)} | {_fmt_ratio(ratio)} |"
                )
    if not rows:
        return []
    return [
        "",
        "## Cached and uncached: the same one-resource lookup, requests/s (p50 / p99 ms)",
        "",
        "`lookup` cycles through 64 queries (a cache keyed on the request can hold them "
        "all); `lookup-distinct` sends no two requests alike within a cell, over up to "
        "4,096 resources, so no cache can answer.",
        "",
        "| size | contender | c | lookup (cacheable) | lookup-distinct (uncached) | "
        "uncached/cached |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        *rows,
    ]


def summary(results: dict[str, Any]) -> list[str]:
    """One row per size and query: each contender's best requests/s over the
    concurrency levels, and ctc-kg's ratio to each."""
    cells: Cells = results["cells"]
    contenders = _contenders(results)
    others = [c for c in contenders if c != SUBJECT]
    lines = [
        "## Summary: best requests/s over the concurrency levels",
        "",
        "| size | query | "
        + " | ".join(contenders)
        + " | "
        + " | ".join(f"ctc-kg/{o}" for o in others)
        + " |",
        "| --- | --- |" + " ---: |" * (len(contenders) + len(others)),
    ]
    for size in [s["label"] for s in results["sizes"]]:
        for workload in _workloads(results):
            best = {name: best_rps(cells, size, name, workload) for name in contenders}
            if all(v is None for v in best.values()):
                continue
            row = f"| {size} | {workload} |"
            row += "".join(f" {_fmt_rps(best[name])} |" for name in contenders)
            row += "".join(f" {_fmt_ratio(_ratio(best[SUBJECT], best[o]))} |" for o in others)
            lines.append(row)
    return lines


def markdown(results: dict[str, Any]) -> str:
    cells: Cells = results["cells"]
    index = _index(cells)
    contenders = _contenders(results)
    others = [c for c in contenders if c != SUBJECT]
    m = results["machine"]
    lines = [
        "# ctc-kg benchmark results",
        "",
        f"Run {results['started']}, {results.get('elapsed_s', 0):.0f} s in all. Machine: "
        f"{m['nproc']} cores, {m['cpu']}, {m['memory_bytes'] / 2**30:.0f} GiB, "
        f"Linux {m['kernel']}, Python {m['python']}.",
        f"Cells of {results['options']['duration_s']:g} s, concurrency "
        f"{', '.join(map(str, results['options']['concurrency']))}; load from wrk on the "
        "same machine (it competes for the same cores).",
        *_runs_line(results),
        "",
        "Ratios are ctc-kg's throughput divided by the contender's, at the same size, query "
        "and concurrency (> 1: ctc-kg is faster). pyoxigraph runs in-process at concurrency "
        "1 only; its ratio is taken against ctc-kg's best concurrency.",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
    ]
    for target, measured, met in targets(results) + _bare_target(results):
        lines.append(f"| {target} | {measured} | {met} |")
    lines += ["", *summary(results)]
    lines += ["", "## Graphs, start-up and content steps", ""]
    header = "| size | quads | ctc-kg validate | ctc-kg build |"
    rule = "| --- | ---: | ---: | ---: |"
    for name in contenders:
        header += f" {name} start (+load) s | {name} RSS/PSS MiB |"
        rule += " ---: | ---: |"
    lines += [header, rule]
    busy: list[str] = []
    for size in results["sizes"]:
        row = (
            f"| {size['label']} | {size['quads']:,} | "
            f"{_fmt_s(size['validate_s'], size['validate_note'])} | "
            f"{_fmt_s(size['build_s'], size['build_note'])} |"
        )
        for name in contenders:
            info = size["contenders"].get(name, {})
            if "start_s" in info:
                load = f" (+{info['load_s']:.1f})" if info.get("load_s") else ""
                if info.get("restart_s") is not None:
                    load += f" / again {info['restart_s']:.1f}"
                memory = f"{_mib(info.get('rss_bytes'))}/{_mib(info.get('pss_bytes'))}"
                if info.get("restart_pss_bytes") is not None:
                    memory += (
                        f" / again {_mib(info.get('restart_rss_bytes'))}/"
                        f"{_mib(info['restart_pss_bytes'])}"
                    )
                if info.get("after_cells_pss_bytes") is not None:
                    memory += (
                        f" / served {_mib(info.get('after_cells_rss_bytes'))}/"
                        f"{_mib(info['after_cells_pss_bytes'])}"
                    )
                row += f" {info['start_s']:.1f}{load} | {memory} |"
                busy.append(
                    f"{size['label']}/{name} "
                    f"{info.get('load_average_before', '?')}→{info.get('load_average_after', '?')}"
                )
            else:
                row += f" {info.get('error', '-')[:40]} | - |"
        lines.append(row)
    lines += [
        "",
        "Memory: after the first start; `again`, after a restart of the same content; "
        "`served`, after the contender's last cell (ctc-kg's web workers each open an "
        "in-process copy of the store at their first bounded query, so only this figure "
        "holds them).",
    ]
    if busy:
        lines += [
            "",
            f"Machine load (1-minute load average on {m['nproc']} cores, before → after "
            "each contender's cells; the server and wrk account for about 2, more means "
            "other work competed with the run): " + ", ".join(busy) + ".",
        ]
    for size in [s["label"] for s in results["sizes"]]:
        lines += [
            "",
            f"## {size}: requests/s (p50 / p99 ms), ratio of ctc-kg to each",
            "",
        ]
        header = "| query | c |"
        rule = "| --- | ---: |"
        for name in contenders:
            header += f" {name} |"
            rule += " ---: |"
        for name in others:
            header += f" ctc-kg/{name} |"
            rule += " ---: |"
        lines += [header, rule]
        for workload in _workloads(results):
            levels = sorted(
                {c["concurrency"] for c in cells if c["size"] == size and c["workload"] == workload}
            )
            for level in levels:
                row = f"| {workload} | {level} |"
                values: dict[str, float | None] = {}
                for name in contenders:
                    cell = index.get((size, name, workload, level))
                    if cell is None:
                        row += " |"
                        values[name] = None
                        continue
                    values[name] = cell["rps"]
                    row += " " + _fmt_cell(cell) + " |"
                for name in others:
                    mine = values.get(SUBJECT)
                    theirs = values.get(name)
                    if name == "pyoxigraph":
                        mine = best_rps(cells, size, SUBJECT, workload)
                        theirs = best_rps(cells, size, name, workload) if level == 1 else None
                    row += f" {_fmt_ratio(_ratio(mine, theirs))} |"
                lines.append(row)
    lines += bare_section(results)
    lines += cached_uncached(results)
    lines += _connections_section(results)
    lines += _warm_up_section(results, contenders)
    notes = [
        c
        for c in cells
        if c["note"]
        or c.get("failed")
        or not (c["check"].startswith("ok") or c["check"] in ("reference", ""))
    ]
    if notes:
        lines += ["", "## Notes on cells", ""]
        seen: set[tuple[str, str, str, str, str]] = set()
        for c in notes:
            key = (
                c["size"],
                c["contender"],
                c["workload"],
                c["check"],
                c["note"] + c.get("failed", ""),
            )
            if key in seen:
                continue
            seen.add(key)
            failed = f"FAILED at c={c['concurrency']}: {c['failed']}" if c.get("failed") else ""
            detail = "; ".join(
                x for x in (c["check"], c["note"], failed) if x and not x.startswith("ok")
            )
            lines.append(f"- {c['size']} / {c['contender']} / {c['workload']}: {detail}")
    return "\n".join(lines) + "\n"


def _connections_section(results: dict[str, Any]) -> list[str]:
    """Every cell's connections: opened and served during the cell (bench/connections.py)."""
    cells = [c for c in results["cells"] if c.get("connections_opened") is not None]
    if not cells:
        return []
    failed = [c for c in cells if c.get("failed")]
    lines = [
        "",
        "## Connections served",
        "",
        f"Each HTTP cell's client connections were watched (`ss`, their bytes received): "
        f"{len(cells) - len(failed)} of {len(cells)} cells served every connection wrk "
        "opened. A cell that did not is FAILED: its throughput describes fewer clients "
        "than it says, so it is left out of every ratio and target.",
    ]
    if failed:
        lines += [
            "",
            "| size | contender | query | c | served | seen open |",
            "| --- | --- | --- | ---: | ---: | ---: |",
        ]
        for c in failed:
            lines.append(
                f"| {c['size']} | {c['contender']} | {c['workload']} | {c['concurrency']} | "
                f"{c['connections_served']} | {c['connections_opened']} |"
            )
    return lines


def _runs_line(results: dict[str, Any]) -> list[str]:
    """For a merged report (bench/merge.py): which runs it holds."""
    runs = results.get("runs")
    if not runs:
        return []
    parts = [
        f"{run['started']} ({', '.join(run['options']['sizes'])}; "
        f"concurrency {', '.join(map(str, run['options']['concurrency']))}; "
        f"{run['options']['duration_s']:g} s cells; {run.get('elapsed_s') or 0:.0f} s)"
        for run in runs
    ]
    return [f"Merged from {len(runs)} runs on this machine: " + "; ".join(parts) + "."]


def _warm_up_section(results: dict[str, Any], contenders: list[str]) -> list[str]:
    """The slowest request of each warm-up pass: the one-time costs (first renders,
    caches filling) that the cells, measured after it, no longer include."""
    cells: Cells = results["cells"]
    first: dict[tuple[str, str, str], dict[str, Any]] = {}
    for cell in cells:
        if cell.get("warm_requests"):
            first.setdefault((cell["size"], cell["workload"], cell["contender"]), cell)
    if not first:
        return []
    http = [name for name in contenders if any(key[2] == name for key in first)]
    lines = [
        "",
        "## Warm-up: the slowest of the first requests (ms, requests sent)",
        "",
        "Before its cells, each workload is sent once over its rotation, one request at a "
        "time, for at most one cell's duration. The cells above are measured after it; "
        "these are the one-time costs they leave out.",
        "",
        "| size | query | " + " | ".join(http) + " |",
        "| --- | --- |" + " ---: |" * len(http),
    ]
    for size in [s["label"] for s in results["sizes"]]:
        for workload in _workloads(results):
            row = [first.get((size, workload, name)) for name in http]
            if not any(row):
                continue
            values = [
                f"{_fmt_ms(c['warm_max_ms'])} ({c['warm_requests']})" if c else "" for c in row
            ]
            lines.append(f"| {size} | {workload} | " + " | ".join(values) + " |")
    return lines


def _fmt_s(value: float | None, note: str) -> str:
    text = f"{value:.1f} s" if value is not None else "-"
    return f"{text} ({note})" if note else text


def _fmt_cell(cell: dict[str, Any]) -> str:
    if cell["rps"] is None:
        return "-"
    if cell.get("failed"):
        # Not a measurement at this concurrency: some connections were never served.
        return f"FAILED ({cell.get('connections_served')}/{cell['concurrency']} served)"
    text = f"{_fmt_rps(cell['rps'])} ({_fmt_ms(cell['p50_ms'])} / {_fmt_ms(cell['p99_ms'])})"
    if cell["errors"]:
        text += f" {cell['errors']} err"
    return text


def plots(results: dict[str, Any], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    cells: Cells = results["cells"]
    sizes = {s["label"]: s["quads"] for s in results["sizes"]}
    contenders = _contenders(results)
    palette = plt.get_cmap("tab10")
    colour = {name: palette(i % 10) for i, name in enumerate(contenders)}
    legend = [Line2D([], [], color=colour[n], marker="o", label=n) for n in contenders]
    written: list[Path] = []

    # Latency (p50 at concurrency 1) against graph size, one panel per query.
    workloads = _workloads(results)
    columns = 4
    rows = math.ceil(len(workloads) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3.2 * rows), squeeze=False)
    for axis, workload in zip(axes.flat, workloads, strict=False):
        for name in contenders:
            points = sorted(
                (sizes[c["size"]], c["p50_ms"])
                for c in cells
                if c["contender"] == name
                and c["workload"] == workload
                and c["concurrency"] == 1
                and c["p50_ms"] is not None
            )
            if points:
                xs, ys = zip(*points, strict=True)
                axis.plot(xs, ys, marker="o", color=colour[name], label=name)
        axis.set_title(workload)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("quads")
        axis.set_ylabel("p50 ms (1 client)")
        axis.grid(True, which="both", alpha=0.3)
    for axis in list(axes.flat)[len(workloads) :]:
        axis.axis("off")
    figure.legend(handles=legend, loc="lower right")
    figure.tight_layout()
    path = out / "latency-vs-size.png"
    figure.savefig(path, dpi=100)
    plt.close(figure)
    written.append(path)

    # Start-up time and memory against graph size.
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for name in contenders:
        starts, memory, restarts = [], [], []
        for size in results["sizes"]:
            info = size["contenders"].get(name, {})
            if "start_s" in info:
                starts.append((size["quads"], info["start_s"] + info.get("load_s", 0.0)))
                memory.append((size["quads"], info["pss_bytes"] / 2**20))
                if info.get("restart_s") is not None:
                    restarts.append((size["quads"], info["restart_s"]))
        for axis, points in ((left, starts), (right, memory)):
            if points:
                xs, ys = zip(*sorted(points), strict=True)
                axis.plot(xs, ys, marker="o", color=colour[name], label=name)
        if restarts:
            xs, ys = zip(*sorted(restarts), strict=True)
            left.plot(xs, ys, marker="s", linestyle="--", color=colour[name])
            left.annotate("restart", (xs[-1], ys[-1]), fontsize=8, color=colour[name])
    # Log scale: a first start that validates 1M quads (minutes) and a restart or nginx
    # (a fraction of a second) on one axis.
    left.set_yscale("log")
    left.set_title("start-up (and load) time; dashed: ctc-kg restart")
    left.set_ylabel("seconds (log)")
    right.set_title("memory after start-up (PSS)")
    right.set_ylabel("MiB")
    for axis in (left, right):
        axis.set_xscale("log")
        axis.set_xlabel("quads")
        axis.grid(True, which="both", alpha=0.3)
    right.legend(handles=legend)
    figure.tight_layout()
    path = out / "startup-memory-vs-size.png"
    figure.savefig(path, dpi=100)
    plt.close(figure)
    written.append(path)

    # ctc-kg validate and build time against graph size.
    figure, axis = plt.subplots(figsize=(6, 4))
    for key, label in (("validate_s", "ctc-kg validate"), ("build_s", "ctc-kg build")):
        points = sorted((s["quads"], s[key]) for s in results["sizes"] if s[key] is not None)
        if points:
            xs, ys = zip(*points, strict=True)
            axis.plot(xs, ys, marker="o", label=label)
    axis.set_xscale("log")
    axis.set_xlabel("quads")
    axis.set_ylabel("seconds")
    axis.set_title("validation and build time")
    axis.grid(True, which="both", alpha=0.3)
    if axis.lines:
        axis.legend()
    figure.tight_layout()
    path = out / "build-validate-vs-size.png"
    figure.savefig(path, dpi=100)
    plt.close(figure)
    written.append(path)
    return written
