"""Layouts of the data_cube and batch_first figures, checked against torch (no pixels)."""

from __future__ import annotations

import copy
import re
from collections import Counter

import matplotlib.pyplot as plt
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lstm_figures as lf
from lstm_figures.figures import build
from lstm_figures.figures.parts import value_grid
from lstm_figures.layout import Box, Layout, Polygon, Text, elide
from lstm_figures.models import build_module, example_input

FIGURES = ("data_cube", "batch_first")
SHAPE = re.compile(r"\(\d+(?:, \d+)*,?\)")  # a shape as Python prints it: (3,) or (5, 3, 4)

configs = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["LSTM", "GRU", "RNN"]),
        "batch_first": st.booleans(),
        "steps": st.integers(1, 12),
        "batch": st.integers(1, 9),
        "features": st.integers(1, 9),
        "layers": st.integers(1, 3),
        "bidirectional": st.booleans(),
    }
)
some_configs = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def make_trace(
    kind="LSTM",
    *,
    batch_first=False,
    steps=5,
    batch=3,
    features=3,
    layers=2,
    bidirectional=False,
    hidden=4,
):
    module = build_module(
        kind,
        input_size=features,
        hidden_size=hidden,
        num_layers=layers,
        bidirectional=bidirectional,
        batch_first=batch_first,
    )
    return module, lf.trace(module, example_input(module, seq_len=steps, batch=batch))


def shapes_shown(layout: Layout) -> Counter:
    """Every shape written in the layout's texts."""
    return Counter(m for text in layout.texts for m in SHAPE.findall(text))


def kept(size: int) -> list[int]:
    return [i for i in elide(size, value_grid.SHOWN) if i is not None]


def valued(layout: Layout, kind: type) -> list[float]:
    return [e.value for e in layout.of_type(kind) if e.value is not None]


def key_values(layout: Layout, table_values: list[float]) -> list[float]:
    """Valued boxes that are not table cells: the colour key."""
    remaining = Counter(table_values)
    others = []
    for value in valued(layout, Box):
        if remaining[value]:
            remaining[value] -= 1
        else:
            others.append(value)
    return others


def slice_at_zero(tr) -> torch.Tensor:
    return tr.input[:, 0] if tr.batched and tr.batch_first else tr.input[0]


# --- data_cube ------------------------------------------------------------------------


@some_configs
@given(config=configs)
def test_data_cube_shapes_are_the_traced_ones(config):
    _, tr = make_trace(**config)
    layout = build("data_cube", tr, "en")
    expected = Counter({str(tuple(tr.input.shape)): 1, str(tuple(slice_at_zero(tr).shape)): 1})
    assert shapes_shown(layout) == expected
    assert str(tuple(tr.input.shape)) in layout.alt
    assert str(tuple(slice_at_zero(tr).shape)) in layout.alt


@some_configs
@given(config=configs)
def test_cube_cells_and_table_cells_are_tensor_entries(config):
    _, tr = make_trace(**config)
    layout = build("data_cube", tr, "en")
    x = tr.input  # batched here: (T, N, F) or (N, T, F) in the module's own order
    d, r, c = (kept(n) for n in x.shape)
    front = x[0][r][:, c]
    top = x[d][:, 0][:, c]
    side = x[d][:, r][:, :, -1]
    expected_cells = [v for face in (front, top, side) for v in face.flatten().tolist()]
    assert sorted(valued(layout, Polygon)) == sorted(expected_cells)

    table = slice_at_zero(tr)
    expected_table = table[kept(table.shape[0])][:, kept(table.shape[1])].flatten().tolist()
    assert Counter(expected_table) <= Counter(valued(layout, Box))
    shown = expected_cells + expected_table
    assert layout.value_limit == pytest.approx(max(abs(v) for v in shown))
    # The only other coloured boxes are the key, spanning exactly -limit..+limit.
    key = key_values(layout, expected_table)
    assert min(key) == pytest.approx(-layout.value_limit)
    assert max(key) == pytest.approx(layout.value_limit)


@pytest.mark.parametrize("batch_first", [False, True])
def test_slab_outline_marks_the_slice(batch_first):
    """Cube cells holding the t = 0 slice lie inside the highlighted slab, all others outside:
    the front face when time-major, the top face when batch first."""
    _, tr = make_trace(batch_first=batch_first, steps=7, batch=4, features=5)
    layout = build("data_cube", tr, "en")
    (slab,) = [p for p in layout.of_type(Polygon) if p.edge == "highlight"]
    in_slice = set(slice_at_zero(tr).flatten().tolist())
    cells = [p for p in layout.of_type(Polygon) if p.value is not None]
    inside = [contains(slab.points, centre(p)) for p in cells]
    assert inside == [p.value in in_slice for p in cells]
    assert 0 < sum(inside) < len(cells)


def centre(polygon: Polygon) -> tuple[float, float]:
    xs, ys = zip(*polygon.points, strict=True)
    return sum(xs) / len(xs), sum(ys) / len(ys)


def contains(points, point) -> bool:
    """Ray casting: is ``point`` inside the polygon ``points``?"""
    x, y = point
    result = False
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            result = not result
    return result


def test_data_cube_unbatched_input_draws_one_sheet():
    module = build_module("LSTM", input_size=3, hidden_size=4)
    tr = lf.trace(module, torch.randn(6, 3))
    layout = build("data_cube", tr, "en")
    assert shapes_shown(layout) == Counter({"(6, 3)": 1, "(3,)": 1})
    # One sheet (T, F) with a batch "axis" of one: front = the sheet, top = t = 0, side = last F.
    x, steps, features = tr.input, kept(6), kept(3)
    expected = x[steps][:, features].flatten().tolist()
    expected += x[0][features].tolist() + x[steps, -1].tolist()
    assert sorted(valued(layout, Polygon)) == sorted(expected)


# --- batch_first ----------------------------------------------------------------------


@some_configs
@given(config=configs)
def test_batch_first_shapes_match_torch_in_both_layouts(config):
    module, tr = make_trace(**config)
    # Run the same weights with the other setting for real: what the figure claims for it.
    other = copy.deepcopy(module)
    other.batch_first = not module.batch_first
    with torch.no_grad():
        other_output, other_state = other(tr.input.transpose(0, 1))
    other_h_n = other_state[0] if tr.kind == "LSTM" else other_state
    assert other_output.shape == tr.output.transpose(0, 1).shape
    assert other_h_n.shape == tr.h_n.shape

    layout = build("batch_first", tr, "en")
    x_tm, x_bf = _both(tr.input, tr.batch_first)
    out_tm, out_bf = _both(tr.output, tr.batch_first)
    # One row per state pair (h_0 and h_n share a shape, as do c_0 and c_n), in both layouts.
    assert tr.h_0.shape == tr.h_n.shape
    states = [tr.h_n] + ([tr.c_n] if tr.kind == "LSTM" else [])
    expected = Counter(
        str(tuple(t.shape))
        for t in [x_tm, x_bf, out_tm, out_bf, x_tm[0], x_bf[0], *states, *states]
    )
    assert shapes_shown(layout) == expected
    for tensor in (x_tm, x_bf, out_tm, out_bf, tr.h_n):
        assert str(tuple(tensor.shape)) in layout.alt


def _both(tensor: torch.Tensor, batch_first: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """``tensor`` as (T, N, ...) and as (N, T, ...)."""
    other = tensor.transpose(0, 1)
    return (other, tensor) if batch_first else (tensor, other)


@pytest.mark.parametrize("batch_first", [False, True])
def test_batch_first_cards_are_tensor_entries_and_used_layout_is_highlighted(batch_first):
    _, tr = make_trace(batch_first=batch_first, steps=40, batch=7, features=10)
    layout = build("batch_first", tr, "en")
    x_tm, x_bf = _both(tr.input, tr.batch_first)
    expected = []
    for x in (x_tm, x_bf):
        front = x[0]
        expected += front[kept(front.shape[0])][:, kept(front.shape[1])].flatten().tolist()
    assert sorted(valued(layout, Box)) == sorted(expected)
    assert layout.value_limit == pytest.approx(max(abs(v) for v in expected))

    (highlight,) = [b for b in layout.of_type(Box) if b.edge == "highlight"]
    headers = {t.text: t.x for t in layout.of_type(Text) if t.text.startswith("batch_first=")}
    assert set(headers) == {"batch_first=False", "batch_first=True"}
    assert headers[f"batch_first={tr.batch_first}"] == pytest.approx(highlight.center[0])


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_batch_first_table_rows_pair_each_tensor_with_its_shapes(kind, batch_first):
    """Row by row: (T, N, F) column, then (N, T, F) column; the states equal in both."""
    _, tr = make_trace(kind, batch_first=batch_first, steps=6, batch=2, features=5, layers=3)
    layout = build("batch_first", tr, "en")
    texts = layout.of_type(Text)
    left = min(t.x for t in texts)
    rows = {
        label.text: [t.text for t in sorted(texts, key=lambda t: t.x) if t.y == label.y][1:]
        for label in texts
        if label.x == left
    }
    x_tm, x_bf = _both(tr.input, tr.batch_first)
    out_tm, out_bf = _both(tr.output, tr.batch_first)
    expected = {
        "input x": [x_tm, x_bf],
        "output": [out_tm, out_bf],
        "h_0, h_n": [tr.h_n, tr.h_n],
    }
    if kind == "LSTM":
        expected["c_0, c_n"] = [tr.c_n, tr.c_n]
    assert rows == {name: [str(tuple(t.shape)) for t in pair] for name, pair in expected.items()}


@pytest.mark.parametrize("kind", ["GRU", "RNN"])
def test_no_cell_state_without_lstm(kind):
    _, tr = make_trace(kind)
    for lang in ("en", "zh_CN"):
        layout = build("batch_first", tr, lang)
        words = " ".join([*layout.texts, layout.alt])
        assert "c_n" not in words
        assert "c_0" not in words
        assert "h_n" in words


def test_lstm_shows_cell_state_with_projection():
    """c_n keeps hidden_size when proj_size shrinks h: shapes come from the trace, not H_out."""
    module = build_module("LSTM", input_size=3, hidden_size=6, proj_size=2, num_layers=2)
    tr = lf.trace(module, example_input(module))
    shown = shapes_shown(build("batch_first", tr, "en"))
    assert shown[str(tuple(tr.c_n.shape))] == 2  # the "c_0, c_n" row, both layouts
    assert shown[str(tuple(tr.h_n.shape))] == 2
    assert tr.c_n.shape != tr.h_n.shape


def test_batch_first_rejects_unbatched_input_in_one_sentence():
    module = build_module("LSTM", input_size=3, hidden_size=4, batch_first=True)
    tr = lf.trace(module, torch.randn(6, 3))
    with pytest.raises(ValueError, match=r"unbatched input \(T, F\) has no batch axis") as info:
        build("batch_first", tr, "en")
    assert str(info.value).count(". ") == 0


# --- both -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIGURES)
@pytest.mark.parametrize("batch_first", [False, True])
def test_elision_bounds_the_element_count(name, batch_first):
    _, small = make_trace(batch_first=batch_first, steps=5, batch=3, features=3)
    _, big = make_trace(batch_first=batch_first, steps=400, batch=32, features=64, layers=3)
    small_count = len(build(name, small, "en").elements)
    big_count = len(build(name, big, "en").elements)
    assert big_count <= 1.6 * small_count


# Code and symbols that stay as they are in Chinese figures.
_KEPT = {"LSTM", "GRU", "RNN", "XGBoost", "output", "x", "True", "False"}
_MATH_OR_TUPLE = re.compile(r"\$[^$]*\$|\([^()（）]*\)")
_TOKEN = re.compile(r"[A-Za-z_][\w.]*(?:\[[^\]]*\])*(?:\.\w+)*")


def english_words(text: str) -> list[str]:
    """Words of two letters or more that are not code identifiers or kept names."""
    words = []
    for token in _TOKEN.findall(_MATH_OR_TUPLE.sub(" ", text)):
        if any(ch in token for ch in "_.[") or token in _KEPT or len(token) < 2:
            continue
        words.append(token)
    return words


@pytest.mark.parametrize("name", FIGURES)
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_chinese_layouts_have_no_english_words(name, kind):
    _, tr = make_trace(kind, batch_first=True, steps=30, batch=8, features=12)
    layout = build(name, tr, "zh_CN")
    everything = [*layout.texts, layout.alt]
    assert any(re.search(r"[\u4e00-\u9fff]", text) for text in layout.texts)
    assert re.search(r"[\u4e00-\u9fff]", layout.alt)
    assert [w for text in everything for w in english_words(text)] == []
    # The same check finds the English of the English layout (it is not vacuous).
    assert english_words(" ".join(build(name, tr, "en").texts))


@pytest.mark.parametrize("name", FIGURES)
def test_draws_in_both_languages_and_themes(name):
    module, _ = make_trace(batch_first=True)
    for lang in ("en", "zh_CN"):
        for theme in ("light", "dark"):
            fig = lf.draw(name, module, lang=lang, theme=theme)
            try:
                assert fig.lstm_figures["alt"]
                assert fig.lstm_figures["lang"] == lang
            finally:
                plt.close(fig)
