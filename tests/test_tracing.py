"""``lf.trace`` checked against PyTorch itself: every recomputed state, gate and shape.

Expected values always come from torch: the module's own forward pass, a copy of its
first layers, a one-step module holding a single cell's weights, or PyTorch's documented
gate equations applied to the module's weights. Nothing is typed in by hand.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, fields

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

import lstm_figures as lf

KINDS = {"LSTM": nn.LSTM, "GRU": nn.GRU, "RNN": nn.RNN}
MODES = ("batched", "unbatched", "packed")


# --------------------------------------------------------------------------- helpers


def close(actual: torch.Tensor, expected: torch.Tensor) -> bool:
    """Same shape, equal up to the float32 drift between fused kernels and step-by-step maths."""
    return actual.shape == expected.shape and torch.allclose(actual, expected, rtol=1e-4, atol=1e-5)


def same(actual, expected) -> bool:
    """Bitwise equal tensors, PackedSequences (field by field) or Nones."""
    if isinstance(expected, PackedSequence):
        return isinstance(actual, PackedSequence) and all(map(same, actual, expected))
    if expected is None:
        return actual is None
    return torch.equal(actual, expected)


@dataclass(frozen=True)
class Case:
    """One module configuration and how its input is given."""

    kind: str = "LSTM"
    num_layers: int = 1
    bidirectional: bool = False
    batch_first: bool = False
    proj_size: int = 0
    mode: str = "batched"  # one of MODES
    with_hx: bool = True
    input_size: int = 3
    hidden_size: int = 5
    seq_len: int = 6
    batch: int = 4
    nonlinearity: str = "tanh"
    bias: bool = True
    seed: int = 0

    def __str__(self) -> str:
        defaults = {f.name: f.default for f in fields(self)}
        return "-".join(
            f"{k}={v}" for k, v in vars(self).items() if v != defaults[k] or k == "kind"
        )

    def build(self) -> tuple[nn.Module, torch.Tensor | PackedSequence, object]:
        """(module, x, hx), random but determined by ``seed``."""
        torch.manual_seed(self.seed)
        kwargs = {
            "input_size": self.input_size,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "bias": self.bias,
            "batch_first": self.batch_first,
            "bidirectional": self.bidirectional,
        }
        if self.kind == "LSTM":
            kwargs["proj_size"] = self.proj_size
        if self.kind == "RNN":
            kwargs["nonlinearity"] = self.nonlinearity
        module = KINDS[self.kind](**kwargs)

        steps, batch, features = self.seq_len, self.batch, self.input_size
        if self.mode == "unbatched":
            x = torch.randn(steps, features)
        else:
            x = torch.randn(*((batch, steps) if self.batch_first else (steps, batch)), features)
        if self.mode == "packed":
            lengths = torch.randint(1, steps + 1, (batch,))
            x = pack_padded_sequence(x, lengths, batch_first=self.batch_first, enforce_sorted=False)

        hx = None
        if self.with_hx:
            lead = (self.num_layers * (2 if self.bidirectional else 1),)
            lead += (batch,) if self.mode != "unbatched" else ()
            hx = torch.randn(*lead, self.proj_size or self.hidden_size)
            if self.kind == "LSTM":
                hx = (hx, torch.randn(*lead, self.hidden_size))
        return module, x, hx


def run_torch(module: nn.Module, x, hx=None):
    """PyTorch's own ``module(x, hx)`` in eval mode without gradients: (output, h_n, c_n)."""
    with torch.no_grad():
        output, state = module.eval()(x, hx)
    h_n, c_n = state if isinstance(state, tuple) else (state, None)
    return output, h_n, c_n


def padded(output, batch_first: bool) -> torch.Tensor:
    """A plain tensor from a tensor or a PackedSequence (zeros at padded steps)."""
    if isinstance(output, PackedSequence):
        return pad_packed_sequence(output, batch_first=batch_first)[0]
    return output


def module_kwargs(module: nn.Module, **changes) -> dict:
    """Constructor arguments that rebuild ``module``, with some of them changed."""
    kwargs = {
        name: getattr(module, name)
        for name in (
            "input_size",
            "hidden_size",
            "num_layers",
            "bias",
            "batch_first",
            "dropout",
            "bidirectional",
        )
    }
    if isinstance(module, nn.LSTM):
        kwargs["proj_size"] = module.proj_size
    if isinstance(module, nn.RNN):
        kwargs["nonlinearity"] = module.nonlinearity
    return kwargs | changes


def first_layers(module: nn.Module, count: int) -> nn.Module:
    """The module's first ``count`` layers with the same weights: its output is layer count-1's."""
    layer_of = re.compile(r"_l(\d+)")
    copy = type(module)(**module_kwargs(module, num_layers=count, dropout=0.0))
    copy.load_state_dict(
        {k: v for k, v in module.state_dict().items() if int(layer_of.search(k)[1]) < count}
    )
    return copy


def one_cell(module: nn.Module, layer: int, direction: int, in_features: int) -> nn.Module:
    """A one-layer, one-direction, time-major module holding one cell's weights."""
    cell = type(module)(
        **module_kwargs(
            module,
            input_size=in_features,
            num_layers=1,
            bidirectional=False,
            batch_first=False,
            dropout=0.0,
        )
    )
    suffix = f"_l{layer}" + ("_reverse" if direction else "")
    cell.load_state_dict(
        {k.replace(suffix, "_l0"): v for k, v in module.state_dict().items() if k.endswith(suffix)}
    )
    return cell


def first_states(hx, rows: int):
    """The initial states of the first layers (``rows`` = layers * directions)."""
    if hx is None:
        return None
    return tuple(s[:rows] for s in hx) if isinstance(hx, tuple) else hx[:rows]


def time_major(tensor: torch.Tensor, tr) -> torch.Tensor:
    """(T, N, ...) from a tensor laid out like the trace's input (N = 1 when unbatched)."""
    if not tr.batched:
        return tensor.unsqueeze(1)
    return tensor.transpose(0, 1) if tr.batch_first else tensor


def over_time(tr, accessor, layer: int, direction: int):
    """``accessor(layer, direction, t)`` for every t, stacked to (T, N, size).

    Works for ``tr.hidden``/``tr.cell`` (tensors) and ``tr.gates`` (dict of tensors).
    """
    steps = [accessor(layer, direction, t) for t in range(tr.seq_len)]

    def stack(values):
        stacked = torch.stack(values)
        return stacked if tr.batched else stacked.unsqueeze(1)

    if isinstance(steps[0], dict):
        return {name: stack([s[name] for s in steps]) for name in steps[0]}
    return stack(steps)


def layer_output(tr, layer: int) -> torch.Tensor:
    """(T, N, D * H_out): the layer's directions side by side, as in PyTorch's output."""
    return torch.cat([over_time(tr, tr.hidden, layer, d) for d in range(tr.num_directions)], -1)


def sequences(tr):
    """(sequence number, index into a state) for each sequence: the whole state if unbatched."""
    if not tr.batched:
        return [(0, ...)]
    return [(b, b) for b in range(tr.batch_size)]


def torch_lengths(x, batch_first: bool, steps: int, batch: int) -> list[int]:
    """Each sequence's length, from pad_packed_sequence for packed input."""
    if isinstance(x, PackedSequence):
        return pad_packed_sequence(x, batch_first=batch_first)[1].tolist()
    return [steps] * batch


def sequence_lengths(tr) -> list[int]:
    """The trace's own lengths (all seq_len unless packed)."""
    return tr.lengths if tr.lengths is not None else [tr.seq_len] * tr.batch_size


@dataclass
class Steps:
    """Every real (unpadded) step of one cell; row m of each tensor is one (t, sequence)."""

    x: torch.Tensor  # (M, F) the cell's input at t
    h_prev: torch.Tensor  # (M, H_out) state carried in: step t-1 (forward) or t+1 (backward)
    c_prev: torch.Tensor | None
    h: torch.Tensor  # (M, H_out) state at t
    c: torch.Tensor | None
    gates: dict[str, torch.Tensor]


def steps_of(tr, layer: int, direction: int) -> Steps:
    """Collect one cell's steps from the trace; the first step carries in h_0/c_0."""
    below = time_major(tr.input, tr) if layer == 0 else layer_output(tr, layer - 1)
    row = layer * tr.num_directions + direction
    h_all = over_time(tr, tr.hidden, layer, direction)
    c_all = over_time(tr, tr.cell, layer, direction) if tr.kind == "LSTM" else None
    gates_all = over_time(tr, tr.gates, layer, direction)
    h_0 = tr.h_0 if tr.batched else tr.h_0.unsqueeze(1)
    c_0 = None if tr.c_0 is None else (tr.c_0 if tr.batched else tr.c_0.unsqueeze(1))

    rows = []  # (t, b, previous t or None when the state comes from h_0/c_0)
    for b, length in enumerate(sequence_lengths(tr)):
        for t in range(length):
            prev = t - 1 if direction == 0 else t + 1
            rows.append((t, b, prev if 0 <= prev < length else None))

    def at(store):
        return torch.stack([store[t, b] for t, b, _ in rows])

    def before(store, initial):
        return torch.stack([initial[row, b] if p is None else store[p, b] for _, b, p in rows])

    return Steps(
        x=at(below),
        h_prev=before(h_all, h_0),
        c_prev=before(c_all, c_0) if c_all is not None else None,
        h=at(h_all),
        c=at(c_all) if c_all is not None else None,
        gates={name: at(v) for name, v in gates_all.items()},
    )


def reference_gates(module, layer: int, direction: int, x, h_prev) -> dict[str, torch.Tensor]:
    """PyTorch's documented gate equations (nn.LSTM / nn.GRU docs) on the module's weights."""
    suffix = f"_l{layer}" + ("_reverse" if direction else "")

    def weight(name):
        return getattr(module, name + suffix, None)

    from_x = F.linear(x, weight("weight_ih"), weight("bias_ih"))
    from_h = F.linear(h_prev, weight("weight_hh"), weight("bias_hh"))
    if isinstance(module, nn.LSTM):
        i, f, g, o = (from_x + from_h).chunk(4, dim=-1)
        return {"i": i.sigmoid(), "f": f.sigmoid(), "g": g.tanh(), "o": o.sigmoid()}
    if isinstance(module, nn.GRU):
        x_r, x_z, x_n = from_x.chunk(3, dim=-1)
        h_r, h_z, h_n = from_h.chunk(3, dim=-1)
        r = (x_r + h_r).sigmoid()
        return {"r": r, "z": (x_z + h_z).sigmoid(), "n": (x_n + r * h_n).tanh()}
    return {}


def cells(tr):
    return itertools.product(range(tr.num_layers), range(tr.num_directions))


# --------------------------------------------------------------------------- checks


def assert_outputs_match_torch(module, x, hx, tr) -> None:
    """output/h_n/c_n are torch's; every layer's states and every final state agree with torch."""
    output, h_n, c_n = run_torch(module, x, hx)
    assert same(tr.output, output)
    assert same(tr.h_n, h_n)
    assert same(tr.c_n, c_n)

    # Layer l's states over all t (both directions side by side) are the output of a copy
    # of the module cut after layer l; zeros at padded steps, as pad_packed_sequence gives.
    for layer in range(tr.num_layers):
        rows = (layer + 1) * tr.num_directions
        expected, _, _ = run_torch(first_layers(module, layer + 1), x, first_states(hx, rows))
        expected = time_major(padded(expected, tr.batch_first), tr)
        assert close(layer_output(tr, layer), expected), f"layer {layer}"

    lengths = torch_lengths(x, tr.batch_first, tr.seq_len, tr.batch_size)
    for layer, direction in cells(tr):
        row = layer * tr.num_directions + direction
        for b, index in sequences(tr):
            last = lengths[b] - 1 if direction == 0 else 0
            assert tr.final_step(direction, b) == last
            assert close(tr.hidden(layer, direction, last)[index], h_n[row][index])
            if c_n is not None:
                assert close(tr.cell(layer, direction, last)[index], c_n[row][index])


def assert_steps_match_torch(module, tr) -> None:
    """Each recorded step is what a one-step run of torch's module gives from the step before."""
    for layer, direction in cells(tr):
        s = steps_of(tr, layer, direction)
        cell = one_cell(module, layer, direction, s.x.shape[-1])
        hx = s.h_prev[None] if s.c_prev is None else (s.h_prev[None], s.c_prev[None])
        _, h, c = run_torch(cell, s.x[None], hx)
        assert close(s.h, h[0]), f"h of layer {layer} direction {direction}"
        if c is not None:
            assert close(s.c, c[0]), f"c of layer {layer} direction {direction}"


def assert_gates_match_equations(module, tr) -> None:
    for layer, direction in cells(tr):
        s = steps_of(tr, layer, direction)
        expected = reference_gates(module, layer, direction, s.x, s.h_prev)
        assert s.gates.keys() == expected.keys()
        for name in expected:
            assert close(s.gates[name], expected[name]), f"gate {name} of {layer}, {direction}"


def assert_state_identities(module, tr) -> None:
    """LSTM: c = f*c_prev + i*g, h = o*tanh(c) (@ W_hr^T); GRU: h = (1-z)*n + z*h_prev."""
    for layer, direction in cells(tr):
        s = steps_of(tr, layer, direction)
        g = s.gates
        if tr.kind == "LSTM":
            assert close(s.c, g["f"] * s.c_prev + g["i"] * g["g"])
            h = g["o"] * s.c.tanh()
            if tr.proj_size:
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                h = h @ getattr(module, "weight_hr" + suffix).T
            assert close(s.h, h)
        elif tr.kind == "GRU":
            assert close(s.h, (1 - g["z"]) * g["n"] + g["z"] * s.h_prev)


def check_everything(case: Case) -> None:
    module, x, hx = case.build()
    tr = lf.trace(module, x, hx)
    assert_outputs_match_torch(module, x, hx, tr)
    assert_steps_match_torch(module, tr)
    assert_gates_match_equations(module, tr)
    assert_state_identities(module, tr)


# --------------------------------------------------------------------------- 1. sweep

SWEEP = [
    Case(kind, layers, bidirectional, batch_first, proj, mode)
    for kind, layers, bidirectional, batch_first, mode in itertools.product(
        KINDS, (1, 2, 3), (False, True), (False, True), MODES
    )
    for proj in ((0, 2) if kind == "LSTM" else (0,))
]


@pytest.mark.parametrize("case", SWEEP, ids=str)
def test_layers_and_final_states_match_torch(case):
    module, x, hx = case.build()
    assert_outputs_match_torch(module, x, hx, lf.trace(module, x, hx))


@pytest.mark.parametrize("case", SWEEP, ids=str)
def test_every_step_is_one_torch_step(case):
    module, x, hx = case.build()
    assert_steps_match_torch(module, lf.trace(module, x, hx))


@pytest.mark.parametrize(
    "case",
    [
        Case("RNN", num_layers=2, bidirectional=True, nonlinearity="relu"),
        Case("RNN", num_layers=2, mode="packed", nonlinearity="relu"),
        *(Case(kind, num_layers=2, bidirectional=True, bias=False) for kind in KINDS),
        Case("LSTM", num_layers=2, proj_size=3, bias=False, mode="packed"),
        Case("GRU", seq_len=1, batch=1, mode="packed"),
        Case("LSTM", input_size=1, hidden_size=1, seq_len=1, batch=1),
    ],
    ids=str,
)
def test_other_module_options_match_torch(case):
    check_everything(case)


@st.composite
def random_cases(draw) -> Case:
    kind = draw(st.sampled_from(sorted(KINDS)))
    hidden_size = draw(st.integers(1, 5))
    return Case(
        kind=kind,
        num_layers=draw(st.integers(1, 3)),
        bidirectional=draw(st.booleans()),
        batch_first=draw(st.booleans()),
        proj_size=draw(st.integers(0, hidden_size - 1)) if kind == "LSTM" else 0,
        mode=draw(st.sampled_from(MODES)),
        with_hx=draw(st.booleans()),
        input_size=draw(st.integers(1, 4)),
        hidden_size=hidden_size,
        seq_len=draw(st.integers(1, 7)),
        batch=draw(st.integers(1, 4)),
        nonlinearity=draw(st.sampled_from(("tanh", "relu"))) if kind == "RNN" else "tanh",
        bias=draw(st.booleans()),
        seed=draw(st.integers(0, 2**16)),
    )


@given(random_cases())
@settings(max_examples=60, deadline=None)
def test_random_configurations_match_torch(case):
    check_everything(case)


# --------------------------------------------------------------------------- 2. identities

GATE_CASES = [
    Case(kind, num_layers=2, bidirectional=bidirectional, mode=mode, proj_size=proj)
    for kind, bidirectional, mode in itertools.product(KINDS, (False, True), MODES)
    for proj in ((0, 2) if kind == "LSTM" else (0,))
]


@pytest.mark.parametrize("case", GATE_CASES, ids=str)
def test_gates_follow_pytorch_equations(case):
    module, x, hx = case.build()
    assert_gates_match_equations(module, lf.trace(module, x, hx))


@pytest.mark.parametrize("case", [c for c in GATE_CASES if c.kind != "RNN"], ids=str)
def test_lstm_and_gru_state_identities(case):
    module, x, hx = case.build()
    assert_state_identities(module, lf.trace(module, x, hx))


@pytest.mark.parametrize("kind", KINDS)
def test_gate_names(kind):
    module, x, hx = Case(kind).build()
    gates = lf.trace(module, x, hx).gates(0, 0, 0)
    assert tuple(gates) == {"LSTM": ("i", "f", "g", "o"), "GRU": ("r", "z", "n"), "RNN": ()}[kind]
    assert all(v.shape == (x.shape[1], module.hidden_size) for v in gates.values())


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_padded_steps_are_zero(kind, bidirectional):
    module, x, hx = Case(kind, num_layers=2, bidirectional=bidirectional, mode="packed").build()
    tr = lf.trace(module, x, hx)
    assert tr.lengths != sorted(tr.lengths, reverse=True), "lengths should be unsorted"
    for layer, direction in cells(tr):
        for b, length in enumerate(tr.lengths):
            for t in range(length, tr.seq_len):
                states = [tr.hidden(layer, direction, t), *tr.gates(layer, direction, t).values()]
                if kind == "LSTM":
                    states.append(tr.cell(layer, direction, t))
                assert not any(s[b].any() for s in states), (layer, direction, b, t)


# --------------------------------------------------------------------------- 3. initial state


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_given_initial_state_is_used(kind, mode):
    module, x, hx = Case(kind, num_layers=2, bidirectional=True, mode=mode).build()
    tr = lf.trace(module, x, hx)
    h_0, c_0 = hx if kind == "LSTM" else (hx, None)
    assert same(tr.h_0, h_0)
    assert same(tr.c_0, c_0)
    _, h_n, c_n = run_torch(module, x, hx)
    _, h_n_from_zeros, _ = run_torch(module, x, None)
    assert same(tr.h_n, h_n)
    assert same(tr.c_n, c_n)
    assert not close(tr.h_n, h_n_from_zeros), "hx should change the result"
    assert_steps_match_torch(module, tr)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_omitted_initial_state_is_zeros(kind, mode):
    module, x, _ = Case(kind, num_layers=2, bidirectional=True, mode=mode, with_hx=False).build()
    tr = lf.trace(module, x)
    output, h_n, c_n = run_torch(module, x)
    assert same(tr.h_0, torch.zeros_like(h_n))
    assert same(tr.c_0, None if c_n is None else torch.zeros_like(c_n))
    assert same(tr.output, output)
    assert same(tr.h_n, h_n)
    assert_steps_match_torch(module, tr)


# --------------------------------------------------------------------------- 4. shapes

SHAPE_CASES = [
    Case(kind, num_layers=2, bidirectional=True, batch_first=bf, mode=mode, proj_size=proj)
    for kind, bf, mode in itertools.product(KINDS, (False, True), MODES)
    for proj in ((0, 2) if kind == "LSTM" else (0,))
]


@pytest.mark.parametrize("case", SHAPE_CASES, ids=str)
def test_shapes_are_read_from_torch(case):
    module, x, hx = case.build()
    tr = lf.trace(module, x, hx)
    output, h_n, c_n = run_torch(module, x, hx)
    h_0, c_0 = hx if case.kind == "LSTM" else (hx, None)
    expected = {
        "input": padded(x, case.batch_first).shape,
        "h_0": h_0.shape,
        "output": padded(output, case.batch_first).shape,
        "h_n": h_n.shape,
    }
    if case.kind == "LSTM":
        expected |= {"c_0": c_0.shape, "c_n": c_n.shape}
    expected = {k: tuple(v) for k, v in expected.items()}
    expected |= {name: tuple(p.shape) for name, p in module.named_parameters()}
    assert tr.shapes() == expected


@pytest.mark.parametrize("case", SHAPE_CASES, ids=str)
def test_configuration_is_the_modules(case):
    module, x, hx = case.build()
    tr = lf.trace(module, x, hx)
    inputs = padded(x, case.batch_first)
    batched = inputs.dim() == 3
    assert (tr.kind, tr.input_size, tr.hidden_size, tr.proj_size, tr.num_layers) == (
        type(module).__name__,
        module.input_size,
        module.hidden_size,
        getattr(module, "proj_size", 0),
        module.num_layers,
    )
    assert tr.num_directions == (2 if module.bidirectional else 1)
    assert tr.batch_first == module.batch_first
    assert tr.batched == batched
    time_axis = 1 if module.batch_first and batched else 0
    assert tr.seq_len == inputs.shape[time_axis]
    assert tr.batch_size == (inputs.shape[1 - time_axis] if batched else 1)
    expected_lengths = (
        pad_packed_sequence(x, batch_first=case.batch_first)[1].tolist()
        if isinstance(x, PackedSequence)
        else None
    )
    assert tr.lengths == expected_lengths


@pytest.mark.parametrize("kind", KINDS)
def test_unbatched_input_drops_the_batch_axis(kind):
    module, x, hx = Case(kind, num_layers=2, bidirectional=True, mode="unbatched").build()
    tr = lf.trace(module, x, hx)
    output, h_n, c_n = run_torch(module, x, hx)
    assert not tr.batched
    for layer, direction in cells(tr):
        row = layer * tr.num_directions + direction
        assert tr.hidden(layer, direction, 0).shape == h_n[row].shape
        for gate in tr.gates(layer, direction, 0).values():
            assert gate.shape == (module.hidden_size,)
        if c_n is not None:
            assert tr.cell(layer, direction, 0).shape == c_n[row].shape
    assert tr.output.shape == output.shape


@pytest.mark.parametrize("kind", KINDS)
def test_batch_first_output_is_batch_major(kind):
    module, x, hx = Case(kind, num_layers=2, bidirectional=True, batch_first=True).build()
    tr = lf.trace(module, x, hx)
    output, _, _ = run_torch(module, x, hx)
    size = tr.output_size
    assert tr.output.shape[:2] == x.shape[:2]
    for t in range(tr.seq_len):
        assert close(tr.hidden(1, 0, t), output[:, t, :size])
        assert close(tr.hidden(1, 1, t), output[:, t, size:])


# --------------------------------------------------------------------------- 5. module mode


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_module_mode_is_restored(kind, training):
    module, x, hx = Case(kind).build()
    module.train(training)
    lf.trace(module, x, hx)
    assert module.training is training


@pytest.mark.parametrize("kind", KINDS)
def test_dropout_module_in_training_mode_traces_in_eval_mode(kind):
    module = KINDS[kind](input_size=3, hidden_size=5, num_layers=2, dropout=0.5).train()
    x = torch.randn(6, 4, 3)
    tr = lf.trace(module, x)
    assert module.training
    with torch.no_grad():
        dropped_out, _ = module(x)
    eval_output, h_n, _ = run_torch(module, x)
    assert same(tr.output, eval_output)
    assert same(tr.h_n, h_n)
    assert not close(dropped_out, eval_output), "dropout should have been active in training"


def test_no_gradients_are_recorded():
    module, _, _ = Case().build()
    x = torch.randn(6, 4, 3, requires_grad=True)
    tr = lf.trace(module, x)
    recorded = [tr.output, tr.h_n, tr.c_n, tr.hidden(0, 0, 0), tr.cell(0, 0, 0)]
    assert not any(t.requires_grad for t in recorded)


# --------------------------------------------------------------------------- 6. any trained model

DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def rounding_of(tensor: torch.Tensor) -> float:
    """PyTorch's rounding for this tensor's arithmetic (TF32 in cuDNN for float32 on a GPU)."""
    eps = torch.finfo(tensor.dtype).eps
    if tensor.is_cuda and tensor.dtype == torch.float32 and torch.backends.cudnn.allow_tf32:
        eps = max(eps, 2.0**-10)
    return eps


def near(actual: torch.Tensor, expected: torch.Tensor, eps: float, times: float = 8) -> bool:
    """Equal up to ``times`` roundings of ``eps``, relative to the values (at least 1)."""
    actual, expected = actual.double(), expected.double()
    limit = times * eps * (1 + expected.abs())
    return actual.shape == expected.shape and bool(((actual - expected).abs() <= limit).all())


def as_dtype(case: Case, dtype: torch.dtype, device="cpu"):
    """``case.build()`` with the module, input and states in ``dtype`` on ``device``."""
    module, x, hx = case.build()
    module.to(device=device, dtype=dtype)
    x = x.to(device=device, dtype=dtype)
    if hx is not None:
        hx = (
            tuple(s.to(device, dtype) for s in hx)
            if isinstance(hx, tuple)
            else hx.to(device, dtype)
        )
    return module, x, hx


def assert_follows_torch(module, x, hx, tr) -> None:
    """The trace of a module in any dtype on any device, checked against torch.

    output/h_n/c_n are the module's; every layer's h at every step is the output of the
    module cut after that layer (PyTorch's number); the last c is c_n; the gates and c
    follow PyTorch's equations from the trace's own previous states, within rounding.
    """
    output, h_n, c_n = run_torch(module, x, hx)
    assert same(tr.output, output)
    assert same(tr.h_n, h_n)
    assert same(tr.c_n, c_n)
    dtype, device = module.weight_ih_l0.dtype, module.weight_ih_l0.device
    eps = rounding_of(module.weight_ih_l0)
    wide = first_layers(module, tr.num_layers).double()  # a float64 CPU copy
    for layer in range(tr.num_layers):
        cut = first_layers(module, layer + 1).to(device, dtype)
        rows = (layer + 1) * tr.num_directions
        expected, _, _ = run_torch(cut, x, first_states(hx, rows))
        expected = time_major(padded(expected, tr.batch_first), tr)
        assert near(layer_output(tr, layer), expected, eps), f"layer {layer}"
    for layer, direction in cells(tr):
        row = layer * tr.num_directions + direction
        hidden = over_time(tr, tr.hidden, layer, direction)
        assert hidden.dtype == dtype
        assert hidden.device == device
        for b, index in sequences(tr):
            last = tr.final_step(direction, b)
            assert near(tr.hidden(layer, direction, last)[index], h_n[row][index], eps)
            if c_n is not None:
                assert near(tr.cell(layer, direction, last)[index], c_n[row][index], eps)
        # The equations, in float64 from the trace's states as recorded.
        s = steps_of(tr, layer, direction)
        x_, h_prev = s.x.double().cpu(), s.h_prev.double().cpu()
        # Inputs and weights are exact in float64: what is left is rounding in the sums
        # (sizes F and H) and of each recorded value.
        scale = (x_.abs().sum(-1, keepdim=True) + h_prev.abs().sum(-1, keepdim=True) + 1) * 8
        expected = reference_gates(wide, layer, direction, x_, h_prev)
        for name, value in expected.items():
            error = (s.gates[name].double().cpu() - value).abs()
            assert (error <= eps * scale).all(), f"gate {name} of {layer}, {direction}"
        if tr.kind == "LSTM":
            g = {k: v.double().cpu() for k, v in s.gates.items()}
            c_prev = s.c_prev.double().cpu()
            c = g["f"] * c_prev + g["i"] * g["g"]
            limit = 8 * eps * (1 + c_prev.abs() + c.abs())
            assert ((s.c.double().cpu() - c).abs() <= limit).all(), f"c of {layer}, {direction}"


SWEEP_DTYPES = [
    (dtype, Case(kind, num_layers=2, bidirectional=bidirectional, proj_size=proj, mode=mode))
    for dtype, kind, bidirectional, mode in itertools.product(
        DTYPES, KINDS, (False, True), ("batched", "packed")
    )
    for proj in ((0, 2) if kind == "LSTM" else (0,))
]


@pytest.mark.parametrize(
    ("dtype", "case"), SWEEP_DTYPES, ids=lambda v: str(v).replace("torch.", "")
)
def test_every_dtype_follows_torch(dtype, case):
    module, x, hx = as_dtype(case, dtype)
    tr = lf.trace(module, x, hx)
    assert_follows_torch(module, x, hx, tr)
    assert module.weight_ih_l0.dtype == dtype, "the module keeps its dtype"
    assert tr.hidden(0, 0, 0).dtype == dtype
    assert tr.gates(0, 0, 0).keys() == set({"LSTM": "ifgo", "GRU": "rzn", "RNN": ""}[case.kind])


def train(module: nn.Module, steps: int = 10) -> nn.Module:
    """A few Adam steps on a small task (the running sum of the input's first feature)."""
    optimiser = torch.optim.Adam(module.parameters(), lr=0.05)
    head = nn.Linear(module.hidden_size * (2 if module.bidirectional else 1), 1)
    optimiser.add_param_group({"params": head.parameters()})
    for _ in range(steps):
        x = torch.randn(12, 8, module.input_size)
        target = x[..., :1].cumsum(0)
        output, _ = module(x)
        loss = F.mse_loss(head(output), target)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return module


@pytest.mark.parametrize("kind", KINDS)
def test_a_trained_model_follows_torch(kind):
    module = train(KINDS[kind](3, 6, num_layers=2, bidirectional=True, dropout=0.1))
    assert module.training
    x = torch.randn(9, 4, 3)
    tr = lf.trace(module, x)
    assert module.training, "the trace leaves the module in training mode"
    assert_follows_torch(module, x, None, tr)
    assert_steps_match_torch(module, tr)


@pytest.mark.parametrize(
    ("kind", "dtype"),
    [
        ("LSTM", torch.float32),
        ("LSTM", torch.bfloat16),
        ("LSTM", torch.float16),
        ("GRU", torch.float32),
        ("RNN", torch.float64),
    ],
)
def test_saturated_weights_over_a_thousand_steps(kind, dtype):
    """Weights ×10: gates saturate, the dynamics are chaotic, and rounding differences
    between any two ways of computing grow along T. The trace still holds PyTorch's own h."""
    torch.manual_seed(1)
    module = KINDS[kind](4, 8, num_layers=2, bidirectional=True)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.mul_(10)
    module.to(dtype)
    x = torch.randn(1000, 2, 4, dtype=dtype)
    tr = lf.trace(module, x)
    output, h_n, c_n = run_torch(module, x)
    assert same(tr.output, output)
    assert same(tr.h_n, h_n)
    assert same(tr.c_n, c_n)
    eps = rounding_of(module.weight_ih_l0)
    for layer, direction in cells(tr):
        row = layer * tr.num_directions + direction
        last = tr.final_step(direction)
        assert near(tr.hidden(layer, direction, last), h_n[row], eps)
        if c_n is not None:
            assert near(tr.cell(layer, direction, last), c_n[row], eps)
    top = over_time(tr, tr.hidden, 1, 1)
    assert near(top, output[..., 8:], eps)


class Misreporting(nn.LSTM):
    """An LSTM whose forward changes its output: not the recurrence it claims."""

    factor = 1.01

    def forward(self, x, hx=None):
        output, state = super().forward(x, hx)
        return output * self.factor, state


class MisreportingState(nn.GRU):
    """A GRU whose h_n is not its last step's h."""

    def forward(self, x, hx=None):
        output, h_n = super().forward(x, hx)
        return output, h_n + 1e-3


@pytest.mark.parametrize(("dtype", "factor"), [(torch.float32, 1.01), (torch.bfloat16, 1.1)])
def test_a_module_whose_output_lies_is_named(dtype, factor):
    """A lie of 1 % is one rounding in bfloat16, which no check can tell apart: 10 % is not."""
    module = Misreporting(3, 5, num_layers=2, bidirectional=True).to(dtype)
    module.factor = factor
    with pytest.raises(
        lf.TraceMismatchError, match=r"^layer 1, direction 0, step t = \d+ .*output"
    ):
        lf.trace(module, torch.randn(6, 2, 3, dtype=dtype))


def test_a_module_whose_final_state_lies_is_named():
    module = MisreportingState(3, 5, num_layers=2)
    x = pack_padded_sequence(torch.randn(6, 2, 3), [4, 6], enforce_sorted=False)
    with pytest.raises(lf.TraceMismatchError, match=r"^layer 0, direction 0, step t = 3 .*h_n"):
        lf.trace(module, x)


@pytest.mark.parametrize(("kind", "direction", "t"), [("LSTM", 0, 4), ("GRU", 1, 2), ("RNN", 1, 6)])
def test_a_step_that_breaks_the_equations_is_named(monkeypatch, kind, direction, t):
    """A kernel whose h at one step is off (here: layer 0's, changed after the run) is
    caught at that step, by the local check, whatever the steps after it do."""
    from lstm_figures import tracing

    run_layers = tracing._run_layers

    def off_by_a_little(*args):
        runs = run_layers(*args)
        runs[0].hidden[direction][t, 1, 0] += 0.01
        return runs

    monkeypatch.setattr(tracing, "_run_layers", off_by_a_little)
    module = KINDS[kind](3, 5, num_layers=2, bidirectional=True)
    with pytest.raises(
        lf.TraceMismatchError,
        match=rf"^layer 0, direction {direction}, step t = {t} \(sequence 1\)",
    ):
        lf.trace(module, torch.randn(8, 3, 3))


def test_the_random_state_is_left_alone():
    module, x, hx = Case(num_layers=2, bidirectional=True).build()
    before = torch.random.get_rng_state()
    lf.trace(module, x, hx)
    assert torch.equal(torch.random.get_rng_state(), before)


def test_a_wide_input_traces():
    """100 000 input features: the rounding of such long sums is within the tolerance."""
    module = nn.LSTM(100_000, 10)
    x = torch.randn(3, 2, 100_000)
    assert_steps_match_torch(module, lf.trace(module, x))


@CUDA
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", KINDS)
def test_cuda_follows_torch(kind, dtype):
    case = Case(kind, num_layers=2, bidirectional=True, proj_size=2 if kind == "LSTM" else 0)
    module, x, hx = as_dtype(case, dtype, device="cuda")
    tr = lf.trace(module, x, hx)
    assert module.weight_ih_l0.is_cuda
    assert tr.h_n.is_cuda
    assert_follows_torch(module, x, hx, tr)


@CUDA
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_cuda_packed_and_saturated(dtype):
    module = nn.LSTM(4, 16, num_layers=3, bidirectional=True)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.mul_(10)
    module.to("cuda", dtype)
    x = torch.randn(500, 3, 4, device="cuda", dtype=dtype)
    packed = pack_padded_sequence(x, [500, 120, 499], enforce_sorted=False)
    tr = lf.trace(module, packed)
    assert tr.lengths == [500, 120, 499]
    fig = lf.draw("gates", tr)
    assert fig.lstm_figures["trace"] is tr


HALF_CONFIGS = (
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"num_layers": 2, "proj_size": 2}),
    ("GRU", {"num_layers": 2}),
)


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=str)
@pytest.mark.parametrize("name", lf.FIGURES)
def test_every_figure_draws_a_half_precision_model(name, dtype):
    """The first of a few models the figure accepts (some need two directions, a projection
    or gates), in half precision: drawn from its own trace, in its own dtype."""
    for kind, options in HALF_CONFIGS:
        module = KINDS[kind](3, 4, **options).to(dtype)
        try:
            fig = lf.draw(name, module)
        except ValueError:  # this figure is not for this model
            continue
        tr = fig.lstm_figures["trace"]
        assert tr.input.dtype == dtype
        assert tr.hidden(0, 0, 0).dtype == dtype
        return
    pytest.fail(f"no model drew {name}")


# --------------------------------------------------------------------------- 7. command line


def test_command_line_wide_input_draws(tmp_path):
    from lstm_figures.cli import main

    out = tmp_path / "x.png"
    assert (
        main(["draw", "stacked", "--input-size", "100000", "--hidden-size", "10", "-o", str(out)])
        == 0
    )
    assert out.stat().st_size > 0


def test_command_line_reports_a_mismatch_in_one_line(monkeypatch, tmp_path, capsys):
    from lstm_figures import tracing
    from lstm_figures.cli import TRACE_MISMATCH, main

    def lying(*args):
        raise lf.TraceMismatchError("layer 0, direction 0, step t = 2 (sequence 0): made up")

    monkeypatch.setattr(tracing, "_check_module_against_layers", lying)
    status = main(["shapes", "--input-size", "3", "--hidden-size", "4"])
    captured = capsys.readouterr()
    assert status == TRACE_MISMATCH == 3
    assert (
        captured.err
        == "lstm-figures shapes: error: layer 0, direction 0, step t = 2 (sequence 0): made up\n"
    )
