"""Build the site: one Sphinx run per language, side by side, then the language chooser.

    python docs/build.py [en] [zh_CN] [--clean]     # HTML into docs/_build/html/<lang>/
    python docs/build.py --gettext                  # message templates into docs/_build/gettext/
    python docs/build.py --sync-only en             # refresh a language's sources (docs-live)

Each language gets its own copy of the sources (docs/ and gallery/) under
docs/_build/src/<lang>/, so sphinx-gallery runs the examples again per language (every
figure is drawn in the page's language) and keeps a separate cache per language. Files are
copied only when their content changed, keeping modification times, so a rebuild with no
change does no work.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
# LSTM_FIGURES_BUILD_DIR lets several builds run at once without sharing a tree.
BUILD = Path(os.environ.get("LSTM_FIGURES_BUILD_DIR", DOCS / "_build")).resolve()
#: The site's languages, each named in its own language.
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
# What each language's source tree is made of: (source folder, place in the copy).
SOURCES = ((DOCS, "."), (REPO / "gallery", "gallery"))
# Not copied: build output, this script.
SKIP = {"_build", "build.py", "__pycache__"}
# Made by sphinx-gallery inside the copy: never deleted by the sync.
GENERATED = {"auto_examples"}
# Compiled catalogues: Sphinx compiles each copied .po next to it, in the copy, so a build
# writes nothing in the repository (a tracked .mo would be rewritten on a fresh clone).
COMPILED = ".mo"


def sync(target: Path) -> None:
    """Make ``target`` hold the sources, touching only files whose content changed."""
    wanted: set[Path] = set()
    for source_root, place in SOURCES:
        for source in sorted(source_root.rglob("*")):
            relative = source.relative_to(source_root)
            if source.is_dir() or SKIP & set(relative.parts) or source.suffix == COMPILED:
                continue
            destination = target / place / relative
            wanted.add(destination)
            if destination.exists() and filecmp.cmp(source, destination, shallow=False):
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    for existing in sorted(target.rglob("*"), reverse=True):
        relative = existing.relative_to(target)
        if GENERATED & set(relative.parts) or existing in wanted:
            continue
        if existing.suffix == COMPILED and existing.with_suffix(".po") in wanted:
            continue
        if existing.is_dir():
            if not any(existing.iterdir()):
                existing.rmdir()
        else:
            existing.unlink()


def sphinx(lang: str, builder: str, output: Path, *extra: str) -> subprocess.CompletedProcess:
    source = BUILD / "src" / lang
    sync(source)
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        builder,
        "-W",
        "--keep-going",
        "-q",
        "-D",
        f"language={'en' if lang == 'gettext' else lang}",
        "-d",
        str(BUILD / "doctrees" / lang),
        *extra,
        str(source),
        str(output),
    ]
    # The languages build side by side on their own core each: one torch thread apiece.
    env = {"OMP_NUM_THREADS": "1", **os.environ, "LSTM_FIGURES_REPO": str(REPO)}
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def catalogue_stats(lang: str) -> dict[str, int]:
    """Count translated, fuzzy and untranslated messages in a language's catalogues."""
    from babel.messages.pofile import read_po

    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for po in sorted((DOCS / "locale" / lang / "LC_MESSAGES").rglob("*.po")):
        with po.open("rb") as f:
            catalogue = read_po(f)
        for message in catalogue:
            if not message.id:
                continue  # the header
            state = "fuzzy" if message.fuzzy else "translated" if message.string else "untranslated"
            counts[state] += 1
            if state != "translated":
                print(f"{state}: {po.relative_to(DOCS)}: {message.id[:60]!r}")
    return counts


def write_chooser(languages: dict[str, str]) -> None:
    """docs/_build/html/index.html: send readers to their language (plain links without JS)."""
    links = "\n".join(
        f'    <li><a href="{code}/index.html" hreflang="{code.replace("_", "-")}" '
        f'lang="{code.replace("_", "-")}">{name}</a></li>'
        for code, name in languages.items()
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>lstm-figures</title>
  <link rel="icon" href="en/_static/favicon.svg" type="image/svg+xml">
  <script>
    // Chinese readers go to the Chinese site, everyone else to English.
    var zh = (navigator.languages || [navigator.language || ""]).some(function (l) {{
      return l.toLowerCase().indexOf("zh") === 0;
    }});
    window.location.replace(zh ? "zh_CN/index.html" : "en/index.html");
  </script>
  <style>body {{ font-family: sans-serif; margin: 3rem auto; max-width: 30rem; }}</style>
</head>
<body>
  <main>
  <h1>lstm-figures</h1>
  <p>What torch.nn.LSTM really looks like. <span lang="zh-CN">torch.nn.LSTM 的真实样子。</span></p>
  <ul>
{links}
  </ul>
  </main>
</body>
</html>
"""
    (BUILD / "html").mkdir(parents=True, exist_ok=True)
    (BUILD / "html" / "index.html").write_text(page, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("languages", nargs="*", metavar="LANG", help="en, zh_CN (default: all)")
    parser.add_argument("--clean", action="store_true", help="start from an empty build folder")
    parser.add_argument("--gettext", action="store_true", help="extract messages only")
    parser.add_argument(
        "--check-catalogues",
        action="store_true",
        help="fail unless every message of every language is translated",
    )
    parser.add_argument(
        "--sync-only", action="store_true", help="update the source copies, do not build"
    )
    args = parser.parse_args(argv)
    unknown = set(args.languages) - set(LANGUAGES)
    if unknown:
        parser.error(f"unknown language {min(unknown)!r}; expected one of {tuple(LANGUAGES)}")
    if args.clean:
        shutil.rmtree(BUILD, ignore_errors=True)
    if args.check_catalogues:
        incomplete = False
        for lang in args.languages or [code for code in LANGUAGES if code != "en"]:
            counts = catalogue_stats(lang)
            print(f"{lang}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
            incomplete |= bool(counts["fuzzy"] or counts["untranslated"])
        return 1 if incomplete else 0
    if args.sync_only:
        for lang in args.languages or LANGUAGES:
            sync(BUILD / "src" / lang)
        return 0
    if args.gettext:
        # Messages come from the English sources; examples need not run for that.
        result = sphinx("gettext", "gettext", BUILD / "gettext", "-D", "plot_gallery=0")
        print(result.stdout + result.stderr, end="")
        return result.returncode
    languages = args.languages or list(LANGUAGES)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(languages)) as pool:
        runs = {
            lang: pool.submit(sphinx, lang, "html", BUILD / "html" / lang) for lang in languages
        }
    results = {lang: run.result() for lang, run in runs.items()}
    write_chooser(LANGUAGES)
    failed = []
    for lang, result in results.items():
        output = (result.stdout + result.stderr).strip()
        if output:
            print(f"--- {lang} ---\n{output}")
        if result.returncode:
            failed.append(lang)
            # Sphinx re-reads only changed pages: forget this build, or the next one would
            # skip the pages that warned and pass.
            shutil.rmtree(BUILD / "doctrees" / lang, ignore_errors=True)
    elapsed = time.perf_counter() - start
    if failed:
        print(f"docs build failed for {', '.join(failed)} ({elapsed:.1f} s)", file=sys.stderr)
        return 1
    print(f"built {', '.join(languages)} in {elapsed:.1f} s: {BUILD / 'html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
