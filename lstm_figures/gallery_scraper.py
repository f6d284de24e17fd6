"""A sphinx-gallery image scraper that saves every figure in a light and a dark variant.

Used by the docs' ``conf.py`` (``"image_scrapers": ("lstm_figures.gallery_scraper.scrape",)``).
A figure from :func:`lstm_figures.draw` is drawn again in the other theme from the same
trace; Furo shows the ``only-light`` or the ``only-dark`` image to match the page. Other
matplotlib figures (plots an example makes itself) are saved as they are for light pages,
then recoloured with the dark theme's background and text colours for dark pages. Importing
this module is cheap: torch and matplotlib are imported only when an example has run.

:func:`dark_thumbnails` makes each example's thumbnail again from its dark image, and
:func:`show_dark_thumbnails` puts it on the gallery's index pages for dark pages.
:func:`reduce_colours` then stores every image sphinx-gallery wrote (figures and thumbnails)
as a 256-colour palette PNG, about a third of the bytes.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

IMAGE = """
.. image:: /{path}
   :alt: {alt}
   :class: {classes}
   :loading: {loading}
"""
# Browsers fetch an image hidden with display: none unless it is loaded lazily: the dark
# variants are, so a light page (the default) does not download them. The light ones are
# not, so the first figure of a page is not held up.
LOADING = {"light": "link", "dark": "lazy"}


def _rst_path(image: Path, src_dir: str) -> str:
    return PurePosixPath(image.relative_to(Path(src_dir)).as_posix()).as_posix()


def themed(path, theme: str):
    """Where the ``theme`` variant of the light image ``path`` goes: ``NAME_dark.png``."""
    return path if theme == "light" else path.with_name(f"{path.stem}_{theme}{path.suffix}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def scrape(block, block_vars, gallery_conf, **kwargs) -> str:
    """Save the figures a code block left open; return the reST that shows them."""
    import matplotlib.pyplot as plt

    from lstm_figures.figures import draw
    from lstm_figures.saving import save
    from lstm_figures.themes import THEMES, get_theme

    rst = []
    paths = block_vars["image_path_iterator"]
    for number, image_path in zip(plt.get_fignums(), paths, strict=False):
        fig = plt.figure(number)
        first = Path(image_path)  # sphinx-gallery makes its thumbnail from this one
        spec = getattr(fig, "lstm_figures", None)
        if spec is None:  # a plot the example made with matplotlib itself
            alt = fig.get_label() or _one_line(fig.texts[0].get_text() if fig.texts else "")
        else:
            alt = _one_line(spec["alt"])
        images = []
        # The light image goes first (it makes the thumbnail).
        for theme in sorted(THEMES, key=lambda name: name != "light"):
            path = themed(first, theme)
            if spec is None:
                if theme != "light":
                    recolour(fig, get_theme(theme))
                save(fig, path)
            elif theme == spec["theme"]:
                save(fig, path)
            else:  # drawn again from the same trace, so both show the same numbers
                variant = draw(
                    spec["name"],
                    spec["trace"],
                    lang=spec["lang"],
                    theme=theme,
                    **spec.get("options", {}),
                )
                save(variant, path)
                plt.close(variant)
            images.append(
                IMAGE.format(
                    path=_rst_path(path, gallery_conf["src_dir"]),
                    alt=alt,
                    # lstm-figure: drawn by the package (so in the page's language)
                    classes=f"sphx-glr-single-img{'' if spec is None else ' lstm-figure'}"
                    f" only-{theme}",
                    loading=LOADING[theme],
                )
            )
        rst += explorable(spec, images)
    plt.close("all")
    return "".join(rst)


# --- explorable figures (lstm_figures.exploring) ---
# The mark tells docs/_ext/untranslated.py that a raw block is written in the page's
# language already (gettext_additional_targets makes raw blocks into messages).
EXPLORE_MARK = "<!-- lf-explore -->"
RAW_HTML = "\n.. raw:: html\n\n   " + EXPLORE_MARK + "{html}\n"


def explorable(spec: dict | None, images: list[str]) -> list[str]:
    """The reST of a figure's images, wrapped in an explorable figure if it is one.

    Its overlay and readouts are computed here, from the figure's own trace, in the page's
    language; explore.js shows them. Without JavaScript the images stay as they are.
    """
    from lstm_figures.exploring import EXPLORABLE

    if spec is None or spec["name"] not in EXPLORABLE:
        return images
    from lstm_figures.exploring import parts
    from lstm_figures.figures import build

    layout = build(spec["name"], spec["trace"], spec["lang"], **spec.get("options", {}))
    if not layout.cells:
        return images
    before, after = parts(spec["trace"], layout, spec["name"], spec["lang"])
    return [RAW_HTML.format(html=before), *images, RAW_HTML.format(html=after)]


def recolour(fig, theme) -> None:
    """Give a plain matplotlib figure ``theme``'s background, text and axis colours.

    For plots an example makes with matplotlib itself, which know nothing of themes. Text
    and axes drawn in matplotlib's default colours take the theme's; data keeps its own.
    """
    from matplotlib import rcParams
    from matplotlib.colors import same_color
    from matplotlib.text import Text

    fig.set_facecolor(theme.background)
    for text in fig.findobj(Text):
        if same_color(text.get_color(), rcParams["text.color"]):
            text.set_color(theme.text)
    for ax in fig.axes:
        ax.set_facecolor(theme.background)
        ax.tick_params(which="both", colors=theme.edge, labelcolor=theme.text)
        for spine in ax.spines.values():
            spine.set_edgecolor(theme.edge)
        legend = ax.get_legend()
        if legend is not None:
            legend.get_frame().set_facecolor(theme.background)
            legend.get_frame().set_edgecolor(theme.muted)


def _galleries(app):
    """Each (examples folder, gallery folder) pair of the build, as absolute paths."""
    conf = app.config.sphinx_gallery_conf
    examples, galleries = conf["examples_dirs"], conf["gallery_dirs"]
    examples = [examples] if isinstance(examples, str) else examples
    galleries = [galleries] if isinstance(galleries, str) else galleries
    src = Path(app.srcdir)
    return [(src / e, src / g) for e, g in zip(examples, galleries, strict=True)]


def dark_thumbnails(app) -> None:
    """Make ``sphx_glr_NAME_thumb_dark.png`` beside each thumbnail (a Sphinx event handler).

    sphinx-gallery makes each example's thumbnail from one of its light images (the first,
    or ``sphinx_gallery_thumbnail_number``); this makes the same from its dark twin, the
    same size. Connect it to ``builder-inited`` after sphinx-gallery (priority 500) and
    before :func:`reduce_colours`: a light thumbnail that is not yet a palette image was
    made in this build, and only then is its dark twin made again.
    """
    import tempfile

    from PIL import Image
    from sphinx_gallery.py_source_parser import extract_file_config
    from sphinx_gallery.utils import scale_image

    width, height = app.config.sphinx_gallery_conf["thumbnail_size"]
    for examples, gallery in _galleries(app):
        for source in sorted(examples.rglob("*.py")):
            images = gallery / source.parent.relative_to(examples) / "images"
            light = images / "thumb" / f"sphx_glr_{source.stem}_thumb.png"
            dark = themed(light, "dark")
            if not light.is_file():
                continue
            if dark.is_file():
                with Image.open(light) as image:
                    if image.mode == "P":  # reduced in an earlier build: not made again
                        continue
            number = extract_file_config(source.read_text(encoding="utf-8")).get(
                "thumbnail_number", 1
            )
            dark_image = themed(images / f"sphx_glr_{source.stem}_{number:03}.png", "dark")
            if not dark_image.is_file():  # a thumbnail from an image with no dark twin
                continue
            with tempfile.TemporaryDirectory() as work:
                # Palette images (see reduce_colours) would be shrunk without smoothing.
                full_colour = Path(work) / "dark.png"
                with Image.open(dark_image) as image:  # a scratch file: fast, not small
                    image.convert("RGB").save(full_colour, compress_level=1)
                scale_image(full_colour, dark, width, height)


_THUMBNAIL = re.compile(
    r"^(?P<indent> *)\.\. image:: (?P<path>/\S+/images/thumb/sphx_glr_\S+_thumb\.png)\n"
    r"(?P=indent)  :alt:[^\n]*\n",
    re.MULTILINE,
)


def with_dark_thumbnails(rst: str, exists) -> str:
    """``rst`` with each thumbnail shown on light pages only, and its dark twin on dark ones.

    ``exists(path)`` tells whether an image (a path from the source folder, as written in
    the reST) is there; thumbnails without a dark twin are left as they are.
    """

    def pair(match: re.Match) -> str:
        indent, light = match["indent"], PurePosixPath(match["path"])
        if not exists(str(themed(light, "dark"))):
            return match[0]
        return "\n".join(
            f"{indent}.. image:: {themed(light, theme)}\n{indent}  :alt:\n"
            f"{indent}  :class: only-{theme}\n{indent}  :loading: {LOADING[theme]}\n"
            for theme in ("light", "dark")
        )

    return _THUMBNAIL.sub(pair, rst)


def show_dark_thumbnails(app, docname: str, source: list[str]) -> None:
    """Show the dark thumbnails on the gallery's index pages (a ``source-read`` handler).

    The page is changed as Sphinx reads it, not in the file sphinx-gallery wrote: a rebuild
    that changes nothing still reads nothing again.
    """
    src = Path(app.srcdir)
    galleries = [gallery.relative_to(src).as_posix() for _, gallery in _galleries(app)]
    if docname.endswith("index") and docname.startswith(tuple(galleries)):
        source[0] = with_dark_thumbnails(source[0], lambda path: (src / path.lstrip("/")).is_file())


def reduce_colours(app) -> None:
    """Rewrite the gallery's PNG images with at most 256 colours (a Sphinx event handler).

    Connect it to ``builder-inited`` after sphinx-gallery (whose handler has the default
    priority 500), so it runs once the examples have run and before Sphinx copies the
    images. The figures' flat colours come through; only the shades of antialiased edges
    merge. Thumbnails are made from full-colour images first: Pillow shrinks palette images
    without smoothing. Images already reduced are left alone, so a rebuild that ran no
    example rewrites nothing.
    """
    from PIL import Image

    for _, gallery in _galleries(app):
        for path in sorted(gallery.rglob("images/**/*.png")):
            with Image.open(path) as image:
                if image.mode == "P":
                    continue
                image.load()
            if image.mode == "RGBA" and image.getextrema()[3] == (255, 255):
                image = image.convert("RGB")  # opaque: no transparency table needed
            # Fast octree: deterministic, and ~10 ms a figure where median cut takes ~50 ms.
            quantize = {"method": Image.Quantize.FASTOCTREE, "dither": Image.Dither.NONE}
            image.quantize(256, **quantize).save(path)
