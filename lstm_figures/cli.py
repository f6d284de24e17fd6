"""The ``lstm-figures`` command: list the figures, draw one for your model, print its shapes.

Every argument is checked before PyTorch or matplotlib is imported, so a mistake is
reported at once, as one line on stderr, with exit status 2 (as argparse does).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import TYPE_CHECKING, NoReturn

from lstm_figures import __version__, figures
from lstm_figures.labels import LANGUAGES
from lstm_figures.saving import check_path
from lstm_figures.themes import THEMES

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from torch import nn

    from lstm_figures.tracing import Trace

PROG = "lstm-figures"
USAGE_ERROR = 2
BROKEN_PIPE = 141

#: Module kinds, as in :data:`lstm_figures.models.KINDS` (which imports torch), with the
#: number of gate blocks in their weights, for the memory estimate.
GATE_BLOCKS = {"LSTM": 4, "GRU": 3, "RNN": 1}

#: Numbers the model and its trace may hold (~200 MB of float32). Figures elide long axes,
#: so a larger model would draw the same picture, only after a long wait or none at all.
MAX_VALUES = 50_000_000

DESCRIPTION = "Figures of torch.nn.LSTM (or GRU, RNN) drawn from a real forward pass."
EPILOG = f"""\
notation: N batch, T time steps, F input features, H hidden_size, L num_layers.

examples:
  {PROG} list
  {PROG} draw stacked --input-size 3 --hidden-size 4 --num-layers 2 -o stacked.png
  {PROG} draw state_locations --input-size 3 --hidden-size 4 --bidirectional \\
      --lang zh_CN --theme dark -o state_locations.svg
  {PROG} shapes --input-size 3 --hidden-size 4 --proj-size 2
"""


class OneLineErrorParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr, without the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {' '.join(message.split())}\n")


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


def build_parser() -> OneLineErrorParser:
    """The parser for ``lstm-figures`` and its subcommands ``list``, ``draw`` and ``shapes``."""
    parser = OneLineErrorParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser(
        "list", help="list the figures", description="List the figures, in tutorial order."
    )
    listing.set_defaults(run=run_list)

    draw = commands.add_parser(
        "draw",
        help="draw a figure for a model",
        description="Draw one figure from a real forward pass of a freshly seeded model.",
        allow_abbrev=False,
    )
    draw.add_argument(
        "name",
        metavar="NAME",
        choices=figures.FIGURES,
        help=f"one of {', '.join(figures.FIGURES)} (see: {PROG} list)",
    )
    add_model_options(draw)
    draw.add_argument("--lang", choices=LANGUAGES, default="en", help="language (default: en)")
    draw.add_argument(
        "--theme",
        choices=THEMES,
        default="light",
        help="colours for a light or dark page (default: light)",
    )
    draw.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="where to write; .png, .svg or .pdf (the folder must exist)",
    )
    draw.set_defaults(run=run_draw, parser=draw)

    shapes = commands.add_parser(
        "shapes",
        help="print the shape of every tensor",
        description=(
            "Print the shape of every tensor of a real forward pass (input, states, output "
            "and each parameter) and the number of parameters."
        ),
        allow_abbrev=False,
    )
    add_model_options(shapes)
    shapes.set_defaults(run=run_shapes, parser=shapes)
    return parser


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """Options that choose the module and its input, shared by ``draw`` and ``shapes``."""
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


def use_agg_backend() -> None:
    """Draw off-screen: a command has no window to show figures in."""
    if "matplotlib.pyplot" not in sys.modules:  # never switch a caller's pyplot backend
        import matplotlib

        matplotlib.use("Agg")


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


def run_list(args: argparse.Namespace) -> None:
    """Print each figure's name and one-line summary, in tutorial order."""
    width = max(map(len, figures.FIGURES))
    for name in figures.FIGURES:
        print(f"{name:<{width}}  {figures.summary(name)}")


def run_draw(args: argparse.Namespace) -> None:
    """Draw the figure and write it; nothing is written if drawing fails."""
    use_agg_backend()
    import matplotlib.pyplot as plt

    import lstm_figures as lf

    _, tr = traced_model(args)
    fig = lf.draw(args.name, tr, lang=args.lang, theme=args.theme)
    try:
        lf.save(fig, args.output)
    except OSError as error:
        raise ValueError(f"cannot write {args.output!r}: {error.strerror or error}") from None
    finally:
        plt.close(fig)


def run_shapes(args: argparse.Namespace) -> None:
    """Print every tensor's shape as a Python tuple, then the number of parameters."""
    module, tr = traced_model(args)
    shapes = tr.shapes()
    width = max(len("tensor"), *map(len, shapes))
    print(f"{'tensor':<{width}}  shape")
    for name, shape in shapes.items():
        print(f"{name:<{width}}  {shape}")
    print(f"total parameters: {sum(p.numel() for p in module.parameters())}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (argument errors exit with 2).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        0 on success, 141 when the reader closed the pipe early.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    command_parser = getattr(args, "parser", parser)
    try:
        if hasattr(args, "hidden_size"):
            check_model(args)
        if hasattr(args, "output"):
            check_path(args.output)
        # Only now does PyTorch get imported. The library reports bad input (say, a figure
        # that needs --bidirectional) with ValueError or TypeError: one line, too.
        args.run(args)
        sys.stdout.flush()  # so that a closed pipe shows here, not at exit
    except (ValueError, TypeError) as error:
        command_parser.error(str(error))
    except BrokenPipeError:
        # The reader stopped early (`lstm-figures list | head -1`): end without a traceback,
        # with the status of a program that SIGPIPE ends (128 + 13), as `ls` or `cat` do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    return 0
