"""The wheel a package index gets: its license file and metadata."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_names_the_license_file():
    # A plain search: tomllib is Python 3.11+, and the package supports 3.10.
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^license = "BSD-3-Clause"$', pyproject, re.MULTILINE)
    assert re.search(r'^license-files = \["LICENSE"\]$', pyproject, re.MULTILINE)
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("BSD 3-Clause License")
    assert "The lstm-figures developers" in text


def test_wheel_carries_the_license(tmp_path):
    # Offline: hatchling (the build backend) is in the test environment.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("lstm_figures-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (license_name,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        (metadata_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        assert archive.read(license_name) == (ROOT / "LICENSE").read_bytes()
        metadata = archive.read(metadata_name).decode()
    assert "License-Expression: BSD-3-Clause" in metadata.splitlines()
    assert "License-File: LICENSE" in metadata.splitlines()
