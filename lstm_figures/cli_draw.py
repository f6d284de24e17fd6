"""``lstm-figures draw``: write one figure as an image, or as an explorable ``.html`` page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lstm_figures.cli_model import traced_model
from lstm_figures.saving import check_path


def add_figure_options(draw: argparse.ArgumentParser) -> None:
    """Options that only some figures take (see :func:`lstm_figures.figures.options`)."""
    draw.add_argument(
        "--expression",
        metavar="EXPR",
        help='selection only: the slice whose cells are marked (default: "output[-1]")',
    )


def figure_options(args: argparse.Namespace) -> dict:
    """The figure options given on the command line, for :func:`lstm_figures.draw`."""
    return {"expression": args.expression} if args.expression is not None else {}


def check_output(args: argparse.Namespace) -> None:
    """Check ``-o`` before anything runs: an image format, or .html for an explorable page."""
    if is_html(args.output):
        check_html_path(args.output, args.name)
    else:
        check_path(args.output)


def is_html(path: str) -> bool:
    """Whether ``draw`` is asked for an explorable page rather than an image."""
    return Path(path).suffix.lower() == ".html"


def check_html_path(path: str, name: str) -> None:
    """An explorable page: the figure must be explorable and the page's folder must exist."""
    from lstm_figures.exploring import EXPLORABLE

    if name not in EXPLORABLE:
        raise ValueError(
            f"only an explorable figure ({', '.join(EXPLORABLE)}) can be written as .html; "
            f"write {name} as .png, .svg or .pdf"
        )
    if not Path(path).parent.is_dir():
        raise ValueError(f"the folder {str(Path(path).parent)!r} does not exist")


def use_agg_backend() -> None:
    """Draw off-screen: a command has no window to show figures in."""
    if "matplotlib.pyplot" not in sys.modules:  # never switch a caller's pyplot backend
        import matplotlib

        matplotlib.use("Agg")


def run_draw(args: argparse.Namespace) -> None:
    """Draw the figure and write it; nothing is written if drawing fails."""
    use_agg_backend()
    import matplotlib.pyplot as plt

    import lstm_figures as lf

    if is_html(args.output):
        run_draw_html(args)
        return
    _, tr = traced_model(args)
    fig = lf.draw(args.name, tr, lang=args.lang, theme=args.theme, **figure_options(args))
    try:
        lf.save(fig, args.output)
    except OSError as error:
        raise ValueError(f"cannot write {args.output!r}: {error.strerror or error}") from None
    finally:
        plt.close(fig)


def run_draw_html(args: argparse.Namespace) -> None:
    """Write the explorable page of ``lf.explore`` for the figure; nothing if it fails."""
    import lstm_figures as lf

    _, tr = traced_model(args)
    page = lf.explore(tr, figure=args.name, lang=args.lang, theme=args.theme)
    try:
        page.save(args.output)
    except OSError as error:
        raise ValueError(f"cannot write {args.output!r}: {error.strerror or error}") from None
