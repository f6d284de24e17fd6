"""
===========================
Two layers, a grid of cells
===========================

Stacking LSTM layers turns the unrolled row into a grid: layers upward, time steps to the
right. This chapter builds a real two-layer LSTM, reads the grid column by column and row by
row, and shows what the cell state ``c`` is.
"""

# %%
# A small feed-forward network at each time step
# ----------------------------------------------
# With ``num_layers=2`` the layer from the previous chapter gets a second layer on top.
# Look at one time step t only, a single column of the grid: the F input features of ``x_t``
# go into layer 0, which has H units; its ``h_t`` goes into layer 1, which has H units too.
# Seen this way, the column is a small feed-forward network with F, H and H units.
#
# The weights show it. Layer 0 reads F features, so ``weight_ih_l0`` is ``(4 * H, F)``.
# Layer 1 reads the H features of layer 0, so ``weight_ih_l1`` is ``(4 * H, H)``.
import torch
from torch import nn

import lstm_figures as lf

torch.manual_seed(0)
lstm = nn.LSTM(input_size=2, hidden_size=4, num_layers=2)
x = torch.randn(5, 3, 2)  # (T, N, F)
print("weight_ih_l0:", tuple(lstm.weight_ih_l0.shape))
print("weight_ih_l1:", tuple(lstm.weight_ih_l1.shape))

# %%
# Two states carried along each row
# ---------------------------------
# Along time, each layer is the unrolled row of the previous chapter. It carries two states
# from one step to the next: the hidden state ``h`` and the cell state ``c``. Both have H
# features. Only ``h`` also goes up to the next layer; ``c`` stays inside its own layer.
tr = lf.trace(lstm, x)
for layer in range(tr.num_layers):
    h, c = tr.hidden(layer, 0, 0), tr.cell(layer, 0, 0)
    print(f"layer {layer}: h_t {tuple(h.shape)}, c_t {tuple(c.shape)}")

# %%
# ``c`` is the cell state, not the forget gate
# --------------------------------------------
# Some explanations call ``c`` the forget gate. That is wrong. ``c`` is the cell state: the
# long-term memory of the layer. The forget gate ``f_t`` is one of four gates that the cell
# computes at every step from ``x_t`` and ``h_{t-1}``: the input gate ``i_t``, the forget gate
# ``f_t``, the candidate values ``g_t`` and the output gate ``o_t``. Each is ``(N, H)``, and
# PyTorch keeps them in this order, i, f, g, o, in the rows of its weights.
#
# The forget gate decides how much of the old cell state to keep: it scales ``c_{t-1}``.
# The new cell state is ``c_t = f_t * c_{t-1} + i_t * g_t``, and the hidden state is
# ``h_t = o_t * tanh(c_t)``. The trace records every gate, so we can check both equations.
t = 3
gates = tr.gates(0, 0, t)
c_previous, c_now = tr.cell(0, 0, t - 1), tr.cell(0, 0, t)
print("gates:", {name: tuple(value.shape) for name, value in gates.items()})
c_rule = torch.allclose(c_now, gates["f"] * c_previous + gates["i"] * gates["g"], atol=1e-6)
h_rule = torch.allclose(tr.hidden(0, 0, t), gates["o"] * torch.tanh(c_now), atol=1e-6)
print("c_t == f_t * c_{t-1} + i_t * g_t:", c_rule)
print("h_t == o_t * tanh(c_t):", h_rule)
assert c_rule
assert h_rule

# %%
# The values differ in kind, too. The forget gate comes from a sigmoid, so each of its values
# is a fraction between 0 and 1. The cell state is a running sum that the gates update step by
# step: it can be negative, and no activation squashes it into a fixed range.
f = gates["f"]
print(f"forget gate f_t: min {f.min():.3f}, max {f.max():.3f}")
print(f"cell state c_t:  min {c_now.min():.3f}, max {c_now.max():.3f}")

# %%
# The figure
# ----------
# The grid of the two-layer LSTM: one column per time step, one row per layer, ``h`` and
# ``c`` carried to the right within each layer, and ``h`` passed up between layers.
# The next chapter, :ref:`sphx_glr_auto_examples_plot_03_data_cube.py`, looks at the data
# that goes into the bottom of each column.
lf.draw("stacked", lstm, x)
