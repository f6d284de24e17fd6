"""Cell → slices: every expression a readout shows is evaluated on the real tensors."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import lstm_figures as lf
from lstm_figures.cell_slices import FIRST_VALUES, cell_slices, cells, state_of
from lstm_figures.expressions import evaluate
from lstm_figures.locating import sizes, tensors

# The trace's own tolerance: its states come from PyTorch one direction at a time, and the
# fused result in output/h_n/c_n may differ in the last bit.
RTOL, ATOL = 1e-5, 1e-6


def _packed(x: torch.Tensor, lengths: list[int], batch_first: bool = False):
    return pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)


# (module, input): 1-3 layers, one or two directions, batch_first, proj_size, packed
# (sorted and not), unbatched; LSTM, GRU and RNN.
CASES = {
    "lstm": lambda: (nn.LSTM(3, 4), torch.randn(5, 2, 3)),
    "lstm_2_layers": lambda: (nn.LSTM(3, 4, num_layers=2), torch.randn(5, 3, 3)),
    "lstm_bidir_3_layers": lambda: (
        nn.LSTM(2, 3, num_layers=3, bidirectional=True),
        torch.randn(4, 2, 2),
    ),
    "lstm_batch_first_bidir": lambda: (
        nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True),
        torch.randn(3, 5, 3),
    ),
    "lstm_proj": lambda: (nn.LSTM(3, 6, num_layers=2, proj_size=2), torch.randn(5, 4, 3)),
    "lstm_unbatched_bidir": lambda: (
        nn.LSTM(3, 4, num_layers=2, bidirectional=True),
        torch.randn(5, 3),
    ),
    "lstm_packed_bidir": lambda: (
        nn.LSTM(2, 3, bidirectional=True),
        pack_padded_sequence(torch.randn(5, 3, 2), [5, 3, 1]),
    ),
    "lstm_packed_unsorted_batch_first": lambda: (
        nn.LSTM(2, 3, num_layers=2, batch_first=True),
        _packed(torch.randn(4, 6, 2), [2, 6, 6, 4], batch_first=True),
    ),
    "gru_bidir": lambda: (nn.GRU(3, 4, num_layers=2, bidirectional=True), torch.randn(5, 2, 3)),
    "rnn_packed": lambda: (nn.RNN(3, 4, num_layers=2), _packed(torch.randn(4, 3, 3), [2, 4, 3])),
}


@pytest.fixture(params=sorted(CASES), scope="module")
def trace(request):
    torch.manual_seed(0)
    module, x = CASES[request.param]()
    with torch.no_grad():
        return lf.trace(module, x)


def test_every_expression_equals_the_cells_state(trace):
    """Evaluated by expressions.evaluate on the real output/h_n/c_n, against tr.hidden/tr.cell."""
    real, names = tensors(trace), sizes(trace)
    checked = 0
    for cell in cells(trace):
        state = state_of(trace, cell)
        for found in cell_slices(trace, cell).slices:
            value = evaluate(found.expression, real, names)
            expected = state if found.sample is None else state[found.sample]
            assert value.shape == expected.shape, (cell, found)
            assert torch.allclose(value, expected, RTOL, ATOL), (cell, found)
            checked += 1
    assert checked > 0


def test_each_expression_reads_its_cell_and_nothing_else(trace):
    """lf.locate, which asks torch on origin-tagged tensors, agrees on every expression."""
    for cell in cells(trace):
        for found in cell_slices(trace, cell).slices:
            selection = lf.locate(trace, found.expression)
            assert selection.cells == [cell], (cell, found)
            assert selection.padding is False
            # A sample's expression reads part of the cell (one sample), unless the cell
            # has only that sample (a packed batch's cell holds the samples that have the step).
            step = cell[3]
            holders = [n for n, length in enumerate(trace.lengths or []) if step < length]
            whole = found.sample is None or len(holders) == 1 or trace.batch_size == 1
            assert selection.partial == ([] if whole else [cell]), (cell, found)


def _returned(trace) -> dict[str, set]:
    """Every (sample, step, layer, direction) place the expressions cover, per tensor."""
    covered: dict[str, set] = {"output": set(), "h_n": set(), "c_n": set()}
    samples = range(trace.batch_size) if trace.batched else [0]
    for cell in cells(trace):
        state, layer, direction, step = cell
        for found in cell_slices(trace, cell).slices:
            name = found.expression.split("[")[0]
            for n in samples if found.sample is None else [found.sample]:
                covered[name].add((n, step, layer, direction, state))
    return covered


def test_every_returned_state_has_an_expression(trace):
    """Every real step of output and every entry of h_n and c_n is some cell's expression."""
    covered = _returned(trace)
    samples = range(trace.batch_size) if trace.batched else [0]
    top, directions = trace.num_layers - 1, range(trace.num_directions)
    lengths = trace.lengths or [trace.seq_len] * len(samples)
    output = {(n, t, top, d, "h") for n in samples for t in range(lengths[n]) for d in directions}
    assert covered["output"] == output
    for name, state in (("h_n", "h"), ("c_n", "c")):
        if name == "c_n" and trace.c_n is None:
            assert covered["c_n"] == set()
            continue
        finals = {
            (n, trace.final_step(d, n), layer, d, state)
            for n in samples
            for layer in range(trace.num_layers)
            for d in directions
        }
        assert covered[name] == finals


def test_a_state_not_returned_says_where_it_goes(trace):
    for cell in cells(trace):
        found = cell_slices(trace, cell)
        if not found.slices:
            assert len(found.notes) >= 1
            assert found.notes[0].startswith("Not returned: ")
            assert "carried to step" in found.notes[0] or "up to layer" in found.notes[0]


def test_first_values_come_from_the_trace(trace):
    for cell in cells(trace):
        found = cell_slices(trace, cell)
        state = state_of(trace, cell)
        row = state[found.sample] if trace.batched else state
        assert found.values == [float(v) for v in row[:FIRST_VALUES]]
        assert f"{found.values[0]:.4f}" in found.values_text


def test_known_answers_of_a_two_layer_lstm():
    tr = lf.trace(nn.LSTM(2, 4, num_layers=2), torch.randn(5, 3, 2))
    expressions = {cell: [s.expression for s in cell_slices(tr, cell).slices] for cell in cells(tr)}
    assert expressions[("h", 1, 0, 4)] == ["output[4]", "output[-1]", "h_n[1]", "h_n[-1]"]
    assert expressions[("c", 1, 0, 4)] == ["c_n[1]", "c_n[-1]"]
    assert expressions[("h", 0, 0, 4)] == ["h_n[0]"]
    assert expressions[("h", 1, 0, 2)] == ["output[2]"]
    assert expressions[("h", 0, 0, 2)] == []
    notes = cell_slices(tr, ("h", 0, 0, 2)).notes
    assert notes == ["Not returned: carried to step 3 and up to layer 1."]
    assert cell_slices(tr, ("c", 0, 0, 2), "zh_CN").notes == ["不在返回值中：传给时间步 3。"]


def test_bidirectional_batch_first_writes_the_feature_halves():
    lstm = nn.LSTM(2, 3, bidirectional=True, batch_first=True)
    tr = lf.trace(lstm, torch.randn(2, 4, 2))
    backward_first = [s.expression for s in cell_slices(tr, ("h", 0, 1, 0)).slices]
    assert backward_first == ["output[:, 0, 3:]", "h_n[1]", "h_n[-1]"]
    forward_last = [s.expression for s in cell_slices(tr, ("h", 0, 0, 3)).slices]
    assert forward_last == ["output[:, 3, :3]", "output[:, -1, :3]", "h_n[0]", "h_n[-2]"]


def test_packed_batch_is_written_per_sample_with_its_padding():
    lstm = nn.LSTM(2, 3)
    tr = lf.trace(lstm, pack_padded_sequence(torch.randn(4, 2, 2), [4, 2]))
    found = cell_slices(tr, ("h", 0, 0, 1))
    assert [(s.expression, s.sample) for s in found.slices] == [
        ("output[1]", None),
        ("h_n[0, 1]", 1),
        ("h_n[-1, 1]", 1),
    ]
    late = cell_slices(tr, ("h", 0, 0, 3))
    assert [s.expression for s in late.slices] == [
        "output[3, 0]",
        "output[-1, 0]",
        "h_n[0, 0]",
        "h_n[-1, 0]",
    ]
    assert late.notes == ["Samples 1 have no step 3: that place in output is padding."]


@pytest.mark.parametrize(
    ("cell", "error", "message"),
    [
        (("c", 0, 0, 0), ValueError, "no cell"),
        (("h", 2, 0, 0), ValueError, "layer < 2"),
        (("h", 0, 0, 5), ValueError, "step < 5"),
        (["h", 0, 0, 0], TypeError, "must be a tuple"),
    ],
)
def test_bad_cells_are_refused_in_one_sentence(cell, error, message):
    tr = lf.trace(nn.GRU(2, 3, num_layers=2), torch.randn(5, 1, 2))
    with pytest.raises(error, match=message):
        cell_slices(tr, cell)


def test_sample_slices_equal_one_samples_state(trace):
    from lstm_figures.cell_slices import sample_slices

    real, names = tensors(trace), sizes(trace)
    samples = range(trace.batch_size) if trace.batched else []
    for cell in cells(trace):
        state = state_of(trace, cell)
        for n in samples:
            for found in sample_slices(trace, cell, n):
                assert found.sample == n
                value = evaluate(found.expression, real, names)
                assert torch.allclose(value, state[n], RTOL, ATOL), (cell, found)
