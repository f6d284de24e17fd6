"""The package's front door: lazy imports and the public names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import lstm_figures as lf

ROOT = Path(__file__).resolve().parents[1]

# Importing these must not import torch or matplotlib: docs builds import them for the
# figure names, and the command line checks arguments before paying for torch.
LIGHT_MODULES = [
    "lstm_figures",
    "lstm_figures.cli",
    "lstm_figures.cli_draw",
    "lstm_figures.cli_locate",
    "lstm_figures.cli_model",
    "lstm_figures.figures",
    "lstm_figures.labels",
    "lstm_figures.expressions",
    "lstm_figures.locating",
    "lstm_figures.layout",
    "lstm_figures.themes",
    "lstm_figures.saving",
]


@pytest.mark.parametrize("module", LIGHT_MODULES)
def test_import_does_not_import_torch_or_matplotlib(module):
    heavy = "sorted(name for name in ('torch', 'matplotlib') if name in sys.modules)"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import sys, {module}; print({heavy})"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "[]"


def test_public_names_resolve():
    for name in lf.__all__:
        assert getattr(lf, name) is not None
    assert set(lf.__all__) <= set(dir(lf))


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        lf.nope  # noqa: B018


def test_version_is_a_string():
    assert isinstance(lf.__version__, str)
    assert lf.__version__.count(".") >= 1
