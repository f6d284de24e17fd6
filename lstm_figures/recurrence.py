"""The gates and cell states PyTorch never returns, recomputed and checked one step at a time.

PyTorch returns ``h`` at every step (a layer's output) but the gates never, and ``c`` only at
the last step. :func:`recompute_layer` computes them from PyTorch's own ``h`` at the step
before, with the module's weights and PyTorch's documented equations, and checks every
step: the ``h`` the equations give must be PyTorch's ``h`` at that step, and the last ``c``
PyTorch's ``c_n``. Each step starts from PyTorch's state, so rounding differences cannot
pile up along the sequence (only ``c`` is carried, and a forget gate below one shrinks
what it carries). The tolerance comes from the dtype's rounding (``torch.finfo``) and the
size of the sums behind each number.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

#: Gate names per kind, in PyTorch's weight order (rows of ``weight_ih_l0``).
GATE_NAMES = {"LSTM": ("i", "f", "g", "o"), "GRU": ("r", "z", "n"), "RNN": ()}

# How many times the rounding estimate a step may be off. The estimate bounds each sum by
# Cauchy-Schwarz, so it is already generous; a wrong equation misses by far more.
_SAFETY = 4.0


class StepMismatch(Exception):
    """One step breaks the equations; tracing turns it into a TraceMismatchError."""


def rounding(tensor: torch.Tensor) -> float:
    """The relative rounding error of the arithmetic PyTorch uses on ``tensor``'s dtype.

    ``torch.finfo(dtype).eps``; for float32 on a GPU with TF32 allowed in cuDNN (PyTorch's
    default), the 10-bit mantissa of TF32.
    """
    eps = torch.finfo(tensor.dtype).eps
    if tensor.dtype == torch.float32 and tensor.is_cuda and torch.backends.cudnn.allow_tf32:
        eps = max(eps, 2.0**-10)
    return eps


@dataclass
class LayerSteps:
    """One layer's recomputed values, a list entry per direction, t in input order."""

    gates: list[dict[str, torch.Tensor]]  # name -> (T, N, H), zeros at padded steps
    cell: list[torch.Tensor] | None  # (T, N, H) for LSTM


def recompute_layer(
    module: nn.Module,
    kind: str,
    layer: int,
    inputs: torch.Tensor,
    hidden: list[torch.Tensor],
    h_init: torch.Tensor,
    c_init: torch.Tensor | None,
    c_last: torch.Tensor | None,
    lengths: list[int] | None,
    eps: float,
) -> LayerSteps:
    """Recompute one layer's gates (and ``c``) from PyTorch's states, checking every step.

    Parameters
    ----------
    module : torch.nn.LSTM, torch.nn.GRU or torch.nn.RNN
        The module whose weights are used.
    kind : str
        ``"LSTM"``, ``"GRU"`` or ``"RNN"``.
    layer : int
        Which layer.
    inputs : torch.Tensor
        The layer's input, ``(T, N, F)``, time-major, zeros at padded steps.
    hidden : list of torch.Tensor
        PyTorch's ``h`` of this layer, ``(T, N, H_out)`` per direction.
    h_init, c_init : torch.Tensor
        The layer's initial states, ``(D, N, H_out)`` and ``(D, N, H)`` (``c`` for LSTM).
    c_last : torch.Tensor or None
        PyTorch's final ``c`` of this layer, ``(D, N, H)`` (LSTM).
    lengths : list of int or None
        Each sequence's length when the input was packed.
    eps : float
        The rounding error of the module's arithmetic (:func:`rounding`).

    Raises
    ------
    StepMismatch
        With ``(direction, t, sequence, message)`` at the first step that breaks the
        equations.
    """
    work = torch.float64 if inputs.dtype == torch.float64 else torch.float32
    steps, batch = inputs.shape[:2]
    device = inputs.device
    valid = None if lengths is None else _valid(lengths, steps, device)
    # Where the backward direction starts each sequence: its last valid step.
    first_backward = None if lengths is None else _last_valid(lengths, steps, device)
    x = inputs.to(work)
    per_direction = [
        {
            name: None if w is None else w.detach().to(work)
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
            for w in [getattr(module, f"{name}_l{layer}" + ("_reverse" if direction else ""), None)]
        }
        for direction in range(len(hidden))
    ]
    # Both directions read the same x: one matrix product for both.
    from_x_both = _linear(
        x,
        torch.cat([w["weight_ih"] for w in per_direction]),
        None if not module.bias else torch.cat([w["bias_ih"] for w in per_direction]),
    )
    gates, cells = [], [] if kind == "LSTM" else None
    for direction, h_torch in enumerate(hidden):
        weights = per_direction[direction]
        from_x = from_x_both.chunk(len(hidden), dim=-1)[direction]
        restart = first_backward if direction else None
        h_prev = _previous(h_torch.to(work), h_init[direction].to(work), direction, restart)
        # The rounding of a pre-activation, (T, N, 1): a sum of products w_j * v_j, each
        # sum bounded by |v| * |w_row| (Cauchy-Schwarz), times eps.
        sums = _sum_bound(x, weights["weight_ih"], weights["bias_ih"])
        sums += _sum_bound(h_prev, weights["weight_hh"], weights["bias_hh"])
        pre_tolerance = eps * sums
        if kind == "LSTM":
            pre = _add_linear(from_x, h_prev, weights["weight_hh"], weights["bias_hh"])
            activated, c, h_mine, tolerance, c_tolerance = _lstm(
                pre,
                c_init[direction].to(work),
                weights["weight_hr"],
                pre_tolerance,
                eps,
                direction,
                restart,
            )
        elif kind == "GRU":
            from_h = _linear(h_prev, weights["weight_hh"], weights["bias_hh"])
            activated, h_mine, tolerance = _gru(from_x, from_h, h_prev, pre_tolerance, eps)
            c = None
        else:
            pre = _add_linear(from_x, h_prev, weights["weight_hh"], weights["bias_hh"])
            h_mine = torch.tanh(pre) if module.nonlinearity == "tanh" else torch.relu(pre)
            tolerance = pre_tolerance + eps * (1 + _largest(h_mine))
            activated, c = pre.new_zeros(steps, batch, 0), None
        _check_h(h_mine, h_torch.to(work), tolerance, valid, direction)
        if c is not None:
            last = _last_steps(lengths, steps, batch, direction, device)
            c_torch = c_last[direction].to(work)
            _check_final_c(c, c_tolerance, c_torch, last, direction)
            # The last c of each sequence is PyTorch's own, now that it is checked.
            c[last, torch.arange(batch, device=device)] = c_torch
        if valid is not None:  # zeros at padded steps, as pad_packed_sequence gives
            activated = activated * valid
            c = c * valid if c is not None else None
        activated = activated.to(inputs.dtype)
        names = GATE_NAMES[kind]
        size = module.hidden_size
        gates.append(dict(zip(names, activated.split(size, dim=-1), strict=False)))
        if cells is not None:
            cells.append(c.to(inputs.dtype))
    return LayerSteps(gates=gates, cell=cells)


def _previous(states, initial, direction, restart):
    """(T, N, S): the state each step starts from.

    Step t - 1's (forward) or t + 1's (backward); the initial state at a sequence's first
    step: t = 0 forward, its last valid step backward (``restart``, (T, N, 1), when packed).
    """
    if direction == 0:
        return torch.cat((initial[None], states[:-1]))
    previous = torch.cat((states[1:], initial[None]))
    return previous if restart is None else torch.where(restart, initial, previous)


def _linear(v: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """``v @ weight.T + bias`` over (T, N, ...), with ``weight.T`` made contiguous (BLAS is
    a fifth faster on it than on the transposed view)."""
    steps, batch = v.shape[:2]
    flat, weight_t = v.reshape(steps * batch, -1), weight.T.contiguous()
    result = flat @ weight_t if bias is None else torch.addmm(bias, flat, weight_t)
    return result.reshape(steps, batch, -1)


def _add_linear(base: torch.Tensor, v: torch.Tensor, weight, bias) -> torch.Tensor:
    """A new ``base + v @ weight.T + bias`` (``base`` may be a strided view)."""
    steps, batch = v.shape[:2]
    flat = v.reshape(steps * batch, -1)
    result = torch.addmm(base.reshape(steps * batch, -1), flat, weight.T.contiguous())
    if bias is not None:
        result += bias
    return result.reshape(steps, batch, -1)


def _largest(v: torch.Tensor) -> torch.Tensor:
    """(T, N, 1): the largest magnitude over the last axis. Tolerances are kept per
    (step, sequence): one number for all units costs one pass instead of several."""
    return v.abs().amax(dim=-1, keepdim=True)


def _sum_bound(v: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """(T, N, 1): an upper bound of sum_j |w_j v_j| (+ |b|) over every row of ``weight``."""
    bound = v.norm(dim=-1, keepdim=True) * weight.norm(dim=1).max()
    return bound if bias is None else bound + bias.abs().max()


def _lstm(pre, c_init, weight_hr, pre_tolerance, eps, direction, restart):
    """Gates, c, the h they give, and the tolerance (T, N, 1) of that h and of c."""
    size = c_init.shape[-1]
    activated = torch.sigmoid(pre)  # i, f, o; the g block is overwritten by tanh
    torch.tanh(pre[..., 2 * size : 3 * size], out=activated[..., 2 * size : 3 * size])
    i, f, g, o = activated.split(size, dim=-1)
    # c_t = f * c_{t-1} + i * g, carried from the initial state (PyTorch returns no c
    # in between): the only sequential part, and element-wise.
    c = torch.empty_like(i)
    previous = c_init
    steps = range(c.shape[0]) if direction == 0 else reversed(range(c.shape[0]))
    for t in steps:
        if restart is not None:  # a shorter sequence starts here, from c_0
            previous = torch.where(restart[t], c_init, previous)
        previous = torch.addcmul(f[t] * previous, i[t], g[t], out=c[t])
    largest_c = _largest(c)
    largest_c_prev = _previous(largest_c, _largest(c_init), direction, restart)
    gate_tolerance = pre_tolerance + eps
    # Rounding of c's own update and what c carries from earlier steps.
    c_tolerance = gate_tolerance * (largest_c_prev + 2) + 8 * eps * (largest_c_prev + largest_c)
    gated = torch.tanh(c).mul_(o)
    tolerance = gate_tolerance + c_tolerance + eps
    if weight_hr is None:
        return activated, c, gated, tolerance, c_tolerance
    # A projection sums H products: bounded by the largest row sum of |weight_hr|.
    row_sum = weight_hr.abs().sum(dim=1).max()
    tolerance = (tolerance + eps * _largest(gated)) * row_sum
    return activated, c, _linear(gated, weight_hr, None), tolerance, c_tolerance


def _gru(from_x, from_h, h_prev, pre_tolerance, eps):
    """r, z, n, the h they give, and the tolerance (T, N, 1) of that h."""
    size = h_prev.shape[-1]
    x_n, h_n = from_x[..., 2 * size :], from_h[..., 2 * size :]
    activated = torch.empty_like(from_x)
    torch.sigmoid(from_x[..., : 2 * size] + from_h[..., : 2 * size], out=activated[..., : 2 * size])
    r, z, n = activated.split(size, dim=-1)
    torch.tanh(torch.addcmul(x_n, r, h_n), out=n)
    h = torch.lerp(n, h_prev, z)  # (1 - z) * n + z * h_prev
    largest = _largest(h_n) + _largest(h_prev)
    tolerance = pre_tolerance * (4 + largest) + 4 * eps * (1 + largest)
    return activated, h, tolerance


def _check_h(mine, theirs, tolerance, valid, direction) -> None:
    difference = _largest(mine.sub_(theirs))  # mine is not needed after this
    wrong = difference > _SAFETY * tolerance
    if valid is not None:
        wrong &= valid
    if wrong.any():
        where = wrong[..., 0].nonzero()  # (t, n) rows, by t
        # The first step the direction reaches: the smallest t forward, the largest backward.
        t, n = (int(i) for i in where[where[:, 0].argmax() if direction else 0])
        raise StepMismatch(
            direction,
            t,
            n,
            f"PyTorch's h differs by {difference[t, n, 0].item():.3g} from the equations "
            "applied to its state at the step before",
        )


def _check_final_c(c, tolerance, c_torch, last, direction) -> None:
    """The last c of every sequence is PyTorch's ``c_n``."""
    batch_index = torch.arange(c.shape[1], device=c.device)
    mine, limit = c[last, batch_index], tolerance[last, batch_index]
    wrong = (mine - c_torch).abs() > _SAFETY * limit
    if wrong.any():
        n = int(wrong.any(dim=-1).nonzero()[0, 0])
        difference = (mine - c_torch)[n].abs().max().item()
        raise StepMismatch(
            direction,
            int(last[n]),
            n,
            f"PyTorch's last c differs by {difference:.3g} from the equations",
        )


def _last_steps(lengths, steps: int, batch: int, direction: int, device) -> torch.Tensor:
    """(N,): each sequence's last step: its last valid one forward, t = 0 backward."""
    if direction:
        return torch.zeros(batch, dtype=torch.long, device=device)
    if lengths is None:
        return torch.full((batch,), steps - 1, device=device)
    return torch.tensor(lengths, device=device) - 1


def _valid(lengths: list[int], steps: int, device) -> torch.Tensor:
    """(T, N, 1): True at real (unpadded) steps."""
    t = torch.arange(steps, device=device)[:, None]
    return (t < torch.tensor(lengths, device=device)[None]).unsqueeze(-1)


def _last_valid(lengths: list[int], steps: int, device) -> torch.Tensor:
    """(T, N, 1): True at each sequence's last valid step."""
    t = torch.arange(steps, device=device)[:, None]
    return (t == torch.tensor(lengths, device=device)[None] - 1).unsqueeze(-1)
