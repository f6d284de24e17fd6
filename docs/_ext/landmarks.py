"""Name Furo's two sidebars, so that screen readers (and axe) can tell them apart.

Furo writes the site navigation and the page's table of contents as two ``<aside>``
elements without a name; two landmarks of the same kind need one each (axe's
``landmark-unique``). Like ``theme_strings``, this rewrites Furo's template text as it is
loaded, adding an ``aria-label`` looked up in the catalogues; no script is involved.
"""

from __future__ import annotations

from typing import Any

from jinja2.ext import Extension

#: Furo's opening tag -> the same tag with its name (furo/theme/furo/page.html).
LABELLED = {
    '<aside class="sidebar-drawer">': (
        '<aside class="sidebar-drawer" aria-label="{{ _("Site navigation") }}">'
    ),
    '<aside class="toc-drawer': '<aside aria-label="{{ _("On this page") }}" class="toc-drawer',
}


class LabelAsides(Extension):
    """A Jinja extension that adds the labels before Furo's page template compiles."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if not (filename or "").replace("\\", "/").endswith("/furo/page.html"):
            return source
        for tag, labelled in LABELLED.items():
            if tag not in source:  # a Furo that changed its page: fail, don't go unlabelled
                raise ValueError(f"landmarks: {tag!r} not found in Furo's {name}")
            source = source.replace(tag, labelled)
        return source


def _install(app) -> None:
    if hasattr(app.builder, "templates"):
        app.builder.templates.environment.add_extension(LabelAsides)


def setup(app) -> dict[str, Any]:
    app.connect("builder-inited", _install)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
