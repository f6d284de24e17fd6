"""Search works offline in both languages (Chinese words are split with jieba at build time)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sitecheck import require_built

RESULTS = "#search-results ul.search > li"


# Glossary terms and the site's own words (docs/search_terms_zh.txt keeps each one word), and
# a page each must find.
CHINESE = [
    ("非批量", "notation.html"),
    ("unbatched", "notation.html"),
    ("批量优先", "plot_04_batch_first.html"),
    ("细胞状态", "notation.html"),
    ("遗忘门", "plot_09_gates.html"),
    ("候选细胞状态", "plot_09_gates.html"),
    ("打包序列", "plot_10_packed.html"),
    ("数据立方体", "plot_03_data_cube.html"),
]


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("en", "h_n", None),
        ("en", "hidden state", None),
        ("en", "unbatched", "notation.html"),
        ("zh_CN", "隐藏状态", None),
        ("zh_CN", "h_n", None),
        *[("zh_CN", query, expected) for query, expected in CHINESE],
    ],
)
def test_search_finds(
    page, site, base_url: str, lang: str, query: str, expected: str | None
) -> None:
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
    if expected:  # results are shown one by one: wait for the page, not for the first result
        try:
            page.wait_for_function(
                f"""(name) => Array.from(document.querySelectorAll({RESULTS!r} + " > a"))
                    .some((a) => a.pathname.endsWith("/" + name))""",
                arg=expected,
                timeout=15_000,
            )
        except PlaywrightTimeout:
            found = page.locator(f"{RESULTS} > a").evaluate_all("(as) => as.map((a) => a.href)")
            pytest.fail(f"{query!r} on {lang} does not find {expected}: {found}", pytrace=False)
    assert not page.recorder.errors, page.recorder.errors
