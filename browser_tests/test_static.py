"""The built HTML and CSS, read without a browser."""

from __future__ import annotations

from sitecheck import LANGUAGES, external_resources, html_pages, require_built


def test_no_resources_from_other_hosts(site) -> None:
    found = external_resources(site)
    assert not found, "the site loads from other hosts:\n" + "\n".join(map(str, found))


def test_every_language_has_the_same_pages(site) -> None:
    require_built(site, *LANGUAGES)
    pages = html_pages(site)
    by_lang: dict[str, set[str]] = {}
    for page in pages:
        lang, rest = page.split("/", 1)
        by_lang.setdefault(lang, set()).add(rest)
    assert set(by_lang) == {"en", "zh_CN"}, f"languages built: {sorted(by_lang)}"
    assert by_lang["en"] == by_lang["zh_CN"], by_lang["en"] ^ by_lang["zh_CN"]
