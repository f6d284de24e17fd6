"""
==========================
Inside one cell: the gates
==========================

Every LSTM cell computes four gates at each time step, and the gates decide what the cell
state ``c`` keeps, what it adds, and what it shows as ``h``. This chapter computes the gates
of a real LSTM by hand from its weights and checks them against PyTorch.
"""

# %%
# Four gates from one matrix product
# ----------------------------------
# At time step t the cell reads ``x_t`` and the previous hidden state ``h_{t-1}``. It
# multiplies them by its weights and adds its biases, all at once:
# ``x_t @ weight_ih_l0.T + bias_ih_l0 + h_{t-1} @ weight_hh_l0.T + bias_hh_l0``. The result
# has ``4 * H`` features. PyTorch cuts it into four blocks of H, in the order i, f, g, o:
#
# - the input gate ``i = sigmoid(block 0)``: how much of the candidate to write;
# - the forget gate ``f = sigmoid(block 1)``: how much of the old cell state to keep;
# - the candidate cell state ``g = tanh(block 2)``: the new values that could be written;
# - the output gate ``o = sigmoid(block 3)``: how much of the cell state to show as ``h``.
import torch
from torch import nn

import lstm_figures as lf

torch.manual_seed(0)
lstm = nn.LSTM(input_size=3, hidden_size=6)
x = torch.randn(5, 2, 3)  # (T, N, F)
tr = lf.trace(lstm, x)

t = 4
h_previous, c_previous = tr.hidden(0, 0, t - 1), tr.cell(0, 0, t - 1)
with torch.no_grad():
    pre = x[t] @ lstm.weight_ih_l0.T + lstm.bias_ih_l0
    pre = pre + h_previous @ lstm.weight_hh_l0.T + lstm.bias_hh_l0
print("x_t @ weight_ih_l0.T + ...:", tuple(pre.shape), "= (N, 4 * H)")
i, f, g, o = pre.chunk(4, dim=-1)
by_hand = {"i": i.sigmoid(), "f": f.sigmoid(), "g": g.tanh(), "o": o.sigmoid()}
for name, value in by_hand.items():
    assert torch.allclose(value, tr.gates(0, 0, t)[name], atol=1e-6)
print("by hand == PyTorch's gates for", ", ".join(by_hand))

# %%
# The gates are fractions, the candidate is not
# ---------------------------------------------
# ``i``, ``f`` and ``o`` come from a sigmoid, so every value is between 0 and 1: a fraction to
# let through. ``g`` comes from tanh and lies between -1 and 1: it is the content, and it can
# be negative.
for name, value in tr.gates(0, 0, t).items():
    print(f"{name}: min {value.min():+.3f}, max {value.max():+.3f}")

# %%
# The cell state: forget, then add
# --------------------------------
# The new cell state keeps a fraction ``f`` of the old one and adds a fraction ``i`` of the
# candidate: ``c_t = f * c_{t-1} + i * g``, unit by unit. The hidden state shows a fraction
# ``o`` of it, squashed by tanh: ``h_t = o * tanh(c_t)``. Both hold for the traced values.
c_now = by_hand["f"] * c_previous + by_hand["i"] * by_hand["g"]
h_now = by_hand["o"] * torch.tanh(c_now)
print("c_t matches:", torch.allclose(c_now, tr.cell(0, 0, t), atol=1e-6))
print("h_t matches:", torch.allclose(h_now, tr.hidden(0, 0, t), atol=1e-6))
assert torch.allclose(h_now, tr.hidden(0, 0, t), atol=1e-6)

# %%
# At the first step there is no previous step, so the cell reads the initial state. Without
# ``hx`` that is zeros, so ``f * c_{t-1}`` vanishes: the cell state at t = 0 is just ``i * g``.
first = tr.gates(0, 0, 0)
print("c at t = 0 is i * g:", torch.allclose(tr.cell(0, 0, 0), first["i"] * first["g"]))

# %%
# The figure
# ----------
# One cell of this LSTM at its last time step, for the first sample of the batch. Each
# column is a vector, one coloured cell per hidden unit. The green path is the cell state,
# from ``c_{t-1}`` to ``c_t``; the blue path ends in ``h_t``. Under the figure, unit 0 is
# worked out with its real numbers. The next chapter,
# :ref:`sphx_glr_auto_examples_beyond_plot_10_packed.py`, feeds the LSTM sequences of
# different lengths.
lf.draw("gates", lstm, x)
