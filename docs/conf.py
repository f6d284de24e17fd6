"""Sphinx configuration, shared by every language.

The build (``docs/build.py``, run by ``nox -s docs``) copies the sources into one tree per
language and runs Sphinx on each with ``-D language=...``; the language is therefore read
in a ``config-inited`` handler, after ``-D`` has been applied.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import lstm_figures

# The repository root: conf.py runs from a per-language copy under docs/_build/src/<lang>/,
# or from docs/ itself.
REPO = Path(os.environ.get("LSTM_FIGURES_REPO", Path(__file__).resolve().parent.parent))

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

# matplotlib only warns when a figure's text has a character its fonts lack, and publishes
# a box in its place; lstm_figures' own figures raise MissingGlyphError, and with this any
# other figure of an example fails the build too.
warnings.filterwarnings("error", message=r"Glyph \d+ .* missing from font", category=UserWarning)

project = "lstm-figures"
author = "the lstm-figures developers"
copyright = "2026, the lstm-figures developers"
language = "en"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_copybutton",
    "sphinx_gallery.gen_gallery",
    "untranslated",
    "theme_strings",
    "slice_warnings",  # lf.locate's warning sentences for the calculator's slice box
    "landmarks",
    "chapter_figure",
]

# gallery/ holds the examples' sources: sphinx-gallery reads them, Sphinx reads its output.
exclude_patterns = ["_build", "gallery", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
html_static_path = ["_static"]

# -- Output ------------------------------------------------------------------
html_theme = "furo"
html_title = "lstm-figures"
html_favicon = "_static/favicon.svg"
html_css_files = ["custom.css"]
html_js_files = ["focusable_code.js"]  # keyboard access to code blocks that scroll
# --- explorable figures: explore.js and explore.css ship inside the package (notebooks
# inline them too), and are served from there (the package in use, so that a copy of
# docs/ elsewhere finds them too; importing lstm_figures does not import torch).
html_static_path.append(str(Path(lstm_figures.__file__).parent / "static"))
html_css_files.append("explore.css")
html_js_files.append("explore.js")
html_last_updated_fmt = None  # no build dates in pages: same sources, same bytes
html_copy_source = False
html_show_sourcelink = False
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/languages.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/scroll-end.html",
    ]
}
# No "view/edit this page" buttons: gallery pages are generated, so their links would
# point at files that are not in the repository.
html_theme_options = {"top_of_page_buttons": []}

# -- Languages ---------------------------------------------------------------
# locale/: the pages' catalogues, updated by `nox -s i18n`. locale_theme/: Furo's interface
# strings (Furo ships no Chinese), kept by hand since Sphinx cannot extract them. Relative to
# the source copy (docs/build.py), where Sphinx also writes the compiled .mo files.
locale_dirs = ["locale", "locale_theme"]
gettext_compact = False
gettext_uuid = False
gettext_location = False  # no file paths or line numbers in catalogues: smaller diffs
# Thumbnail titles in the gallery index are raw HTML.
gettext_additional_targets = ["raw"]
#: Language codes of the site, and their names in their own language.
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
html_context = {"site_languages": LANGUAGES}

# -- Extensions --------------------------------------------------------------
autodoc_typehints = "none"  # numpydoc renders the types from the docstrings
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
intersphinx_mapping = {}  # no network: nothing is fetched at build time
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True

sphinx_gallery_conf = {
    "examples_dirs": "gallery",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    # gallery/beyond/ is a section of the one gallery page, not a page of its own: the sidebar
    # shows "Beyond the basics" once, beside "Tutorial", and every card appears once.
    "nested_sections": False,
    "image_scrapers": ("lstm_figures.gallery_scraper.scrape",),
    # Before each example: matplotlib's defaults back, and a frozen heap for the gc.collect()
    # that sphinx-gallery runs next (docs/_ext/gallery_heap.py).
    "reset_modules": ("matplotlib", "gallery_heap.freeze"),
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "remove_config_comments": True,
    "download_all_examples": False,
    # Timings differ from build to build: hide them everywhere.
    "min_reported_time": float("inf"),
    "write_computation_times": False,
    "show_memory": False,
    "show_signature": False,
    "backreferences_dir": None,
    "capture_repr": (),
    # Only the gallery's own style sheet: no Binder buttons, data frames or HTML output here,
    # and each further sheet would hold up the first paint of every page.
    "css": ("sg_gallery",),
}


def _set_language(app, config) -> None:
    """Figures drawn while this build runs its examples use the build's language."""
    from lstm_figures import set_default_language

    set_default_language(config.language or "en")
    if config.language == "zh_CN":
        config.copyright = "2026，lstm-figures 开发者"
        _quiet_jieba(app)
        # Chinese search splits pages into words with jieba; teaching it the glossary's terms
        # keeps e.g. 隐藏状态 one searchable word.
        # (The copy in the repository, not the build's: the path is part of the config hash
        # in html/.buildinfo, which must not depend on the build folder.)
        config.html_search_options = {"dict": str(REPO / "docs" / "search_terms_zh.txt")}


def _quiet_jieba(app) -> None:
    """jieba logs to stderr and caches in /tmp by default: keep it quiet and in _build."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.tmp_dir = str(Path(app.doctreedir).parent)


def _chinese_search(app) -> None:
    """Sphinx's Chinese search, with its stemmer named right and jieba's dictionary lazy.

    Sphinx 9.0's Chinese search ships the English stemmer but calls it ChineseStemmer: its
    language_data.js then ends in ``window.Stemmer = ChineseStemmer;``, a ReferenceError that
    leaves the search page finding nothing. And it loads jieba's dictionary (~1 s) as soon as
    a build starts writing, even when no page is written: wait until a page is indexed.
    """
    from sphinx.search.zh import JIEBA_DEFAULT_DICT, SearchChinese, jieba_load_userdict

    class LazySearchChinese(SearchChinese):
        def __init__(self, options: dict[str, str]) -> None:
            self.user_dict = options.get("dict", JIEBA_DEFAULT_DICT)
            super().__init__({**options, "dict": ""})  # "": load nothing yet

        def split(self, input: str) -> list[str]:
            if self.user_dict:
                if Path(self.user_dict).is_file():
                    jieba_load_userdict(self.user_dict)
                self.user_dict = ""
            return super().split(input)

    if SearchChinese.js_stemmer_rawcode == "english-stemmer.js":
        # A Sphinx that ships its own Chinese stemmer code needs no renaming.
        LazySearchChinese.language_name = "English"  # -> window.Stemmer = EnglishStemmer;
    app.add_search_language(LazySearchChinese)


def setup(app):
    from lstm_figures.gallery_scraper import dark_thumbnails, reduce_colours, show_dark_thumbnails

    app.connect("config-inited", _set_language)
    # Once sphinx-gallery (priority 500) has run the examples: thumbnails for dark pages,
    # then all images in 256 colours (pages a third lighter).
    app.connect("builder-inited", dark_thumbnails, priority=550)
    app.connect("builder-inited", reduce_colours, priority=600)
    app.connect("source-read", show_dark_thumbnails)
    _chinese_search(app)
