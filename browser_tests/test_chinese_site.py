"""The Chinese site is a full translation: checked on the built HTML, no browser needed."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sitecheck import html_pages

CJK = re.compile(r"[\u4e00-\u9fff]")
# Three or more Latin letters in a row: an English word (identifiers are inside <code>).
ENGLISH_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}\b")
# Words that are names, not English prose.
NAMES = {
    "lstm",
    "gru",
    "rnn",
    "pytorch",
    "torch",
    "python",
    "sphinx",
    "furo",
    "gallery",
    "xgboost",
    "lightgbm",
    "jupyter",
    "notebook",
    "zip",
    "adam",
    "cpu",
    "mse",
    "pradyunsg",
    "figures",
    "developers",
    "the",  # in "© 2026, the lstm-figures developers", a name
}
SKIPPED_TAGS = {"code", "pre", "script", "style", "kbd", "svg", "math"}
BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td", "th", "caption"}


class Paragraphs(HTMLParser):
    """Visible prose of a page, block by block, without code."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag in SKIPPED_TAGS or "highlight" in classes or "sig" in classes.split():
            self._skip += 1
        elif tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skip:
            self._skip -= 1
        elif tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data):
        if not self._skip:
            self._text.append(data)

    def _flush(self):
        text = " ".join("".join(self._text).split())
        if text:
            self.blocks.append(text)
        self._text = []


def english_prose(html: str) -> list[str]:
    """Blocks that read as English: several English words and no Chinese at all."""
    parser = Paragraphs()
    parser.feed(html)
    found = []
    for block in parser.blocks:
        words = [w for w in ENGLISH_WORD.findall(block) if w.lower() not in NAMES]
        if len(words) >= 3 and not CJK.search(block):
            found.append(block)
    return found


def chinese_pages(site: Path) -> list[str]:
    return [page for page in html_pages(site) if page.startswith("zh_CN/")]


def test_no_english_prose_on_the_chinese_site(site) -> None:
    offenders = {}
    for page in chinese_pages(site):
        blocks = english_prose((site / page).read_text(encoding="utf-8"))
        if blocks:
            offenders[page] = blocks[:3]
    assert not offenders, f"English prose on Chinese pages: {offenders}"


def test_the_check_finds_english_prose() -> None:
    html = "<p>本页<code>h_n</code>。</p><p>This sentence is not translated at all.</p>"
    assert english_prose(html) == ["This sentence is not translated at all."]


# Figures drawn by lstm_figures (a plot made with matplotlib alone may hold only symbols).
FIGURE = re.compile(r'<img[^>]*class="[^"]*lstm-figure[^"]*"[^>]*src="([^"]+)"')


def test_every_figure_differs_from_its_english_twin(site) -> None:
    compared = 0
    for page in chinese_pages(site):
        html = (site / page).read_text(encoding="utf-8")
        for src in FIGURE.findall(html):
            chinese = (site / page).parent / src
            english = site / "en" / chinese.resolve().relative_to((site / "zh_CN").resolve())
            assert english.is_file(), f"{page}: {src} has no English twin"
            digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (chinese, english)]
            assert digest[0] != digest[1], f"{page}: {src} is the English image"
            compared += 1
    assert compared >= 16, "expected light and dark figures on the tutorial pages"


SWITCH = re.compile(r'<a href="([^"]+)" hreflang="([^"]+)"')


@pytest.mark.parametrize(("lang", "other"), [("zh_CN", "en"), ("en", "zh_CN")])
def test_every_page_links_to_its_twin(site, lang, other) -> None:
    pages = [page for page in html_pages(site) if page.startswith(f"{lang}/")]
    for page in pages:
        links = {tag: href for href, tag in SWITCH.findall((site / page).read_text("utf-8"))}
        href = links.get(other.replace("_", "-"))
        assert href, f"{page} has no link to the {other} site"
        target = ((site / page).parent / href).resolve()
        expected = (site / other / Path(page).relative_to(lang)).resolve()
        assert target == expected, f"{page} links to {target}, not its twin"
        assert target.is_file()
