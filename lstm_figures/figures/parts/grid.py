"""Where the cells of the layer × time grid sit (stacked, bidirectional, state_locations, ...).

Columns are time steps, bands are layers (bottom to top), and a band holds one row per
direction drawn. Long axes are elided with :func:`~lstm_figures.layout.elide`, so the
grid of T = 400 steps and many layers costs the same to draw as a small one. This module is
geometry only: the arrows between cells are in :mod:`.grid_links`, the names beside the rows
in :mod:`.grid_margins`.
"""

from __future__ import annotations

from dataclasses import dataclass

from lstm_figures.layout import Box, elide
from lstm_figures.tracing import Trace

#: Columns drawn along time: every step up to this many, else t = 0, 1, ⋯, T - 1.
TIME_SLOTS = 5
#: Layer bands drawn (the bottom and top layers are always kept).
LAYER_SLOTS = 4

_GAP_SAVING = 0.45  # how much lower the "⋮" band is than a band of cells (a fraction)
BAR_H = 0.13  # height of a concatenation bar
STUB = 0.34  #: length of the arrows entering and leaving a row


@dataclass(frozen=True)
class Grid:
    """Where every cell of the grid sits, in inches.

    Attributes
    ----------
    steps : tuple
        The time step drawn in each column; ``None`` is the "⋯" column.
    layers : tuple
        The layer drawn in each band, bottom to top; ``None`` is the "⋮" band.
    directions : int
        Rows per band: 2 draws a forward and a backward row, staggered sideways so the
        arrows feeding one row pass beside the other's boxes.
    left : float
        Centre of the first column.
    pitch : float
        Distance between column centres.
    base : float
        Centre of the lowest row of the lowest band.
    band : float
        Distance between the lowest rows of two neighbouring bands.
    row_pitch : float
        Distance between the forward and backward rows of a band.
    cell_w, cell_h : float
        Size of one cell.
    stagger : float
        Sideways shift of each direction's boxes from the column centre (0 for one row).
    """

    steps: tuple[int | None, ...]
    layers: tuple[int | None, ...]
    directions: int
    left: float
    pitch: float
    base: float
    band: float
    row_pitch: float
    cell_w: float
    cell_h: float
    stagger: float = 0.0

    def centre(self, slot: int) -> float:
        """Centre x of a column."""
        return self.left + self.pitch * slot

    def x(self, slot: int, direction: int = 0) -> float:
        """Centre x of a cell (``direction`` 0 sits left of 1 when both are drawn)."""
        shift = self.stagger * (2 * direction - 1) if self.directions == 2 else 0.0
        return self.centre(slot) + shift

    def y(self, band: int, direction: int = 0) -> float:
        """Centre y of a row (the backward row is above the forward one).

        The "⋮" band holds no cells, so it is lower than the others.
        """
        gaps_below = self.layers[:band].count(None)
        position = band - _GAP_SAVING * gaps_below
        return self.base + self.band * position + self.row_pitch * direction

    def gap_y(self, band: int) -> float:
        """Centre of the "⋮" band ``band``, between its neighbours."""
        return (self.band_top(band - 1) + self.band_bottom(band + 1)) / 2

    def box(self, band: int, direction: int, slot: int, **style) -> Box:
        """The cell of one (layer band, direction, column)."""
        return Box(
            self.x(slot, direction) - self.cell_w / 2,
            self.y(band, direction) - self.cell_h / 2,
            self.cell_w,
            self.cell_h,
            **style,
        )

    def band_top(self, band: int) -> float:
        """Top edge of a band's highest row."""
        return self.y(band, self.directions - 1) + self.cell_h / 2

    def band_bottom(self, band: int) -> float:
        """Bottom edge of a band's lowest row."""
        return self.y(band) - self.cell_h / 2

    @property
    def span(self) -> tuple[float, float]:
        """Left edge of the first column and right edge of the last (all directions)."""
        half = self.cell_w / 2 + (self.stagger if self.directions == 2 else 0.0)
        return self.left - half, self.centre(len(self.steps) - 1) + half

    def columns(self) -> list[tuple[int, int]]:
        """(column, time step) of every drawn column, the "⋯" column left out."""
        return [(slot, t) for slot, t in enumerate(self.steps) if t is not None]

    def bands(self) -> list[tuple[int, int]]:
        """(band, layer) of every drawn band, the "⋮" band left out."""
        return [(band, layer) for band, layer in enumerate(self.layers) if layer is not None]


def grid_axes(tr: Trace) -> tuple[tuple[int | None, ...], tuple[int | None, ...]]:
    """The elided time steps and layers of a trace."""
    # An elided axis shows one step fewer: the "⋯" column takes the room of a step.
    shown = TIME_SLOTS if tr.seq_len <= TIME_SLOTS else TIME_SLOTS - 1
    return tuple(elide(tr.seq_len, shown)), tuple(elide(tr.num_layers, LAYER_SLOTS))


def cell_grid(tr: Trace, margin: float, base: float) -> Grid:
    """The grid of plain cells used by the bidirectional and state_locations figures.

    ``margin`` is where the arrows bringing the initial states start, on the left;
    ``base`` the height of the lowest row. One row per direction; with two, the rows are
    staggered so the arrows feeding one row pass beside the other row's boxes.
    """
    steps, layers = grid_axes(tr)
    two = tr.num_directions == 2
    cell_w, cell_h, stagger = cell_shape(tr.num_directions)
    row_pitch = 0.5 if two else 0.0
    return Grid(
        steps=steps,
        layers=layers,
        directions=tr.num_directions,
        left=margin + STUB + stagger + cell_w / 2,
        pitch=1.0,
        base=base,
        band=row_pitch + cell_h + (0.62 if two else 0.5),
        row_pitch=row_pitch,
        cell_w=cell_w,
        cell_h=cell_h,
        stagger=stagger,
    )


def cell_shape(directions: int) -> tuple[float, float, float]:
    """Width, height and sideways stagger of a :func:`cell_grid` cell.

    Two directions share a column, so their cells are narrower and staggered.
    """
    return (0.38, 0.28, 0.25) if directions == 2 else (0.55, 0.28, 0.0)


def link_y(grid: Grid, band: int) -> float:
    """Height of the concatenation bar (or the arrows) between ``band`` and the band above."""
    return (grid.band_top(band) + grid.band_bottom(band + 1)) / 2
