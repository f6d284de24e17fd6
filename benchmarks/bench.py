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
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

try:
    import resource  # CPU time of finished child processes (Unix)
except ImportError:  # pragma: no cover - Windows
    resource = None

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "zh_CN")
SECTIONS = ("imports", "figures", "cli", "trace", "builds", "lighthouse")
#: 13.x needs Node >= 22.19; 12.8 runs on the Node 18 and 20 of current Linux distributions.
LIGHTHOUSE = "lighthouse@12.8.2"
NPM_PREFIX = Path(__file__).resolve().parent / ".npm"
CHROMIUM_FLAGS = "--headless=new --no-sandbox --disable-gpu"
#: The parts of the repository a build, a figure or the command line reads.
SNAPSHOT = ("lstm_figures", "docs", "gallery")
KB = 1000

# name: (limit, unit, what is compared)
TARGETS = {
    "clean build, both languages": (30.0, "s", "wall-clock seconds"),
    "clean build, both / English only": (1.5, "x", "ratio"),
    "no-op rebuild, both languages": (4.0, "s", "median"),
    "one example edited (median example), both": (8.0, "s", "median"),
    "one example edited (heaviest example), both": (8.0, "s", "median"),
    "lf.draw + PNG, slowest figure": (150.0, "ms", "median, T = 8 and T = 400"),
    "lf.draw + PNG, T = 400 / T = 8, worst figure": (1.5, "x", "ratio of medians"),
    "lstm-figures draw / import floor": (1.5, "x", "ratio of medians"),
    "lstm-figures rejects --hidden-size 0": (0.5, "s", "median"),
    "heaviest gallery page with its images": (400.0, "kB", "HTML + images, both themes"),
    "lf.trace, T = 1000, N = 8, H = 256, 3 bidirectional layers": (2.0, "s", "median, 1 thread"),
    # Scores (unit "score"): higher is better.
    "Lighthouse performance, worst page": (95.0, "score", "median of runs, index and gallery page"),
    "Lighthouse accessibility, worst page": (
        95.0,
        "score",
        "median of runs, index and gallery page",
    ),
}


# -- measuring ----------------------------------------------------------------------------


def load() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def children_cpu() -> float:
    """CPU seconds used so far by finished child processes (and theirs)."""
    if resource is None:  # pragma: no cover
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], env: dict[str, str], timeout: float = 900) -> dict:
    """Run a command; return its wall-clock and CPU seconds, exit status and output."""
    cpu = children_cpu()
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        status, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as error:
        status, output = None, f"timed out after {timeout} s: {error.stdout or ''}"
    return {
        "wall": time.perf_counter() - start,
        "cpu": children_cpu() - cpu,
        "status": status,
        "output": output,
    }


def summarise(runs: list[dict]) -> dict:
    """Median wall-clock and CPU seconds of several runs, and every sample."""
    return {
        "median": statistics.median(r["wall"] for r in runs),
        "cpu_median": statistics.median(r["cpu"] for r in runs),
        "samples": [round(r["wall"], 3) for r in runs],
        "ok": all(r["status"] == 0 for r in runs),
        "load": load(),
    }


def repeat(command: list[str], env: dict[str, str], times: int) -> dict:
    runs = [run(command, env) for _ in range(times)]
    result = summarise(runs)
    if not result["ok"]:
        result["error"] = next(r["output"] for r in runs if r["status"] != 0)[-2000:]
    return result


def python_code(code: str, env: dict[str, str], times: int) -> dict:
    return repeat([sys.executable, "-c", code], env, times)


# -- the report ---------------------------------------------------------------------------


class Report:
    """Collects results (for bench.json), table rows and targets."""

    def __init__(self) -> None:
        self.results: dict[str, dict] = {}
        self.rows: list[tuple[str, str, str]] = []  # (section, label, value)
        self.targets: dict[str, dict] = {}
        self.errors: list[str] = []

    def row(self, section: str, label: str, value: str) -> None:
        self.rows.append((section, label, value))
        print(f"  {label:<58} {value}", flush=True)

    def target(self, name: str, value: float | None, note: str = "") -> None:
        limit, unit, compared = TARGETS[name]
        at_least = unit == "score"
        passed = None if value is None else (value >= limit if at_least else value <= limit)
        self.targets[name] = {
            "value": value,
            "limit": limit,
            "unit": unit,
            "compared": compared,
            "pass": passed,
            "note": note,
        }

    def error(self, section: str, message: str) -> None:
        self.errors.append(f"{section}: {message}")
        print(f"  ERROR {message}", flush=True)

    def print_table(self) -> None:
        print("\n" + "=" * 96)
        section = None
        for where, label, value in self.rows:
            if where != section:
                section = where
                print(f"\n{where}")
            print(f"  {label:<58} {value}")
        print("\ntargets")
        for name, t in self.targets.items():
            value = "n/a" if t["value"] is None else f"{t['value']:.3g} {t['unit']}"
            verdict = {True: "PASS", False: "FAIL", None: "----"}[t["pass"]]
            limit = (
                f"(>= {t['limit']:g})"
                if t["unit"] == "score"
                else f"(<= {t['limit']:g} {t['unit']})"
            )
            print(f"  {verdict}  {name:<46} {value:>10}  {limit}  {t['note']}".rstrip())
        for error in self.errors:
            print(f"  ERROR {error}")


def seconds(result: dict) -> str:
    text = f"{result['median']:6.2f} s  (cpu {result['cpu_median']:.2f} s"
    text += f", runs {', '.join(f'{s:.2f}' for s in result['samples'])})"
    return text if result["ok"] else text + "  FAILED"


# -- imports and other fixed costs --------------------------------------------------------

IMPORTS = {
    "python startup (the floor of everything)": "pass",
    "Sphinx and its extensions": (
        "import sphinx.cmd.build, sphinx.builders.html, sphinx_gallery.gen_gallery, furo, "
        "numpydoc, sphinx_copybutton"
    ),
    "matplotlib.pyplot (sphinx-gallery imports it at setup)": "import matplotlib.pyplot",
    "torch": "import torch",
    "torch + matplotlib (the command line's floor)": "import torch, matplotlib",
    "lstm_figures + figures + gallery_scraper (torch-free)": (
        "import lstm_figures, lstm_figures.figures, lstm_figures.gallery_scraper"
    ),
}

HEAVY_MODULES = ("torch", "matplotlib", "numpy", "jieba", "PIL")

JIEBA = """
import json, logging, sys, time
import jieba
jieba.setLogLevel(logging.WARNING)
jieba.dt.tmp_dir = sys.argv[1]
start = time.perf_counter()
jieba.initialize()
middle = time.perf_counter()
jieba.load_userdict(sys.argv[2])
print(json.dumps([middle - start, time.perf_counter() - middle]))
"""


def bench_imports(report: Report, env: dict[str, str], work: Path, times: int) -> None:
    section = "imports and fixed costs (separate processes)"
    print(f"\n{section}", flush=True)
    results = {}
    for label, code in IMPORTS.items():
        results[label] = python_code(code, env, times)
        report.row(section, label, seconds(results[label]))
    check = (
        "import json, sys, lstm_figures, lstm_figures.figures, lstm_figures.gallery_scraper; "
        f"print(json.dumps([m for m in {HEAVY_MODULES!r} if m in sys.modules]))"
    )
    imported = run([sys.executable, "-c", check], env)
    heavy = (
        json.loads(imported["output"].strip().splitlines()[-1]) if imported["status"] == 0 else None
    )
    results["gallery_scraper imports"] = heavy
    report.row(section, "  heavy modules imported by the above", ", ".join(heavy or []) or "none")
    jieba_dir = work / "jieba"
    jieba_dir.mkdir(exist_ok=True)
    user_dict = str(REPO / "docs" / "search_terms_zh.txt")
    loads = []
    for _ in range(times + 1):  # the first run writes jieba's cache; the others read it
        done = run([sys.executable, "-c", JIEBA, str(jieba_dir), user_dict], env)
        if done["status"] != 0:
            report.error(section, "jieba: " + done["output"][-500:])
            break
        loads.append(json.loads(done["output"].strip().splitlines()[-1]))
    if loads:
        warm = [dictionary for dictionary, _ in loads[1:]] or [loads[0][0]]
        results["jieba"] = {
            "first_load_s": loads[0][0],
            "cached_load_median_s": statistics.median(warm),
            "user_dict_median_s": statistics.median(user for _, user in loads),
        }
        report.row(
            section,
            "jieba dictionary (Chinese search), cached / first",
            f"{statistics.median(warm):6.2f} s  (first {loads[0][0]:.2f} s, "
            f"glossary terms {results['jieba']['user_dict_median_s'] * 1000:.0f} ms)",
        )
    report.results["imports"] = results | {"load": load()}


# -- figures --------------------------------------------------------------------------------


def figure_inputs(seq_len: int):
    """(description, module, input) to try, in order; a figure is timed with the first it takes."""
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence

    from lstm_figures.models import build_module

    x = torch.randn(seq_len, 3, 3, generator=torch.Generator().manual_seed(0))
    lengths = [seq_len, max(1, seq_len // 2), 1]
    packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
    for kind, options in (
        ("LSTM", {"bidirectional": True}),
        ("LSTM", {"bidirectional": True, "proj_size": 2}),
        ("LSTM", {}),
        ("GRU", {"bidirectional": True}),
        ("RNN", {"bidirectional": True}),
    ):
        module = build_module(kind, input_size=3, hidden_size=4, num_layers=2, **options)
        described = ", ".join(["3, 4", "num_layers=2", *(f"{k}={v}" for k, v in options.items())])
        yield f"{kind}({described})", module, x
        yield f"{kind}({described}), packed input", module, packed


def choose_input(lf, name: str, seq_len: int):
    """The first of :func:`figure_inputs` that figure ``name`` accepts."""
    import matplotlib.pyplot as plt

    reasons = []
    for description, module, x in figure_inputs(seq_len):
        try:
            plt.close(lf.draw(name, module, x))
        except (ValueError, TypeError) as error:
            reasons.append(f"{description}: {error}")
            continue
        return description, module
    raise ValueError("; ".join(reasons))


def time_figure(lf, name: str, module, inputs: dict, lang: str, work: Path, times: int) -> dict:
    """Median milliseconds of trace, draw (from the trace) and PNG save, for each input.

    ``inputs`` maps a label (say, the sequence length) to an input. The inputs take turns,
    sample by sample, so that a burst of other work slows them alike and their ratio holds.
    The first round (fonts, caches) is not counted.
    """
    import matplotlib.pyplot as plt

    keys = ("trace", "draw", "png", "total", "cpu")
    samples = {label: {key: [] for key in keys} for label in inputs}
    artists, sizes = {}, {}
    for attempt in range(times + 1):
        for label, x in inputs.items():
            path = work / f"{name}_{lang}_{label}.png"
            start = time.perf_counter()
            tr = lf.trace(module, x)
            # This thread's CPU time: torch's idle worker threads do not count, nor other jobs.
            traced, cpu = time.perf_counter(), time.thread_time()
            fig = lf.draw(name, tr, lang=lang)
            drawn = time.perf_counter()
            lf.save(fig, path)
            saved, cpu = time.perf_counter(), time.thread_time() - cpu
            if attempt:
                measured = (traced - start, drawn - traced, saved - drawn, saved - traced, cpu)
                for key, value in zip(keys, measured, strict=True):
                    samples[label][key].append(value)
            artists[label] = len(fig.texts) + len(fig.patches) + len(fig.artists)
            artists[label] += len(fig.lines) + sum(
                len(ax.texts) + len(ax.patches) + len(ax.lines) for ax in fig.axes
            )
            sizes[label] = path.stat().st_size
            plt.close(fig)
    results = {}
    for label, values in samples.items():
        ms = {key: 1000 * statistics.median(v) for key, v in values.items()}
        results[label] = {
            "trace_ms": ms["trace"],
            "draw_ms": ms["draw"],
            "png_ms": ms["png"],
            "draw_png_ms": ms["total"],
            "draw_png_cpu_ms": ms["cpu"],
            "artists": artists[label],
            "png_bytes": sizes[label],
            "samples_draw_png_ms": [round(1000 * t, 1) for t in values["total"]],
        }
    return results


def bench_figures(report: Report, work: Path, times: int) -> None:
    section = "figures: lf.draw + PNG (in this process, after imports, 1 torch thread; median)"
    print(f"\n{section}", flush=True)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import torch

    import lstm_figures as lf

    # These models are tiny: a second torch thread only waits for the first, and on a busy
    # machine the two can wait on each other for seconds (see the trace section).
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    results: dict[str, dict] = {"load_start": load(), "torch_threads": 1}
    # The fixed cost of PNG output: an empty figure of a typical size.
    empty = []
    for _ in range(times + 1):
        fig = plt.figure(figsize=(10, 5))
        start = time.perf_counter()
        lf.save(fig, work / "empty.png")
        empty.append(time.perf_counter() - start)
        plt.close(fig)
    results["empty_10x5in_png_ms"] = 1000 * statistics.median(empty[1:])
    report.row(
        section, "an empty 10 x 5 in figure, PNG only", f"{results['empty_10x5in_png_ms']:6.0f} ms"
    )
    report.row(
        section,
        f"{'figure':<16}{'lang':<6}{'T':>4} {'trace':>7}{'draw':>7}{'png':>7}{'draw+png':>9}"
        f"{'cpu':>7}{'artists':>8}{'kB':>5}   (ms; cpu: draw + png)",
        "",
    )
    worst, worst_ratio = (0.0, ""), (0.0, "")
    for name in lf.FIGURES:
        try:
            description, module = choose_input(lf, name, 8)
        except ModuleNotFoundError as error:
            report.row(section, f"{name}: not written yet ({error.name})", "")
            results[name] = {"skipped": str(error)}
            continue
        except (ValueError, TypeError) as error:
            report.error(section, f"{name}: no input works: {error}")
            continue
        results[name] = {"input": description}
        for lang in LANGUAGES:
            inputs = {
                seq_len: {d: x for d, _, x in figure_inputs(seq_len)}[description]
                for seq_len in (8, 400)
            }
            per_t = time_figure(lf, name, module, inputs, lang, work, times)
            for seq_len, timing in per_t.items():
                where = f"{name} {lang} T={seq_len}, cpu {timing['draw_png_cpu_ms']:.0f} ms"
                worst = max(worst, (timing["draw_png_ms"], where))
                report.row(
                    section,
                    f"{name:<16}{lang:<6}{seq_len:>4} {timing['trace_ms']:7.0f}"
                    f"{timing['draw_ms']:7.0f}{timing['png_ms']:7.0f}{timing['draw_png_ms']:9.0f}"
                    f"{timing['draw_png_cpu_ms']:7.0f}{timing['artists']:8d}"
                    f"{timing['png_bytes'] / KB:5.0f}",
                    "",
                )
            ratio = per_t[400]["draw_png_ms"] / per_t[8]["draw_png_ms"]
            cpu_ratio = per_t[400]["draw_png_cpu_ms"] / per_t[8]["draw_png_cpu_ms"]
            worst_ratio = max(worst_ratio, (ratio, f"{name} {lang}, cpu {cpu_ratio:.2f}x"))
            results[name][lang] = {"T=8": per_t[8], "T=400": per_t[400], "ratio_400_8": ratio}
    torch.set_num_threads(threads)
    results["load_end"] = load()
    report.results["figures"] = results
    if worst[1]:
        report.target("lf.draw + PNG, slowest figure", worst[0], worst[1])
        report.target(
            "lf.draw + PNG, T = 400 / T = 8, worst figure", worst_ratio[0], worst_ratio[1]
        )


# -- the command line -----------------------------------------------------------------------


def cli_command() -> list[str]:
    """The installed ``lstm-figures`` script, or ``python -m lstm_figures`` without one."""
    script = Path(sys.executable).with_name("lstm-figures")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lstm_figures"]


def bench_cli(report: Report, env: dict[str, str], work: Path, times: int) -> None:
    section = "command line (whole processes)"
    print(f"\n{section}", flush=True)
    import lstm_figures as lf

    command = cli_command()
    model = ["--input-size", "3", "--hidden-size", "4", "--num-layers", "2", "--bidirectional"]
    name = lf.FIGURES[0]
    floor = python_code(IMPORTS["torch + matplotlib (the command line's floor)"], env, times)
    draw = repeat([*command, "draw", name, *model, "-o", str(work / "cli.png")], env, times)
    bad = [*command, "draw", name, "--input-size", "3", "--hidden-size", "0", "-o", "x.png"]
    rejected = repeat(bad, env, times)
    # Rejection is the expected outcome: exit status 2 and one line on stderr.
    first = run(bad, env)
    rejected["ok"] = first["status"] == 2 and len(first["output"].strip().splitlines()) == 1
    rejected["message"] = first["output"].strip()
    listing = repeat([*command, "list"], env, times)
    report.row(section, "python -c 'import torch, matplotlib' (floor)", seconds(floor))
    report.row(section, f"lstm-figures draw {name} ... -o cli.png", seconds(draw))
    report.row(section, "lstm-figures draw ... --hidden-size 0 (rejected)", seconds(rejected))
    report.row(section, "lstm-figures list", seconds(listing))
    report.results["cli"] = {
        "command": command,
        "floor": floor,
        "draw": draw,
        "bad_argument": rejected,
        "list": listing,
    }
    if draw["ok"] and floor["ok"]:
        report.target("lstm-figures draw / import floor", draw["median"] / floor["median"])
    else:
        report.error(section, draw.get("error", floor.get("error", "")))
    report.target(
        "lstm-figures rejects --hidden-size 0",
        rejected["median"],
        "" if rejected["ok"] else "not rejected with one line and status 2",
    )


# -- tracing a large model -------------------------------------------------------------------


def bench_trace(report: Report, times: int) -> None:
    section = "trace: 3-layer bidirectional LSTM, T = 1000, N = 8, H = 256, F = 32"
    print(f"\n{section}", flush=True)
    import torch

    import lstm_figures as lf
    from lstm_figures.models import build_module

    module = build_module("LSTM", input_size=32, hidden_size=256, num_layers=3, bidirectional=True)
    x = torch.randn(1000, 8, 32, generator=torch.Generator().manual_seed(0))
    results = {"load_start": load()}
    default_threads = torch.get_num_threads()
    # With other jobs on the machine, torch's threads can wait on each other for a long time:
    # one thread (as the docs build runs examples) shows the work itself.
    for threads in sorted({default_threads, 1}, reverse=True):
        torch.set_num_threads(threads)
        forward, traced = [], []
        for _ in range(times):
            start = time.perf_counter()
            with torch.no_grad():
                module(x)
            forward.append(time.perf_counter() - start)
            start = time.perf_counter()
            lf.trace(module, x)
            traced.append(time.perf_counter() - start)
            if traced[-1] > 30:  # a busy machine: one slow sample is enough
                break
        results[f"{threads}_threads"] = {
            "forward_s": statistics.median(forward),
            "trace_s": statistics.median(traced),
            "samples_trace_s": traced,
        }
        report.row(
            section,
            f"{threads} torch thread(s): lf.trace(module, x) / module(x) alone",
            f"{statistics.median(traced):6.2f} s / {statistics.median(forward):.2f} s",
        )
    torch.set_num_threads(default_threads)
    results["load_end"] = load()
    report.results["trace"] = results
    one_thread = results["1_threads"]
    report.target(
        "lf.trace, T = 1000, N = 8, H = 256, 3 bidirectional layers",
        one_thread["trace_s"],
        f"module(x) alone {one_thread['forward_s']:.2f} s; load {results['load_start']}",
    )


# -- the docs build -------------------------------------------------------------------------


def build(snapshot: Path, out: Path, env: dict[str, str], *args: str) -> dict:
    """``python docs/build.py ARGS`` on the snapshot, building into ``out``."""
    command = [sys.executable, str(snapshot / "docs" / "build.py"), *args]
    return run(command, {**env, "LSTM_FIGURES_BUILD_DIR": str(out)})


# Runs Sphinx as docs/build.py does, then prints which heavy modules it imported.
SPHINX_MODULES = """
import json, runpy, sys
sys.argv = ["sphinx", *sys.argv[1:]]
status = 0
try:
    runpy.run_module("sphinx", run_name="__main__", alter_sys=True)
except SystemExit as done:
    status = done.code
heavy = [m for m in {heavy!r} if m in sys.modules]
if "jieba" in sys.modules and sys.modules["jieba"].dt.initialized:
    heavy.append("jieba's dictionary")
print(json.dumps(heavy))
sys.exit(status)
"""


def sphinx_noop(snapshot: Path, out: Path, lang: str, env: dict[str, str]) -> dict:
    """A no-op Sphinx run of one language (as docs/build.py runs it): time and heavy imports."""
    code = SPHINX_MODULES.format(heavy=HEAVY_MODULES)
    command = [sys.executable, "-c", code, "-b", "html", "-W", "--keep-going", "-q"]
    command += ["-D", f"language={lang}", "-d", str(out / "doctrees" / lang)]
    command += [str(out / "src" / lang), str(out / "html" / lang)]
    done = run(command, {**env, "OMP_NUM_THREADS": "1", "LSTM_FIGURES_REPO": str(snapshot)})
    lines = done["output"].strip().splitlines()
    done["heavy_modules"] = json.loads(lines[-1]) if lines and lines[-1].startswith("[") else None
    return done


def example_costs(out: Path) -> dict[str, float]:
    """Seconds each example ran in its slower language (sphinx-gallery's .cost.json files)."""
    costs: dict[str, float] = {}
    for lang in LANGUAGES:
        gallery = out / "src" / lang / "auto_examples"
        for cost in gallery.rglob("*.cost.json"):
            name = cost.relative_to(gallery).as_posix().removesuffix(".cost.json") + ".py"
            costs[name] = max(costs.get(name, 0.0), json.loads(cost.read_text())["time"])
    return dict(sorted(costs.items(), key=lambda item: item[1]))


def edited_rebuild(snapshot: Path, out: Path, env: dict, example: str, times: int) -> dict:
    """Rebuild both languages after each of ``times`` edits to one example of the snapshot."""
    source = snapshot / "gallery" / example
    original = source.read_text(encoding="utf-8")
    # sphinx-gallery keeps the checksum of the source it last ran: it changes when it re-runs.
    checksums = [out / "src" / lang / "auto_examples" / f"{example}.md5" for lang in LANGUAGES]
    runs, rerun = [], True
    try:
        for number in range(times):
            before = [path.read_text() for path in checksums]
            # A line of code, not a comment: a comment could end up in a text cell, whose
            # words the Chinese catalogue would not have.
            edited = original + f"\nbenchmark_edit = {number}\n"
            source.write_text(edited, encoding="utf-8")
            runs.append(build(snapshot, out, env))
            after = [path.read_text() for path in checksums]
            rerun &= all(old != new for old, new in zip(before, after, strict=True))
    finally:
        source.write_text(original, encoding="utf-8")
    result = summarise(runs) | {"rerun_in_both_languages": rerun}
    if not result["ok"]:
        result["error"] = next(r["output"] for r in runs if r["status"] != 0)[-300:]
    if not rerun:
        result["ok"], result["error"] = False, "the example was not run again in both languages"
    build(snapshot, out, env)  # back to the unedited example
    return result


class ImageFinder(HTMLParser):
    """Collects the images a page shows (``src`` and ``srcset`` of ``img``)."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "img":
            return
        values = dict(attrs)
        if values.get("src"):
            self.images.append(values["src"])
        for candidate in (values.get("srcset") or "").split(","):
            if candidate.strip():
                self.images.append(candidate.split()[0])


def page_weights(html: Path) -> dict[str, dict]:
    """Bytes of every gallery page with the images it shows (both themes), by page."""
    pages = {}
    for page in sorted(html.glob("*/auto_examples/**/*.html")):
        finder = ImageFinder()
        finder.feed(page.read_text(encoding="utf-8"))
        local = {src.split("#")[0].split("?")[0] for src in finder.images}
        files = {
            (page.parent / src).resolve()
            for src in local
            if src and not src.startswith(("data:", "http:", "https:", "//"))
        }
        images = sum(path.stat().st_size for path in files if path.is_file())
        pages[page.relative_to(html).as_posix()] = {
            "html": page.stat().st_size,
            "images": images,
            "image_count": len(files),
            "total": page.stat().st_size + images,
        }
    return pages


def site_size(html: Path) -> dict[str, int]:
    """Bytes of the built site, by kind of file."""
    kinds = {"total": 0, "images": 0, "pages": 0, "downloads": 0, "static": 0, "search": 0}
    for path in html.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        kinds["total"] += size
        parts = path.relative_to(html).parts
        if "_downloads" in parts:
            kinds["downloads"] += size
        elif "_static" in parts:
            kinds["static"] += size
        elif path.suffix in {".png", ".svg", ".jpg", ".gif", ".webp"}:
            kinds["images"] += size
        elif path.suffix == ".html":
            kinds["pages"] += size
        elif path.name.startswith("searchindex"):
            kinds["search"] += size
    return kinds


def bench_builds(
    report: Report, snapshot: Path, work: Path, env: dict, times: int, clean_times: int
) -> Path | None:
    section = "docs build (docs/build.py on the snapshot, in a temporary build folder)"
    print(f"\n{section}", flush=True)
    both, english = work / "build-both", work / "build-en"
    results: dict = {"load_start": load()}
    clean_both, clean_en = [], []
    for _ in range(clean_times):  # interleaved, so that a change in load hits both alike
        clean_both.append(build(snapshot, both, env, "--clean"))
        clean_en.append(build(snapshot, english, env, "en", "--clean"))
    results["clean_both"], results["clean_en"] = summarise(clean_both), summarise(clean_en)
    for key, label in (("clean_both", "both languages"), ("clean_en", "English only")):
        report.row(section, f"clean build, {label}", seconds(results[key]))
    for runs in (clean_both, clean_en):
        failed = [r for r in runs if r["status"] != 0]
        if failed:  # -W --keep-going still writes every page: measure on, but say so
            report.error(section, "the docs build fails:\n" + failed[0]["output"][-1500:])
    if not (both / "html" / "en" / "index.html").exists():
        report.results["builds"] = results
        return None
    ratio = results["clean_both"]["median"] / results["clean_en"]["median"]
    report.row(section, "  ratio both / English only", f"{ratio:6.2f}")
    failing = "" if results["clean_both"]["ok"] else "the build fails"
    report.target("clean build, both languages", results["clean_both"]["median"], failing)
    report.target("clean build, both / English only", ratio, failing)

    costs = example_costs(both)
    results["example_seconds"] = costs
    report.row(
        section,
        "examples' run time in the build (worst language)",
        ", ".join(f"{Path(name).stem} {s:.1f}" for name, s in costs.items()),
    )

    noop = [build(snapshot, both, env) for _ in range(times)]
    results["noop_both"] = summarise(noop)
    report.row(section, "no-op rebuild, both languages", seconds(results["noop_both"]))
    report.target(
        "no-op rebuild, both languages",
        results["noop_both"]["median"],
        "" if results["noop_both"]["ok"] else "the build fails",
    )
    for lang in LANGUAGES:
        alone = sphinx_noop(snapshot, both, lang, env)
        results[f"noop_sphinx_{lang}"] = {
            key: alone[key] for key in ("wall", "cpu", "status", "heavy_modules")
        }
        heavy = ", ".join(alone["heavy_modules"] or []) or "none"
        report.row(
            section,
            f"  one no-op Sphinx run, {lang}: imports {heavy}",
            f"{alone['wall']:6.2f} s  (cpu {alone['cpu']:.2f} s)",
        )

    if costs:
        names = list(costs)
        for kind, example in (("median", names[len(names) // 2]), ("heaviest", names[-1])):
            edited = edited_rebuild(snapshot, both, env, example, times)
            results[f"edit_{kind}"] = {"example": example, **edited}
            report.row(section, f"{example} edited, both rebuilt", seconds(edited))
            report.target(
                f"one example edited ({kind} example), both",
                edited["median"],
                example + ("" if edited["ok"] else f" ({edited['error'][-200:]})"),
            )

    pages = page_weights(both / "html")
    results["pages"] = pages
    if pages:
        heaviest = max(pages, key=lambda page: pages[page]["total"])
        page = pages[heaviest]
        report.row(
            section,
            f"heaviest gallery page: {heaviest}",
            f"{page['total'] / KB:6.0f} kB  (HTML {page['html'] / KB:.0f} kB + "
            f"{page['image_count']} images {page['images'] / KB:.0f} kB)",
        )
        report.target("heaviest gallery page with its images", page["total"] / KB, heaviest)
    size = site_size(both / "html")
    results["site_bytes"] = size
    report.row(
        section,
        "whole site, both languages",
        f"{size['total'] / 1e6:6.2f} MB  ("
        + ", ".join(f"{kind} {n / 1e6:.2f}" for kind, n in size.items() if kind != "total")
        + ")",
    )
    results["load_end"] = load()
    report.results["builds"] = results
    return both / "html"


# -- Lighthouse -------------------------------------------------------------------------------


def lighthouse_command() -> tuple[list[str] | None, str]:
    """The Lighthouse command (installed into benchmarks/.npm if missing), or why there is none."""
    binary = NPM_PREFIX / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            return None, "npm is not installed"
        done = run(
            [npm, "install", "--prefix", str(NPM_PREFIX), "--no-audit", "--no-fund", LIGHTHOUSE],
            dict(os.environ),
        )
        if done["status"] != 0 or not binary.exists():
            return None, f"npm install {LIGHTHOUSE} failed: {done['output'][-500:]}"
    return [str(binary)], ""


def lighthouse_once(command: list[str], url: str, output: Path, env: dict) -> dict:
    """One Lighthouse run of ``url``: scores, metrics and what it says would help most."""
    done = run(
        [
            *command,
            url,
            "--only-categories=performance,accessibility",
            "--output=json",
            f"--output-path={output}",
            f"--chrome-flags={CHROMIUM_FLAGS}",
            "--quiet",
        ],
        env,
        timeout=300,
    )
    if done["status"] != 0 or not output.exists():
        return {"error": done["output"][-1000:]}
    data = json.loads(output.read_text(encoding="utf-8"))
    audits = data["audits"]
    metrics = {
        key: audits[key].get("displayValue")
        for key in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "cumulative-layout-shift",
            "speed-index",
        )
        if key in audits
    }
    failed = sorted(
        ref["id"]
        for ref in data["categories"]["accessibility"]["auditRefs"]
        if audits[ref["id"]].get("score") not in (None, 1)
        and audits[ref["id"]].get("scoreDisplayMode") == "binary"
    )
    savings = sorted(
        (
            (max((v or 0 for v in (audit.get("metricSavings") or {}).values()), default=0), key)
            for key, audit in audits.items()
            if audit.get("score") is not None and audit["score"] < 1
        ),
        reverse=True,
    )
    return {
        "scores": {name: c["score"] for name, c in data["categories"].items()},
        "metrics": metrics,
        "largest_savings_ms": {key: ms for ms, key in savings[:5] if ms},
        "failed_accessibility_audits": failed,
        "runtime_error": data.get("runtimeError"),
        "seconds": done["wall"],
    }


def bench_lighthouse(report: Report, html: Path, work: Path, runs: int) -> None:
    section = f"Lighthouse (mobile defaults; median of {runs}) on the site served like GitHub Pages"
    print(f"\n{section}", flush=True)
    chromium = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    command, why = lighthouse_command()
    if command is not None and not Path(chromium).exists():
        command, why = None, f"no Chromium at {chromium}"
    if command is None:
        report.row(section, "not run", why)
        report.results["lighthouse"] = {"skipped": why}
        return
    pages = page_weights(html)
    # The site's front page and its heaviest gallery chapter (an example's page).
    chapters = [page for page in pages if Path(page).name.startswith("plot_")]
    heaviest = max(chapters, key=lambda page: pages[page]["total"]) if chapters else None
    gallery = heaviest.split("/", 1)[1] if heaviest else None
    targets = [f"{lang}/index.html" for lang in LANGUAGES]
    targets += [f"{lang}/{gallery}" for lang in LANGUAGES if gallery]
    env = {**os.environ, "CHROME_PATH": chromium}
    results: dict = {"version": LIGHTHOUSE, "chromium": chromium, "load_start": load()}
    worst: dict[str, tuple[float, str]] = {}
    # The browser tests' server, which serves the site as GitHub Pages does.
    sys.path.insert(0, str(REPO / "browser_tests"))
    from sitecheck import serve

    with serve(html) as base:
        base = base.rstrip("/")
        for page in targets:
            output = work / f"lighthouse-{page.replace('/', '_')}.json"
            samples = [lighthouse_once(command, f"{base}/{page}", output, env) for _ in range(runs)]
            errors = [sample["error"] for sample in samples if "error" in sample]
            if errors:
                results[page] = {"error": errors[0]}
                report.error(section, f"{page}: {errors[0][-300:]}")
                continue
            # Scores vary by a few points from run to run: report the median run (by
            # performance), as Lighthouse's own documentation advises.
            samples.sort(key=lambda sample: sample["scores"].get("performance") or 0)
            median = samples[len(samples) // 2]
            median["performance_runs"] = [s["scores"].get("performance") for s in samples]
            results[page] = median
            scores, metrics = median["scores"], median["metrics"]
            for name, score in scores.items():
                worst[name] = min(worst.get(name, (101, "")), (100 * (score or 0), page))
            report.row(
                section,
                page,
                "  ".join(f"{name} {100 * (s or 0):.0f}" for name, s in scores.items())
                + f"  (LCP {metrics.get('largest-contentful-paint')}; performance runs "
                + ", ".join(f"{100 * (s or 0):.0f}" for s in median["performance_runs"])
                + "; could save: "
                + ", ".join(
                    f"{k} {ms} ms" for k, ms in list(median["largest_savings_ms"].items())[:3]
                )
                + ")"
                + (
                    f"  failing: {', '.join(median['failed_accessibility_audits'])}"
                    if median["failed_accessibility_audits"]
                    else ""
                ),
            )
    results["load_end"] = load()
    for name, (score, page) in worst.items():
        report.target(f"Lighthouse {name}, worst page", score, page)
    report.results["lighthouse"] = results


# -- main -------------------------------------------------------------------------------------


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
