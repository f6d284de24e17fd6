"""Screenshots for people to look at: front page and a gallery chapter, both languages and themes.

Saved to ``screenshots/`` in the build folder (``docs/_build`` or ``$LSTM_FIGURES_BUILD_DIR``).
"""

from __future__ import annotations

import pytest
from sitecheck import require_built
from visiting import set_theme, settle_images

PAGES = {"index": "index.html", "state_locations": "auto_examples/plot_06_state_locations.html"}


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_screenshot(page, site, base_url, screenshots_dir, lang: str, name: str, theme: str):
    require_built(site, lang)
    page.goto(f"{base_url}{lang}/{PAGES[name]}")
    settle_images(page)
    assert set_theme(page, theme) == theme
    if name != "index":  # the chapter's figure, not only its first screen of prose
        page.locator("img.sphx-glr-single-img:visible").first.scroll_into_view_if_needed()
    path = screenshots_dir / f"{lang}-{name}-{theme}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
