"""Getting around: the language chooser at the site's root, the switcher on each page, the
sidebar and the gallery's cards."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from pathlib import Path

import pytest
from sitecheck import LANGUAGES, html_pages, require_built
from visiting import keep_local


@pytest.mark.parametrize(
    ("locale", "landing"), [("en-US", "en/index.html"), ("zh-CN", "zh_CN/index.html")]
)
def test_root_sends_readers_to_their_language(browser, site, base_url, locale, landing):
    require_built(site, landing.split("/")[0])
    context = browser.new_context(locale=locale)
    external: list[str] = []
    keep_local(context, base_url, external)
    try:
        page = context.new_page()
        page.goto(base_url + "index.html")
        page.wait_for_url(base_url + landing)
    finally:
        context.close()
    assert not external, external


@pytest.mark.parametrize(
    ("start", "other"),
    [
        ("en/auto_examples/plot_06_state_locations.html", "zh_CN"),
        ("zh_CN/notation.html", "en"),
    ],
)
def test_clicking_the_switcher(page, site, base_url: str, start: str, other: str) -> None:
    require_built(site, "en", "zh_CN")
    page.goto(base_url + start)
    page.locator(f"nav.language-switcher a[href*='/{other}/']").click()
    page.wait_for_url(base_url + other + "/" + start.split("/", 1)[1])
    assert page.evaluate("document.documentElement.lang") == other.replace("_", "-")


# Each sidebar link: its text, the page it opens, and the texts of the links it sits under.
SIDEBAR = """() => Array.from(document.querySelectorAll(".sidebar-tree a.reference")).map((a) => {
  const above = [];
  for (let li = a.closest("li").parentElement.closest("li"); li;
       li = li.parentElement.closest("li")) {
    above.push(li.querySelector(":scope > a.reference").textContent.trim());
  }
  return { text: a.textContent.trim(), page: a.pathname, above: above };
})"""
# A gallery card and the page it opens (sphinx-gallery's thumbnail markup).
CARD = re.compile(
    r'<div class="sphx-glr-thumbcontainer".*?<a class="reference internal" href="([^"#]+)"',
    re.DOTALL,
)


def chapters(site: Path, lang: str) -> list[str]:
    """Every chapter page of a language, relative to the site (``en/auto_examples/...``)."""
    return sorted(
        p
        for p in html_pages(site)
        if re.fullmatch(rf"{lang}/auto_examples/(.+/)?plot_\w+\.html", p)
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sidebar_names_each_part_once(page, site, base_url: str, lang: str) -> None:
    """One level per part: no entry under one of the same name, every chapter listed once."""
    require_built(site, lang)
    page.goto(f"{base_url}{lang}/auto_examples/index.html")
    entries = page.evaluate(SIDEBAR)
    nested = [e for e in entries if e["text"] in e["above"]]
    assert not nested, f"sidebar entries under an entry of the same name: {nested}"
    repeated = [text for text, n in Counter(e["text"] for e in entries).items() if n > 1]
    assert not repeated, f"sidebar names these more than once: {repeated}"
    listed = Counter(e["page"].removeprefix("/") for e in entries)
    expected = chapters(site, lang)
    assert expected, f"no chapter pages in {site / lang}"
    assert {p: listed[p] for p in expected} == dict.fromkeys(expected, 1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_chapter_has_one_card(site, lang: str) -> None:
    """Each chapter's card is on one gallery page only, so no page repeats another's cards."""
    require_built(site, lang)
    cards: Counter[str] = Counter()
    where: dict[str, list[str]] = {}
    for name in html_pages(site):
        if not name.startswith(f"{lang}/"):
            continue
        for href in CARD.findall((site / name).read_text(encoding="utf-8")):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), href))
            cards[target] += 1
            where.setdefault(target, []).append(name)
    expected = chapters(site, lang)
    assert expected, f"no chapter pages in {site / lang}"
    assert set(cards) == set(expected), "cards for pages that are no chapter, or chapters without"
    repeated = {target: pages for target, pages in where.items() if len(pages) > 1}
    assert not repeated, f"cards shown on more than one page: {repeated}"
