"""The sphinx-gallery scraper: every figure in a light and a dark image."""

from __future__ import annotations

import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import lstm_figures as lf
from lstm_figures.gallery_scraper import scrape, with_dark_thumbnails
from lstm_figures.themes import DARK, LIGHT


def run_scraper(tmp_path) -> str:
    images = tmp_path / "images"
    images.mkdir()
    paths = (str(images / f"sphx_glr_example_{n:03}.png") for n in range(1, 10))
    return scrape(None, {"image_path_iterator": paths}, {"src_dir": str(tmp_path)})


def corner(path) -> np.ndarray:
    """The top left pixel as 0-255 RGB."""
    return np.round(matplotlib.image.imread(path)[0, 0, :3] * 255)


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])


@pytest.fixture
def plain_plot():
    fig, ax = plt.subplots(figsize=(3, 2))
    fig.set_label("MSE(k)")
    ax.plot([3, 2, 1], label="$y$")
    ax.set(xlabel="$k$", ylabel="MSE")
    ax.legend()
    return ax


def test_plain_plot_gets_a_dark_twin(tmp_path, plain_plot):
    ax = plain_plot
    rst = run_scraper(tmp_path)
    light = tmp_path / "images" / "sphx_glr_example_001.png"
    dark = tmp_path / "images" / "sphx_glr_example_001_dark.png"
    assert (corner(light) == rgb(LIGHT.background)).all()
    assert (corner(dark) == rgb(DARK.background)).all()
    assert rst.count(".. image::") == 2
    assert ":class: sphx-glr-single-img only-light" in rst
    assert ":class: sphx-glr-single-img only-dark" in rst
    assert rst.index(":loading: link") < rst.index("only-dark") < rst.index(":loading: lazy")
    assert rst.count(":alt: MSE(k)") == 2
    # Text and axes took the dark theme's colours; the data kept its own.
    assert ax.xaxis.label.get_color() == DARK.text
    assert all(label.get_color() == DARK.text for label in ax.get_xticklabels())
    assert ax.spines["left"].get_edgecolor() == matplotlib.colors.to_rgba(DARK.edge)
    assert matplotlib.colors.same_color(ax.lines[0].get_color(), "C0")
    assert plt.get_fignums() == []  # the scraper closes what it saved


def test_figure_is_drawn_again_in_the_dark_theme(tmp_path):
    torch.manual_seed(0)
    lf.draw("unrolled", torch.nn.LSTM(3, 4), torch.randn(5, 2, 3))
    rst = run_scraper(tmp_path)
    light = tmp_path / "images" / "sphx_glr_example_001.png"
    dark = tmp_path / "images" / "sphx_glr_example_001_dark.png"
    assert (corner(light) == rgb(LIGHT.background)).all()
    assert (corner(dark) == rgb(DARK.background)).all()
    assert ":class: sphx-glr-single-img lstm-figure only-light" in rst
    assert ":class: sphx-glr-single-img lstm-figure only-dark" in rst


def test_the_dark_twin_keeps_the_figure_options(tmp_path):
    """The twin is the same figure: a selection figure keeps its expression."""
    torch.manual_seed(0)
    lstm, x = torch.nn.LSTM(3, 4, bidirectional=True), torch.randn(5, 2, 3)
    lf.draw("selection", lstm, x, expression="h_n[-1]")
    run_scraper(tmp_path)
    twin = (tmp_path / "images" / "sphx_glr_example_001_dark.png").read_bytes()
    for expression, same in (("h_n[-1]", True), ("output[-1]", False)):
        expected = lf.save(
            lf.draw("selection", lstm, x, theme="dark", expression=expression),
            tmp_path / f"{expression}.png",
        )
        plt.close("all")
        assert (expected.read_bytes() == twin) == same, expression


INDEX = """\
.. only:: html

  .. image:: /auto_examples/images/thumb/sphx_glr_plot_01_unrolled_thumb.png
    :alt:

  :doc:`/auto_examples/plot_01_unrolled`

.. only:: html

  .. image:: /auto_examples/beyond/images/thumb/sphx_glr_plot_09_gates_thumb.png
    :alt:

  :doc:`/auto_examples/beyond/plot_09_gates`
"""


def test_thumbnails_with_a_dark_twin_get_one():
    dark = "/auto_examples/images/thumb/sphx_glr_plot_01_unrolled_thumb_dark.png"
    rst = with_dark_thumbnails(INDEX, lambda path: path == dark)
    assert rst == INDEX.replace(
        """\
  .. image:: /auto_examples/images/thumb/sphx_glr_plot_01_unrolled_thumb.png
    :alt:
""",
        """\
  .. image:: /auto_examples/images/thumb/sphx_glr_plot_01_unrolled_thumb.png
    :alt:
    :class: only-light
    :loading: link

  .. image:: /auto_examples/images/thumb/sphx_glr_plot_01_unrolled_thumb_dark.png
    :alt:
    :class: only-dark
    :loading: lazy
""",
    )
    # The gates thumbnail has no dark twin: left as it was.
    assert rst.count("sphx_glr_plot_09_gates_thumb") == 1
    assert with_dark_thumbnails(INDEX, lambda path: False) == INDEX
