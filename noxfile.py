"""Sessions for people: ``nox -s tests``, ``nox -s lint``, ``nox -s docs``."""

from __future__ import annotations

import filecmp
import os
import shutil
import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"  # pip, not uv: uv cannot see the local torch build
nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True

# PyTorch is pinned to a CPU build (constraints.txt) so CI never pulls a multi-GB CUDA wheel.
# Set LSTM_FIGURES_TORCH (e.g. "torch==2.5.1", or "torch") to use another on your platform.
TORCH = os.environ.get("LSTM_FIGURES_TORCH")
# The browser tests drive the machine's own Chromium (Debian: `apt-get install chromium`, and
# `fonts-noto-cjk` for Chinese pages); Playwright never downloads a browser of its own.
BROWSER_TEST_REQUIREMENTS = ["playwright>=1.65", "axe-playwright-python>=0.1.8"]
LINKCHECKER = "linkchecker>=10.6"
LIVE_PREVIEW = "sphinx-autobuild>=2024.4"
# Every session but lint runs in ONE environment, .nox/project/: torch alone is ~1.2 GB and
# 40-55 s to install, once instead of once per session. Each session installs the same list,
# so the environment does not depend on which session ran first.
PROJECT_EXTRAS = "docs,test"
PROJECT_TOOLS = [*BROWSER_TEST_REQUIREMENTS, LINKCHECKER, LIVE_PREVIEW]


class Project:
    """The shared environment of a session: ``project.run("pytest", ...)`` runs its pytest."""

    def __init__(self, session: nox.Session) -> None:
        self.session = session
        # Beside the venvs nox makes (.nox/ unless --envdir says otherwise).
        self.location = session.cache_dir.parent / "project"
        self.bin = self.location / "bin"
        self.env = {
            "VIRTUAL_ENV": str(self.location),
            "PATH": os.pathsep.join([str(self.bin), os.environ.get("PATH", "")]),
        }

    def install(self) -> Project:
        """Create the environment if needed, then install torch, the project and the tools."""
        if not (self.bin / "python").exists():
            self.session.run_install(sys.executable, "-m", "venv", str(self.location))
        constraint = [] if TORCH else ["--constraint", "constraints.txt"]
        pip = [str(self.bin / "python"), "-m", "pip", "install", "--quiet", *constraint]
        self.session.run_install(*pip, TORCH or "torch")
        self.session.run_install(*pip, "-e", f".[{PROJECT_EXTRAS}]", *PROJECT_TOOLS)
        return self

    def run(self, program: str, *args: str, env: dict[str, str] | None = None) -> None:
        """Run one of the environment's programs."""
        self.session.run(str(self.bin / program), *args, env={**self.env, **(env or {})})


@nox.session(venv_backend="none")
def tests(session: nox.Session) -> None:
    """Run the test suite (pass pytest options after --)."""
    Project(session).install().run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check code, formatting, docs markup, spelling, shell scripts and CI workflows."""
    # The tools and their pinned versions are pyproject's "lint" extra (the project itself,
    # with torch, is not needed).
    pyproject = nox.project.load_toml("pyproject.toml")
    session.install(*pyproject["project"]["optional-dependencies"]["lint"])
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run(
        "sphinx-lint", "--ignore", "docs/_build", "--ignore", "docs/locale", "docs", "gallery"
    )
    # codespell skips hidden folders (.git, .nox, caches): name the files in .ci and .github.
    ci_files = [
        str(p) for f in (".ci", ".github") for p in sorted(Path(f).rglob("*")) if p.is_file()
    ]
    session.run("codespell", ".", *ci_files)  # what else to skip: [tool.codespell]
    session.run("shellcheck", ".ci/run", ".ci/system-packages")
    session.run("actionlint")  # also runs shellcheck on the workflows' run: scripts
    session.run("zizmor", "--offline", ".github/workflows")


@nox.session(venv_backend="none")
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html/ (``-- en`` or ``-- zh_CN`` for one language)."""
    Project(session).install().run("python", "docs/build.py", *session.posargs)


@nox.session(venv_backend="none")
def bench(session: nox.Session) -> None:
    """Time builds, figures and the command line against their targets (docs/_build/bench.json).

    Builds happen in a temporary folder, never in docs/_build. Lighthouse is installed with
    npm into benchmarks/.npm/ when npm is there. Options after --, e.g. ``--skip lighthouse``.
    """
    Project(session).install().run("python", "benchmarks/bench.py", *session.posargs)


@nox.session(venv_backend="none")
def i18n(session: nox.Session) -> None:
    """Extract messages, update the Chinese catalogues, fail while any is untranslated."""
    project = Project(session).install()
    project.run("python", "docs/build.py", "--gettext")
    project.run(
        "sphinx-intl",
        "update",
        "--pot-dir",
        "docs/_build/gettext",
        "--locale-dir",
        "docs/locale",
        "--language",
        "zh_CN",
        "--no-obsolete",
    )
    # sphinx-intl never deletes a catalogue: one whose page is gone would stay, unused.
    messages = Path("docs/locale/zh_CN/LC_MESSAGES")
    stale = [
        str(po)
        for po in sorted(messages.rglob("*.po"))
        if not (Path("docs/_build/gettext") / po.relative_to(messages)).with_suffix(".pot").exists()
    ]
    if stale:
        session.error("no page has these messages any more; delete them: " + " ".join(stale))
    project.run("python", "docs/build.py", "--check-catalogues", "zh_CN")


@nox.session(name="docs-live", venv_backend="none")
def docs_live(session: nox.Session) -> None:
    """Serve a live preview that rebuilds on every change (``-- zh_CN`` for Chinese)."""
    project = Project(session).install()
    lang = session.posargs[0] if session.posargs else "en"
    sync = f"{project.bin / 'python'} docs/build.py --sync-only {lang}"
    project.run("python", "docs/build.py", "--sync-only", lang)
    project.run(
        "sphinx-autobuild",
        f"docs/_build/src/{lang}",
        f"docs/_build/html/{lang}",
        "-D",
        f"language={lang}",
        "-d",
        f"docs/_build/doctrees/{lang}",
        "-q",  # as quiet as `nox -s docs`: warnings and errors only, no "copying images"
        "--pre-build",
        sync,
        "--watch",
        "docs",
        "--watch",
        "gallery",
        "--watch",
        "lstm_figures",
        "--ignore",
        "docs/_build/*",
        env={"LSTM_FIGURES_REPO": str(Path(__file__).parent.resolve())},
    )


# -- The site as readers get it ----------------------------------------------------------


def built_site(project: Project) -> None:
    """Build both languages (incrementally), unless LSTM_FIGURES_SITE_DIR names a built site."""
    if not os.environ.get("LSTM_FIGURES_SITE_DIR"):
        project.run("python", "docs/build.py")


@nox.session(venv_backend="none")
def browser(session: nox.Session) -> None:
    """Build the site, then test every page in headless Chromium, its links, failing builds."""
    project = Project(session).install()
    built_site(project)
    project.run("pytest", "browser_tests", *session.posargs)


@nox.session(venv_backend="none")
def links(session: nox.Session) -> None:
    """Build the site and check its links with LinkChecker (other hosts are not fetched)."""
    project = Project(session).install()
    built_site(project)
    project.run("pytest", "browser_tests/test_links.py", *session.posargs)


def unstable(name: str) -> bool:
    """Downloads allowed to differ between builds of the same sources (zips hold file times)."""
    path = Path(name)
    return "_downloads" in path.parts and path.suffix in (".zip", ".ipynb", ".py")


def differences(first: Path, second: Path) -> list[str]:
    """Files (relative paths) that one tree lacks or that differ in a byte, but unstable ones."""

    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    ours, theirs = files(first), files(second)
    return sorted(ours ^ theirs) + sorted(
        name
        for name in ours & theirs
        if not unstable(name) and not filecmp.cmp(first / name, second / name, shallow=False)
    )


@nox.session(venv_backend="none")
def reproducible(session: nox.Session) -> None:
    """Build the site twice from scratch and compare the two byte for byte (``-- en``: one)."""
    project = Project(session).install()
    builds = [Path(session.create_tmp()) / name for name in ("first", "second")]
    for build in builds:
        env = {"LSTM_FIGURES_BUILD_DIR": str(build)}
        project.run("python", "docs/build.py", "--clean", *session.posargs, env=env)
    differing = differences(*(build / "html" for build in builds))
    if differing:
        session.error(
            f"{len(differing)} files differ between two builds ({builds[0]}, {builds[1]}):\n"
            + "\n".join(differing)
        )
    for build in builds:
        shutil.rmtree(build)
    session.log("the two builds are identical (zip, .ipynb and .py downloads not compared)")
