"""Lighthouse (installed with npm into ``benchmarks/.npm``, run with Debian's Chromium) on
the front page and the heaviest gallery chapter, served as GitHub Pages serves them.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from builds import page_weights
from measure import LANGUAGES, REPO, load, run
from report import Report

#: 13.x needs Node >= 22.19; 12.8 runs on the Node 18 and 20 of current Linux distributions.
LIGHTHOUSE = "lighthouse@12.8.2"


NPM_PREFIX = Path(__file__).resolve().parent / ".npm"
CHROMIUM_FLAGS = "--headless=new --no-sandbox --disable-gpu"


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
    # The site's front page, its heaviest gallery chapter (an example's page) and the shape
    # calculator, the page with the most JavaScript (the slice box).
    chapters = [page for page in pages if Path(page).name.startswith("plot_")]
    heaviest = max(chapters, key=lambda page: pages[page]["total"]) if chapters else None
    gallery = heaviest.split("/", 1)[1] if heaviest else None
    targets = [f"{lang}/index.html" for lang in LANGUAGES]
    targets += [f"{lang}/{gallery}" for lang in LANGUAGES if gallery]
    targets += [f"{lang}/shapes.html" for lang in LANGUAGES]
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
