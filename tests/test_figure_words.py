"""What the figures' words say: one notation, words that follow the configuration, bold titles."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pytest
import torch

import lstm_figures as lf
from lstm_figures.figures import FIGURES, build, default_input
from lstm_figures.figures.parts import gate_values
from lstm_figures.labels import CATALOGUE, LANGUAGES, Labels
from lstm_figures.models import build_module

from figure_checks import texts_of, trace_of

MATH = re.compile(r"(?<!\\)\$.*?(?<!\\)\$")

# Module arguments beside input_size=3, hidden_size=4: every figure applies to one of them.
MODULES = {
    "lstm_2_layers": {"kind": "LSTM", "num_layers": 2},
    "lstm_1_layer": {"kind": "LSTM", "num_layers": 1},
    "lstm_bidirectional": {"kind": "LSTM", "num_layers": 2, "bidirectional": True},
    "lstm_proj": {"kind": "LSTM", "num_layers": 1, "proj_size": 2},
    "gru_2_layers": {"kind": "GRU", "num_layers": 2},
    "gru_1_layer": {"kind": "GRU", "num_layers": 1},
    "rnn_1_layer": {"kind": "RNN", "num_layers": 1},
}


def module(name: str) -> torch.nn.Module:
    arguments = dict(MODULES[name])
    return build_module(arguments.pop("kind"), input_size=3, hidden_size=4, **arguments)


def layouts(lang: str):
    """(figure, module name, layout) for every figure that applies to each module."""
    for figure in FIGURES:
        for name in MODULES:
            mod = module(name)
            try:
                tr = lf.trace(mod, default_input(figure, mod))
                yield figure, name, build(figure, tr, lang)
            except ValueError:  # the figure is not for this kind of module
                continue


@pytest.mark.parametrize("lang", LANGUAGES)
def test_subscripts_are_only_written_inside_math(lang):
    # h_{t-1} outside $...$ is shown as typed, braces and all.
    raw = [
        (figure, name, text)
        for figure, name, layout in layouts(lang)
        for text in texts_of(layout)
        if "_{" in MATH.sub("", text)
    ]
    assert raw == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_step_number_in_a_subscript(lang):
    # h_0 and c_0 are the initial states, as in PyTorch's API: a state of time step 2 is
    # written h_t beside "t = 2", never h_2 (docs/notation.rst).
    numbered = re.compile(r"[hcx]_\{?\d")
    found = [
        (figure, name, text)
        for figure, name, layout in layouts(lang)
        for text in layout.texts
        for math in MATH.findall(text)
        if numbered.search(math)
    ]
    assert found == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unrolled_names_the_initial_state_h_0(lang):
    words = Labels(lang)
    texts = build("unrolled", trace_of(layers=1, bidirectional=False), lang).texts
    assert "h_0[0]" in texts
    assert words("unrolled_initial") in texts
    assert not [text for text in texts if "init}" in text or "h_init" in text]


def up_words(lang: str) -> list[str]:
    """The catalogue's phrases saying that h goes up to a next layer."""
    keys = ("stacked_legend_h", "stacked_alt_up", "gru_rnn_legend_h", "gru_rnn_alt_carried")
    phrases = {"en": ["pass h up", "up to the next layer", "up into the next layer"]}
    phrases["zh_CN"] = ["沿层向上传递", "向上传给下一层"]
    entries = [CATALOGUE[lang][key] for key in keys]
    assert all(any(p in entry for p in phrases[lang]) for entry in entries)  # still the words
    return phrases[lang]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("figure", "kind"), [("stacked", "LSTM"), ("stacked", "GRU"), ("gru_rnn", "GRU")]
)
@pytest.mark.parametrize("layers", [1, 2])
def test_words_about_the_next_layer_follow_the_layer_count(lang, figure, kind, layers):
    tr = trace_of(layers=layers, bidirectional=False, kind=kind)
    texts = texts_of(build(figure, tr, lang))
    said = [text for text in texts for phrase in up_words(lang) if phrase in text]
    if layers == 1:
        assert said == []  # a single layer has no layer above it
    else:
        assert said != []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_gates_figure_says_pytorch_stacks_i_f_g_o(lang):
    tr = trace_of(layers=1, bidirectional=False)
    layout = build("gates", tr, lang)
    assert Labels(lang)("gates_row_order") in layout.texts
    for text in (Labels(lang)("gates_row_order"), layout.alt):
        assert re.search("i[,、] ?f[,、] ?g[,、] ?o", text), text


def test_pytorch_stacks_the_gate_rows_i_f_g_o():
    # What the gates figure says, checked against the module's own weights.
    mod = build_module("LSTM", input_size=3, hidden_size=4, num_layers=1)
    tr = lf.trace(mod, default_input("gates", mod))
    t = 2
    cell = gate_values.cell_values(tr, 0, 0, t)
    x, h_prev = tr.input[t, 0], tr.hidden(0, 0, t - 1)[0]
    with torch.no_grad():
        rows = mod.weight_ih_l0 @ x + mod.bias_ih_l0 + mod.weight_hh_l0 @ h_prev + mod.bias_hh_l0
    i, f, g, o = rows.chunk(4)
    expected = {"i": i.sigmoid(), "f": f.sigmoid(), "g": g.tanh(), "o": o.sigmoid()}
    for name, values in expected.items():
        assert torch.allclose(cell.gates[name].flatten(), values, atol=1e-6), name


@pytest.mark.parametrize("figure", FIGURES)
def test_titles_are_bold_in_both_languages(figure):
    special = {"gru_rnn": "gru_1_layer", "projection": "lstm_proj"}
    mod = module(special.get(figure, "lstm_bidirectional"))
    title_of = {}
    for lang in LANGUAGES:
        fig = lf.draw(figure, mod, lang=lang)
        try:  # the title is the highest text
            title_of[lang] = max(fig.texts, key=lambda text: text.get_position()[1])
        finally:
            plt.close(fig)
    assert title_of["en"].get_fontweight() in ("bold", 700)
    # Noto Sans CJK has one weight: Chinese bold is outlined Regular (lstm_figures.fonts).
    assert title_of["zh_CN"].get_path_effects() != []
    assert title_of["en"].get_path_effects() == []
