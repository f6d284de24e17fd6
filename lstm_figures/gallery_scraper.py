"""A sphinx-gallery image scraper that saves every figure in a light and a dark variant.

Used by the docs' ``conf.py`` (``"image_scrapers": ("lstm_figures.gallery_scraper.scrape",)``).
A figure from :func:`lstm_figures.draw` is drawn again in the other theme from the same
trace; Furo shows the ``only-light`` or the ``only-dark`` image to match the page. Other
matplotlib figures are saved once, on a light background. Importing this module is cheap:
torch and matplotlib are imported only when an example has run.

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
    from lstm_figures.themes import THEMES

    rst = []
    paths = block_vars["image_path_iterator"]
    for number, image_path in zip(plt.get_fignums(), paths, strict=False):
        fig = plt.figure(number)
        first = Path(image_path)  # sphinx-gallery makes its thumbnail from this one
        spec = getattr(fig, "lstm_figures", None)
        if spec is None:
            save(fig, first)
            alt = fig.get_label() or _one_line(fig.texts[0].get_text() if fig.texts else "")
            rst.append(
                IMAGE.format(
                    path=_rst_path(first, gallery_conf["src_dir"]),
                    alt=alt,
                    classes="sphx-glr-single-img",
                )
            )
            continue
        # The light image goes first (it makes the thumbnail); each theme's image is drawn
        # from the same trace, so both show the same numbers.
        for theme in sorted(THEMES, key=lambda name: name != "light"):
            path = first if theme == "light" else first.with_name(f"{first.stem}_{theme}.png")
            if theme == spec["theme"]:
                save(fig, path)
            else:
                variant = draw(spec["name"], spec["trace"], lang=spec["lang"], theme=theme)
                save(variant, path)
                plt.close(variant)
            rst.append(
                IMAGE.format(
                    path=_rst_path(path, gallery_conf["src_dir"]),
                    alt=_one_line(spec["alt"]),
                    classes=f"sphx-glr-single-img only-{theme}",
                )
            )
    plt.close("all")
    return "".join(rst)


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
