"""``.. chapter-figure::``: show a gallery chapter's figure on another page.

    .. chapter-figure:: plot_06_state_locations
       :number: 1

       A caption, one paragraph of inline reST (translated like any caption).

The figure is the one sphinx-gallery drew when it ran the chapter in this build: the same
light and dark images, with the alt text the package wrote in the page's language. Nothing is
drawn twice and nothing is imported, so a rebuild with no change stays as fast as before; the
page is read again whenever the chapter's generated page changes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective


def image_blocks(rst: str, example: str, number: int) -> list[str]:
    """The ``.. image::`` blocks (light, then dark) of image ``number`` in a chapter's reST."""
    name = re.escape(f"sphx_glr_{example}_{number:03}")
    block = re.compile(
        rf"^(?P<indent> *)\.\. image:: /\S+/images/{name}(?:_dark)?\.png\n"
        r"(?:(?P=indent) +:\w+:[^\n]*\n)+",
        re.MULTILINE,
    )
    return [_dedent(match[0], len(match["indent"])) for match in block.finditer(rst)]


def _dedent(text: str, width: int) -> str:
    return "".join(line[width:] + "\n" for line in text.splitlines())


class ChapterFigure(SphinxDirective):
    """Show image ``:number:`` of a gallery example, with the directive's content as caption."""

    required_arguments = 1  # the example's file name without .py, e.g. plot_06_state_locations
    option_spec: ClassVar[dict] = {"number": directives.positive_int}
    has_content = True

    def run(self) -> list[nodes.Node]:
        figure = nodes.figure(classes=["chapter-figure"])
        # Extracting messages runs no example (plot_gallery=0): there is only the caption.
        if self.env.app.builder.name != "gettext":
            figure += self.parse_text_to_nodes("\n".join(self._image_blocks()))
        if self.content:
            text = " ".join(line.strip() for line in self.content)
            inline, messages = self.parse_inline(text, lineno=self.content_offset + 1)
            caption = nodes.caption(text, "", *inline)
            # A caption without a source is not offered for translation.
            caption.source, caption.line = self.get_source_info()
            figure += caption
            figure += messages
        return [figure]

    def _image_blocks(self) -> list[str]:
        example, number = self.arguments[0], self.options.get("number", 1)
        gallery = Path(self.env.srcdir) / self.config.sphinx_gallery_conf["gallery_dirs"]
        pages = sorted(gallery.rglob(f"{example}.rst"))
        if len(pages) != 1:
            raise ExtensionError(f"chapter-figure: no generated page {example}.rst in {gallery}")
        self.env.note_dependency(str(pages[0]))
        blocks = image_blocks(pages[0].read_text(encoding="utf-8"), example, number)
        if not blocks:
            raise ExtensionError(f"chapter-figure: {pages[0].name} has no image {number}")
        return blocks


def setup(app):
    app.add_directive("chapter-figure", ChapterFigure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
