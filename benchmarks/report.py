"""The targets every measurement is compared with, and the report: the printed table and
what goes into bench.json.
"""

from __future__ import annotations

# name: (limit, unit, what is compared). The build targets are those of the recipes issue
# (#14): the gallery grows, the build may not.
TARGETS = {
    "clean build, both languages": (20.0, "s", "wall-clock seconds"),
    "clean build, both / English only": (1.5, "x", "ratio"),
    "no-op rebuild, both languages": (3.0, "s", "median"),
    "one example edited (median example), both": (6.0, "s", "median"),
    "one example edited (heaviest example), both": (6.0, "s", "median"),
    "lf.draw + PNG, slowest figure": (150.0, "ms", "median, T = 8 and T = 400"),
    "lf.draw + PNG, T = 400 / T = 8, worst figure": (1.5, "x", "ratio of medians"),
    "lstm-figures draw / import floor": (1.5, "x", "ratio of medians"),
    "lstm-figures rejects --hidden-size 0": (0.5, "s", "median"),
    "heaviest gallery page with its images": (400.0, "kB", "HTML + images, both themes"),
    "lf.trace, T = 1000, N = 8, H = 256, 3 bidirectional layers": (
        2.0,
        "s",
        "median, torch's default threads",
    ),
    # Scores (unit "score"): higher is better.
    "Lighthouse performance, worst page": (95.0, "score", "median of runs, index and gallery page"),
    "Lighthouse accessibility, worst page": (
        95.0,
        "score",
        "median of runs, index and gallery page",
    ),
}


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
