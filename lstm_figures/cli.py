"""The ``lstm-figures`` command: list the figures, draw one for your model, print its shapes.

Every argument is checked before PyTorch or matplotlib is imported, so a mistake is
reported at once, as one line on stderr, with exit status 2 (as argparse does). A model
whose forward pass is not the recurrence it claims (``TraceMismatchError``) is one line too,
with exit status 3.

This module is the entry point (``lstm-figures`` runs :func:`main`): the parser, the exit
statuses and the one-line errors. The commands' work lives beside it:
:mod:`lstm_figures.cli_model` (the model options, their checks, building and tracing the
module, ``shapes``), :mod:`lstm_figures.cli_draw` (``draw``, images and explorable pages) and
:mod:`lstm_figures.cli_locate` (``locate`` and its printout).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, NoReturn

from lstm_figures import __version__, figures
from lstm_figures.cli_draw import add_figure_options, check_output, run_draw
from lstm_figures.cli_locate import add_locate_command
from lstm_figures.cli_model import add_model_options, check_model, run_shapes
from lstm_figures.labels import LANGUAGES
from lstm_figures.themes import THEMES

if TYPE_CHECKING:
    from collections.abc import Sequence


PROG = "lstm-figures"
USAGE_ERROR = 2
TRACE_MISMATCH = 3
BROKEN_PIPE = 141

DESCRIPTION = "Figures of torch.nn.LSTM (or GRU, RNN) drawn from a real forward pass."
EPILOG = f"""\
notation: N batch, T time steps, F input features, H hidden_size, L num_layers.

examples:
  {PROG} list
  {PROG} draw stacked --input-size 3 --hidden-size 4 --num-layers 2 -o stacked.png
  {PROG} draw state_locations --input-size 3 --hidden-size 4 --bidirectional \\
      --lang zh_CN --theme dark -o state_locations.svg
  {PROG} shapes --input-size 3 --hidden-size 4 --proj-size 2
  {PROG} locate "output[:, -1]" --input-size 3 --hidden-size 4 --bidirectional --batch-first
  {PROG} draw selection --expression "h_n[-1]" --input-size 3 --hidden-size 4 -o sel.png

exit status: 0 done; {USAGE_ERROR} bad arguments or input; {TRACE_MISMATCH} the model's forward pass is not
the recurrence it claims (lstm_figures.TraceMismatchError); {BROKEN_PIPE} the reader closed the pipe early.
"""


class OneLineErrorParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr, without the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {' '.join(message.split())}\n")


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
        help=(
            "where to write; .png, .svg or .pdf, or .html for an explorable page (the folder "
            "must exist)"
        ),
    )
    add_figure_options(draw)
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
    add_locate_command(commands)
    return parser


def run_list(args: argparse.Namespace) -> None:
    """Print each figure's name and one-line summary, in tutorial order."""
    width = max(map(len, figures.FIGURES))
    for name in figures.FIGURES:
        print(f"{name:<{width}}  {figures.summary(name)}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (argument errors exit with 2).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        0 on success, 3 when the model's forward pass is not the recurrence it claims,
        141 when the reader closed the pipe early.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    command_parser = getattr(args, "parser", parser)
    try:
        if hasattr(args, "hidden_size"):
            check_model(args)
        if hasattr(args, "output"):
            check_output(args)
        # Only now does PyTorch get imported. The library reports bad input (say, a figure
        # that needs --bidirectional) with ValueError or TypeError: one line, too.
        args.run(args)
        sys.stdout.flush()  # so that a closed pipe shows here, not at exit
    except (ValueError, TypeError) as error:
        command_parser.error(str(error))
    except RuntimeError as error:
        from lstm_figures.tracing import TraceMismatchError  # torch is imported by now

        if not isinstance(error, TraceMismatchError):
            raise
        print(f"{command_parser.prog}: error: {' '.join(str(error).split())}", file=sys.stderr)
        return TRACE_MISMATCH
    except BrokenPipeError:
        # The reader stopped early (`lstm-figures list | head -1`): end without a traceback,
        # with the status of a program that SIGPIPE ends (128 + 13), as `ls` or `cat` do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    return 0
