"""Fail a translated build on any message the catalogues do not translate.

Sphinx leaves an untranslated message in English without a word; with this extension each
one is a warning (an error under ``-W``) that names the message, so an English sentence
never slips into another language's pages. A message translated as itself (a code name,
say) counts as translated when the catalogue has it. Each warning points at the line of the
``.po`` file to edit (in ``docs/locale/``), not at the generated page the build reads.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

logger = logging.getLogger(__name__)


def catalogue_messages(transform: SphinxTransform) -> dict[str, str] | None:
    """msgid -> msgstr of the current document's catalogue (fuzzy entries are not in it)."""
    domain = docname_to_domain(
        transform.env.current_document.docname, transform.config.gettext_compact
    )
    dirs = [transform.env.srcdir / directory for directory in transform.config.locale_dirs]
    catalog, has_catalog = init_locale(dirs, transform.config.language, domain)
    if not has_catalog:
        return None
    merged: dict[str, str] = {}
    while catalog is not None:
        merged = {**getattr(catalog, "_catalog", {}), **merged}
        catalog = catalog._fallback
    return merged


@functools.cache
def _catalogue_lines(po: Path, mtime: float) -> dict[str, tuple[int, bool]]:
    """msgid -> (line of its msgid, fuzzy?) in ``po`` (``mtime`` renews the cache)."""
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        return {m.id: (m.lineno, m.fuzzy) for m in read_po(f) if m.id}


def catalogue_location(transform: SphinxTransform, message: str) -> tuple[str, int | None, str]:
    """Where to translate ``message``: (.po file in the repository, its line, what to do)."""
    srcdir = Path(transform.env.srcdir)
    domain = docname_to_domain(
        transform.env.current_document.docname, transform.config.gettext_compact
    )
    # docs/build.py builds a copy of docs/ (catalogues included); name the original.
    docs = (
        Path(os.environ["LSTM_FIGURES_REPO"]) / "docs"
        if "LSTM_FIGURES_REPO" in os.environ
        else srcdir
    )
    for directory in transform.config.locale_dirs:
        po = srcdir / directory / transform.config.language / "LC_MESSAGES" / f"{domain}.po"
        if po.is_file():
            lines = _catalogue_lines(po, po.stat().st_mtime)
            original = str(docs / po.relative_to(srcdir))
            if message in lines:
                line, fuzzy = lines[message]
                return (
                    original,
                    line,
                    "check the guess, then delete '#, fuzzy'" if fuzzy else "fill in its msgstr",
                )
            return original, None, "not in this catalogue: run `nox -s i18n`"
    return (
        str(srcdir / transform.config.locale_dirs[0]),
        None,
        f"no catalogue {domain}.po: run `nox -s i18n`",
    )


class ReportUntranslated(SphinxTransform):
    """Warn about every translatable message left in the source language."""

    default_priority = 26  # after sphinx.transforms.i18n.Locale (20) marked the nodes

    def apply(self, **kwargs: Any) -> None:
        if self.config.language in (None, "en") or self.app.builder.name == "gettext":
            return
        merged = catalogue_messages(self) or {}
        docname = self.env.current_document.docname
        translate_alt = "image" in self.config.gettext_additional_targets
        for node, message in extract_messages(self.document):
            if node.get("translated") or merged.get(message, "").strip():
                continue
            if isinstance(node, nodes.image) and not translate_alt:
                # Sphinx does not translate alt text here: our figures write theirs in the
                # page's language when the examples run.
                continue
            if isinstance(node, nodes.Element) and not node.get("translated", True):
                po, line, todo = catalogue_location(self, message)
                logger.warning(
                    "untranslated message in %s (%s): %r",
                    docname,
                    todo,
                    message[:80],
                    # "path:line" as it is: a (name, line) pair would be read as a page.
                    location=f"{po}:{line or 1}",
                    type="i18n",
                    subtype="untranslated",
                )


def setup(app) -> dict[str, Any]:
    app.add_transform(ReportUntranslated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
