"""Fixed costs and figures: imports, ``lf.draw`` + PNG of every figure at T = 8 and
T = 400, the command line, and tracing a large model.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from measure import KB, LANGUAGES, REPO, load, python_code, repeat, run
from report import Report, seconds

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
