import sys

import pytest
import torch

# The shared checks in figure_checks.py report their values on failure, as tests' asserts do.
pytest.register_assert_rewrite("figure_checks")

# The tests run many tiny models: one thread is faster than two fighting over 2 cores.
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same random state, whatever ran before it."""
    torch.manual_seed(0)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every pyplot figure a test opened, so figures never pile up across tests."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")  # tests without figures never import it
    if pyplot is not None:
        pyplot.close("all")
