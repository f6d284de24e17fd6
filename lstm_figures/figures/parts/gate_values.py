"""The real numbers inside one cell at one time step: its gates, c_t and h_t, read from
the trace (which recomputed every step and checked it against PyTorch).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from lstm_figures.figures.parts.tensors import input_at
from lstm_figures.tracing import Trace


@dataclass(frozen=True)
class CellValues:
    """Everything one cell reads and makes, for one sequence of the batch (1-D tensors)."""

    layer: int
    direction: int
    t: int
    sequence: int
    gates: dict[str, torch.Tensor]
    x: torch.Tensor
    h_prev: torch.Tensor
    c_prev: torch.Tensor
    c: torch.Tensor
    h: torch.Tensor
    previous: int | None  # the step whose state the cell reads; None: the initial state


def _row(tr: Trace, tensor: torch.Tensor, sequence: int) -> torch.Tensor:
    """One sequence's row of an (N, size) tensor (unbatched traces have no batch axis)."""
    return tensor[sequence] if tr.batched else tensor


def previous_step(tr: Trace, direction: int, t: int, sequence: int = 0) -> int | None:
    """The time step whose state the cell at ``t`` reads, or None for the initial state.

    Forward cells read step t - 1; backward cells read t + 1, and start at the sequence's
    last valid step.
    """
    if direction == 0:
        return t - 1 if t > 0 else None
    last = (tr.lengths[sequence] if tr.lengths else tr.seq_len) - 1
    return t + 1 if t < last else None


def cell_values(tr: Trace, layer: int, direction: int, t: int, sequence: int = 0) -> CellValues:
    """The real vectors of one cell, read from the trace."""
    previous = previous_step(tr, direction, t, sequence)
    if previous is None:
        index = layer * tr.num_directions + direction
        h_prev, c_prev = (_row(tr, state[index], sequence) for state in (tr.h_0, tr.c_0))
    else:
        h_prev = _row(tr, tr.hidden(layer, direction, previous), sequence)
        c_prev = _row(tr, tr.cell(layer, direction, previous), sequence)
    if layer == 0:
        x = _row(tr, input_at(tr, t), sequence)
    else:
        below = [tr.hidden(layer - 1, d, t) for d in range(tr.num_directions)]
        x = _row(tr, torch.cat(below, dim=-1), sequence)
    return CellValues(
        layer=layer,
        direction=direction,
        t=t,
        sequence=sequence,
        gates={k: _row(tr, v, sequence) for k, v in tr.gates(layer, direction, t).items()},
        x=x,
        h_prev=h_prev,
        c_prev=c_prev,
        c=_row(tr, tr.cell(layer, direction, t), sequence),
        h=_row(tr, tr.hidden(layer, direction, t), sequence),
        previous=previous,
    )


def weight_name(name: str, layer: int, direction: int) -> str:
    """A parameter's name, e.g. ``weight_ih_l1_reverse``."""
    return f"{name}_l{layer}" + ("_reverse" if direction else "")
