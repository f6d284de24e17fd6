"""Bad input to ``lf.trace`` raises one clear error, before PyTorch sees it.

Every bad shape used here is also checked to be rejected by PyTorch itself, so the tests
never assert an error for input that torch would accept.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import lstm_figures as lf

KINDS = {"LSTM": nn.LSTM, "GRU": nn.GRU, "RNN": nn.RNN}
INPUT, HIDDEN, PROJ, LAYERS, STEPS, BATCH = 3, 5, 2, 2, 6, 7  # BATCH != LAYERS * directions


def make(kind: str = "LSTM", *, bidirectional: bool = True, batch_first: bool = False, proj=0):
    kwargs = {"proj_size": proj} if kind == "LSTM" else {}
    return KINDS[kind](
        INPUT,
        HIDDEN,
        num_layers=LAYERS,
        bidirectional=bidirectional,
        batch_first=batch_first,
        **kwargs,
    )


def good_input(module, batched: bool = True) -> torch.Tensor:
    if not batched:
        return torch.randn(STEPS, INPUT)
    return torch.randn(*((BATCH, STEPS) if module.batch_first else (STEPS, BATCH)), INPUT)


def state_shapes(module, batched: bool = True) -> dict[str, tuple[int, ...]]:
    """Expected h_0 (and c_0) shapes, read from the h_n/c_n torch returns."""
    with torch.no_grad():
        _, state = module(good_input(module, batched))
    names = ("h_0", "c_0") if isinstance(state, tuple) else ("h_0",)
    states = state if isinstance(state, tuple) else (state,)
    return {name: tuple(s.shape) for name, s in zip(names, states, strict=True)}


def states_with(module, name: str, bad_shape, batched: bool = True):
    """A correct hx for ``module`` except that state ``name`` has ``bad_shape``."""
    shapes = state_shapes(module, batched) | {name: bad_shape}
    states = tuple(torch.randn(shape) for shape in shapes.values())
    return states if len(states) == 2 else states[0]


def torch_rejects(module, x, hx=None) -> None:
    """PyTorch itself refuses this input (so lf.trace must refuse it too)."""
    with pytest.raises((RuntimeError, ValueError, IndexError, TypeError)), torch.no_grad():
        module(x, hx)


def layout(module) -> str:
    return "(N, T, F)" if module.batch_first else "(T, N, F)"


# --------------------------------------------------------------------------- module and x


@pytest.mark.parametrize(
    "thing",
    [nn.Linear(INPUT, HIDDEN), nn.LSTMCell(INPUT, HIDDEN), nn.GRUCell(INPUT, HIDDEN), "LSTM", None],
    ids=lambda thing: type(thing).__name__,
)
def test_rejects_what_is_not_a_recurrent_module(thing):
    with pytest.raises(TypeError, match=rf"LSTM.*GRU.*RNN.*got {type(thing).__name__}$"):
        lf.trace(thing, torch.randn(STEPS, BATCH, INPUT))


@pytest.mark.parametrize(
    "x",
    [np.zeros((STEPS, BATCH, INPUT)), [[0.0] * INPUT] * STEPS, None],
    ids=lambda x: type(x).__name__,
)
def test_rejects_input_that_is_not_a_tensor(x):
    with pytest.raises(TypeError, match=rf"got {type(x).__name__}$"):
        lf.trace(make(), x)


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_rejects_wrong_feature_size(kind, batch_first, batched):
    module = make(kind, batch_first=batch_first)
    x = good_input(module, batched)[..., :-1]
    torch_rejects(module, x)
    expected = rf"{re.escape(str(tuple(x.shape)))}.*{re.escape(layout(module))} with F = {INPUT}"
    with pytest.raises(ValueError, match=expected):
        lf.trace(module, x)


@pytest.mark.parametrize("shape", [(INPUT,), (STEPS, BATCH, 1, INPUT)], ids=str)
@pytest.mark.parametrize("batch_first", [False, True])
def test_rejects_wrong_number_of_dims(batch_first, shape):
    module = make(batch_first=batch_first)
    x = torch.randn(shape)
    torch_rejects(module, x)
    expected = rf"{re.escape(str(shape))}; expected {re.escape(layout(module))} .*\(T, F\)"
    with pytest.raises(ValueError, match=expected):
        lf.trace(module, x)


def test_rejects_an_empty_axis():
    with pytest.raises(ValueError, match=re.escape(str((STEPS, 0, INPUT)))):
        lf.trace(make(), torch.randn(STEPS, 0, INPUT))


def test_rejects_packed_input_with_wrong_feature_size():
    module = make()
    x = pack_padded_sequence(
        torch.randn(STEPS, BATCH, INPUT + 1),
        torch.randint(1, STEPS + 1, (BATCH,)),
        enforce_sorted=False,
    )
    torch_rejects(module, x)
    with pytest.raises(ValueError, match=rf"{INPUT + 1} features.*input_size = {INPUT}"):
        lf.trace(module, x)


# --------------------------------------------------------------------------- h_0 / c_0


def wrong_shapes(expected: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Each axis off by one, one axis missing, one too many."""
    off_by_one = [(*expected[:i], n + 1, *expected[i + 1 :]) for i, n in enumerate(expected)]
    return [*off_by_one, expected[1:], (1, *expected)]


STATE_CASES = [
    (kind, name, proj, batched)
    for kind in KINDS
    for name in (("h_0", "c_0") if kind == "LSTM" else ("h_0",))
    for proj in ((0, PROJ) if kind == "LSTM" else (0,))
    for batched in (True, False)
]


@pytest.mark.parametrize(("kind", "name", "proj", "batched"), STATE_CASES)
def test_rejects_initial_state_of_wrong_shape(kind, name, proj, batched):
    module = make(kind, proj=proj)
    x = good_input(module, batched)
    expected = state_shapes(module, batched)[name]
    for bad in wrong_shapes(expected):
        hx = states_with(module, name, bad, batched)
        torch_rejects(module, x, hx)
        message = re.escape(f"{name} has shape {bad}; expected {expected}")
        with pytest.raises(ValueError, match=message) as error:
            lf.trace(module, x, hx)
        assert "batch_first" not in str(error.value)


@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize(("kind", "name", "proj"), [(k, n, p) for k, n, p, b in STATE_CASES if b])
def test_batch_first_layout_of_initial_state_is_explained(kind, name, proj, batch_first):
    module = make(kind, proj=proj, batch_first=batch_first)
    x = good_input(module)
    expected = state_shapes(module)[name]
    batch_major = (expected[1], expected[0], expected[2])
    hx = states_with(module, name, batch_major)
    torch_rejects(module, x, hx)
    # h has H_out = proj_size features when proj_size is set; c keeps H = hidden_size.
    size = "H_out" if name == "h_0" else "H"
    layout = re.escape(f"(num_layers * num_directions, N, {size})")
    message = rf"expected {re.escape(str(expected))} {layout}: batch_first does not apply to {name}"
    with pytest.raises(ValueError, match=message):
        lf.trace(module, x, hx)


@pytest.mark.parametrize(
    ("kind", "hx"),
    [
        ("LSTM", torch.zeros(LAYERS * 2, BATCH, HIDDEN)),
        ("LSTM", [torch.zeros(LAYERS * 2, BATCH, HIDDEN)] * 2),
        ("GRU", (torch.zeros(LAYERS * 2, BATCH, HIDDEN),) * 2),
        ("RNN", np.zeros((LAYERS * 2, BATCH, HIDDEN))),
    ],
    ids=lambda v: v if isinstance(v, str) else type(v).__name__,
)
def test_rejects_initial_state_of_wrong_type(kind, hx):
    with pytest.raises(TypeError, match=r"tuple \(h_0, c_0\)|must be a torch.Tensor"):
        lf.trace(make(kind), torch.randn(STEPS, BATCH, INPUT), hx)


# --------------------------------------------------------------------------- Trace accessors


def traced(kind: str):
    module = make(kind)
    return lf.trace(module, good_input(module))


ACCESSORS = [
    (kind, accessor)
    for kind in KINDS
    for accessor in (("hidden", "cell", "gates") if kind == "LSTM" else ("hidden", "gates"))
]


@pytest.mark.parametrize(("kind", "accessor"), ACCESSORS)
@pytest.mark.parametrize(
    ("argument", "limit"),
    [("layer", "num_layers"), ("direction", "num_directions"), ("t", "seq_len")],
)
@pytest.mark.parametrize("beyond", [False, True], ids=["negative", "past-the-end"])
def test_accessor_rejects_out_of_range_index(kind, accessor, argument, limit, beyond):
    trace = traced(kind)
    size = getattr(trace, limit)
    index = {"layer": 0, "direction": 0, "t": 0} | {argument: size if beyond else -1}
    with pytest.raises(ValueError, match=re.escape(f"{argument} must be in range({size})")):
        getattr(trace, accessor)(**index)


@pytest.mark.parametrize("kind", ["GRU", "RNN"])
def test_cell_state_only_exists_for_lstm(kind):
    with pytest.raises(ValueError, match=f"{kind} has no cell state"):
        traced(kind).cell(0, 0, 0)


# --------------------------------------------------------------------------- numbers


def with_bad_number(kind: str, where: str, value: float):
    """(module, x, hx) with ``value`` (NaN or infinity) at one place: x, h_0, c_0 or a weight."""
    module = make(kind)
    x = good_input(module)
    shapes = state_shapes(module)
    states = {name: torch.randn(shape) for name, shape in shapes.items()}
    if where == "x":
        x[STEPS - 1, 0, 1] = value
    elif where in states:
        states[where][1, 0, 0] = value
    else:
        with torch.no_grad():
            getattr(module, where)[0, 0] = value
    hx = tuple(states.values()) if kind == "LSTM" else states["h_0"]
    return module, x, hx


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize(
    ("kind", "where"),
    [
        ("LSTM", "x"),
        ("LSTM", "h_0"),
        ("LSTM", "c_0"),
        ("LSTM", "weight_hh_l1_reverse"),
        ("GRU", "x"),
        ("GRU", "h_0"),
        ("RNN", "weight_ih_l0"),
    ],
)
def test_rejects_nan_and_infinity_naming_where(kind, where, value):
    module, x, hx = with_bad_number(kind, where, value)
    with pytest.raises(ValueError, match=rf"^(the module's )?{where} contains NaN or infinity"):
        lf.trace(module, x, hx)


def test_rejects_nan_in_packed_input():
    module = make("GRU")
    x = good_input(module)
    x[0, 2, 0] = float("nan")
    packed = pack_padded_sequence(x, [STEPS, 2, STEPS, 1][:BATCH], enforce_sorted=False)
    with pytest.raises(ValueError, match=r"^x contains NaN or infinity"):
        lf.trace(module, packed)


@pytest.mark.parametrize("kind", KINDS)
def test_rejects_input_of_another_dtype(kind):
    module = make(kind).to(torch.float16)
    x = good_input(module)  # float32
    torch_rejects(module, x)
    with pytest.raises(TypeError, match=r"^x is torch.float32 but the module's weights are torch"):
        lf.trace(module, x)


def test_rejects_state_of_another_dtype():
    module = make("LSTM").double()
    x = good_input(module).double()
    h_0, c_0 = (torch.randn(shape) for shape in state_shapes(make("LSTM")).values())
    with pytest.raises(TypeError, match=r"^h_0 is torch.float32 but .* torch.float64"):
        lf.trace(module, x, (h_0.double().float(), c_0.double()))


def test_rejects_input_on_another_device():
    module = make("LSTM")
    x = good_input(module).to("meta")
    with pytest.raises(ValueError, match=r"^x is on meta but the module is on cpu"):
        lf.trace(module, x)


def test_rejects_weights_of_mixed_dtypes():
    module = make("RNN")
    module.weight_hh_l1.data = module.weight_hh_l1.data.double()
    torch_rejects(module, good_input(module))
    with pytest.raises(TypeError, match=r"^the module's weight_hh_l1 is torch.float64 on cpu but"):
        lf.trace(module, good_input(module))
