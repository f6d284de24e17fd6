"""Explorable figures on a phone: every cell is a target a finger can hit (WCAG 2.5.8).

Lighthouse's mobile run (412 CSS px wide, 1.75 device pixels per CSS pixel, touch) checks
axe-core's ``target-size`` rule; a figure shrunk to that width leaves its cells, the stacked
h and c halves most of all, a few pixels tall. This test runs the same rule in the same
viewport on every page with an explorable figure, in both languages, and checks that the
figure's pane scrolls rather than the whole page.
"""

from __future__ import annotations

import pytest
from sitecheck import require_built
from test_explore import LANGUAGES, PAGES
from visiting import keep_local, settle_images

PHONE = {
    "viewport": {"width": 412, "height": 823},
    "device_scale_factor": 1.75,
    "is_mobile": True,
    "has_touch": True,
}
TARGET_SIZE = "axe.run(document, {runOnly: ['target-size'], resultTypes: ['violations']})"
WIDTHS = """() => ({
  page: document.documentElement.scrollWidth,
  screen: document.documentElement.clientWidth,
  cells: Array.from(document.querySelectorAll('.lf-explore .lf-cell')).filter(
    (cell) => cell.offsetParent !== null).length,
})"""


@pytest.fixture(scope="module")
def phone(browser, base_url: str):
    """A tab in a phone-sized, touch context that lets only 127.0.0.1 answer."""
    context = browser.new_context(color_scheme="light", locale="en-US", **PHONE)
    keep_local(context, base_url, [])
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_every_cell_is_a_touch_target_on_a_phone(phone, site, base_url, lang, path):
    from axe_playwright_python.base import AXE_SCRIPT

    require_built(site, lang)
    phone.goto(f"{base_url}{lang}/{path}", wait_until="load")
    settle_images(phone)
    widths = phone.evaluate(WIDTHS)
    assert widths["cells"] > 0, "no live cell: explore.js did not set the figure up"
    phone.evaluate(AXE_SCRIPT)
    result = phone.evaluate(TARGET_SIZE)
    small = [
        f"{node['target']}: {node['failureSummary'].splitlines()[-1].strip()}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]
    assert not small, f"{len(small)} targets too small on a phone:\n" + "\n".join(small[:10])
    # The figure's own pane scrolls sideways, never the page (the text keeps its width).
    assert widths["page"] <= widths["screen"], widths
