"""Translate the interface words Furo writes as plain English in its templates.

Furo passes most of its words through ``_()``, but a few labels (the aria-labels of its
toggles, the titles of its icons, the label of each navigation expander) are literal text.
This extension rewrites those literals into ``_()`` calls as the templates are loaded, so
they are looked up in the catalogues like every other interface string
(``docs/locale_theme/<lang>/LC_MESSAGES/sphinx.po``).
"""

from __future__ import annotations

import re
from typing import Any

from jinja2.ext import Extension
from sphinx.locale import _

#: Furo's literal interface strings (furo/theme/furo/page.html and partials/icons.html).
LITERALS = (
    "Toggle site navigation sidebar",
    "Toggle table of contents sidebar",
    "Toggle Light / Dark / Auto color theme",
    "Contents",
    "Menu",
    "Expand",
    "Light mode",
    "Dark mode",
    "Auto light/dark, in light mode",
    "Auto light/dark, in dark mode",
)
_ATTRIBUTE = re.compile(r'(aria-label)="(' + "|".join(map(re.escape, LITERALS)) + r')"')
_TITLE = re.compile(r"<title>(" + "|".join(map(re.escape, LITERALS)) + r")</title>")


class TranslateLiterals(Extension):
    """A Jinja extension that wraps the literals in ``_()`` before a template compiles."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if "furo" not in (filename or ""):
            return source
        source = _ATTRIBUTE.sub(r'\1="{{ _("\2") }}"', source)
        return _TITLE.sub(r'<title>{{ _("\1") }}</title>', source)


def _navigation_labels(app, pagename, templatename, context, doctree) -> None:
    """Furo builds the navigation tree in Python with an English label on each expander."""
    tree = context.get("furo_navigation_tree")
    if tree and app.config.language != "en":
        context["furo_navigation_tree"] = re.sub(
            r'aria-label="Toggle navigation of ([^"]*)"',
            lambda m: f'aria-label="{_("Toggle navigation of %(title)s") % {"title": m[1]}}"',
            tree,
        )


def _install(app) -> None:
    if hasattr(app.builder, "templates"):
        app.builder.templates.environment.add_extension(TranslateLiterals)


def setup(app) -> dict[str, Any]:
    app.connect("builder-inited", _install)
    # After Furo's own handler has put the navigation tree in the context.
    app.connect("html-page-context", _navigation_labels, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
