"""The built site without a browser: where it is, its pages, its resources, its links.

Shared by the browser tests and the build-failure tests: where the site is, which pages it
has, which of its files would make a reader's browser contact another host, a local server
for it that serves it as its host does (also used by ``benchmarks/bench.py``), and
LinkChecker run over that server.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
#: The site's languages: folder name -> the ``<html lang>`` its pages must have.
LANGUAGES = {"en": "en", "zh_CN": "zh-CN"}


def build_dir() -> Path:
    """Where ``docs/build.py`` builds: ``$LSTM_FIGURES_BUILD_DIR`` or ``docs/_build``."""
    return Path(os.environ.get("LSTM_FIGURES_BUILD_DIR", REPO / "docs" / "_build")).resolve()


def site_dir() -> Path:
    """The built site to test: ``$LSTM_FIGURES_SITE_DIR``, else the build folder's ``html/``."""
    explicit = os.environ.get("LSTM_FIGURES_SITE_DIR")
    return Path(explicit).resolve() if explicit else build_dir() / "html"


def built_languages(site: Path) -> list[str]:
    """The languages whose site was built (``python docs/build.py en`` builds one)."""
    return [lang for lang in LANGUAGES if (site / lang / "index.html").is_file()]


def html_pages(site: Path) -> list[str]:
    """Every page of every built language, as paths relative to ``site`` (``en/index.html``)."""
    return [
        path.relative_to(site).as_posix()
        for lang in built_languages(site)
        for path in sorted((site / lang).rglob("*.html"))
        if "_static" not in path.relative_to(site).parts
    ]


def missing(reason: str) -> None:
    """Skip on a developer's machine, fail in CI (``$CI`` set): CI must run every check."""
    import pytest

    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def require_built(site: Path, *languages: str) -> None:
    """Skip (fail in CI) unless every one of ``languages`` was built."""
    for lang in languages:
        if lang not in built_languages(site):
            missing(f"the {lang} site was not built (python docs/build.py {lang})")


@dataclass(frozen=True)
class ExternalResource:
    """A file of the site that makes the browser load ``url`` from another host."""

    file: str
    tag: str
    url: str

    def __str__(self) -> str:
        return f"{self.file}: <{self.tag}> loads {self.url}"


def is_external(url: str) -> bool:
    """True if ``url`` names a host (``https://cdn...``, ``//cdn...``); data: URLs do not."""
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme not in ("", "data", "blob")


# <link rel> values whose href the browser fetches by itself.
_FETCHED_RELS = {"stylesheet", "preload", "modulepreload", "icon", "apple-touch-icon", "manifest"}
# Tag -> attributes holding a URL the browser fetches when the page loads.
_FETCHED_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")


class _ResourceParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link":
            if _FETCHED_RELS & set(values.get("rel", "").lower().split()):
                self.found.append((tag, values.get("href", "")))
            return
        for name in _FETCHED_ATTRS.get(tag, ()):
            value = values.get(name, "")
            # srcset: "url 1x, url 2x"
            urls = [part.split()[0] for part in value.split(",") if part.split()]
            self.found.extend((tag, url) for url in (urls if name == "srcset" else [value]))
        if "style" in values:
            self.found.extend(("style", url) for url in _CSS_URL.findall(values["style"]))


def external_resources(site: Path) -> list[ExternalResource]:
    """Every reference in the site's HTML and CSS that would load from another host.

    Covers ``<script src>``, ``<link rel=stylesheet|preload|icon...>``, ``<img>``,
    ``<iframe>`` and other media, inline ``style`` and CSS ``url()``/``@import``.
    """
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".css"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        file = path.relative_to(site).as_posix()
        if path.suffix == ".css":
            references = [("css", url) for url in _CSS_URL.findall(text)]
        else:
            parser = _ResourceParser()
            parser.feed(text)
            parser.close()
            references = parser.found
        found += [ExternalResource(file, tag, url) for tag, url in references if is_external(url)]
    return found


@functools.cache
def _gzipped(path: Path) -> bytes:
    return gzip.compress(path.read_bytes(), mtime=0)


class PagesLikeHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files as GitHub Pages (the site's host) does: text gzipped, cached for 10 minutes.

    A bare ``http.server`` does neither, and a browser or Lighthouse would then be measuring
    the server, not the site.
    """

    COMPRESSED_SUFFIXES = (".html", ".css", ".js", ".svg", ".json", ".txt", ".xml")

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        # Lets LinkChecker send more than its polite default of 10 requests per second.
        self.send_header("LinkChecker", "allow")
        super().end_headers()

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.endswith("/"):
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts_gzip and path.suffix in self.COMPRESSED_SUFFIXES and path.is_file()):
            super().do_GET()
            return
        body = _gzipped(path)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (an ephemeral port) like GitHub Pages; yield its base URL."""
    handler = functools.partial(PagesLikeHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def check_links(url: str) -> subprocess.CompletedProcess:
    """Run LinkChecker from ``url`` through every page it reaches on the same host.

    Links to other hosts are only checked for syntax, never fetched. Over HTTP rather than
    file:// because LinkChecker run as root reads files as the user nobody.
    """
    local = "127.0.0.1,localhost"
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "linkcheckerrc"
        # No pause between requests to our own server (it answers with a LinkChecker header).
        config.write_text("[checking]\nmaxrequestspersecond=1000\n", encoding="utf-8")
        command = ["--config", str(config), "--no-warnings", "--no-status", url]
        return subprocess.run(
            [sys.executable, "-m", "linkcheck", *command],
            env={**os.environ, "NO_PROXY": local, "no_proxy": local},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )


def link_errors(result: subprocess.CompletedProcess) -> str:
    """LinkChecker's report without its banner: the broken links and the statistics."""
    report = result.stdout
    start = report.find("\nURL ")
    return report[start:].strip() if start >= 0 else (report + result.stderr).strip()
