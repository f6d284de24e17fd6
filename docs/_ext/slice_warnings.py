"""The ``slice-warnings`` directive: lf.locate's warning templates, for the slice box.

The shape calculator's slice box (``docs/_static/slice_box.js``) shows the same warnings as
:func:`lstm_figures.locate`. Their sentences live in one place, the figure catalogue
(:data:`lstm_figures.labels.CATALOGUE`, keys ``locate_warn_*``); this directive writes them, in
the build's language, into the page as a JSON ``<script type="application/json">``, so that
they are never retyped in the pages or their ``.po`` files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

#: The catalogue keys the slice box needs.
PREFIX = "locate_warn_"


def templates(lang: str) -> dict[str, str]:
    """The ``locate_warn_*`` templates of ``lang`` (English where the catalogue lacks it)."""
    from lstm_figures.labels import CATALOGUE

    entries = CATALOGUE.get(lang, CATALOGUE["en"])
    return {key: text for key, text in sorted(entries.items()) if key.startswith(PREFIX)}


def script(lang: str) -> str:
    """The templates as a JSON script element; <, > and & escaped so nothing ends it early."""
    text = json.dumps(templates(lang), ensure_ascii=False, sort_keys=True)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/json" id="slice-warnings">{text}</script>'


class slice_warnings(nodes.General, nodes.Element):
    """Where the templates go. Not a raw node: raw nodes are messages of the page's
    catalogue here (``gettext_additional_targets``), and these are translated already."""


class SliceWarnings(SphinxDirective):
    """``.. slice-warnings::`` — the warning templates for the page's language."""

    def run(self) -> list[nodes.Node]:
        import lstm_figures.labels

        # The sentences live in the catalogue's files (lstm_figures/catalogue/<lang>.json).
        package = Path(lstm_figures.labels.__file__).parent
        for path in sorted([package / "labels.py", *package.glob("catalogue/*.json")]):
            self.env.note_dependency(str(path))
        return [slice_warnings(lang=self.config.language or "en")]


def _visit_html(translator, node: slice_warnings) -> None:
    translator.body.append(script(node["lang"]))
    raise nodes.SkipNode


def _skip(translator, node: slice_warnings) -> None:
    raise nodes.SkipNode


def setup(app) -> dict[str, Any]:
    app.add_node(
        slice_warnings,
        html=(_visit_html, None),
        latex=(_skip, None),
        text=(_skip, None),
        man=(_skip, None),
        texinfo=(_skip, None),
    )
    app.add_directive("slice-warnings", SliceWarnings)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
