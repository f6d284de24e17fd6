"""Every page of both languages, as a reader's browser gets it (one visit per page)."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pytest
from sitecheck import LANGUAGES, require_built
from visiting import BLOCKING


def language_of(path: str) -> str:
    return path.split("/", 1)[0]


def test_loads_nothing_from_other_hosts(visited) -> None:
    assert not visited.external, "requests to other hosts:\n" + "\n".join(visited.external)


def test_no_console_or_page_errors(visited) -> None:
    problems = visited.errors + visited.failed
    assert not problems, "\n".join(problems)


def test_html_lang(visited) -> None:
    assert visited.lang == LANGUAGES[language_of(visited.path)]


@pytest.mark.parametrize("step", ["light", "dark"])
def test_visible_images_load(visited, step: str) -> None:
    broken = [i["src"] for i in visited.images[step] if i["visible"] and not i["loaded"]]
    assert not broken, f"images not loaded in {step}: {broken}"


def test_language_switcher_leads_to_same_page(visited, site, base_url: str) -> None:
    switcher = visited.switcher
    assert switcher, "no nav.language-switcher on the page"
    assert switcher["visible"], "the language switcher is hidden"
    own = language_of(visited.path)
    assert switcher["current"] == [LANGUAGES[own]], "the current language is not marked"
    others = {code for code in LANGUAGES if code != own}
    linked = {}
    for link in switcher["links"]:
        url = urlsplit(link["url"])
        assert url.geturl().startswith(base_url), f"switcher leaves the site: {link['url']}"
        target = PurePosixPath(url.path.lstrip("/"))
        linked[target.parts[0]] = target
        assert link["hreflang"] == LANGUAGES[target.parts[0]], link
    assert set(linked) == others, f"switcher links to {sorted(linked)}, expected {others}"
    here = PurePosixPath(visited.path).relative_to(own)
    require_built(site, *others)
    for code, target in linked.items():
        assert target.relative_to(code) == here, f"{code} link goes to {target}, not {here}"
        file = site / target
        assert file.is_file(), f"the switcher links to {target}, which was not built"
        assert f'lang="{LANGUAGES[code]}"' in file.read_text(encoding="utf-8")[:500]


def themed(images: list[dict]) -> list[str]:
    return [image["current"] for image in images if image["themed"] and image["visible"]]


def test_dark_theme_shows_dark_figures(visited) -> None:
    assert visited.themes == {"light": "light", "dark": "dark", "back": "light"}
    light, dark, back = (themed(visited.images[step]) for step in ("light", "dark", "back"))
    path = PurePosixPath(visited.path)
    if path.name.startswith("plot_"):
        assert light, "a gallery chapter without a light/dark figure"
    if path.name == "index.html" and "auto_examples" in path.parts:
        assert light, "a gallery index without light/dark thumbnails"
    assert len(dark) == len(light), "not one dark figure for each light one"
    same = [src for src, other in zip(light, dark, strict=True) if src == other]
    assert not same, f"the dark theme still shows {same}"
    assert back == light, "switching back to light did not bring the light figures back"
    unthemed = [i["src"] for i in visited.images["light"] if i["figure"] and not i["themed"]]
    assert not unthemed, f"figures with no dark twin: {unthemed}"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_accessibility(visited, theme: str) -> None:
    blocking = [v for v in visited.axe[theme] if v.impact in BLOCKING]
    assert not blocking, f"axe ({theme}):\n" + "\n".join(map(str, blocking))


@pytest.mark.parametrize(
    "path", ["en/auto_examples/index.html", "zh_CN/auto_examples/plot_06_state_locations.html"]
)
def test_light_page_fetches_no_dark_image(page, site, base_url: str, path: str) -> None:
    """Dark variants load lazily: a reader of the light page never downloads them."""
    require_built(site, language_of(path))
    fetched: list[str] = []

    def record(request) -> None:
        fetched.append(request.url)

    page.on("request", record)
    try:
        page.goto(base_url + path, wait_until="load")
        page.mouse.wheel(0, 100_000)  # down to the last figure
        page.wait_for_timeout(500)
    finally:
        page.remove_listener("request", record)
    images = [url for url in fetched if url.endswith(".png")]
    assert any("_thumb" in url or "sphx_glr_" in url for url in images), "no figure was fetched"
    assert not [url for url in images if "_dark" in url]
