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
    reversal = _reversal(lengths, steps, batch, device)
    valid = None if lengths is None else _valid(lengths, steps, device)
    gates, cells = [], [] if kind == "LSTM" else None
    for direction, h_torch in enumerate(hidden):
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        weights = {
            name: None if w is None else w.detach().to(work)
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
            for w in [getattr(module, name + suffix, None)]
        }
        # Work in processing order: the backward direction walks each sequence from its
        # last valid step, so step s of both directions carries its state to step s + 1.
        x, h = inputs.to(work), h_torch.to(work)
        if direction:
            x, h = _reverse(x, reversal), _reverse(h, reversal)
        h_prev = torch.cat((h_init[direction].to(work)[None], h[:-1]))
        from_x = _linear(x, weights["weight_ih"], weights["bias_ih"])
        from_h = _linear(h_prev, weights["weight_hh"], weights["bias_hh"])
        # The rounding of a pre-activation, (T, N, 1): a sum of products w_j * v_j, each
        # sum bounded by |v| * |w_row| (Cauchy-Schwarz), times eps.
        sums = _sum_bound(x, weights["weight_ih"], weights["bias_ih"])
        sums = sums + _sum_bound(h_prev, weights["weight_hh"], weights["bias_hh"])
        pre_tolerance = eps * sums
        if kind == "LSTM":
            c_prev_0 = c_init[direction].to(work)
            activated, c, h_mine, tolerance, c_tolerance = _lstm(
                from_x + from_h, c_prev_0, weights["weight_hr"], pre_tolerance, eps
            )
        elif kind == "GRU":
            activated, h_mine, tolerance = _gru(from_x, from_h, h_prev, pre_tolerance, eps)
            c = None
        else:
            activation = torch.tanh if module.nonlinearity == "tanh" else torch.relu
            h_mine = activation(from_x + from_h)
            tolerance = pre_tolerance + eps * (1 + h_mine.abs())
            activated, c = from_x.new_zeros(steps, batch, 0), None
        _check_h(h_mine, h, tolerance, valid, direction, reversal)
        if c is not None:
            c_torch = c_last[direction].to(work)
            _check_final_c(c, c_tolerance, c_torch, lengths, direction)
            # The last c of each sequence is PyTorch's own, now that it is checked.
            c[_last_steps(lengths, steps, batch, device), torch.arange(batch, device=device)] = (
                c_torch
            )

        if direction:
            activated = _reverse(activated, reversal)
            c = _reverse(c, reversal) if c is not None else None
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


def _linear(v: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    steps, batch = v.shape[:2]
    flat = v.reshape(steps * batch, -1)
    result = flat @ weight.T if bias is None else torch.addmm(bias, flat, weight.T)
    return result.reshape(steps, batch, -1)


def _sum_bound(v: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """(T, N, 1): an upper bound of sum_j |w_j v_j| (+ |b|) over every row of ``weight``."""
    bound = v.norm(dim=-1, keepdim=True) * weight.norm(dim=1).max()
    return bound if bias is None else bound + bias.abs().max()


def _lstm(pre, c_init, weight_hr, pre_tolerance, eps):
    """Gates, c, the h they give, and the tolerance of that h and of c."""
    size = c_init.shape[-1]
    activated = torch.sigmoid(pre)  # i, f, o; the g block is overwritten by tanh
    torch.tanh(pre[..., 2 * size : 3 * size], out=activated[..., 2 * size : 3 * size])
    i, f, g, o = activated.split(size, dim=-1)
    # c_t = f * c_{t-1} + i * g, carried from the initial state (PyTorch returns no c
    # in between): the only sequential part, and element-wise.
    c = torch.empty_like(i)
    previous = c_init
    for s in range(c.shape[0]):
        previous = torch.addcmul(f[s] * previous, i[s], g[s], out=c[s])
    c_prev = torch.cat((c_init[None], c[:-1]))
    gate_tolerance = pre_tolerance + eps
    # Rounding of c's own update and what c carries from earlier steps.
    c_tolerance = gate_tolerance * (c_prev.abs() + 2) + 8 * eps * (c_prev.abs() + c.abs())
    gated = o * torch.tanh(c)
    tolerance = gate_tolerance + c_tolerance + eps
    if weight_hr is None:
        return activated, c, gated, tolerance, c_tolerance
    projected = _linear(gated, weight_hr, None)
    tolerance = _linear(tolerance + eps * gated.abs(), weight_hr.abs(), None)
    return activated, c, projected, tolerance, c_tolerance


def _gru(from_x, from_h, h_prev, pre_tolerance, eps):
    """r, z, n, the h they give, and the tolerance of that h."""
    size = h_prev.shape[-1]
    x_r, x_z, x_n = from_x.split(size, dim=-1)
    h_r, h_z, h_n = from_h.split(size, dim=-1)
    activated = torch.sigmoid(torch.cat((x_r + h_r, x_z + h_z, x_n), dim=-1))
    r, z, n = activated.split(size, dim=-1)
    torch.tanh(x_n + r * h_n, out=n)
    h = torch.lerp(n, h_prev, z)  # (1 - z) * n + z * h_prev
    tolerance = pre_tolerance * (4 + h_n.abs()) + 4 * eps * (1 + h_n.abs() + h_prev.abs())
    return activated, h, tolerance


def _check_h(mine, theirs, tolerance, valid, direction, reversal) -> None:
    wrong = (mine - theirs).abs() > _SAFETY * tolerance
    if valid is not None:
        wrong &= valid
    if wrong.any():
        s, n = (int(i) for i in wrong.any(dim=-1).nonzero()[0])
        difference = (mine - theirs)[s, n].abs().max().item()
        raise StepMismatch(
            direction,
            _input_step(s, n, direction, reversal, theirs.shape[0]),
            n,
            f"PyTorch's h differs by {difference:.3g} from the equations applied to its "
            "state at the step before",
        )


def _check_final_c(c, tolerance, c_torch, lengths, direction) -> None:
    """The last c of every sequence (processing order: step length - 1) is PyTorch's."""
    steps, batch = c.shape[:2]
    last = _last_steps(lengths, steps, batch, c.device)
    batch_index = torch.arange(batch, device=c.device)
    mine, limit = c[last, batch_index], tolerance[last, batch_index]
    wrong = (mine - c_torch).abs() > _SAFETY * limit
    if wrong.any():
        n = int(wrong.any(dim=-1).nonzero()[0, 0])
        difference = (mine - c_torch)[n].abs().max().item()
        raise StepMismatch(
            direction,
            0 if direction else int(last[n]),
            n,
            f"PyTorch's last c differs by {difference:.3g} from the equations",
        )


def _last_steps(lengths, steps: int, batch: int, device) -> torch.Tensor:
    """Each sequence's last step in processing order (both directions): its length - 1."""
    if lengths is None:
        return torch.full((batch,), steps - 1, device=device)
    return torch.tensor(lengths, device=device) - 1


def _reversal(lengths, steps, batch, device) -> torch.Tensor | None:
    """(T, N) index that reverses each sequence's valid steps; None when none is padded."""
    if lengths is None:
        return None
    s = torch.arange(steps, device=device)[:, None]
    length = torch.tensor(lengths, device=device)[None]
    return torch.where(s < length, length - 1 - s, s).expand(steps, batch)


def _reverse(tensor: torch.Tensor, reversal: torch.Tensor | None) -> torch.Tensor:
    if reversal is None:
        return tensor.flip(0)
    return tensor.gather(0, reversal[..., None].expand(-1, -1, tensor.shape[-1]))


def _input_step(s: int, n: int, direction: int, reversal, steps: int) -> int:
    if not direction:
        return s
    return steps - 1 - s if reversal is None else int(reversal[s, n])


def _valid(lengths: list[int], steps: int, device) -> torch.Tensor:
    """(T, N, 1): True at real (unpadded) steps."""
    t = torch.arange(steps, device=device)[:, None]
    return (t < torch.tensor(lengths, device=device)[None]).unsqueeze(-1)
