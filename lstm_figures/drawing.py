"""Turn a :class:`~lstm_figures.layout.Layout` into matplotlib artists.

The only module (with :mod:`lstm_figures.saving`) that imports matplotlib. It is thin on
purpose: every decision about what to show was made by the layout.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.patches import Polygon as PolygonPatch

from lstm_figures import fonts
from lstm_figures.layout import Arrow, Box, Layout, Polygon, Text
from lstm_figures.themes import Theme


def render(layout: Layout, theme: Theme, lang: str) -> Figure:
    """Draw ``layout`` with ``theme``'s colours and ``lang``'s fonts on a new pyplot figure.

    Raises :class:`~lstm_figures.fonts.MissingGlyphError` before drawing anything if a text
    has a character no font can show.
    """
    sans, mono = fonts.families(lang), fonts.families(lang, "mono")
    fonts.check_glyphs(layout.texts, sans)
    fig = plt.figure(figsize=(layout.width, layout.height), facecolor=theme.background)
    # Artists go straight onto the figure, placed in inches (the layout's unit) from its
    # lower left corner. No Axes: its ticks, spines and clip paths cost ~15 ms a figure
    # (10-15 % of draw + PNG) for the same pixels.
    inches = fig.dpi_scale_trans
    colormap = mpl.colormaps[theme.colormap]
    norm = Normalize(-layout.value_limit, layout.value_limit)

    def face(role: str, value: float | None) -> str | tuple:
        if value is not None:
            return colormap(norm(value))
        return "none" if role == "none" else theme.role(role)

    def text_kwargs(role: str, size: float, family: str) -> dict:
        return {
            "transform": inches,
            "color": theme.role(role),
            "fontsize": size,
            "fontfamily": mono if family == "mono" else sans,
        }

    for element in layout.elements:
        if isinstance(element, Box):
            style = "round,pad=0,rounding_size=0.06" if element.rounded else "square,pad=0"
            fig.add_artist(
                FancyBboxPatch(
                    (element.x, element.y),
                    element.w,
                    element.h,
                    boxstyle=style,
                    facecolor=face(element.role, element.value),
                    edgecolor=theme.role(element.edge),
                    linewidth=element.linewidth,
                    linestyle="--" if element.dashed else "-",
                    transform=inches,
                )
            )
            if element.text:
                fig.text(
                    *element.center,
                    element.text,
                    ha="center",
                    va="center",
                    **text_kwargs(element.text_role, element.size, "sans"),
                )
        elif isinstance(element, Arrow):
            fig.add_artist(
                FancyArrowPatch(
                    element.start,
                    element.end,
                    arrowstyle="-|>" if element.head else "-",
                    connectionstyle=f"arc3,rad={element.curve}",
                    mutation_scale=9,
                    shrinkA=0,
                    shrinkB=0,
                    color=theme.role(element.role),
                    linewidth=element.linewidth,
                    linestyle="--" if element.dashed else "-",
                    transform=inches,
                )
            )
        elif isinstance(element, Text):
            fig.text(
                element.x,
                element.y,
                element.text,
                ha=element.ha,
                va=element.va,
                rotation=element.rotation,
                **fonts.weight_style(lang, element.weight, theme.role(element.role)),
                **text_kwargs(element.role, element.size, element.family),
            )
        elif isinstance(element, Polygon):
            fig.add_artist(
                PolygonPatch(
                    element.points,
                    closed=True,
                    facecolor=face(element.role, element.value),
                    edgecolor=theme.role(element.edge),
                    linewidth=element.linewidth,
                    alpha=element.alpha,
                    transform=inches,
                )
            )
        else:  # pragma: no cover - layouts only hold the four element types
            raise TypeError(f"cannot draw {type(element).__name__}")
    return fig
