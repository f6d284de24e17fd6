"""Layouts of the stacked, bidirectional and state_locations grids, checked against torch.

Every expected shape comes from running the module itself (``tuple(tensor.shape)``) or
from its parameters; nothing is typed in by hand. No pixels: layouts only.
"""

from __future__ import annotations

import re

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import lstm_figures as lf
from lstm_figures.figures import build
from lstm_figures.layout import Arrow, Box, Polygon, Text
from lstm_figures.models import build_module, example_input
from lstm_figures.tracing import TraceMismatchError

from figure_checks import (
    assert_chinese_without_english,
    assert_elision_bounds_elements,
    assert_inside_figure,
    assert_rows_run_their_way,
    config_id,
    english_words,
    grid_configs,
    run_config,
    shapes_in,
    trace_of,
)

GRID_FIGURES = ("stacked", "bidirectional", "state_locations")
# Code names may appear inside Chinese sentences; anything else in Latin letters may not.
CODE_WORDS = {"LSTM", "GRU", "RNN", "output"}


CONFIGS = grid_configs(12, seed=2024, kinds=["LSTM", "LSTM", "GRU", "RNN"], max_layers=3)


def figures_for(module: nn.Module) -> list[str]:
    return [n for n in GRID_FIGURES if module.bidirectional or n != "bidirectional"]


def expected_shapes(module: nn.Module, x: torch.Tensor, output, h_n, c_n) -> set[str]:
    """Every shape a grid figure may show, straight from torch."""
    step = 1 if module.batch_first else 0
    x_t, output_t = x.select(step, 0), output.select(step, 0)
    size = module.proj_size or module.hidden_size
    h_t = output_t[..., :size]  # one direction's h at one step
    tensors = [x_t, output_t, h_t, output, h_n]
    tensors += [c_n, c_n[0]] if c_n is not None else []
    shapes = {str(tuple(t.shape)) for t in tensors}
    shapes |= {str(tuple(p.shape)) for name, p in module.named_parameters() if "weight_ih" in name}
    return shapes


# ----------------------------------------------------------------------------- shapes


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_every_shape_shown_is_a_torch_shape(config):
    module, x, output, h_n, c_n = run_config(config)
    tr = lf.trace(module, x)
    expected = expected_shapes(module, x, output, h_n, c_n)
    for name in figures_for(module):
        for lang in ("en", "zh_CN"):
            shown = shapes_in(build(name, tr, lang))
            assert shown, name
            assert shown <= expected, (name, lang, shown - expected)


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_each_figure_shows_its_own_shapes(config):
    module, x, output, h_n, c_n = run_config(config)
    tr = lf.trace(module, x)
    step = 1 if module.batch_first else 0
    h_t = str(tuple(output.select(step, 0)[..., : module.hidden_size].shape))

    stacked = build("stacked", tr, "en")
    assert f"x_t: {tuple(x.select(step, 0).shape)}" in stacked.texts
    assert f"h_t: {h_t}" in stacked.texts
    if c_n is not None:
        assert f"c_t: {tuple(c_n[0].shape)}" in stacked.texts
    assert any(text.startswith("c_t") for text in stacked.texts) == (c_n is not None)

    states = shapes_in(build("state_locations", tr, "en"))
    assert str(tuple(output.shape)) in states
    assert str(tuple(h_n.shape)) in states
    if c_n is not None:
        assert str(tuple(c_n.shape)) in states

    if module.bidirectional:
        layout = build("bidirectional", tr, "en")
        shown = " ".join(layout.texts)
        index = "output[:, t]" if module.batch_first else "output[t]"
        assert f"{index}: {tuple(output.select(step, 0).shape)}" in shown
        assert str(tuple(h_n.shape)) in shown
        for layer in range(1, module.num_layers):
            weight = getattr(module, f"weight_ih_l{layer}")
            assert f"weight_ih_l{layer}: {tuple(weight.shape)}" in shown
            # The layer above reads both directions: 2 * H_out features.
            assert weight.shape[1] == output.shape[-1]
            assert re.search(rf"2·H_out = {weight.shape[1]}\b", shown)


# ----------------------------------------------------------------------------- elision


@pytest.mark.parametrize("name", GRID_FIGURES)
def test_elision_bounds_the_element_count(name):
    assert_elision_bounds_elements(name)


@pytest.mark.parametrize("name", GRID_FIGURES)
def test_long_axes_keep_the_first_and_last_step(name):
    layout = build(name, trace_of(seq_len=400, hidden=64, layers=3), "en")
    steps = {text for text in layout.texts if text.startswith("t = ")}
    assert steps == {"t = 0", "t = 1", "t = 399"}
    assert [p for p in layout.of_type(Polygon) if p.role == "muted"]  # the "⋯" marks


def test_units_are_elided_but_counted():
    layout = build("stacked", trace_of(seq_len=5, hidden=64, layers=2, bidirectional=False), "en")
    units = [p for p in layout.of_type(Polygon) if p.role == "cell"]
    assert len(units) == 2 * 5 * 4  # 2 layers, 5 steps, 4 of the 64 units each
    assert "H = 64" in layout.texts


# ----------------------------------------------------------------------------- languages


@pytest.mark.parametrize("config", CONFIGS[:6], ids=config_id)
def test_chinese_layouts_have_no_english_words(config):
    module, x, *_ = run_config(config)
    tr = lf.trace(module, x)
    for name in figures_for(module):
        layout = build(name, tr, "zh_CN")
        assert_chinese_without_english(layout, CODE_WORDS, name, dotted_is_code=True)


def test_english_word_check_catches_english():
    chinese, english = "第 0 层的输入 weight_ih_l1：(16, 8)", "每一层 hidden state h"
    assert english_words(chinese, CODE_WORDS, dotted_is_code=True) == []
    assert english_words(english, CODE_WORDS, dotted_is_code=True) == ["hidden", "state"]


# ----------------------------------------------------------------------------- each figure


def test_bidirectional_figure_needs_a_bidirectional_module():
    tr = trace_of(bidirectional=False)
    with pytest.raises(ValueError, match=r"^the bidirectional figure needs a module built with "):
        build("bidirectional", tr, "en")


def test_backward_final_state_is_at_the_first_step():
    tr = trace_of(seq_len=7, layers=2)
    layout = build("bidirectional", tr, "en")
    grid_left = min(b.x for b in layout.of_type(Box) if b.role == "cell")
    grid_right = max(b.x + b.w for b in layout.of_type(Box) if b.role == "cell")
    labels = {t.text: t for t in layout.of_type(Text) if re.fullmatch(r"h_n\[\d+\]", t.text)}
    assert set(labels) == {f"h_n[{i}]" for i in range(4)}
    for layer in range(2):
        forward, backward = labels[f"h_n[{2 * layer}]"], labels[f"h_n[{2 * layer + 1}]"]
        assert forward.x > grid_right
        assert backward.x < grid_left
        assert (forward.role, backward.role) == ("hidden", "backward")
    # Backward rows carry their state to the left, forward rows to the right.
    assert_rows_run_their_way([a for a in layout.of_type(Arrow) if a.start[1] == a.end[1]])


@pytest.mark.parametrize("kind", ["GRU", "RNN"])
def test_no_cell_state_without_lstm(kind):
    tr = trace_of(kind=kind)
    for lang in ("en", "zh_CN"):
        states = build("state_locations", tr, lang)
        assert not [t for t in [*states.texts, states.alt] if "c_n" in t]
        stacked = build("stacked", tr, lang)
        assert not [a for a in stacked.of_type(Arrow) if a.role == "state"]
        assert not [t for t in stacked.texts if t.startswith(("c_t", "c,", "c："))]


def test_stacked_carries_c_as_cell_state_for_lstm():
    layout = build("stacked", trace_of(bidirectional=False), "en")
    assert [a for a in layout.of_type(Arrow) if a.role == "state"]
    assert any("cell state (not the forget gate)" in text for text in layout.texts)
    assert any("细胞状态（不是遗忘门）" in t for t in build("stacked", trace_of(), "zh_CN").texts)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_final_cells_are_last_forward_and_first_backward(bidirectional):
    tr = trace_of(seq_len=6, layers=3, bidirectional=bidirectional)
    layout = build("state_locations", tr, "en")
    # The grid's cells, not the legend's swatch under the time labels.
    bottom = min(t.y for t in layout.of_type(Text) if t.text.startswith("t = "))
    cells = [b for b in layout.of_type(Box) if b.role == "cell" and b.y > bottom]
    finals = [b for b in cells if b.edge == "highlight"]
    assert len(finals) == tr.num_layers * tr.num_directions
    xs = sorted({b.x for b in cells})
    # Forward rows end in the last column (the left cell of it when staggered); backward
    # rows end in the first column (its right cell).
    last_forward, first_backward = xs[-tr.num_directions], xs[tr.num_directions - 1]
    assert len([b for b in finals if b.x == last_forward]) == tr.num_layers
    if bidirectional:
        assert len([b for b in finals if b.x == first_backward]) == tr.num_layers
        assert {b.edge for b in cells if b.x == first_backward} == {"highlight"}


@pytest.mark.parametrize("batch_first", [False, True])
def test_output_index_follows_batch_first(batch_first):
    module = build_module(
        "LSTM",
        input_size=2,
        hidden_size=3,
        num_layers=2,
        bidirectional=True,
        batch_first=batch_first,
    )
    tr = lf.trace(module, example_input(module, seq_len=4, batch=2))
    step = "output[:, 3]" if batch_first else "output[3]"
    assert step in build("state_locations", tr, "en").texts  # the output bar of t = 3
    shown = " ".join(build("bidirectional", tr, "en").texts)
    assert ("output[:, t]" in shown) == batch_first
    assert ("output[t]" in shown) == (not batch_first)
    assert ("output[:, 0]" in shown) == batch_first  # where the backward final state is


def test_state_locations_refuses_a_trace_that_disagrees():
    tr = trace_of(layers=2)
    tr.h_n = tr.h_n.clone()
    tr.h_n[1] += 1.0
    with pytest.raises(TraceMismatchError, match=r"h_n\[1\]"):
        build("state_locations", tr, "en")
    tr = trace_of(layers=2, bidirectional=False)
    tr.output = tr.output.clone()
    tr.output[2, :, 0] += 1.0
    with pytest.raises(TraceMismatchError, match="output"):
        build("state_locations", tr, "en")


def test_state_locations_checks_packed_and_unbatched_input():
    module = build_module("LSTM", input_size=2, hidden_size=3, num_layers=2, bidirectional=True)
    x = example_input(module, seq_len=6, batch=3)
    packed = pack_padded_sequence(x, [6, 4, 2], enforce_sorted=False)
    layout = build("state_locations", lf.trace(module, packed), "en")
    assert any("length 6" in text for text in layout.texts)
    unbatched = lf.trace(module, x[:, 0])
    assert str(tuple(module(x[:, 0])[0].shape)) in shapes_in(
        build("state_locations", unbatched, "en")
    )


@pytest.mark.parametrize("name", GRID_FIGURES)
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_everything_is_inside_the_figure(name, lang):
    for tr in (trace_of(), trace_of(seq_len=400, hidden=64, layers=3)):
        assert_inside_figure(build(name, tr, lang))
