"""Explorable figures: a figure's image with a focusable overlay over every cell.

Pointing at a cell (hover, tap, or focus with Tab and the arrow keys) shows a readout of
every expression over ``output``, ``h_n`` and ``c_n`` that holds the cell's state
(:mod:`lstm_figures.cell_slices`), with its first values. Everything is computed here, in
Python, from the trace; the page's script (``explore.js``) only shows it. Without the
script the image and its alt text stay as they are.

The same HTML serves the docs (the gallery scraper wraps the images Sphinx writes) and
notebooks (:func:`explore` wraps the images as data: URIs, with the script inline).

DOM contract (the browser tests rely on it): an element with class ``lf-explore`` and
``data-config`` (JSON: kind, input_size, hidden_size, num_layers, bidirectional,
batch_first, proj_size, seq_len, batch, lengths, plus the figure and a hash of the trace's
tensors); each cell an element with ``data-state``, ``data-layer``, ``data-direction``,
``data-step`` (and ``data-sample`` when it stands for one sample) and ``tabindex="0"``;
the readout the element with class ``lf-readout``, inside the same ``lf-explore``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from pathlib import Path

from lstm_figures.labels import Labels

#: Figures whose layouts know their cells' boxes (:attr:`Layout.cells`).
EXPLORABLE = ("stacked", "bidirectional", "state_locations", "packed", "projection")

#: Figures that draw an LSTM cell's h and c in one box: its overlay is split, h above c.
SPLIT_CELLS = ("stacked", "bidirectional", "state_locations")

_STATIC = Path(__file__).resolve().parent / "static"


def config(tr, figure: str) -> dict:
    """The ``data-config`` of an explorable figure: the module's configuration and input
    sizes, the figure's name and a hash of the tensors the readouts were computed from."""
    return {
        "kind": tr.kind,
        "input_size": tr.input_size,
        "hidden_size": tr.hidden_size,
        "num_layers": tr.num_layers,
        "bidirectional": tr.num_directions == 2,
        "batch_first": tr.batch_first,
        "proj_size": tr.proj_size,
        "seq_len": tr.seq_len,
        "batch": tr.batch_size,
        "batched": tr.batched,
        "lengths": tr.lengths,
        "figure": figure,
        "sha256": tensors_hash(tr),
    }


def tensors_hash(tr) -> str:
    """SHA-256 of ``output`` (padded), ``h_n`` and ``c_n``: names the trace a page shows."""
    digest = hashlib.sha256()
    for tensor in (tr.output_padded, tr.h_n, tr.c_n):
        if tensor is not None:
            digest.update(str(tuple(tensor.shape)).encode())
            digest.update(tensor.detach().contiguous().cpu().numpy().tobytes())
    return digest.hexdigest()


def cell_id(key: tuple) -> str:
    """``h-1-0-3`` for a whole-batch cell, ``h-1-0-3-s2`` for sample 2's part of it."""
    state, layer, direction, step, sample = key
    tail = "" if sample is None else f"-s{sample}"
    return f"{state}-{layer}-{direction}-{step}{tail}"


def readout(tr, key: tuple, labels: Labels) -> dict:
    """What the readout shows for one overlay cell (plain strings; the script makes text
    nodes of them, never markup)."""
    from lstm_figures.cell_slices import cell_slices, sample_slices, state_of, title, where_it_goes

    cell, sample = key[:4], key[4]
    found = cell_slices(tr, cell, labels.lang, sample=sample)
    if sample is None:
        slices, notes, heading = found.slices, found.notes, found.title
    else:  # the box stands for one sample: its expressions and shape; no other sample's notes
        slices = sample_slices(tr, cell, sample)
        where = where_it_goes(tr, cell, labels)
        notes = [] if slices else [labels("explore_not_returned", where=where)]
        heading = title(cell, tuple(state_of(tr, cell)[sample].shape), labels)
    whole = [s.expression for s in slices if s.sample is None]
    groups = []
    if whole:
        groups.append({"heading": labels("explore_equals"), "codes": whole, "sample": None})
    for n in sorted({s.sample for s in slices if s.sample is not None}):
        codes = [s.expression for s in slices if s.sample == n]
        heading_n = f"{labels('explore_equals_sample')} {labels('explore_sample_of', sample=n)}"
        groups.append({"heading": heading_n, "codes": codes, "sample": n})
    return {
        "title": heading,
        "groups": groups,
        "notes": notes,
        "values": found.values_text,
        "tensors": sorted({s.expression.split("[")[0] for s in slices}),
    }


def _percent(value: float, total: float) -> str:
    return f"{100 * value / total:.3f}%"


#: Smallest target a finger can hit, in CSS pixels (WCAG 2.5.8, axe's ``target-size``),
#: plus a little so that rounding never leaves a cell a fraction short.
TOUCH_TARGET = 24.5


def touch_width(layout) -> int:
    """The rendered width, in CSS pixels, at which the figure's smallest cell is a touch target.

    Every cell is placed in percent of the figure, so a cell's side in CSS pixels is its side
    in inches times the rendered width over the layout's width (the image keeps the layout's
    aspect ratio). At this width or wider no side of any cell is under :data:`TOUCH_TARGET`.
    """
    smallest = min((min(box.w, box.h) for box in layout.cells.values()), default=0.0)
    if smallest <= 0:  # no cell to hit: the figure keeps its own width
        return 0
    return math.ceil(TOUCH_TARGET * layout.width / smallest)


def _cell_html(layout, key: tuple, title: str) -> str:
    box = layout.cells[key]
    state, layer, direction, step, sample = key
    style = (
        f"left:{_percent(box.x, layout.width)};"
        f"top:{_percent(layout.height - box.y - box.h, layout.height)};"
        f"width:{_percent(box.w, layout.width)};height:{_percent(box.h, layout.height)}"
    )
    sample_attr = "" if sample is None else f' data-sample="{sample}"'
    return (
        f'<div class="lf-cell" data-key="{cell_id(key)}" data-state="{state}" '
        f'data-layer="{layer}" data-direction="{direction}" data-step="{step}"{sample_attr} '
        f'tabindex="0" role="button" aria-label="{html.escape(title)}" style="{style}"></div>'
    )


def _json_script(data) -> str:
    """JSON that is safe inside a <script> element (no "</" can end it early)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("</", "<\\/")


def parts(tr, layout, figure: str, lang: str | None = None) -> tuple[str, str]:
    """The HTML before and after a figure's images: the two halves of an explorable figure.

    The images (light and dark variants, the same geometry) go between them.
    """
    labels = Labels(lang)
    keys = sorted(
        layout.cells, key=lambda k: (k[0], k[1], k[2], k[3], -1 if k[4] is None else k[4])
    )
    readouts = {cell_id(key): readout(tr, key, labels) for key in keys}
    cells = "".join(_cell_html(layout, key, readouts[cell_id(key)]["title"]) for key in keys)
    # Only the tensors that hold some cell of this figure.
    held = {name for entry in readouts.values() for name in entry["tensors"]}
    names = [name for name in ("output", "h_n", "c_n") if name in held]
    help_text = labels("explore_help")
    if figure in SPLIT_CELLS and tr.c_n is not None:
        help_text += labels("explore_help_halves")
    tensors = "".join(
        f'<button type="button" class="lf-tensor" data-tensor="{name}"><code>{name}</code></button>'
        for name in names
    )
    data_config = html.escape(
        json.dumps(config(tr, figure), sort_keys=True, separators=(",", ":")), quote=True
    )
    # On a phone the figure keeps at least this width, in a pane that scrolls (explore.css).
    touch = f"--lf-touch-width:{touch_width(layout)}px"
    before = (
        f'<div class="lf-explore" data-config="{data_config}"><div class="lf-explore-scroll">'
        f'<div class="lf-explore-figure" style="{touch}">'
    )
    after = (
        f'<div class="lf-cells" hidden>{cells}</div></div></div>'
        '<div class="lf-explore-panel" hidden>'
        f'<p class="lf-explore-help">{html.escape(help_text)}</p>'
        f'<p class="lf-tensors">{html.escape(labels("explore_tensors"))} {tensors}</p>'
        '<div class="lf-readout" aria-live="polite"></div></div>'
        f'<script type="application/json" class="lf-readouts">{_json_script(readouts)}</script>'
        "</div>"
    )
    return before, after


class Explorable:
    """An explorable figure for a notebook: ``_repr_html_`` and :meth:`save`.

    The HTML is self-contained: the images are data: URIs, the style and script inline.
    """

    def __init__(self, body: str, title: str, theme: str = "light") -> None:
        self._body = body
        self.title = title
        self.theme = theme

    def _repr_html_(self) -> str:
        return self._body

    def save(self, path) -> Path:
        """Write a standalone HTML page (UTF-8) to ``path`` (it must end in ``.html``)."""
        path = Path(path)
        if path.suffix.lower() != ".html":
            raise ValueError(f"an explorable figure is saved as .html, got {str(path)!r}")
        page = (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(self.title)}</title></head>"
            # The page's own background matches the figure's theme (see .lf-theme-dark).
            f'<body class="lf-page-{self.theme}" style="font-family:sans-serif;margin:0">'
            f"{self._body}</body></html>\n"
        )
        path.write_text(page, encoding="utf-8")
        return path


def _png_uri(fig) -> str:
    """The figure as a PNG data: URI (saved as the site saves it), and closed."""
    import tempfile

    import matplotlib.pyplot as plt

    from lstm_figures.saving import save

    with tempfile.TemporaryDirectory() as work:  # save() writes files, as the docs need
        png = save(fig, Path(work) / "figure.png").read_bytes()
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def static_text(name: str) -> str:
    """The text of a file the explorable figures need (``explore.js``, ``explore.css``)."""
    return (_STATIC / name).read_text(encoding="utf-8")


def explore(
    module_or_trace,
    x=None,
    *,
    figure: str = "state_locations",
    hx=None,
    lang: str | None = None,
    theme: str = "light",
) -> Explorable:
    """An explorable figure: hover or focus a cell to see which expressions hold its state.

    Parameters
    ----------
    module_or_trace : torch.nn.LSTM, torch.nn.GRU, torch.nn.RNN or Trace
        The model to run, or a trace made with :func:`lstm_figures.trace`.
    x : torch.Tensor or torch.nn.utils.rnn.PackedSequence, optional
        Input for the module; the figure's seeded example input when omitted.
    figure : str, optional
        One of the explorable figures: ``"stacked"``, ``"bidirectional"``,
        ``"state_locations"`` (the default), ``"packed"`` and ``"projection"``.
    hx : torch.Tensor or tuple of torch.Tensor, optional
        Initial state, as for the module itself.
    lang : {"en", "zh_CN"}, optional
        Language of the figure and the readouts; the default language when omitted.
    theme : {"light", "dark"}, optional
        Colours of the image and the readout.

    Returns
    -------
    Explorable
        Shown by Jupyter through ``_repr_html_`` (self-contained: no request to any
        host); ``.save("figure.html")`` writes it as a page.

    Raises
    ------
    ValueError
        For a figure that is not explorable, an unknown language or theme, or bad input.

    Examples
    --------
    >>> import torch, lstm_figures as lf
    >>> page = lf.explore(torch.nn.LSTM(3, 4, num_layers=2))
    >>> 'class="lf-explore"' in page._repr_html_()
    True
    """
    from lstm_figures.figures import _module, to_trace
    from lstm_figures.figures import draw as draw_figure
    from lstm_figures.themes import get_theme

    if figure not in EXPLORABLE:
        raise ValueError(f"figure {figure!r} is not explorable; expected one of {EXPLORABLE}")
    labels = Labels(lang)
    palette = get_theme(theme)
    tr = to_trace(module_or_trace, x, hx, name=figure)
    layout = _module(figure).build(tr, labels)
    fig = draw_figure(figure, tr, lang=labels.lang, theme=palette.name)
    alt = " ".join(layout.alt.split())
    before, after = parts(tr, layout, figure, labels.lang)
    image = f'<img src="{_png_uri(fig)}" alt="{html.escape(alt)}" class="lstm-figure">'
    body = (
        f'<div class="lf-page lf-theme-{palette.name}">'
        f"<style>{static_text('explore.css')}</style>"
        f"{before}{image}{after}"
        f"<script>{static_text('explore.js')}</script></div>"
    )
    title = labels("explore_page_title", figure=figure)
    return Explorable(body, title, palette.name)
