"""Getting around: the language chooser at the site's root and the switcher on each page."""

from __future__ import annotations

import pytest
from sitecheck import require_built
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
