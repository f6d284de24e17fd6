"""The gru_rnn figure: a GRU or RNN grid that carries only h, checked against torch.

Every expected shape comes from running the module itself or from its parameters;
nothing is typed in by hand. No pixels: layouts only.
"""

from __future__ import annotations

import re

import pytest
from torch import nn

import lstm_figures as lf
from lstm_figures.figures import build
from lstm_figures.figures.parts.grid import grid_axes
from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, Text
from lstm_figures.models import build_module, example_input

from figure_checks import (
    assert_chinese_without_english,
    assert_elision_bounds_elements,
    assert_inside_figure,
    assert_rows_run_their_way,
    config_id,
    grid_configs,
    run_config,
    shapes_in,
    trace_of,
)

H_N = re.compile(r"h_n\[(\d+)\]")
# Code names may appear inside Chinese sentences; anything else in Latin letters may not.
CODE_WORDS = {"LSTM", "GRU", "RNN", "output"}


CONFIGS = grid_configs(12, seed=12, kinds=["GRU", "RNN"], max_layers=4)


# ----------------------------------------------------------------------------- shapes


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_every_shape_shown_is_a_torch_shape(config):
    module, x, output, h_n, _ = run_config(config)
    tr = lf.trace(module, x)
    expected = {str(tuple(t.shape)) for t in (output, h_n, module.weight_ih_l0)}
    for lang in ("en", "zh_CN"):
        assert shapes_in(build("gru_rnn", tr, lang)) == expected, lang


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_h_n_has_the_lstm_layout(config):
    """h_n is (L·D, N, H), and h_n[l·D + d] is the row that ends there, as for an LSTM."""
    module, x, _, h_n, _ = run_config(config)
    directions = 2 if module.bidirectional else 1
    assert tuple(h_n.shape) == (
        module.num_layers * directions,
        x.shape[0 if module.batch_first else 1],
        module.hidden_size,
    )
    layout = build("gru_rnn", lf.trace(module, x), "en")
    assert f"h_n {tuple(h_n.shape)} = (L·D, N, H), the same layout" in " ".join(layout.texts)
    ends = {int(H_N.fullmatch(t.text)[1]): t for t in layout.of_type(Text) if H_N.fullmatch(t.text)}
    layers = [layer for layer in grid_axes(lf.trace(module, x))[1] if layer is not None]
    assert set(ends) == {layer * directions + d for layer in layers for d in range(directions)}
    cells = [b for b in layout.of_type(Box) if b.size == 6.5 and b.x > 0.5]  # not the legend
    grid_left, grid_right = min(b.x for b in cells), max(b.x + b.w for b in cells)
    for index, text in ends.items():
        if index % directions == 0:  # forward rows end on the right, at t = T - 1
            assert text.x > grid_right
            assert text.role == "hidden"
        else:  # backward rows end on the left, at t = 0
            assert text.x < grid_left
            assert text.role == "backward"


def test_unbatched_input_drops_n():
    module = build_module("GRU", input_size=3, hidden_size=4, num_layers=2)
    x = example_input(module, seq_len=4, batch=1)[:, 0]
    _, h_n = module(x)
    layout = build("gru_rnn", lf.trace(module, x), "en")
    assert f"h_n {tuple(h_n.shape)} = (L·D, H)," in " ".join(layout.texts)


# ----------------------------------------------------------------------------- only h


@pytest.mark.parametrize("config", CONFIGS[:6], ids=config_id)
def test_only_h_is_carried(config):
    module, x, *_ = run_config(config)
    tr = lf.trace(module, x)
    assert tr.c_n is None
    assert tr.c_0 is None
    for lang in ("en", "zh_CN"):
        layout = build("gru_rnn", tr, lang)
        assert not [a for a in layout.of_type(Arrow) if a.role == "state"]
        assert not [t for t in layout.texts if re.search(r"\bc_n\[|c_t", t)]
    legend = " ".join(build("gru_rnn", tr, "en").texts)
    assert f"no c_n: a {tr.kind} returns (output, h_n)" in legend
    # Backward rows carry h to the left, forward rows to the right.
    carried = [a for a in layout.of_type(Arrow) if a.start[1] == a.end[1] and a.start[0] > 0.5]
    assert_rows_run_their_way(carried)


def test_gru_cells_name_their_gates_in_torch_order():
    module = build_module("GRU", input_size=3, hidden_size=5, num_layers=2)
    tr = lf.trace(module, example_input(module))
    layout = build("gru_rnn", tr, "en")
    names = ", ".join(tr.gates(0, 0, 0))  # the trace's gate names, in PyTorch's weight order
    cells = [b for b in layout.of_type(Box) if b.text == names]
    assert len(cells) == 2 * tr.seq_len + 1  # every cell of the grid, and the legend's
    assert Labels("zh_CN")("gru_rnn_gates") == names
    # weight_ih_l0 stacks one block of H rows per gate.
    weight = tuple(module.weight_ih_l0.shape)
    assert weight[0] == len(tr.gates(0, 0, 0)) * module.hidden_size
    assert any(
        f"weight_ih_l0 {weight} stacks their 3 blocks of H = 5 rows" in t for t in layout.texts
    )


def test_rnn_cells_have_no_gates():
    module = build_module("RNN", input_size=3, hidden_size=5)
    tr = lf.trace(module, example_input(module))
    assert tr.gates(0, 0, 0) == {}
    layout = build("gru_rnn", tr, "en")
    assert [b for b in layout.of_type(Box) if b.text == "RNN"]
    assert not [b for b in layout.of_type(Box) if b.text == Labels("en")("gru_rnn_gates")]
    weight = tuple(module.weight_ih_l0.shape)
    assert weight[0] == module.hidden_size
    assert any(f"no gates: weight_ih_l0 {weight} is a single block" in t for t in layout.texts)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_lstm_is_a_value_error(lang):
    lstm = nn.LSTM(3, 4)
    with pytest.raises(ValueError, match=r"^the gru_rnn figure is for nn.GRU and nn.RNN; "):
        lf.draw("gru_rnn", lstm, lang=lang)


def test_draw_from_a_module_alone():
    fig = lf.draw("gru_rnn", nn.GRU(3, 4, num_layers=2, bidirectional=True))
    assert fig.lstm_figures["trace"].kind == "GRU"


# ----------------------------------------------------------------------------- languages


@pytest.mark.parametrize("config", CONFIGS[:6], ids=config_id)
def test_chinese_layouts_have_no_english_words(config):
    module, x, *_ = run_config(config)
    layout = build("gru_rnn", lf.trace(module, x), "zh_CN")
    assert_chinese_without_english(layout, CODE_WORDS, dotted_is_code=True)


# ----------------------------------------------------------------------------- large inputs


@pytest.mark.parametrize("kind", ["GRU", "RNN"])
def test_elision_bounds_the_element_count(kind):
    assert_elision_bounds_elements("gru_rnn", kind)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("kind", ["GRU", "RNN"])
def test_everything_is_inside_the_figure(kind, lang):
    for tr in (trace_of(kind=kind), trace_of(kind=kind, seq_len=400, hidden=64, layers=3)):
        assert_inside_figure(build("gru_rnn", tr, lang))
