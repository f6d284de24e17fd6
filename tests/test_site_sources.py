"""Checks on the site's sources that need no build: the front page, the gallery's cells."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GALLERY = REPO / "gallery"
# In reading order: the chapters are numbered across the gallery's sections.
EXAMPLES = sorted(GALLERY.rglob("plot_*.py"), key=lambda path: path.name)


def _reference(example: Path) -> str:
    """The label sphinx-gallery gives an example's page: ``sphx_glr_auto_examples_..._NAME.py``."""
    parts = example.relative_to(GALLERY).parts
    return "sphx_glr_auto_examples_" + "_".join(parts)


def _code_cells(example: Path) -> list[str]:
    """The code of each ``# %%`` cell (and of the first block), comments left out."""
    cells = re.split(r"^# %%.*$", example.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return [
        "\n".join(line for line in cell.splitlines() if not line.lstrip().startswith("#"))
        for cell in cells
    ]


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 13, [e.name for e in EXAMPLES]


def test_front_page_lists_every_chapter_in_order() -> None:
    """ "How to read it" names every gallery example, in the order of the gallery."""
    index = (REPO / "docs" / "index.rst").read_text(encoding="utf-8")
    section = index.split("How to read it", 1)[1]
    listed = re.findall(r":ref:`(sphx_glr_auto_examples_\w+\.py)`", section)
    expected = [_reference(e) for e in EXAMPLES]
    missing = [ref for ref in expected if ref not in listed]
    assert not missing, f"docs/index.rst does not list {missing}"
    in_order = [ref for ref in listed if ref in expected]
    assert in_order[: len(expected)] == expected


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_cells_that_draw_print_nothing(example: Path) -> None:
    """A printed line shows under the figure of its cell: print in a cell of its own."""
    for number, code in enumerate(_code_cells(example)):
        if re.search(r"\blf\.draw\(|\bplt\.", code):
            assert "print(" not in code, f"{example.name}: cell {number} prints and draws"
