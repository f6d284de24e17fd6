"""The ``lstm-figures`` model options: parse them, check them, build and trace the module.

``draw``, ``shapes`` and ``locate`` describe their model with the same options
(:func:`add_model_options`). :func:`check_model` rejects, before PyTorch is imported, a model
PyTorch would refuse or one too big to trace; :func:`build_model` and :func:`traced_model`
then make the seeded module and run it; :func:`run_shapes` is the ``shapes`` command.
"""

from __future__ import annotations

import argparse
import warnings
from typing import TYPE_CHECKING

from lstm_figures import figures

if TYPE_CHECKING:
    from collections.abc import Callable

    from torch import nn

    from lstm_figures.tracing import Trace

#: Module kinds, as in :data:`lstm_figures.models.KINDS` (which imports torch), with the
#: number of gate blocks in their weights, for the memory estimate.
GATE_BLOCKS = {"LSTM": 4, "GRU": 3, "RNN": 1}

#: Numbers the model and its trace may hold (~200 MB of float32). Figures elide long axes,
#: so a larger model would draw the same picture, only after a long wait or none at all.
MAX_VALUES = 50_000_000


def whole_number(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer in ``[minimum, maximum]``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum}, got {value}")
        return value

    return parse


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """Options that choose the module and its input, shared by ``draw``, ``shapes`` and ``locate``."""
    positive, non_negative = whole_number(1), whole_number(0)
    model = parser.add_argument_group("model and input")
    model.add_argument(
        "--input-size", type=positive, required=True, metavar="F", help="features per time step"
    )
    model.add_argument(
        "--hidden-size", type=positive, required=True, metavar="H", help="units per layer"
    )
    model.add_argument(
        "--num-layers", type=positive, default=1, metavar="L", help="stacked layers (default: 1)"
    )
    model.add_argument("--bidirectional", action="store_true", help="a backward direction too")
    model.add_argument("--batch-first", action="store_true", help="input and output as (N, T, ...)")
    model.add_argument(
        "--proj-size",
        type=non_negative,
        default=0,
        metavar="P",
        help="LSTM only: h has P features, P < H (default: 0, none)",
    )
    model.add_argument(
        "--module",
        choices=tuple(GATE_BLOCKS),
        default="LSTM",
        help="the recurrent module (default: LSTM)",
    )
    model.add_argument(
        "--seq-len",
        type=positive,
        default=5,
        metavar="T",
        help="time steps of the input (default: 5)",
    )
    model.add_argument(
        "--batch", type=positive, default=3, metavar="N", help="sequences in the batch (default: 3)"
    )
    model.add_argument(
        "--seed",
        type=whole_number(0, 2**64 - 1),
        default=0,
        metavar="S",
        help="seed of the weights and the input (default: 0)",
    )


def check_model(args: argparse.Namespace) -> None:
    """Reject a model PyTorch would refuse, or one too big to trace, with ``ValueError``."""
    if args.proj_size and args.module != "LSTM":
        raise ValueError(f"--proj-size is only for LSTM, not {args.module}")
    if args.proj_size >= args.hidden_size:
        raise ValueError(
            f"--proj-size must be smaller than --hidden-size ({args.proj_size} >= "
            f"{args.hidden_size}); 0 means no projection"
        )
    values = estimated_values(args)
    if values > MAX_VALUES:
        raise ValueError(
            f"this model and its trace would hold about {values:,} numbers, more than "
            f"{MAX_VALUES:,}: use smaller sizes (figures elide long axes, so they look the same)"
        )


def estimated_values(args: argparse.Namespace) -> int:
    """About how many numbers the parameters and the trace's recorded states take."""
    gates = GATE_BLOCKS[args.module] * args.hidden_size
    hidden, out = args.hidden_size, args.proj_size or args.hidden_size
    directions = 2 if args.bidirectional else 1
    parameters = 0
    for layer in range(args.num_layers):
        layer_input = args.input_size if layer == 0 else directions * out
        parameters += directions * (gates * (layer_input + out + 2) + args.proj_size * hidden)
    # Per step and sequence: the input, then h, c and the gates of every layer and direction.
    per_step = args.input_size + args.num_layers * directions * (out + hidden + 2 * gates)
    return parameters + args.seq_len * args.batch * per_step


def build_model(args: argparse.Namespace) -> nn.Module:
    """The seeded module the options describe."""
    from lstm_figures.models import build_module

    return build_module(
        args.module,
        input_size=args.input_size,
        hidden_size=args.hidden_size,
        num_layers=args.num_layers,
        bidirectional=args.bidirectional,
        batch_first=args.batch_first,
        proj_size=args.proj_size,
        seed=args.seed,
    )


def traced_model(args: argparse.Namespace) -> tuple[nn.Module, Trace]:
    """Build the module and its seeded input, run it, and return ``(module, trace)``.

    ``draw`` uses its figure's default input (``packed`` needs a PackedSequence).
    """
    import lstm_figures as lf

    module = build_model(args)
    x = figures.default_input(
        getattr(args, "name", None), module, seq_len=args.seq_len, batch=args.batch, seed=args.seed
    )
    with warnings.catch_warnings():
        # PyTorch's notice that its oneDNN kernel lacks proj_size: nothing for the user to do.
        warnings.filterwarnings("ignore", "LSTM with projections is not supported with oneDNN")
        return module, lf.trace(module, x)


def run_shapes(args: argparse.Namespace) -> None:
    """Print every tensor's shape as a Python tuple, then the number of parameters."""
    module, tr = traced_model(args)
    shapes = tr.shapes()
    width = max(len("tensor"), *map(len, shapes))
    print(f"{'tensor':<{width}}  shape")
    for name, shape in shapes.items():
        print(f"{name:<{width}}  {shape}")
    print(f"total parameters: {sum(p.numel() for p in module.parameters())}")
