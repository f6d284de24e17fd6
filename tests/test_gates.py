"""The gates figure: one LSTM cell's real gate values, checked against the trace and torch."""

from __future__ import annotations

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence

import lstm_figures as lf
from lstm_figures.figures import build, gates
from lstm_figures.figures.parts import gate_paths, gate_values
from lstm_figures.labels import Labels
from lstm_figures.layout import Arrow, Box, elide
from lstm_figures.models import build_module, example_input

from figure_checks import assert_chinese_without_english, lstm_configs, run_config

CONFIGS = lstm_configs(10, seed=9, hidden=(1, 12), max_features=10, max_steps=7, proj_chance=0.3)


def make(config: dict):
    """The LSTM a config describes and its trace."""
    module, x, *_ = run_config(config, kind="LSTM")
    return module, lf.trace(module, x)


def columns(layout) -> list[list[float]]:
    """The value-coloured cells of the layout, grouped by column (left to right, top down).

    The colour key at the bottom is a row of valued boxes too: it is left out.
    """
    key_top = max(b.y + b.h for b in layout.of_type(Box) if b.value is not None and b.y < 0.5)
    cells = [b for b in layout.of_type(Box) if b.value is not None and b.y > key_top]
    by_x: dict[float, list[Box]] = {}
    for box in cells:
        by_x.setdefault(box.x, []).append(box)
    return [
        [b.value for b in sorted(boxes, key=lambda b: -b.y)] for _, boxes in sorted(by_x.items())
    ]


def kept(vector: torch.Tensor) -> list[float]:
    return [float(vector[i]) for i in elide(vector.numel(), gate_paths.SLOTS) if i is not None]


def expected_columns(tr, layer, direction, t, sequence=0) -> list[list[float]]:
    """What the figure must show, read straight from the trace (left to right)."""
    values = gate_values.cell_values(tr, layer, direction, t, sequence)
    drawn = [values.c_prev, values.h_prev, values.x]
    drawn += [values.gates[name] for name in gates.DRAWN_GATES]
    drawn += [values.h, values.c]
    return [kept(v) for v in drawn]


@pytest.mark.parametrize("config", CONFIGS)
def test_every_value_is_the_traced_one(config):
    _, tr = make(config)
    layout = build("gates", tr, "en")
    assert columns(layout) == expected_columns(tr, 0, 0, tr.seq_len - 1)


@pytest.mark.parametrize("config", CONFIGS[:5])
def test_any_cell_can_be_drawn(config):
    _, tr = make(config)
    layer, direction = tr.num_layers - 1, tr.num_directions - 1
    for t in {0, tr.seq_len - 1}:
        layout = gates.build(tr, Labels("en"), layer=layer, direction=direction, t=t)
        assert columns(layout) == expected_columns(tr, layer, direction, t)


def test_gate_values_are_torch_gates():
    """The shown gates are PyTorch's: recompute them from the module's own weight rows."""
    torch.manual_seed(1)
    lstm = torch.nn.LSTM(3, 5)
    x = torch.randn(4, 2, 3)
    tr = lf.trace(lstm, x)
    h, c = torch.zeros(2, 5), torch.zeros(2, 5)
    for t in range(4):
        pre = (
            x[t] @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T + lstm.bias_hh_l0
        )
        i, f, g, o = pre.chunk(4, dim=-1)
        i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
        c = f * c + i * g
        h = o * c.tanh()
    shown = dict(zip(gates.DRAWN_GATES, columns(build("gates", tr, "en"))[3:7], strict=True))
    for name, value in {"i": i, "f": f, "g": g, "o": o}.items():
        assert torch.allclose(torch.tensor(shown[name]), value[0], atol=1e-6)


def test_the_formulas_hold_for_the_shown_values():
    torch.manual_seed(2)
    lstm = torch.nn.LSTM(2, 6, num_layers=2, bidirectional=True)
    tr = lf.trace(lstm, torch.randn(5, 3, 2))
    for direction in (0, 1):
        for t in range(5):
            layout = gates.build(tr, Labels("en"), layer=1, direction=direction, t=t)
            c_prev, _, _, f, i, g, o, h, c = (torch.tensor(v) for v in columns(layout))
            assert torch.allclose(c, f * c_prev + i * g, atol=1e-6)
            assert torch.allclose(h, o * c.tanh(), atol=1e-6)


@pytest.mark.parametrize("direction", [0, 1])
def test_first_step_reads_the_initial_state(direction):
    lstm = build_module("LSTM", input_size=2, hidden_size=3, bidirectional=True)
    x = example_input(lstm, seq_len=4, batch=2)
    h_0, c_0 = torch.randn(2, 2, 3), torch.randn(2, 2, 3)
    tr = lf.trace(lstm, x, (h_0, c_0))
    first = 0 if direction == 0 else 3
    layout = gates.build(tr, Labels("en"), direction=direction, t=first)
    c_prev, h_prev, *_ = columns(layout)
    assert c_prev == c_0[direction, 0].tolist()
    assert h_prev == h_0[direction, 0].tolist()
    assert f"c_0[{direction}], initial" in layout.texts
    later = gates.build(tr, Labels("en"), direction=direction, t=1 if first == 0 else 2)
    assert "t = 0" in later.texts if direction == 0 else "t = 3" in later.texts


def test_default_cell_is_the_last_step_of_layer_0_forward():
    _, tr = make({**CONFIGS[0], "seq_len": 6})
    layout = build("gates", tr, "en")
    assert "layer 0, forward, t = 5, sample 0" in layout.texts[0]
    assert "t = 4" in layout.texts  # where c_(t-1) and h_(t-1) come from


def test_packed_input_uses_the_sequence_length():
    lstm = build_module("LSTM", input_size=2, hidden_size=3)
    x = example_input(lstm, seq_len=6, batch=2)
    tr = lf.trace(lstm, pack_padded_sequence(x, [3, 6], enforce_sorted=False))
    layout = build("gates", tr, "en")
    assert "t = 2" in layout.texts[0]  # sequence 0 ends at its own last step
    assert columns(layout) == expected_columns(tr, 0, 0, 2)
    with pytest.raises(ValueError, match="padding"):
        gates.build(tr, Labels("en"), t=4)


def test_unbatched_input():
    lstm = build_module("LSTM", input_size=2, hidden_size=3, num_layers=2)
    tr = lf.trace(lstm, torch.randn(4, 2))
    layout = build("gates", tr, "en")
    assert columns(layout) == expected_columns(tr, 0, 0, 3)


def test_worked_example_uses_unit_0():
    torch.manual_seed(3)
    tr = lf.trace(torch.nn.LSTM(2, 4), torch.randn(3, 1, 2))
    texts = " ".join(build("gates", tr, "en").texts)
    c, h = tr.cell(0, 0, 2)[0, 0].item(), tr.hidden(0, 0, 2)[0, 0].item()
    assert f"= {c:.3f}" in texts
    assert f"= {h:.3f}" in texts


def test_projection_is_drawn_and_said():
    lstm = build_module("LSTM", input_size=2, hidden_size=5, proj_size=2)
    tr = lf.trace(lstm, example_input(lstm))
    layout = build("gates", tr, "en")
    assert any(b.text == "$W_{hr}$" for b in layout.of_type(Box))
    assert any("weight_hr_l0" in text for text in layout.texts)
    assert len(columns(layout)[-2]) == 2  # h_t has proj_size units, c_t keeps hidden_size
    assert len(columns(layout)[-1]) == 5


def test_value_limit_covers_every_value():
    _, tr = make(CONFIGS[1])
    layout = build("gates", tr, "en")
    shown = [v for column in columns(layout) for v in column]
    assert layout.value_limit == max(abs(v) for v in shown)


def test_cell_state_path_is_coloured_as_state():
    _, tr = make(CONFIGS[2])
    layout = build("gates", tr, "en")
    state = [a for a in layout.of_type(Arrow) if a.role == "state"]
    assert len(state) >= 4  # c_(t-1) → ⊙ → + → c_t, and down to tanh
    assert all(a.linewidth > 1.2 for a in state)
    assert "$c_t = f \\odot c_{t-1} + i \\odot g$" in layout.texts
    assert "$h_t = o \\odot \\tanh(c_t)$" in layout.texts


@pytest.mark.parametrize("kind", ["GRU", "RNN"])
def test_other_modules_are_refused(kind):
    module = build_module(kind, input_size=2, hidden_size=3)
    with pytest.raises(ValueError, match=rf"^the gates figure draws .*an? {kind} has"):
        lf.draw("gates", module)


def test_bad_cells_are_refused():
    _, tr = make(CONFIGS[0])
    labels = Labels("en")
    with pytest.raises(ValueError, match="t must be in range"):
        gates.build(tr, labels, t=tr.seq_len)
    with pytest.raises(ValueError, match="layer must be in range"):
        gates.build(tr, labels, layer=tr.num_layers)
    with pytest.raises(ValueError, match="sequence must be in range"):
        gates.build(tr, labels, sequence=tr.batch_size)
    with pytest.raises(TypeError, match="t must be an int"):
        gates.build(tr, labels, t=1.0)


def test_large_configurations_draw_as_much_as_small_ones():
    small = make({**CONFIGS[0], "hidden_size": 4, "input_size": 3, "proj_size": 0})[1]
    large_module = build_module(
        "LSTM", input_size=200, hidden_size=300, num_layers=4, bidirectional=True, proj_size=100
    )
    large = lf.trace(large_module, example_input(large_module, seq_len=50, batch=8))
    count = len(build("gates", large, "en").elements)
    assert count <= 1.6 * len(build("gates", small, "en").elements)
    assert count < 250


@pytest.mark.parametrize("config", CONFIGS[:5])
def test_chinese_has_no_english_words(config):
    _, tr = make(config)
    layout = build("gates", tr, "zh_CN")
    assert_chinese_without_english(layout, {"LSTM", "tanh", "output", "PyTorch"})


def test_alt_text_names_the_gates_and_shapes():
    lstm = build_module("LSTM", input_size=2, hidden_size=3, num_layers=2)
    x = example_input(lstm, seq_len=4, batch=2)
    tr = lf.trace(lstm, x)
    with torch.no_grad():
        _, (h_n, c_n) = lstm(x)
    alt = build("gates", tr, "en").alt
    assert str(tuple(c_n[0].shape)) in alt
    assert str(tuple(h_n[0].shape)) in alt
    assert all(word in alt for word in ("forget gate", "input gate", "output gate"))
