"""Record a real forward pass of ``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN``, step by step.

:func:`trace` runs the module once, then runs it again one layer at a time through PyTorch's
own kernel, so that every layer's ``h`` at every step is a number PyTorch computed. What
PyTorch never returns (the gates, and ``c`` between the first and last step) is recomputed
from PyTorch's state at the step before and checked step by step, each step on its own
(:mod:`lstm_figures.recurrence`). Everything the figures show is read from the resulting
:class:`Trace`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence

from lstm_figures.models import KINDS
from lstm_figures.recurrence import GATE_NAMES, StepMismatch, recompute_layer, rounding
from lstm_figures.validation import check_hx, check_input, check_module, check_numbers

__all__ = ["GATE_NAMES", "Trace", "TraceMismatchError", "trace"]


class TraceMismatchError(RuntimeError):
    """PyTorch's numbers do not follow the equations of the module they came from.

    Raised when the module's own forward pass disagrees with running its layers one at a
    time through PyTorch's kernel (a subclass whose ``forward`` changes the result), or
    when a step of PyTorch's recurrence disagrees with the documented equations by more
    than rounding explains. The message names the layer, direction and time step.
    """


@dataclass(eq=False)
class Trace:
    """A verified record of one forward pass.

    Attributes hold the configuration (``kind``, ``input_size``, ``hidden_size``,
    ``proj_size``, ``num_layers``, ``num_directions``, ``batch_first``, ``seq_len``,
    ``batch_size``), the tensors the module returned (``output``, ``h_n``, ``c_n``), the
    input and initial states actually used (``input``, ``h_0``, ``c_0``), and every cell's
    state at every step, reached through :meth:`hidden`, :meth:`cell` and :meth:`gates`.

    Where the numbers come from:

    - :meth:`hidden` is PyTorch's own ``h``: the output of the module's layer run through
      PyTorch's kernel (``nn.LSTM``/``nn.GRU``/``nn.RNN`` with that layer's weights).
    - :meth:`gates` and :meth:`cell` are recomputed, because PyTorch returns neither
      (``c`` only at the last step): each step's gates from PyTorch's ``h`` at the step
      before, ``c_t = f * c_{t-1} + i * g`` from them, in float32 (float64 for a float64
      module) and then rounded to the module's dtype. Each step was checked against
      PyTorch's ``h`` at that step, within rounding. At each sequence's last step
      :meth:`cell` is PyTorch's own ``c`` (checked against the recomputed one).

    All tensors are detached and keep the module's dtype and device: convert them (for
    example ``.float().cpu()``) before reading numbers from half precision or a GPU.
    """

    kind: str
    input_size: int
    hidden_size: int
    proj_size: int
    num_layers: int
    num_directions: int
    batch_first: bool
    bias: bool
    seq_len: int
    batch_size: int
    batched: bool
    lengths: list[int] | None
    input: torch.Tensor
    h_0: torch.Tensor
    c_0: torch.Tensor | None
    output: torch.Tensor | PackedSequence
    h_n: torch.Tensor
    c_n: torch.Tensor | None
    parameter_shapes: dict[str, tuple[int, ...]]
    # [layer][direction] -> (T, N, size), time-major, t in input order
    _hidden: list[list[torch.Tensor]] = field(repr=False)
    _cell: list[list[torch.Tensor]] | None = field(repr=False)
    _gates: list[list[dict[str, torch.Tensor]]] = field(repr=False)

    @property
    def output_size(self) -> int:
        """Features of ``h``: ``proj_size`` if set, else ``hidden_size`` (PyTorch's H_out)."""
        return self.proj_size or self.hidden_size

    @property
    def output_padded(self) -> torch.Tensor:
        """``output`` as a plain tensor (padded with zeros when the input was packed)."""
        if isinstance(self.output, PackedSequence):
            padded, _ = pad_packed_sequence(self.output, batch_first=self.batch_first)
            return padded
        return self.output

    def _check_cell(self, layer: int, direction: int, t: int) -> None:
        for name, value, limit in (
            ("layer", layer, self.num_layers),
            ("direction", direction, self.num_directions),
            ("t", t, self.seq_len),
        ):
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{name} must be an int, got {type(value).__name__}")
            if not 0 <= value < limit:
                raise ValueError(f"{name} must be in range({limit}), got {value}")

    def _at(self, tensor: torch.Tensor, t: int) -> torch.Tensor:
        step = tensor[t]
        return step if self.batched else step[0]

    def hidden(self, layer: int, direction: int, t: int) -> torch.Tensor:
        """Hidden state ``h`` of one cell at time step ``t``: ``(N, H_out)``.

        ``t`` counts in input order for both directions (t = 0 is the first input step).
        For unbatched input the batch axis is dropped, as PyTorch does.
        """
        self._check_cell(layer, direction, t)
        return self._at(self._hidden[layer][direction], t)

    def cell(self, layer: int, direction: int, t: int) -> torch.Tensor:
        """Cell state ``c`` of one LSTM cell at time step ``t``: ``(N, hidden_size)``."""
        if self._cell is None:
            raise ValueError(f"{self.kind} has no cell state; only LSTM does")
        self._check_cell(layer, direction, t)
        return self._at(self._cell[layer][direction], t)

    def gates(self, layer: int, direction: int, t: int) -> dict[str, torch.Tensor]:
        """Activated gate values of one cell: LSTM ``i, f, g, o``; GRU ``r, z, n``.

        Each value is ``(N, hidden_size)``. A plain RNN has no gates (empty dict).
        """
        self._check_cell(layer, direction, t)
        return {name: self._at(v, t) for name, v in self._gates[layer][direction].items()}

    def final_step(self, direction: int, sequence: int = 0) -> int:
        """The time step whose state ends up in ``h_n`` for one sequence of the batch.

        Forward: the sequence's last valid step; backward: step 0.
        """
        if direction == 1:
            return 0
        return (self.lengths[sequence] if self.lengths else self.seq_len) - 1

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Every tensor's shape as a tuple: input, states, output and each parameter."""
        result = {"input": tuple(self.input.shape), "h_0": tuple(self.h_0.shape)}
        if self.c_0 is not None:
            result["c_0"] = tuple(self.c_0.shape)
        result["output"] = tuple(self.output_padded.shape)
        result["h_n"] = tuple(self.h_n.shape)
        if self.c_n is not None:
            result["c_n"] = tuple(self.c_n.shape)
        result.update(self.parameter_shapes)
        return result


def trace(
    module: nn.LSTM | nn.GRU | nn.RNN,
    x: torch.Tensor | PackedSequence,
    hx: torch.Tensor | tuple[torch.Tensor, torch.Tensor] | None = None,
) -> Trace:
    """Run ``module(x, hx)`` for real and record every state of every cell.

    Works for any trained module in ``float16``, ``bfloat16``, ``float32`` or
    ``float64``, on any device PyTorch runs it on: the states are PyTorch's own numbers
    (see :class:`Trace`), and the equations are checked one step at a time, with a
    tolerance from the dtype's rounding (``torch.finfo``) and the sizes summed over.

    Parameters
    ----------
    module : torch.nn.LSTM, torch.nn.GRU or torch.nn.RNN
        The recurrent module. It runs in eval mode (no dropout) and without gradients;
        its own mode is restored afterwards, and its dtype and device are left alone.
    x : torch.Tensor or torch.nn.utils.rnn.PackedSequence
        Input of shape ``(T, N, F)`` (``(N, T, F)`` when ``batch_first``), ``(T, F)``
        unbatched, or a packed batch of sequences of different lengths; with the
        module's dtype and device.
    hx : torch.Tensor or tuple of torch.Tensor, optional
        Initial state: ``h_0`` for GRU/RNN, ``(h_0, c_0)`` for LSTM. ``h_0`` is
        ``(num_layers * num_directions, N, H_out)`` (H_out is ``proj_size`` if set, else
        ``hidden_size``), ``c_0`` is ``(num_layers * num_directions, N, hidden_size)``, whatever
        ``batch_first`` says; without the N axis for an unbatched input.
        Zeros when omitted, as in PyTorch.

    Returns
    -------
    Trace
        The configuration, the module's own ``output``/``h_n``/``c_n``, and every
        cell's state at every step.

    Raises
    ------
    TypeError
        If ``module`` is not an LSTM, GRU or RNN, or ``x``/``hx`` has the wrong type or
        dtype.
    ValueError
        If ``x`` or ``hx`` has the wrong shape or device, or the input, ``hx`` or a
        weight holds NaN or infinity; the message says which.
    TraceMismatchError
        If the module's forward pass is not the recurrence it claims to be: its result
        differs from its layers run one at a time, or a step breaks the equations. The
        message names the layer, direction and time step.

    Examples
    --------
    >>> import torch, lstm_figures as lf
    >>> lstm = torch.nn.LSTM(input_size=3, hidden_size=5, num_layers=2)
    >>> tr = lf.trace(lstm, torch.randn(7, 4, 3))
    >>> tuple(tr.h_n.shape)
    (4, 4, 5)
    >>> torch.equal(tr.hidden(1, 0, 6), tr.h_n[1])
    True
    """
    kind = check_module(module)
    padded, lengths, batched = check_input(module, x)
    layout_batch = padded.shape[0] if module.batch_first else padded.shape[1]
    h_0, c_0 = check_hx(module, kind, hx, layout_batch if batched else None)
    check_numbers(module, padded, h_0, c_0)

    num_directions = 2 if module.bidirectional else 1
    out_size = module.proj_size or module.hidden_size
    # Time-major, batched: (T, N, F), and the initial states with their batch axis.
    seq = padded if batched else padded.unsqueeze(1)
    if module.batch_first and batched:
        seq = seq.transpose(0, 1)
    seq = seq.detach()
    steps, batch = seq.shape[0], seq.shape[1]

    def initial(state: torch.Tensor | None, size: int) -> torch.Tensor:
        if state is None:
            return seq.new_zeros(module.num_layers * num_directions, batch, size)
        return (state if batched else state.unsqueeze(1)).detach()

    h_init = initial(h_0, out_size)
    c_init = initial(c_0, module.hidden_size) if kind == "LSTM" else None

    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            if kind == "LSTM":
                output, (h_n, c_n) = module(x, hx)
            else:
                output, h_n = module(x, hx)
                c_n = None
            runs = _run_layers(module, kind, x, batched, h_init, c_init)
    finally:
        module.train(was_training)

    tr = Trace(
        kind=kind,
        input_size=module.input_size,
        hidden_size=module.hidden_size,
        proj_size=module.proj_size,
        num_layers=module.num_layers,
        num_directions=num_directions,
        batch_first=module.batch_first,
        bias=module.bias,
        seq_len=steps,
        batch_size=batch,
        batched=batched,
        lengths=lengths,
        input=padded.detach().clone(),
        h_0=(h_0 if h_0 is not None else _squeeze(h_init, batched)).detach().clone(),
        c_0=(
            None
            if kind != "LSTM"
            else (c_0 if c_0 is not None else _squeeze(c_init, batched)).detach().clone()
        ),
        output=output,
        h_n=h_n.detach(),
        c_n=c_n.detach() if c_n is not None else None,
        parameter_shapes={name: tuple(p.shape) for name, p in module.named_parameters()},
        _hidden=[run.hidden for run in runs],
        _cell=[] if kind == "LSTM" else None,
        _gates=[],
    )
    _check_module_against_layers(tr, runs)

    eps = rounding(module.weight_ih_l0)
    layer_input = seq
    with torch.no_grad():
        for layer, run in enumerate(runs):
            rows = slice(layer * num_directions, (layer + 1) * num_directions)
            try:
                steps_of_layer = recompute_layer(
                    module,
                    kind,
                    layer,
                    layer_input,
                    run.hidden,
                    h_init[rows],
                    c_init[rows] if c_init is not None else None,
                    run.c_last,
                    lengths,
                    eps,
                )
            except StepMismatch as mismatch:
                direction, t, n, what = mismatch.args
                raise TraceMismatchError(
                    f"layer {layer}, direction {direction}, step t = {t} (sequence {n}): "
                    f"{what} of torch.nn.{kind}; the module is not the recurrence it claims"
                ) from None
            tr._gates.append(steps_of_layer.gates)
            if tr._cell is not None:
                tr._cell.append(steps_of_layer.cell)
            layer_input = torch.cat(run.hidden, dim=-1)
    return tr


def _squeeze(state: torch.Tensor, batched: bool) -> torch.Tensor:
    return state if batched else state[:, 0]


@dataclass
class _LayerRun:
    """One layer run through PyTorch's kernel; a list entry per direction."""

    hidden: list[torch.Tensor]  # (T, N, H_out), t in input order, zeros at padded steps
    h_last: torch.Tensor  # (D, N, H_out): PyTorch's h_n of this layer
    c_last: torch.Tensor | None  # (D, N, H): PyTorch's c_n of this layer (LSTM)


def _one_layer(module: nn.Module, kind: str, layer: int) -> nn.Module:
    """A one-layer module of PyTorch's own class holding layer ``layer``'s weights.

    Built on the CPU with a forked random state, so the caller's random numbers are left
    alone, then moved to the module's device; same dtype and layout. (Building on the meta
    device instead makes torch import sympy on first use: half a second per process.)
    """
    weight = getattr(module, f"weight_ih_l{layer}")
    options = {"proj_size": module.proj_size} if kind == "LSTM" else {}
    if kind == "RNN":
        options["nonlinearity"] = module.nonlinearity
    with torch.random.fork_rng(devices=[]):
        single = KINDS[kind](
            input_size=weight.shape[1],
            hidden_size=module.hidden_size,
            num_layers=1,
            bias=module.bias,
            batch_first=module.batch_first,
            bidirectional=module.bidirectional,
            dtype=weight.dtype,
            **options,
        ).to(weight.device)
    with torch.no_grad():
        for name, parameter in single.named_parameters():
            parameter.copy_(getattr(module, name.replace("_l0", f"_l{layer}")))
    single.flatten_parameters()  # cuDNN wants one contiguous buffer; a no-op on the CPU
    return single.eval()


def _run_layers(module, kind, x, batched, h_init, c_init) -> list[_LayerRun]:
    """Run the module one layer at a time through PyTorch's kernel, as its forward does.

    Each layer's input is the previous layer's output exactly as PyTorch returned it
    (a PackedSequence stays packed), so every ``h`` is a number PyTorch computed.
    """
    directions = h_init.shape[0] // module.num_layers
    if isinstance(x, PackedSequence):
        layer_input = x
    else:
        layer_input = x if batched else x.unsqueeze(0 if module.batch_first else 1)
    runs = []
    for layer in range(module.num_layers):
        rows = slice(layer * directions, (layer + 1) * directions)
        single = _one_layer(module, kind, layer)
        if kind == "LSTM":
            layer_output, (h_last, c_last) = single(layer_input, (h_init[rows], c_init[rows]))
        else:
            layer_output, h_last = single(layer_input, h_init[rows].contiguous())
            c_last = None
        if isinstance(layer_output, PackedSequence):
            padded, _ = pad_packed_sequence(layer_output, batch_first=module.batch_first)
        else:
            padded = layer_output
        time_major = padded.transpose(0, 1) if module.batch_first else padded
        runs.append(_LayerRun(list(time_major.chunk(directions, dim=-1)), h_last, c_last))
        layer_input = layer_output
    return runs


def _check_module_against_layers(tr: Trace, runs: list[_LayerRun]) -> None:
    """The module's own output, h_n and c_n are what its layers give one at a time.

    This is what catches a module whose forward is not the recurrence it claims.
    """
    eps = rounding(tr.h_n)
    output = tr.output_padded
    if not tr.batched:
        output = output.unsqueeze(1)
    elif tr.batch_first:
        output = output.transpose(0, 1)
    top = tr.num_layers - 1
    for direction, hidden in enumerate(runs[-1].hidden):
        theirs = output[..., direction * tr.output_size : (direction + 1) * tr.output_size]
        _require_close(tr.kind, theirs, hidden, eps, "output", top, direction, lambda t, n: t)

    def final_step(direction: int):
        return lambda t, n: tr.final_step(direction, n)

    for name, module_state, index in (("h_n", tr.h_n, "h_last"), ("c_n", tr.c_n, "c_last")):
        if module_state is None:
            continue
        mine = torch.cat([getattr(run, index) for run in runs])
        theirs = module_state if tr.batched else module_state.unsqueeze(1)
        for row in range(mine.shape[0]):
            layer, direction = divmod(row, tr.num_directions)
            _require_close(
                tr.kind,
                theirs[row][None],
                mine[row][None],
                eps,
                name,
                layer,
                direction,
                final_step(direction),
            )


def _require_close(kind, theirs, mine, eps, name, layer, direction, step_of) -> None:
    """Raise TraceMismatchError at the first (t, n) where the module's tensor differs."""
    # A few roundings of each value; near zero, of the tensor's typical value.
    tolerance = 8 * eps * (mine.abs() + mine.abs().mean())
    wrong = (theirs - mine).abs() > tolerance
    if not wrong.any():
        return
    t, n = (int(i) for i in wrong.any(dim=-1).nonzero()[0])
    difference = (theirs - mine).abs()[t, n].max().item()
    raise TraceMismatchError(
        f"layer {layer}, direction {direction}, step t = {step_of(t, n)} (sequence {n}): the "
        f"module's {name} differs by {difference:.3g} from its layers run one at a time "
        f"through torch.nn.{kind}; its forward is not the recurrence it claims"
    )
