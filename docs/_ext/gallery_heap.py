"""Keep sphinx-gallery's garbage collection before each example cheap.

sphinx-gallery calls ``gc.collect()`` before it runs each example, to measure memory from a
clean heap. By then the heap holds Sphinx's environment, torch and matplotlib: a full
collection walks all of it, about 0.1 s an example, and finds almost nothing. ``gc.freeze()``
moves the objects alive now out of the collector's reach, so the collection that follows
only walks what is new. The price: cyclic garbage an earlier example left in the oldest
generation stays in memory until the build ends (a few megabytes an example). Named in
``conf.py``'s ``sphinx_gallery_conf["reset_modules"]``, which sphinx-gallery calls just before.
"""

from __future__ import annotations

import gc


def freeze(gallery_conf, fname, when) -> None:
    """A sphinx-gallery ``reset_modules`` callable: freeze the heap as it is."""
    gc.freeze()
