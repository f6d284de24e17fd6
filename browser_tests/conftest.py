"""Fixtures: the built site served on 127.0.0.1, and one headless Chromium for the session.

Run with ``nox -s browser`` (builds the site first), or on a site built already with
``pytest browser_tests`` (``$LSTM_FIGURES_SITE_DIR`` picks another built folder). Chromium
is Debian's (``$LSTM_FIGURES_CHROMIUM`` names another); Playwright drives it and never
downloads a browser of its own.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sitecheck import build_dir, html_pages, missing, serve, site_dir
from visiting import AXE_PAGES, AXE_SUMMARY, BLOCKING, keep_local, visit

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}  # wide enough for Furo's sidebars


def chromium_path() -> Path | None:
    named = os.environ.get("LSTM_FIGURES_CHROMIUM")
    candidates = [named] if named else ["/usr/bin/chromium", shutil.which("chromium") or ""]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site's folder (holding en/ and zh_CN/)."""
    folder = site_dir()
    if not (folder / "en" / "index.html").is_file():
        pytest.fail(
            f"no built site in {folder}: build it with `python docs/build.py` "
            "(or run `nox -s browser`, which builds it)",
            pytrace=False,
        )
    return folder


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    folder = build_dir() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def base_url(site: Path):
    """``http://127.0.0.1:<port>/``, serving the site from a thread on an ephemeral port."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed: `pip install playwright` (no browser download).")
    executable = chromium_path()
    named = os.environ.get("LSTM_FIGURES_CHROMIUM")
    if executable is None and named:
        missing(f"LSTM_FIGURES_CHROMIUM names {named}, which is not a file.")
    if executable is None:
        missing(
            "Chromium was not found: install it with `apt-get install chromium` (Debian/Ubuntu) "
            "or set LSTM_FIGURES_CHROMIUM to a Chromium or Chrome executable."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


class Recorder:
    """What a page did while loading: requests to other hosts, console and page errors."""

    def __init__(self) -> None:
        self.external: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []

    def reset(self) -> None:
        self.external.clear()
        self.errors.clear()
        self.failed.clear()


@pytest.fixture(scope="session")
def context(browser, base_url: str):
    """A browser context that lets only 127.0.0.1 answer; light colour scheme, English."""
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light", locale="en-US")
    recorder = Recorder()
    keep_local(context, base_url, recorder.external)
    # Every page starts in Furo's "auto" theme (light here), whatever a test clicked before.
    context.add_init_script("try { localStorage.removeItem('theme'); } catch (e) {}")
    context.recorder = recorder
    yield context
    context.close()


@pytest.fixture(scope="session")
def page(context):
    """The one tab the tests share; records errors into ``page.recorder``."""
    page = context.new_page()
    recorder = context.recorder

    def on_console(message) -> None:
        if message.type == "error":
            recorder.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def on_response(response) -> None:
        if response.status >= 400:
            recorder.failed.append(f"HTTP {response.status}: {response.url}")

    def on_request_failed(request) -> None:
        # ERR_ABORTED: the browser dropped the request itself (e.g. a favicon still loading
        # when the next test navigates away); a missing file shows up as a 404 response.
        if request.failure != "net::ERR_ABORTED":
            recorder.failed.append(f"{request.failure}: {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: recorder.errors.append(f"page error: {error}"))
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.recorder = recorder
    return page


def pytest_generate_tests(metafunc) -> None:
    """``page_path``: every page of both languages, found by walking the built site."""
    if "page_path" in metafunc.fixturenames:
        pages = html_pages(site_dir()) or ["(no built site)"]
        metafunc.parametrize("page_path", pages, ids=pages)


@pytest.fixture(scope="session")
def visits() -> dict:
    return {}


@pytest.fixture
def visited(page, base_url: str, page_path: str, visits: dict):
    """The record of ``page_path``'s visit (made by the first test that asks for it)."""
    if page_path not in visits:
        try:
            visits[page_path] = visit(page, base_url + page_path, page_path)
        except Exception as error:  # noqa: BLE001 (each test of the page reports it)
            visits[page_path] = error
    record = visits[page_path]
    if isinstance(record, Exception):
        pytest.fail(f"could not visit {page_path}: {record}", pytrace=False)
    return record


def pytest_terminal_summary(terminalreporter) -> None:
    """How many pages break each axe-core rule, in each theme (blocking or not)."""
    if not AXE_PAGES:
        return
    terminalreporter.section("axe-core")
    for theme, pages in AXE_PAGES.items():
        broken = [
            f"{rule} ({impact}{', blocking' if impact in BLOCKING else ''}): {count} pages"
            for (t, impact, rule), count in sorted(AXE_SUMMARY.items())
            if t == theme
        ]
        terminalreporter.write_line(f"{theme}, {pages} pages: " + ("; ".join(broken) or "clean"))
