"""Record a real forward pass of ``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN``, step by step.

:func:`trace` runs the module once, then recomputes every (layer, direction, time step)
state from the module's own weights and checks the recomputation against PyTorch's fused
result. Everything the figures show is read from the resulting :class:`Trace`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence

from lstm_figures.validation import check_hx, check_input, check_module

#: Gate names per kind, in PyTorch's weight order (rows of ``weight_ih_l0``).
GATE_NAMES = {"LSTM": ("i", "f", "g", "o"), "GRU": ("r", "z", "n"), "RNN": ()}

# float32 recomputation drifts from the fused kernels by ~1e-6 per step at most.
_RTOL, _ATOL = 1e-4, 1e-5


class TraceMismatchError(RuntimeError):
    """The step-by-step recomputation disagrees with PyTorch's own forward pass."""


@dataclass(eq=False)
class Trace:
    """A verified record of one forward pass.

    Attributes hold the configuration (``kind``, ``input_size``, ``hidden_size``,
    ``proj_size``, ``num_layers``, ``num_directions``, ``batch_first``, ``seq_len``,
    ``batch_size``), the tensors PyTorch returned (``output``, ``h_n``, ``c_n``), the input
    and initial states actually used (``input``, ``h_0``, ``c_0``), and every recomputed
    state, reached through :meth:`hidden`, :meth:`cell` and :meth:`gates`.

    All tensors are detached copies: drawing code never touches the module again.
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

    Parameters
    ----------
    module : torch.nn.LSTM, torch.nn.GRU or torch.nn.RNN
        The recurrent module. It runs in eval mode (no dropout) and without gradients;
        its own mode is restored afterwards.
    x : torch.Tensor or torch.nn.utils.rnn.PackedSequence
        Input of shape ``(T, N, F)`` (``(N, T, F)`` when ``batch_first``), ``(T, F)``
        unbatched, or a packed batch of sequences of different lengths.
    hx : torch.Tensor or tuple of torch.Tensor, optional
        Initial state: ``h_0`` for GRU/RNN, ``(h_0, c_0)`` for LSTM, each of shape
        ``(num_layers * num_directions, N, H)`` whatever ``batch_first`` says.
        Zeros when omitted, as in PyTorch.

    Returns
    -------
    Trace
        The configuration, PyTorch's own ``output``/``h_n``/``c_n``, and every
        recomputed state.

    Raises
    ------
    TypeError
        If ``module`` is not an LSTM, GRU or RNN, or ``x``/``hx`` has the wrong type.
    ValueError
        If ``x`` or ``hx`` has the wrong shape; the message gives the expected shape.
    TraceMismatchError
        If the recomputation disagrees with PyTorch (a bug, never expected).

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

    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            if kind == "LSTM":
                output, (h_n, c_n) = module(x, hx)
            else:
                output, h_n = module(x, hx)
                c_n = None
    finally:
        module.train(was_training)

    # Recompute in the time-major, batched layout: (T, N, F).
    seq = padded if batched else padded.unsqueeze(1)
    if module.batch_first and batched:
        seq = seq.transpose(0, 1)
    seq = seq.detach()
    steps, batch = seq.shape[0], seq.shape[1]
    num_directions = 2 if module.bidirectional else 1
    out_size = module.proj_size or module.hidden_size

    def initial(state: torch.Tensor | None, size: int) -> torch.Tensor:
        if state is None:
            return seq.new_zeros(module.num_layers * num_directions, batch, size)
        return (state if batched else state.unsqueeze(1)).detach()

    h_init = initial(h_0, out_size)
    c_init = initial(c_0, module.hidden_size) if kind == "LSTM" else None
    valid = _valid_mask(lengths, steps, batch, seq.device)

    hidden, cells, gates = [], [] if kind == "LSTM" else None, []
    finals_h, finals_c = [], []
    layer_input = seq
    with torch.no_grad():
        for layer in range(module.num_layers):
            first = layer * num_directions
            run = _run_layer(
                module,
                kind,
                layer,
                layer_input,
                h_init[first : first + num_directions],
                c_init[first : first + num_directions] if c_init is not None else None,
                valid,
            )
            hidden.append(run.hidden)
            gates.append(run.gates)
            finals_h.extend(run.h_last)
            if cells is not None:
                cells.append(run.cell)
                finals_c.extend(run.c_last)
            layer_input = torch.cat(run.hidden, dim=-1)

    recomputed_output = layer_input if batched else layer_input[:, 0]
    if module.batch_first and batched:
        recomputed_output = recomputed_output.transpose(0, 1)
    recomputed_h_n = torch.stack(finals_h)
    recomputed_c_n = torch.stack(finals_c) if cells is not None else None
    if not batched:
        recomputed_h_n = recomputed_h_n[:, 0]
        recomputed_c_n = recomputed_c_n[:, 0] if recomputed_c_n is not None else None

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
        _hidden=hidden,
        _cell=cells,
        _gates=gates,
    )
    _verify(tr, recomputed_output, recomputed_h_n, recomputed_c_n)
    return tr


def _squeeze(state: torch.Tensor, batched: bool) -> torch.Tensor:
    return state if batched else state[:, 0]


def _valid_mask(lengths: list[int] | None, steps: int, batch: int, device) -> torch.Tensor | None:
    """(T, N, 1) boolean mask of real (unpadded) steps, or None when all are real."""
    if lengths is None:
        return None
    t = torch.arange(steps, device=device).unsqueeze(1)
    return (t < torch.tensor(lengths, device=device).unsqueeze(0)).unsqueeze(-1)


@dataclass
class _LayerRun:
    """One layer's recomputed states, a list entry per direction."""

    hidden: list[torch.Tensor]  # (T, N, H_out), t in input order
    cell: list[torch.Tensor] | None  # (T, N, H)
    gates: list[dict[str, torch.Tensor]]  # name -> (T, N, H)
    h_last: list[torch.Tensor]  # (N, H_out): the state carried out of the sequence
    c_last: list[torch.Tensor] | None  # (N, H)


def _weights(module: nn.Module, layer: int, directions: int) -> dict[str, torch.Tensor | None]:
    """The layer's weights with a leading direction axis (D, ...), or None when absent."""
    result = {}
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"):
        per_direction = [
            getattr(module, f"{name}_l{layer}" + ("_reverse" if d else ""), None)
            for d in range(directions)
        ]
        result[name] = None if per_direction[0] is None else torch.stack(per_direction)
    return result


def _run_layer(module, kind, layer, inputs, h, c, valid) -> _LayerRun:
    """Recompute one layer over all time steps with explicit equations.

    Both directions run together, one batched matmul per step: direction 1 walks the
    sequence reversed, so its inputs (and mask) are flipped in time first and its
    results flipped back at the end.
    """
    directions = h.shape[0]
    w = _weights(module, layer, directions)
    steps, batch = inputs.shape[0], inputs.shape[1]
    size = module.hidden_size
    # (T, D, N, G*H): the input projection does not depend on the state, so all steps at
    # once. For LSTM and RNN the recurrent bias only adds and is folded in too (GRU's n
    # gate needs it apart).
    projected = torch.einsum("tnf,dgf->tdng", inputs, w["weight_ih"])
    if w["bias_ih"] is not None:
        projected += w["bias_ih"][:, None, :]
    recurrent_bias = w["bias_hh"][:, None, :] if w["bias_hh"] is not None else None
    if recurrent_bias is not None and kind != "GRU":
        projected += recurrent_bias
        recurrent_bias = None
    if directions == 2:
        projected[:, 1] = projected[:, 1].flip(0)
        if valid is not None:
            valid = torch.stack((valid, valid.flip(0)), dim=1)  # (T, D, N, 1)
    elif valid is not None:
        valid = valid.unsqueeze(1)
    weight_hh_t = w["weight_hh"].transpose(1, 2).contiguous()
    weight_hr_t = (
        w["weight_hr"].transpose(1, 2).contiguous() if w["weight_hr"] is not None else None
    )
    names = GATE_NAMES[kind]
    hidden = inputs.new_zeros(steps, directions, batch, h.shape[-1])
    cells = inputs.new_zeros(steps, directions, batch, size) if c is not None else None
    activated = inputs.new_zeros(steps, directions, batch, len(names) * size)
    for s in range(steps):
        gates = activated[s]
        new_c = None
        if kind == "LSTM":
            pre = torch.baddbmm(projected[s], h, weight_hh_t)
            torch.sigmoid(pre, out=gates)  # i, f, o; g (third block) is overwritten by tanh
            torch.tanh(pre[..., 2 * size : 3 * size], out=gates[..., 2 * size : 3 * size])
            i, f, g, o = gates.split(size, dim=-1)
            new_c = torch.addcmul(f * c, i, g, out=cells[s])
            if weight_hr_t is None:
                new_h = torch.mul(o, new_c.tanh(), out=hidden[s])
            else:
                new_h = torch.bmm(o * new_c.tanh(), weight_hr_t, out=hidden[s])
        else:
            recurrent = torch.bmm(h, weight_hh_t)
            if recurrent_bias is not None:
                recurrent += recurrent_bias
            if kind == "GRU":
                x_r, x_z, x_n = projected[s].split(size, dim=-1)
                h_r, h_z, h_n = recurrent.split(size, dim=-1)
                torch.sigmoid(torch.cat((x_r + h_r, x_z + h_z), dim=-1), out=gates[..., : 2 * size])
                r, z, n = gates.split(size, dim=-1)
                torch.tanh(x_n + r * h_n, out=n)
                new_h = torch.lerp(n, h, z, out=hidden[s])  # (1 - z) * n + z * h
            else:
                pre = projected[s] + recurrent
                activation = torch.tanh if module.nonlinearity == "tanh" else torch.relu
                new_h = hidden[s].copy_(activation(pre))  # torch.relu has no out=
        if valid is None:
            h, c = new_h, new_c
            continue
        # Padded steps leave the carried state alone and record zeros, as
        # pad_packed_sequence does.
        keep = valid[s]
        h = torch.where(keep, new_h, h)
        hidden[s] *= keep
        gates *= keep
        if new_c is not None:
            c = torch.where(keep, new_c, c)
            cells[s] *= keep
    # The final states may be views into the stores, which the flip below rewrites.
    h_last = list(h.clone().unbind(0))
    c_last = list(c.clone().unbind(0)) if c is not None else None
    if directions == 2:
        for stored in (hidden, cells, activated):
            if stored is not None:
                stored[:, 1] = stored[:, 1].flip(0)
    return _LayerRun(
        hidden=list(hidden.unbind(1)),
        cell=list(cells.unbind(1)) if cells is not None else None,
        # An RNN has no gates: its empty store splits into one empty piece, zipped away.
        gates=[dict(zip(names, a.split(size, dim=-1), strict=False)) for a in activated.unbind(1)],
        h_last=h_last,
        c_last=c_last,
    )


def _verify(tr: Trace, output: torch.Tensor, h_n: torch.Tensor, c_n: torch.Tensor | None) -> None:
    checks = [("output", output, tr.output_padded), ("h_n", h_n, tr.h_n)]
    if c_n is not None:
        checks.append(("c_n", c_n, tr.c_n))
    for name, mine, theirs in checks:
        if mine.shape != theirs.shape or not torch.allclose(mine, theirs, _RTOL, _ATOL):
            raise TraceMismatchError(
                f"recomputed {name} disagrees with PyTorch's (max difference "
                f"{(mine - theirs).abs().max().item() if mine.shape == theirs.shape else 'shape'})"
            )
