"""Checks that turn bad input into one clear sentence, before PyTorch sees it."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence

SUPPORTED = (nn.LSTM, nn.GRU, nn.RNN)


def check_module(module: object) -> str:
    """Return ``"LSTM"``, ``"GRU"`` or ``"RNN"``; raise ``TypeError`` for anything else."""
    for kind in SUPPORTED:
        if isinstance(module, kind):
            return kind.__name__
    raise TypeError(
        f"expected a torch.nn.LSTM, torch.nn.GRU or torch.nn.RNN, got {type(module).__name__}"
    )


def _layout(module: nn.Module) -> str:
    return "(N, T, F)" if module.batch_first else "(T, N, F)"


def check_input(module: nn.Module, x: object) -> tuple[torch.Tensor, list[int] | None, bool]:
    """Validate ``x``; return it as a padded tensor, the packed lengths, and whether batched."""
    if isinstance(x, PackedSequence):
        padded, lengths = pad_packed_sequence(x, batch_first=module.batch_first)
        if padded.shape[-1] != module.input_size:
            raise ValueError(
                f"packed input has {padded.shape[-1]} features per step, "
                f"expected input_size = {module.input_size}"
            )
        return padded, lengths.tolist(), True
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor or a PackedSequence, got {type(x).__name__}")
    expected = f"{_layout(module)} with F = {module.input_size}, or (T, F) unbatched"
    if x.dim() not in (2, 3):
        raise ValueError(f"x has shape {tuple(x.shape)}; expected {expected}")
    if x.shape[-1] != module.input_size:
        raise ValueError(
            f"x has shape {tuple(x.shape)} but the module's input_size is "
            f"{module.input_size}; expected {expected}"
        )
    if 0 in x.shape:
        raise ValueError(f"x has shape {tuple(x.shape)}; every axis must be at least 1")
    return x, None, x.dim() == 3


def _check_state(name: str, state: object, expected: tuple[int, ...], batch: int | None) -> None:
    if not isinstance(state, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(state).__name__}")
    if tuple(state.shape) == expected:
        return
    message = f"{name} has shape {tuple(state.shape)}; expected {expected}"
    if batch is not None and tuple(state.shape) == (batch, expected[0], expected[2]):
        # h has proj_size features when it is set (H_out), c always hidden_size (H).
        size = "H_out" if name.startswith("h") else "H"
        message += (
            f" (num_layers * num_directions, N, {size}): batch_first does not apply to "
            f"{name}, so its batch axis is always the second"
        )
    raise ValueError(message)


def check_hx(
    module: nn.Module, kind: str, hx: object, batch: int | None
) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """Validate the initial state; return ``(h_0, c_0)`` as given (``None`` when omitted)."""
    if hx is None:
        return None, None
    layers = module.num_layers * (2 if module.bidirectional else 1)
    out_size = module.proj_size or module.hidden_size

    def expected(size: int) -> tuple[int, ...]:
        return (layers, batch, size) if batch is not None else (layers, size)

    if kind == "LSTM":
        if not (isinstance(hx, tuple) and len(hx) == 2):
            raise TypeError("hx for an LSTM must be a tuple (h_0, c_0)")
        h_0, c_0 = hx
        _check_state("h_0", h_0, expected(out_size), batch)
        _check_state("c_0", c_0, expected(module.hidden_size), batch)
        return h_0, c_0
    _check_state("h_0", hx, expected(out_size), batch)
    return hx, None


#: The dtypes PyTorch's recurrent kernels run in, and so the ones a trace supports.
FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def check_numbers(
    module: nn.Module, x: torch.Tensor, h_0: torch.Tensor | None, c_0: torch.Tensor | None
) -> None:
    """Check dtypes, devices and that every number is finite, naming what is wrong.

    ``x`` is the padded input. NaN or infinity anywhere would make every later step NaN,
    and the trace could then only say "the numbers differ"; this says where it starts.
    """
    weights = dict(module.named_parameters())
    first = next(iter(weights.values()))
    dtype, device = first.dtype, first.device
    if dtype not in FLOAT_DTYPES:
        raise TypeError(
            f"the module's weights are {dtype}; expected float16, bfloat16, float32 or float64"
        )
    for name, weight in weights.items():
        if weight.dtype != dtype or weight.device != device:
            raise TypeError(
                f"the module's {name} is {weight.dtype} on {weight.device} but its other "
                f"weights are {dtype} on {device}; call module.to() to make them agree"
            )
    tensors = {"x": x, "h_0": h_0, "c_0": c_0}
    for name, tensor in tensors.items():
        if tensor is None:
            continue
        if tensor.dtype != dtype:
            raise TypeError(
                f"{name} is {tensor.dtype} but the module's weights are {dtype}; "
                f"convert it with {name}.to({dtype})"
            )
        if tensor.device != device:
            raise ValueError(
                f"{name} is on {tensor.device} but the module is on {device}; "
                f"move it with {name}.to({str(device)!r})"
            )
    for name, tensor in {**tensors, **weights}.items():
        if tensor is not None and not bool(torch.isfinite(tensor).all()):
            what = name if name in tensors else f"the module's {name}"
            raise ValueError(f"{what} contains NaN or infinity; a trace needs finite numbers")
