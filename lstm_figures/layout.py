"""Pure geometry: what to draw and where, with no matplotlib in sight.

A figure module turns a :class:`~lstm_figures.tracing.Trace` into a :class:`Layout` of
boxes, arrows, texts and polygons, in inches. Colours are named by *role* (``"cell"``,
``"hidden"``, ...) and resolved by a theme when drawing, so one layout serves light and
dark. Tests inspect layouts directly: geometry is testable without rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Box:
    """A rectangle, optionally with centred text. ``value`` colours it by a tensor entry."""

    x: float
    y: float
    w: float
    h: float
    role: str = "cell"  # face colour; "none" for an outline only
    text: str | None = None
    size: float = 9.0
    edge: str = "edge"
    value: float | None = None  # tensor value, mapped by the theme's colormap
    rounded: bool = True
    dashed: bool = False
    linewidth: float = 1.0
    text_role: str = "text"
    hatch: str | None = None  # matplotlib hatch pattern, drawn in the edge colour

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h / 2)

    @property
    def left(self) -> tuple[float, float]:
        return (self.x, self.y + self.h / 2)

    @property
    def right(self) -> tuple[float, float]:
        return (self.x + self.w, self.y + self.h / 2)

    @property
    def top(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y + self.h)

    @property
    def bottom(self) -> tuple[float, float]:
        return (self.x + self.w / 2, self.y)


@dataclass(frozen=True)
class Arrow:
    """An arrow from ``start`` to ``end``; ``curve`` bends it (matplotlib's arc3 ``rad``)."""

    start: tuple[float, float]
    end: tuple[float, float]
    role: str = "arrow"
    curve: float = 0.0
    linewidth: float = 1.2
    dashed: bool = False
    head: bool = True


@dataclass(frozen=True)
class Text:
    """A text at a point. ``$...$`` parts are matplotlib mathtext (symbols like $h_t$)."""

    x: float
    y: float
    text: str
    role: str = "text"
    size: float = 9.0
    ha: str = "center"
    va: str = "center"
    weight: str = "normal"
    rotation: float = 0.0
    family: str = "sans"  # "sans" or "mono" (for tuples and code)


@dataclass(frozen=True)
class Polygon:
    """A filled polygon (e.g. a face of the data cube)."""

    points: tuple[tuple[float, float], ...]
    role: str = "cell"
    value: float | None = None
    edge: str = "edge"
    linewidth: float = 0.6
    alpha: float = 1.0


Element = Box | Arrow | Text | Polygon


@dataclass
class Layout:
    """Everything a figure shows, in inches, plus the alt text that says it in words."""

    width: float
    height: float
    alt: str = ""
    value_limit: float = 1.0  # |values| mapped to the ends of the colormap
    elements: list[Element] = field(default_factory=list)
    # --- explorable figures (lstm_figures.exploring) ---
    #: Where each grid cell's state is drawn: (state, layer, direction, step, sample) ->
    #: Box, sample None when the box stands for the whole batch. Empty for figures that
    #: draw no cell of the trace. Read by the overlays of the explorable figures.
    cells: dict[tuple[str, int, int, int, int | None], Box] = field(default_factory=dict)

    def add(self, *elements: Element) -> None:
        self.elements.extend(elements)

    def of_type(self, kind: type) -> list:
        return [e for e in self.elements if isinstance(e, kind)]

    @property
    def texts(self) -> list[str]:
        """Every string shown: texts and box labels (what tests and glyph checks read)."""
        strings = [e.text for e in self.of_type(Text)]
        strings += [b.text for b in self.of_type(Box) if b.text]
        return strings


def elide(count: int, shown: int = 6) -> list[int | None]:
    """Indices to draw along an axis of ``count`` items, keeping the first and last.

    ``None`` marks the gap drawn as "⋯". At most ``shown`` slots are returned, so a
    long axis costs the same to draw as a short one.

    >>> elide(4)
    [0, 1, 2, 3]
    >>> elide(400)
    [0, 1, 2, None, 398, 399]
    """
    if count <= shown:
        return list(range(count))
    head = shown // 2
    tail = shown - head - 1
    return [*range(head), None, *range(count - tail, count)]
