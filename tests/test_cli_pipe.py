"""The command in a pipeline whose reader stops early, as ``lstm-figures list | head -1``."""

from __future__ import annotations

import signal
import subprocess
import sys

from lstm_figures import figures


def test_closed_pipe_ends_quietly_with_sigpipe_status():
    command = subprocess.Popen(
        [sys.executable, "-m", "lstm_figures", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Close the reading end before the command writes a line: its first print meets a
    # closed pipe, every time (reading a line first would race with the command's writes).
    command.stdout.close()
    with command.stderr:
        stderr = command.stderr.read().decode()
    # The status a shell reports for a program that SIGPIPE ends, as for `ls | head -1`.
    assert command.wait(timeout=60) == 128 + signal.SIGPIPE
    assert stderr == ""


def test_open_pipe_gets_every_line():
    listing = subprocess.run(
        [sys.executable, "-m", "lstm_figures", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert [line.split()[0] for line in listing.stdout.splitlines()] == list(figures.FIGURES)
    assert listing.stderr == ""
