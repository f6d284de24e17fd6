"""A sphinx-gallery image scraper that saves every figure in a light and a dark variant.

Used by the docs' ``conf.py`` (``"image_scrapers": ("lstm_figures.gallery_scraper.scrape",)``).
A figure from :func:`lstm_figures.draw` is drawn again in the other theme from the same
trace; Furo shows the ``only-light`` or the ``only-dark`` image to match the page. Other
matplotlib figures (plots an example makes itself) are saved as they are for light pages,
then recoloured with the dark theme's background and text colours for dark pages. Importing
this module is cheap: torch and matplotlib are imported only when an example has run.

:func:`reduce_colours` then stores every image sphinx-gallery wrote (figures and thumbnails)
as a 256-colour palette PNG, about a third of the bytes.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

IMAGE = """
.. image:: /{path}
   :alt: {alt}
   :class: {classes}
"""


def _rst_path(image: Path, src_dir: str) -> str:
    return PurePosixPath(image.relative_to(Path(src_dir)).as_posix()).as_posix()


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
        # The light image goes first (it makes the thumbnail).
        for theme in sorted(THEMES, key=lambda name: name != "light"):
            path = first if theme == "light" else first.with_name(f"{first.stem}_{theme}.png")
            if spec is None:
                if theme != "light":
                    recolour(fig, get_theme(theme))
                save(fig, path)
            elif theme == spec["theme"]:
                save(fig, path)
            else:  # drawn again from the same trace, so both show the same numbers
                variant = draw(spec["name"], spec["trace"], lang=spec["lang"], theme=theme)
                save(variant, path)
                plt.close(variant)
            rst.append(
                IMAGE.format(
                    path=_rst_path(path, gallery_conf["src_dir"]),
                    alt=alt,
                    # lstm-figure: drawn by the package (so in the page's language)
                    classes=f"sphx-glr-single-img{'' if spec is None else ' lstm-figure'}"
                    f" only-{theme}",
                )
            )
    plt.close("all")
    return "".join(rst)


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

    conf = app.config.sphinx_gallery_conf
    gallery_dirs = conf["gallery_dirs"]
    for gallery in [gallery_dirs] if isinstance(gallery_dirs, str) else gallery_dirs:
        for path in sorted((Path(app.srcdir) / gallery).rglob("images/**/*.png")):
            with Image.open(path) as image:
                if image.mode == "P":
                    continue
                image.load()
            if image.mode == "RGBA" and image.getextrema()[3] == (255, 255):
                image = image.convert("RGB")  # opaque: no transparency table needed
            # Fast octree: deterministic, and ~10 ms a figure where median cut takes ~50 ms.
            quantize = {"method": Image.Quantize.FASTOCTREE, "dither": Image.Dither.NONE}
            image.quantize(256, **quantize).save(path)
