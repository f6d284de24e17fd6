"""Sessions for people: ``nox -s tests``, ``nox -s lint``, ``nox -s docs``."""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"  # pip, not uv: uv cannot see the local torch build
nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True

# PyTorch is pinned to a CPU build (constraints.txt) so CI never pulls a multi-GB CUDA wheel.
# Set LSTM_FIGURES_TORCH (e.g. "torch==2.5.1", or "torch") to use another on your platform.
TORCH = os.environ.get("LSTM_FIGURES_TORCH")


def install_project(session: nox.Session, *extras: str) -> None:
    """Install torch first, then the project (editable) with the given extras."""
    constraint = [] if TORCH else ["--constraint", "constraints.txt"]
    session.install(*constraint, TORCH or "torch")
    session.install(*constraint, "-e", f".[{','.join(extras)}]")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pass pytest options after --)."""
    install_project(session, "test")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Lint and check formatting with ruff."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html/ (``-- en`` or ``-- zh_CN`` for one language)."""
    install_project(session, "docs")
    session.run("python", "docs/build.py", *session.posargs)


@nox.session(name="docs-live")
def docs_live(session: nox.Session) -> None:
    """Serve a live preview that rebuilds on every change (``-- zh_CN`` for Chinese)."""
    install_project(session, "docs")
    session.install("sphinx-autobuild>=2024.4")
    lang = session.posargs[0] if session.posargs else "en"
    sync = f"python docs/build.py --sync-only {lang}"
    session.run("python", "docs/build.py", "--sync-only", lang)
    session.run(
        "sphinx-autobuild",
        f"docs/_build/src/{lang}",
        f"docs/_build/html/{lang}",
        "-D",
        f"language={lang}",
        "-d",
        f"docs/_build/doctrees/{lang}",
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
