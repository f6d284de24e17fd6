"""Explorable figures: every cell focused from the keyboard, every readout checked with torch.

How the check stays real: the page says, in ``data-config``, which figure it shows and the
SHA-256 of the ``output``/``h_n``/``c_n`` its readouts were computed from. This test runs the
chapter's own example script again (its seeded model and input, as the build ran it),
takes the trace of each figure it drew, and keeps the one with that hash: the page and the
test then speak of the same tensors. Each expression the readout shows (read from the
page, as a reader sees it) is evaluated with ``lstm_figures.expressions.evaluate`` on the
real ``output``/``h_n``/``c_n`` and compared with the trace's own step-by-step state of
the cell (``tr.hidden``/``tr.cell``), and the first values shown are compared with it too.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import runpy
from functools import cache
from pathlib import Path

import pytest
from sitecheck import REPO, require_built, site_dir
from visiting import set_theme, settle_images

# The chapters the issue names; each must have at least one explorable figure.
CHAPTERS = {
    "stacked": "auto_examples/plot_02_stacked.html",
    "bidirectional": "auto_examples/plot_05_bidirectional.html",
    "state_locations": "auto_examples/plot_06_state_locations.html",
    "packed": "auto_examples/beyond/plot_10_packed.html",
    "projection": "auto_examples/beyond/plot_11_projection.html",
}
LANGUAGES = ("en", "zh_CN")
MARK = '<div class="lf-explore" data-config='


def _pages() -> list[str]:
    """Every gallery page with an explorable figure (the chapters above at least)."""
    gallery = site_dir() / "en" / "auto_examples"
    found = {
        path.relative_to(gallery.parent).as_posix()
        for path in gallery.rglob("*.html")
        if MARK in path.read_text(encoding="utf-8")
    }
    return sorted(found | set(CHAPTERS.values()))


PAGES = _pages()
RTOL, ATOL = 1e-5, 1e-6  # the trace's states against PyTorch's fused output, last bits


def _source(page_path: str) -> Path:
    """The example script a gallery page was made from."""
    relative = Path(page_path).relative_to("auto_examples").with_suffix(".py")
    return REPO / "gallery" / relative


@cache
def _traces(source: Path) -> dict:
    """Run an example as the build did; every trace it drew a figure from, by tensor hash."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import torch

    from lstm_figures.exploring import tensors_hash

    torch.set_num_threads(1)  # as the build (OMP_NUM_THREADS=1)
    here = Path.cwd()
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            os.chdir(source.parent)
            runpy.run_path(str(source), run_name="__main__")
        finally:
            os.chdir(here)
    traces = {}
    for number in plt.get_fignums():
        spec = getattr(plt.figure(number), "lstm_figures", None)
        if spec is not None:
            traces[tensors_hash(spec["trace"])] = spec["trace"]
    plt.close("all")
    return traces


def _check_readout(tr, cell: dict, readout: dict) -> int:
    """Evaluate every expression of one readout on the real tensors; return how many."""
    import torch

    from lstm_figures.expressions import evaluate
    from lstm_figures.locating import sizes, tensors

    get = tr.hidden if cell["state"] == "h" else tr.cell
    state = get(int(cell["layer"]), int(cell["direction"]), int(cell["step"]))
    real, names = tensors(tr), sizes(tr)
    for code in readout["codes"]:
        value = evaluate(code["text"], real, names)
        expected = state if code["sample"] is None else state[int(code["sample"])]
        assert value.shape == expected.shape, (cell, code)
        assert torch.allclose(value, expected, RTOL, ATOL), (cell, code)
    sample = int(cell.get("sample") or readout["valuesSample"])
    row = state[sample] if tr.batched else state
    shown = [f"{float(v):.4f}" for v in row[: len(readout["values"])]]
    assert readout["values"] == shown, (cell, readout["values"], shown)
    if not readout["codes"]:
        assert readout["notes"], cell  # not returned: it must say where it goes
    return len(readout["codes"])


# What the page shows for the focused cell, read from the DOM.
READ_FOCUSED = """(root) => {
  const cell = document.activeElement;
  const readout = root.querySelector('.lf-readout');
  const values = readout.querySelector('.lf-readout-values').textContent;
  return {
    cell: Object.assign({}, cell.dataset, {label: cell.getAttribute('aria-label'),
                                           inside: root.contains(cell)}),
    title: readout.querySelector('.lf-readout-title').textContent,
    codes: Array.from(readout.querySelectorAll('code.lf-expression')).map((c) => ({
      text: c.textContent, sample: c.dataset.sample === undefined ? null : c.dataset.sample})),
    notes: Array.from(readout.querySelectorAll('.lf-readout-note')).map((n) => n.textContent),
    values: (values.match(/-?\\d+\\.\\d{4}/g) || []),
    valuesSample: (values.match(/\\d+/) || ['0'])[0],
  };
}"""


def _explorables(page) -> list:
    return page.locator(".lf-explore").all()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_every_cell_is_focused_and_every_expression_is_true(page, site, base_url, lang, path):
    require_built(site, lang)
    page.recorder.reset()
    page.goto(f"{base_url}{lang}/{path}", wait_until="load")
    settle_images(page)
    figures = _explorables(page)
    assert figures, f"no explorable figure on {path}"
    traces = _traces(_source(path))
    expressions = 0
    for root in figures:
        config = json.loads(root.get_attribute("data-config"))
        for key in ("kind", "input_size", "hidden_size", "num_layers", "bidirectional"):
            assert key in config
        tr = traces.get(config["sha256"])
        assert tr is not None, f"the chapter's script made no trace with {config['sha256']}"
        assert (tr.kind, tr.num_layers, tr.seq_len, tr.lengths) == (
            config["kind"],
            config["num_layers"],
            config["seq_len"],
            config["lengths"],
        )
        cells = root.locator(".lf-cell")
        count = cells.count()
        assert count > 0
        # Keyboard: focus the first cell, then Tab through all of them in order.
        cells.first.focus()
        handle = root.element_handle()
        for index in range(count):
            if index:
                page.keyboard.press("Tab")
            shown = page.evaluate(READ_FOCUSED, handle)
            assert shown["cell"]["inside"], index  # focus stayed on this figure's cells
            assert "key" in shown["cell"], index
            assert shown["title"] == shown["cell"]["label"]
            expressions += _check_readout(tr, shown["cell"], shown)
        # Arrow keys move between cells.
        cells.first.focus()
        page.keyboard.press("ArrowRight" if count > 1 else "ArrowUp")
        moved = page.evaluate("document.activeElement.dataset.key")
        assert count == 1 or (moved and moved != cells.first.get_attribute("data-key"))
    assert expressions > 0
    assert page.recorder.errors == []
    assert page.recorder.external == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_hovering_a_tensor_name_highlights_its_cells(page, site, base_url, lang):
    require_built(site, lang)
    page.goto(f"{base_url}{lang}/{CHAPTERS['state_locations']}", wait_until="load")
    root = _explorables(page)[0]
    readouts = json.loads(root.locator("script.lf-readouts").text_content())
    for name in ("output", "h_n", "c_n"):
        root.locator(f".lf-tensor[data-tensor={name}]").hover()
        lit = root.locator(".lf-cell.lf-highlight")
        expected = sorted(k for k, entry in readouts.items() if name in entry["tensors"])
        assert sorted(c.get_attribute("data-key") for c in lit.all()) == expected
        assert expected
    page.mouse.move(0, 0)
    assert root.locator(".lf-cell.lf-highlight").count() == 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_javascript_the_image_and_alt_stay(browser, base_url, site, lang):
    require_built(site, lang)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        for path in CHAPTERS.values():
            page.goto(f"{base_url}{lang}/{path}")
            root = page.locator(".lf-explore").first
            image = root.locator("img.only-light")
            assert image.is_visible()
            assert len(image.get_attribute("alt")) > 40
            assert not root.locator(".lf-cells").is_visible()
            assert not root.locator(".lf-readout").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_screenshot_explorable_figures(page, site, base_url, screenshots_dir, lang, theme):
    """Hovered and focused, for people to look at (screenshots/explore-*.png)."""
    require_built(site, lang)
    for path in PAGES:
        chapter = Path(path).stem
        page.goto(f"{base_url}{lang}/{path}", wait_until="load")
        settle_images(page)
        assert set_theme(page, theme) == theme
        for number, root in enumerate(_explorables(page)):
            root.scroll_into_view_if_needed()
            cells = root.locator(".lf-cell")
            cells.nth(cells.count() - 1).hover()
            name = f"explore-{lang}-{chapter}-{number}-{theme}"
            root.screenshot(path=str(screenshots_dir / f"{name}-hovered.png"))
            cells.first.focus()
            page.keyboard.press("ArrowUp")
            root.screenshot(path=str(screenshots_dir / f"{name}-focused.png"))
    assert page.recorder.errors == []
