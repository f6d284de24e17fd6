"""The docs build: clean builds, no-op and edited rebuilds, and the weight of the pages."""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from pathlib import Path

from measure import KB, LANGUAGES, load, run, summarise
from report import Report, seconds
from timing import HEAVY_MODULES


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
