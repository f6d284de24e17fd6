"""Every link, image, script and stylesheet of the site leads to something that exists."""

from __future__ import annotations

import importlib.util

from sitecheck import check_links, link_errors, missing


def test_links_and_resources_exist(base_url: str) -> None:
    if importlib.util.find_spec("linkcheck") is None:
        missing("LinkChecker is not installed: `pip install linkchecker`.")
    result = check_links(base_url + "index.html")  # the language chooser links to both sites
    assert result.returncode == 0, link_errors(result)
