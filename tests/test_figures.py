"""Every figure in :data:`lstm_figures.FIGURES`, generically.

Each figure module is tested here as soon as it exists; until then its cases are skipped.
"""

from __future__ import annotations

import importlib
import re

import matplotlib.colors
import pytest
import torch
from matplotlib.figure import Figure

import lstm_figures as lf
from lstm_figures import drawing, figures, fonts
from lstm_figures.labels import LANGUAGES
from lstm_figures.layout import Text
from lstm_figures.themes import THEMES, get_theme

from figure_checks import SHAPE

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(params=figures.FIGURES)
def name(request) -> str:
    """A figure name, skipped while its module has not been written yet."""
    module = f"lstm_figures.figures.{request.param}"
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise
        pytest.skip(f"lstm_figures/figures/{request.param}.py does not exist yet")
    return request.param


#: What a figure needs beyond the shared model (the projection figure needs a projection).
MODULE_OPTIONS = {"projection": {"proj_size": 2}, "gru_rnn": {"kind": "GRU"}}


def model(name: str | None = None, seq_len=5, batch=3, features=3, hidden=4):
    """A 2-layer bidirectional LSTM and an input for it: every figure ``name`` can draw this.

    The input is the figure's own default (a PackedSequence for ``packed``).
    """
    options = dict(MODULE_OPTIONS.get(name, {}))
    kind = getattr(torch.nn, options.pop("kind", "LSTM"))
    lstm = kind(features, hidden, num_layers=2, bidirectional=True, **options)
    return lstm, figures.default_input(name, lstm, seq_len=seq_len, batch=batch)


def layouts_drawn(monkeypatch) -> list:
    """Record the layout of every figure drawn from now on."""
    layouts = []
    render = drawing.render

    def recording_render(layout, theme, lang):
        layouts.append(layout)
        return render(layout, theme, lang)

    monkeypatch.setattr(drawing, "render", recording_render)
    return layouts


def test_public_names_are_the_figures_package():
    assert lf.FIGURES is figures.FIGURES
    assert lf.draw is figures.draw


def test_summary_is_one_line(name):
    text = figures.summary(name)
    assert text
    assert "\n" not in text
    assert text == importlib.import_module(f"lstm_figures.figures.{name}").__doc__.split("\n")[0]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("theme", THEMES)
def test_draws_in_every_language_and_theme(name, lang, theme):
    lstm, x = model(name)
    fig = lf.draw(name, lstm, x, lang=lang, theme=theme)
    assert isinstance(fig, Figure)
    assert {key: fig.lstm_figures[key] for key in ("name", "lang", "theme")} == {
        "name": name,
        "lang": lang,
        "theme": theme,
    }
    assert matplotlib.colors.to_hex(fig.get_facecolor()) == get_theme(theme).background
    fig.canvas.draw()  # mathtext and fonts are only laid out when rendered (warnings are errors)


def test_unknown_figure_lists_the_figures():
    lstm, x = model()
    with pytest.raises(ValueError, match="unknown figure 'nope'") as error:
        lf.draw("nope", lstm, x)
    assert all(repr(valid) in str(error.value) for valid in figures.FIGURES)


def test_unknown_language_lists_the_languages(name):
    lstm, x = model(name)
    with pytest.raises(ValueError, match="unknown language 'fr'") as error:
        lf.draw(name, lstm, x, lang="fr")
    assert all(repr(valid) in str(error.value) for valid in LANGUAGES)


def test_unknown_theme_lists_the_themes(name):
    lstm, x = model(name)
    with pytest.raises(ValueError, match="unknown theme 'blue'") as error:
        lf.draw(name, lstm, x, theme="blue")
    assert all(repr(valid) in str(error.value) for valid in THEMES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_alt_text_is_plain_words_in_the_language(name, lang):
    lstm, x = model(name)
    alt = lf.draw(name, lstm, x, lang=lang).lstm_figures["alt"]
    assert alt.strip()
    assert bool(CJK.search(alt)) == (lang == "zh_CN")
    # Screen readers read alt text literally: no mathtext, no unfilled {placeholders}.
    assert not set("${}") & set(alt)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_alt_text_shows_only_real_shapes(name, lang):
    """A shape in the alt text is one the figure shows, or one step's state, read from torch."""
    tr = lf.trace(*model(name, seq_len=5, batch=2, features=3, hidden=4))
    layout = figures.build(name, tr, lang)
    shown = {shape for text in layout.texts for shape in SHAPE.findall(text)}
    one_step = {str(tuple(tr.hidden(0, 0, 0).shape))}
    if tr.c_n is not None:
        one_step.add(str(tuple(tr.cell(0, 0, 0).shape)))
    in_alt = set(SHAPE.findall(layout.alt))
    assert in_alt, "the alt text names no shape"
    assert in_alt <= shown | one_step


def test_words_follow_the_language(name):
    tr = lf.trace(*model(name))
    english, chinese = (figures.build(name, tr, lang).texts for lang in ("en", "zh_CN"))
    assert not [text for text in english if CJK.search(text)]
    assert any(CJK.search(text) for text in chinese)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_has_glyphs(name, lang):
    layout = figures.build(name, lf.trace(*model(name)), lang)
    fonts.check_glyphs(layout.texts, fonts.families(lang))
    mono = [text.text for text in layout.of_type(Text) if text.family == "mono"]
    fonts.check_glyphs(mono, fonts.families(lang, "mono"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_missing_glyph_is_an_error(lang):
    private_use = "\ue000"  # no font has a glyph here
    with pytest.raises(lf.MissingGlyphError, match="U\\+E000"):
        fonts.check_glyphs([f"x {private_use}"], fonts.families(lang))


def test_mathtext_with_chinese_is_an_error():
    chain = fonts.families("zh_CN")
    fonts.check_glyphs(["隐藏状态 h_t"], chain)  # code-style names as plain text are fine
    with pytest.raises(lf.MissingGlyphError):
        fonts.check_glyphs(["隐藏状态 $h_t$"], chain)
    assert issubclass(lf.MissingGlyphError, ValueError)


def test_trace_and_module_draw_the_same(name, monkeypatch):
    layouts = layouts_drawn(monkeypatch)
    lstm, x = model(name)
    tr = lf.trace(lstm, x)
    fig = lf.draw(name, tr)
    lf.draw(name, lstm, x)
    lf.draw(name, lstm)  # the default input
    lf.draw(name, lf.trace(lstm, figures.default_input(name, lstm)))
    assert fig.lstm_figures["trace"] is tr
    assert layouts[0] == layouts[1]
    assert layouts[2] == layouts[3]


def test_trace_with_input_is_an_error(name):
    lstm, x = model(name)
    tr = lf.trace(lstm, x)
    with pytest.raises(ValueError, match="must be None"):
        lf.draw(name, tr, x)
    with pytest.raises(ValueError, match="must be None"):
        lf.draw(name, tr, hx=(tr.h_0, tr.c_0))


def element_count(name: str, **sizes: int) -> int:
    return len(figures.build(name, lf.trace(*model(name, **sizes))).elements)


def test_long_sequences_draw_as_much_as_short_ones(name):
    assert element_count(name, seq_len=400) < 2 * element_count(name, seq_len=5)


def test_large_sizes_draw_as_much_as_small_ones(name):
    # Past the elision threshold, every axis is drawn with the same number of slots.
    large = element_count(name, seq_len=12, batch=64, features=64, hidden=64)
    assert large < 2 * element_count(name, seq_len=12, batch=12, features=12, hidden=12)
