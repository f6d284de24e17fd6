"""Search works offline in both languages (Chinese words are split with jieba at build time)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sitecheck import require_built

RESULTS = "#search-results ul.search > li"


@pytest.mark.parametrize(
    ("lang", "query"),
    [("en", "h_n"), ("en", "hidden state"), ("zh_CN", "隐藏状态"), ("zh_CN", "h_n")],
)
def test_search_finds(page, site, base_url: str, lang: str, query: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    require_built(site, lang)
    page.recorder.reset()
    page.goto(f"{base_url}{lang}/search.html?q={quote(query)}")
    try:
        page.wait_for_function(f"document.querySelectorAll({RESULTS!r}).length > 0", timeout=15_000)
    except PlaywrightTimeout:
        summary = page.locator("#search-results").inner_text(timeout=1_000)
        problems = page.recorder.errors + page.recorder.failed
        pytest.fail(f"no results for {query!r} on {lang}: {summary!r} {problems}", pytrace=False)
    titles = page.locator(f"{RESULTS} > a").all_inner_texts()
    assert titles, f"results for {query!r} on {lang} have no links"
    assert not page.recorder.errors, page.recorder.errors
