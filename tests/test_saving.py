"""Saving figures: the same figure gives the same bytes, in every format."""

from __future__ import annotations

import matplotlib
import matplotlib.image
import pytest
import torch

import lstm_figures as lf
from lstm_figures.saving import FORMATS, check_path

MAGIC = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}


def figure(lang: str = "en"):
    """A fresh figure: the same module and input every time."""
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4, num_layers=2)
    return lf.draw("unrolled", lstm, torch.randn(5, 3, 3), lang=lang)


def test_formats_are_the_suffixes():
    assert tuple(MAGIC) == FORMATS


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_same_figure_same_bytes(tmp_path, fmt, lang):
    first, second = tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"
    assert lf.save(figure(lang), first) == first
    lf.save(figure(lang), second)
    data = first.read_bytes()
    assert data.startswith(MAGIC[fmt])
    assert data == second.read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_dates_or_versions_in_files(tmp_path, fmt):
    path = lf.save(figure(), tmp_path / f"figure.{fmt}")
    data = path.read_bytes()
    assert matplotlib.__version__.encode() not in data
    assert b"CreationDate" not in data
    assert b"<dc:date>" not in data


def test_suffix_is_case_insensitive(tmp_path):
    path = lf.save(figure(), tmp_path / "figure.PNG")
    assert path.read_bytes().startswith(MAGIC["png"])


def test_dpi_sets_the_png_size(tmp_path):
    fig = figure()
    width, height = fig.get_size_inches()
    image = matplotlib.image.imread(lf.save(fig, tmp_path / "figure.png", dpi=100))
    assert image.shape[:2] == (round(height * 100), round(width * 100))


@pytest.mark.parametrize("name", ["figure.jpg", "figure", "figure.png.bak"])
def test_unknown_suffix_is_an_error(tmp_path, name):
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf"):
        lf.save(figure(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        lf.save(figure(), tmp_path / "missing" / "figure.png")
    assert list(tmp_path.iterdir()) == []


def test_check_path_returns_the_format(tmp_path):
    assert check_path(str(tmp_path / "figure.Svg")) == (tmp_path / "figure.Svg", "svg")


def test_math_is_parsed_once_across_figures(tmp_path):
    from matplotlib.mathtext import MathTextParser

    lf.save(figure(), tmp_path / "first.png")
    misses = MathTextParser._parse_cached.cache_info().misses
    lf.save(figure(), tmp_path / "second.png")  # a new figure, so a new renderer
    assert MathTextParser._parse_cached.cache_info().misses == misses


def test_shared_math_parser_draws_the_same_pixels(tmp_path):
    ours = lf.save(figure(), tmp_path / "ours.png")
    plain = tmp_path / "plain.png"
    with matplotlib.rc_context({"text.hinting": "no_hinting"}):
        fig = figure()
        fig.savefig(plain, dpi=150, facecolor=fig.get_facecolor())
    assert (matplotlib.image.imread(ours) == matplotlib.image.imread(plain)).all()


def test_renderer_is_restored_after_saving(tmp_path):
    from matplotlib.backends.backend_agg import RendererAgg

    make_renderer = RendererAgg.__init__
    lf.save(figure(), tmp_path / "figure.png")
    assert RendererAgg.__init__ is make_renderer
    fig = figure()
    fig.texts[0].set_text("$\\frac{$")  # not valid mathtext: savefig raises
    with pytest.raises(ValueError, match="frac"):
        lf.save(fig, tmp_path / "broken.png")
    assert RendererAgg.__init__ is make_renderer
