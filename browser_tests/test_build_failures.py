"""The build fails, with a message a person can act on, for each kind of broken source.

(Or, for what Sphinx lets through, the site checks that run on the built site flag it.)

Each test builds a tiny copy of the docs setup (the real ``docs/build.py``, ``conf.py``,
``_ext``, ``_templates`` and ``_static``, with a one-page site and a one-example gallery
that does not import torch) with one fault added, and checks the command's exit status and
what it printed. A baseline build of the same tiny site passes, so each failure comes from
the fault alone.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sitecheck import REPO, check_links, external_resources, link_errors, missing, serve


@pytest.fixture(autouse=True)
def _docs_dependencies() -> None:
    if importlib.util.find_spec("sphinx_gallery") is None:
        missing("the docs dependencies are not installed: `pip install -e .[docs]`.")


DOCS = REPO / "docs"
COPIED = [
    "build.py",
    "conf.py",
    "search_terms_zh.txt",
    "_ext",
    "_templates",
    "_static",
    "locale_theme",
]

INDEX = """\
Tiny site
=========

First sentence.

Second sentence.

.. toctree::

   auto_examples/index
"""
GALLERY_README = """\
Examples
========

One example.
"""
EXAMPLE = '''\
"""
A tiny example
==============

It prints a word.
"""

print("fine")
'''


def example(code: str) -> str:
    """A gallery example whose code is ``code``."""
    return EXAMPLE.replace('print("fine")\n', textwrap.dedent(code))


def make_project(root: Path, *, index: str = INDEX, example_code: str = EXAMPLE) -> Path:
    """A tiny copy of the docs setup under ``root``; returns its root."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    for name in COPIED:
        source = DOCS / name
        if source.is_dir():
            shutil.copytree(source, docs / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, docs / name)
    (docs / "index.rst").write_text(index, encoding="utf-8")
    gallery = root / "gallery"
    gallery.mkdir()
    (gallery / "README.rst").write_text(GALLERY_README, encoding="utf-8")
    (gallery / "plot_tiny.py").write_text(example_code, encoding="utf-8")
    return root


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the tiny project's ``docs/build.py`` the way ``nox -s docs`` runs the real one."""
    env = {
        **os.environ,
        "LSTM_FIGURES_BUILD_DIR": str(project / "_build"),
        # lstm_figures (for conf.py and the image scraper) from this checkout.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [sys.executable, str(project / "docs" / "build.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def assert_fails(result: subprocess.CompletedProcess, *expected: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build passed:\n{output}"
    for text in expected:
        assert text in output, f"{text!r} is not in the build's message:\n{output}"
    return output


def test_tiny_site_builds(tmp_path: Path) -> None:
    result = run_build(make_project(tmp_path), "en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "_build" / "html" / "en" / "auto_examples" / "plot_tiny.html").is_file()


def test_sphinx_warning_fails(tmp_path: Path) -> None:
    index = INDEX.replace("First sentence.", "First sentence, see :ref:`no-such-label`.")
    result = run_build(make_project(tmp_path, index=index), "en")
    assert_fails(result, "docs build failed for en", "index.rst", "no-such-label")


def test_example_that_raises_fails(tmp_path: Path) -> None:
    code = example('raise RuntimeError("this example is broken on purpose")\n')
    result = run_build(make_project(tmp_path, example_code=code), "en")
    assert_fails(
        result,
        "docs build failed for en",
        "plot_tiny.py",
        "RuntimeError: this example is broken on purpose",
    )


# U+1F9EA (a test tube) is in neither DejaVu Sans nor Noto Sans CJK. (U+1F600, a smiling
# face, would not do: DejaVu Sans has it.)
MISSING = "\U0001f9ea"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        pytest.param(
            f"""
            from lstm_figures.fonts import check_glyphs, families

            check_glyphs(["flask {MISSING}"], families("en"))
            """,
            f"MissingGlyphError: any of ['DejaVu Sans'] has no glyph for '{MISSING}' (U+1F9EA)",
            id="check_glyphs",
        ),
        pytest.param(
            f"""
            import matplotlib.pyplot as plt

            fig = plt.figure(figsize=(2, 1))
            fig.text(0.1, 0.5, "flask {MISSING}")
            """,
            "UserWarning: Glyph 129514 (\\N{TEST TUBE}) missing from font(s) DejaVu Sans.",
            id="matplotlib-text",
        ),
    ],
)
def test_missing_glyph_fails(tmp_path: Path, code: str, message: str) -> None:
    result = run_build(make_project(tmp_path, example_code=example(code)), "en")
    assert_fails(result, "docs build failed for en", "plot_tiny.py", message)


def translate_everything(project: Path) -> Path:
    """Catalogues for zh_CN that "translate" every message as itself; returns their folder.

    A message translated as itself counts as translated (code names are), so the site builds
    in zh_CN; a test then removes one translation.
    """
    from babel.messages.pofile import read_po, write_po

    result = run_build(project, "--gettext")
    assert result.returncode == 0, result.stdout + result.stderr
    templates = project / "_build" / "gettext"
    messages = project / "docs" / "locale" / "zh_CN" / "LC_MESSAGES"
    for pot in sorted(templates.rglob("*.pot")):
        with pot.open("rb") as f:
            catalogue = read_po(f, locale="zh_CN")
        for message in catalogue:
            if message.id:
                message.string = message.id
        po = messages / pot.relative_to(templates).with_suffix(".po")
        po.parent.mkdir(parents=True, exist_ok=True)
        with po.open("wb") as f:
            write_po(f, catalogue)
    return messages


def untranslate(po: Path, msgid: str, *, guess: str = "") -> None:
    """Empty the message's translation, or make it a fuzzy ``guess`` (as the update step does)."""
    from babel.messages.pofile import read_po, write_po

    with po.open("rb") as f:
        catalogue = read_po(f, locale="zh_CN")
    catalogue[msgid].string = guess
    if guess:
        catalogue[msgid].flags.add("fuzzy")
    with po.open("wb") as f:
        write_po(f, catalogue)


@pytest.mark.parametrize(
    ("guess", "todo"),
    [("", "fill in its msgstr"), ("第一句。", "check the guess, then delete '#, fuzzy'")],
    ids=["empty", "fuzzy"],
)
def test_untranslated_message_fails(tmp_path: Path, guess: str, todo: str) -> None:
    project = make_project(tmp_path)
    messages = translate_everything(project)
    baseline = run_build(project, "zh_CN")
    assert baseline.returncode == 0, baseline.stdout + baseline.stderr
    po = messages / "index.po"
    untranslate(po, "Second sentence.", guess=guess)
    line = po.read_text(encoding="utf-8").splitlines().index('msgid "Second sentence."') + 1
    result = run_build(project, "zh_CN")
    # The warning names the line to edit in the catalogue, not the build's copy of the page.
    assert_fails(
        result,
        "docs build failed for zh_CN",
        f"{po}:{line}: WARNING: untranslated message in index ({todo})",
        "Second sentence.",
    )


def files(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` but the build folder: relative path -> (mtime, size)."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and relative.parts[0] not in ("_build", ".git"):
            found[relative.as_posix()] = (path.stat().st_mtime_ns, path.stat().st_size)
    return found


def git(project: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=True).stdout


def test_build_writes_nothing_in_the_sources(tmp_path: Path) -> None:
    """A build leaves the checkout as it found it, even with catalogues newer than any build.

    On a fresh clone every file is as new as the checkout: a compiled catalogue kept beside
    its .po would then be compiled again, in the repository, with other bytes.
    """
    project = make_project(tmp_path)
    translate_everything(project)
    gitignore = (REPO / ".gitignore").read_text(encoding="utf-8")
    (project / ".gitignore").write_text(gitignore + "/_build/\n", encoding="utf-8")
    git(project, "init", "--quiet")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "tiny site")
    for po in sorted((project / "docs").rglob("*.po")):
        os.utime(po)  # as on a fresh clone: newer than anything compiled before
    before = files(project)
    result = run_build(project, "zh_CN")
    assert result.returncode == 0, result.stdout + result.stderr
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    assert files(project) == before  # nothing written, even where git ignores it
    assert list((project / "_build" / "src" / "zh_CN" / "locale_theme").rglob("sphinx.mo"))


def test_external_resources_are_flagged(tmp_path: Path) -> None:
    raw = """
.. raw:: html

   <script src="https://cdn.example.com/tracker.js"></script>
   <link rel="stylesheet" href="//fonts.example.com/font.css">
   <img src="http://images.example.com/logo.png" alt="logo">
   <script src="_static/ours.js"></script>
"""
    project = make_project(tmp_path, index=INDEX + raw)
    result = run_build(project, "en")
    assert result.returncode == 0, result.stdout + result.stderr  # Sphinx does not mind...
    found = external_resources(project / "_build" / "html")  # ...the site scan does
    assert {(r.file, r.tag, r.url) for r in found} == {
        ("en/index.html", "script", "https://cdn.example.com/tracker.js"),
        ("en/index.html", "link", "//fonts.example.com/font.css"),
        ("en/index.html", "img", "http://images.example.com/logo.png"),
    }
    assert "en/index.html: <script> loads https://cdn.example.com/tracker.js" in map(str, found)


def test_broken_link_is_flagged(tmp_path: Path) -> None:
    raw = """
.. raw:: html

   <p><a href="no-such-page.html">a page that was never written</a></p>
"""
    project = make_project(tmp_path, index=INDEX + raw)
    result = run_build(project, "en")
    assert result.returncode == 0, result.stdout + result.stderr  # Sphinx does not mind...
    with serve(project / "_build" / "html") as base_url:  # ...LinkChecker does
        links = check_links(base_url + "en/index.html")
    report = link_errors(links)
    assert links.returncode == 1, report
    assert f"{base_url}en/no-such-page.html" in report
    assert "404" in report
