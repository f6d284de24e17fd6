"""Measure the docs build, the figures and the command line against the project's targets.

    python benchmarks/bench.py                       # everything, a few minutes
    python benchmarks/bench.py --skip builds lighthouse
    nox -s bench                                     # the same, in the docs environment

Prints a table and writes ``bench.json`` into the build folder (``docs/_build``, or
``$LSTM_FIGURES_BUILD_DIR``). It is a measurement, not a test: a missed target is marked
FAIL and the exit status stays 0; it is 1 only when something could not be measured (say,
the docs do not build).

Everything runs on a snapshot of ``lstm_figures/``, ``docs/`` and ``gallery/`` in a
temporary folder: the docs are built there (never in the developer's ``docs/_build``), the
example edited to time an incremental build is the snapshot's copy (the real file is never
touched), and edits made to the tree while the bench runs do not disturb it. The machine may
be busy: times are medians of several runs, CPU seconds are shown next to wall-clock seconds,
and the load average is recorded with every section.

Lighthouse (installed with npm into ``benchmarks/.npm``, run with Debian's Chromium) loads
the built site from the browser tests' local server, which serves it as GitHub Pages does:
gzipped text and a ten-minute cache header.

This file is the entry point and runs the sections in order; the sections live beside it:
``timing.py`` (imports, figures, the command line, tracing), ``builds.py`` (the docs build
and page weights), ``lighthouse.py``; ``measure.py`` runs and times commands and
``report.py`` holds the targets, the table and bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from builds import bench_builds, build
from lighthouse import bench_lighthouse
from measure import REPO, load
from report import Report
from timing import bench_cli, bench_figures, bench_imports, bench_trace

SECTIONS = ("imports", "figures", "cli", "trace", "builds", "lighthouse")


#: The parts of the repository a build, a figure or the command line reads.
SNAPSHOT = ("lstm_figures", "docs", "gallery")


def make_snapshot(work: Path) -> Path:
    """Copy what builds, figures and the command line read into ``work/repo``."""
    snapshot = work / "repo"
    ignore = shutil.ignore_patterns("_build", "__pycache__", "*.pyc")
    for part in SNAPSHOT:
        shutil.copytree(REPO / part, snapshot / part, ignore=ignore)
    return snapshot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", nargs="*", default=[], choices=SECTIONS, metavar="SECTION")
    parser.add_argument("--only", nargs="*", default=[], choices=SECTIONS, metavar="SECTION")
    parser.add_argument("--repeat", type=int, default=5, help="runs of quick measurements")
    parser.add_argument("--build-repeat", type=int, default=3, help="no-op and edited rebuilds")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="runs of each page")
    parser.add_argument("--clean-repeat", type=int, default=1, help="clean builds of each kind")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--output", type=Path, help="where to write the JSON")
    args = parser.parse_args(argv)
    sections = [s for s in (args.only or SECTIONS) if s not in args.skip]
    build_dir = Path(os.environ.get("LSTM_FIGURES_BUILD_DIR", REPO / "docs" / "_build"))
    output = args.output or build_dir / "bench.json"

    work = Path(tempfile.mkdtemp(prefix="lstm-figures-bench-"))
    snapshot = make_snapshot(work)
    # Builds, examples and the command line all import the snapshot's package.
    sys.path.insert(0, str(snapshot))
    env = {k: v for k, v in os.environ.items() if k != "LSTM_FIGURES_BUILD_DIR"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(snapshot), env.get("PYTHONPATH")]))
    report = Report()
    started = time.perf_counter()
    machine = {
        "cpus": os.cpu_count(),
        "load_start": load(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
    }
    print(f"snapshot in {work}; {machine['cpus']} CPUs, load average {machine['load_start']}")
    try:
        if "imports" in sections:
            bench_imports(report, env, work, args.repeat)
        if "figures" in sections:
            bench_figures(report, work, args.repeat)
        if "cli" in sections:
            bench_cli(report, env, work, args.repeat)
        if "trace" in sections:
            bench_trace(report, max(1, args.repeat // 2))
        html = None
        if "builds" in sections:
            html = bench_builds(report, snapshot, work, env, args.build_repeat, args.clean_repeat)
        if "lighthouse" in sections:
            if html is None and "builds" not in sections:
                done = build(snapshot, work / "build-both", env, "--clean")
                html = work / "build-both" / "html" if done["status"] == 0 else None
            if html is None:
                report.error("lighthouse", "no site to test: the docs did not build")
            else:
                bench_lighthouse(report, html, work, args.lighthouse_runs)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    machine["load_end"] = load()
    machine["seconds"] = time.perf_counter() - started
    report.print_table()
    print(
        f"\nload average {machine['load_start']} -> {machine['load_end']} on {machine['cpus']} CPUs"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "machine": machine,
                "targets": report.targets,
                "results": report.results,
                "errors": report.errors,
            },
            indent=1,
            default=str,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {output}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
