"""The figures, one module each, and :func:`draw`, which makes any of them.

Each figure module has a one-line docstring (shown by ``lstm-figures list``) and a
``build(trace, labels) -> Layout`` function: pure geometry read from the trace. The blocks
they share (the layer × time grid, text sizes, tensor look-ups) are in :mod:`.parts`.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from typing import TYPE_CHECKING

from lstm_figures.labels import Labels

if TYPE_CHECKING:
    import torch
    from matplotlib.figure import Figure
    from torch import nn
    from torch.nn.utils.rnn import PackedSequence

    from lstm_figures.layout import Layout
    from lstm_figures.tracing import Trace

#: Figure names, in the order the tutorial introduces them.
FIGURES = (
    "unrolled",
    "stacked",
    "data_cube",
    "batch_first",
    "bidirectional",
    "state_locations",
    "gates",
    "packed",
    "projection",
    "gru_rnn",
    "parameters",
    "selection",
)


def _module(name: str):
    if name not in FIGURES:
        raise ValueError(f"unknown figure {name!r}; expected one of {FIGURES}")
    return importlib.import_module(f"lstm_figures.figures.{name}")


def summary(name: str) -> str:
    """The one-line description of a figure (its module's docstring).

    Read from the source without importing the module, which would import torch:
    ``lstm-figures list`` answers at once.
    """
    if name not in FIGURES:
        raise ValueError(f"unknown figure {name!r}; expected one of {FIGURES}")
    source = Path(__file__).with_name(f"{name}.py").read_text(encoding="utf-8")
    return ast.get_docstring(ast.parse(source)).strip().splitlines()[0]


def default_input(
    name: str | None, module: nn.Module, *, seq_len: int = 5, batch: int = 3, seed: int = 0
) -> torch.Tensor | PackedSequence:
    """The seeded input figure ``name`` is drawn from when it gets a module and no ``x``.

    A figure module may define its own ``default_input(module, seq_len, batch, seed)``
    (``packed`` returns a PackedSequence); otherwise, and when ``name`` is None, it is
    :func:`lstm_figures.models.example_input`.
    """
    from lstm_figures.models import example_input

    make = getattr(_module(name), "default_input", example_input) if name else example_input
    return make(module, seq_len=seq_len, batch=batch, seed=seed)


def to_trace(
    module_or_trace: nn.Module | Trace,
    x: torch.Tensor | PackedSequence | None = None,
    hx: torch.Tensor | tuple | None = None,
    *,
    name: str | None = None,
) -> Trace:
    """A trace of ``module_or_trace`` (or the trace itself), with figure ``name``'s
    default input if there is no ``x``."""
    from lstm_figures.tracing import Trace, trace

    if isinstance(module_or_trace, Trace):
        if x is not None or hx is not None:
            raise ValueError("x and hx must be None when drawing an existing Trace")
        return module_or_trace
    if x is None:
        from lstm_figures.validation import check_module

        check_module(module_or_trace)
        # In the module's dtype and on its device: a float16 model on a GPU gets its input there.
        weight = next(module_or_trace.parameters())
        x = default_input(name, module_or_trace).to(device=weight.device, dtype=weight.dtype)
    return trace(module_or_trace, x, hx)


def options(name: str) -> tuple[str, ...]:
    """The figure-specific keyword options of figure ``name`` (e.g. ``expression``).

    They are the keyword-only parameters of the figure module's ``build``.
    """
    parameters = inspect.signature(_module(name).build).parameters.values()
    return tuple(p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY)


def check_options(name: str, given: dict) -> None:
    """``TypeError`` naming the options figure ``name`` does not take."""
    known = options(name)
    unknown = sorted(set(given) - set(known))
    if unknown:
        takes = f"takes only {', '.join(known)}" if known else "takes no options"
        raise TypeError(f"figure {name!r} {takes}; got {', '.join(unknown)}")


def build(name: str, tr: Trace, lang: str | None = None, **figure_options) -> Layout:
    """The layout of figure ``name`` for a trace, without drawing it."""
    check_options(name, figure_options)
    return _module(name).build(tr, Labels(lang), **figure_options)


def draw(
    name: str,
    module_or_trace: nn.Module | Trace,
    x: torch.Tensor | None = None,
    *,
    hx: torch.Tensor | tuple | None = None,
    lang: str | None = None,
    theme: str = "light",
    **figure_options,
) -> Figure:
    """Draw one of the figures from a real forward pass.

    Parameters
    ----------
    name : str
        One of :data:`FIGURES`.
    module_or_trace : torch.nn.LSTM, torch.nn.GRU, torch.nn.RNN or Trace
        The model to run, or a trace already made with :func:`lstm_figures.trace`.
    x : torch.Tensor or torch.nn.utils.rnn.PackedSequence, optional
        Input for the module; a small seeded input (T = 5, N = 3) when omitted (for
        ``packed``, a PackedSequence of sequences of lengths 5, 3 and 1).
    hx : torch.Tensor or tuple of torch.Tensor, optional
        Initial state, as for the module itself.
    lang : {"en", "zh_CN"}, optional
        Language of every word in the figure; the default language when omitted
        (see :func:`lstm_figures.set_default_language`).
    theme : {"light", "dark"}, optional
        Colours for a light or a dark page.
    **figure_options
        Options of one figure (see :func:`options`): ``selection`` takes ``expression``,
        the slice whose cells it marks (default ``"output[-1]"``).

    Returns
    -------
    matplotlib.figure.Figure
        A pyplot figure; its ``lstm_figures`` attribute records the name, trace,
        language, theme and alt text (used by the docs' image scraper).

    Raises
    ------
    ValueError
        For an unknown name, language or theme, or input of the wrong shape.
    TypeError
        If the module is not an LSTM, GRU or RNN, or an option is not one of the figure's.

    Examples
    --------
    >>> import torch, lstm_figures as lf
    >>> fig = lf.draw("stacked", torch.nn.LSTM(3, 4, num_layers=2))
    >>> fig = lf.draw("selection", torch.nn.LSTM(3, 4), expression="h_n[-1]")
    """
    from lstm_figures.drawing import render
    from lstm_figures.themes import get_theme

    figure_module = _module(name)
    check_options(name, figure_options)
    labels = Labels(lang)
    palette = get_theme(theme)
    tr = to_trace(module_or_trace, x, hx, name=name)
    layout = figure_module.build(tr, labels, **figure_options)
    fig = render(layout, palette, labels.lang)
    fig.lstm_figures = {
        "name": name,
        "trace": tr,
        "lang": labels.lang,
        "theme": palette.name,
        "alt": layout.alt,
        "options": dict(figure_options),  # so that a twin in the other theme is the same figure
    }
    return fig
