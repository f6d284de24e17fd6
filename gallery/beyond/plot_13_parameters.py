"""
==============================
Parameter shapes and the count
==============================

An LSTM's parameters are a few matrices and vectors per layer and direction. Their shapes
follow from F, H, L and D, and the rows of each one are split between the gates. This
chapter lists them for a real model, finds the gates' rows, and counts the parameters.
"""

# %%
# Four parameters per layer and direction
# ---------------------------------------
# Each layer has ``weight_ih_l{k}``, which multiplies the layer's input, ``weight_hh_l{k}``,
# which multiplies ``h``, and two bias vectors, ``bias_ih_l{k}`` and ``bias_hh_l{k}``. A
# bidirectional model has a second set for the backward direction, with the suffix
# ``_reverse``. With ``bias=False`` the biases are left out, and with ``proj_size > 0`` each
# set gains a ``weight_hr_l{k}``.
import torch
from torch import nn

import lstm_figures as lf

torch.manual_seed(0)
lstm = nn.LSTM(input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
x = torch.randn(5, 2, 3)  # (T, N, F)
for name, p in lstm.named_parameters():
    print(f"{name:24} {tuple(p.shape)}")

# %%
# The rows belong to the gates
# ----------------------------
# The first axis of every weight and bias is ``4 * H``: four blocks of H rows, one per gate,
# in PyTorch's order i, f, g, o. So ``weight_ih_l0[0:H]`` belongs to the input gate and
# ``weight_ih_l0[H:2 * H]`` to the forget gate. At t = 0 the previous ``h`` is zero, so the
# forget gate is the sigmoid of its rows of ``x[0] @ weight_ih_l0.T`` plus its two biases.
H = lstm.hidden_size
forget_rows = slice(H, 2 * H)
tr = lf.trace(lstm, x)
with torch.no_grad():
    pre = x[0] @ lstm.weight_ih_l0[forget_rows].T
    forget = torch.sigmoid(pre + lstm.bias_ih_l0[forget_rows] + lstm.bias_hh_l0[forget_rows])
print("rows [H:2H] give the forget gate:", torch.allclose(forget, tr.gates(0, 0, 0)["f"]))
assert torch.allclose(forget, tr.gates(0, 0, 0)["f"], atol=1e-6)

# %%
# What the columns read
# ---------------------
# The columns of ``weight_ih`` match the layer's input. Layer 0 reads the F features of
# ``x_t``. Layer 1 reads layer 0's output, where both directions are joined, so it reads
# ``D * H`` features. The columns of ``weight_hh`` match ``h``: H features (or ``proj_size``).
print("weight_ih_l0:", tuple(lstm.weight_ih_l0.shape), " = (4 * H, F)")
print("weight_ih_l1:", tuple(lstm.weight_ih_l1.shape), " = (4 * H, D * H)")
print("weight_hh_l1:", tuple(lstm.weight_hh_l1.shape), " = (4 * H, H)")

# %%
# Counting the parameters
# -----------------------
# From the shapes, each layer and direction has ``4 * H * (input features + H + 2)``
# parameters: the two weights, and two biases of ``4 * H`` each. Summing over the layers and
# directions gives the same number as ``sum(p.numel() for p in lstm.parameters())``.
D = 2 if lstm.bidirectional else 1
by_formula = sum(D * 4 * H * (features + H + 2) for features in (lstm.input_size, D * H))
total = sum(p.numel() for p in lstm.parameters())
print("by formula:", by_formula, " sum(p.numel()):", total)
assert by_formula == total

# %%
# A GRU has three blocks of rows, r, z and n, and a plain RNN has one: the same model
# sizes give ``3 * H`` and ``H`` rows.
for module in (nn.GRU(3, 4), nn.RNN(3, 4)):
    print(type(module).__name__, "weight_ih_l0:", tuple(module.weight_ih_l0.shape))

# %%
# The figure
# ----------
# Layer 0's weights and biases with their gate blocks, a table of every layer and direction,
# and the total count. To see what the rows of each gate compute, go back to
# :ref:`sphx_glr_auto_examples_beyond_plot_09_gates.py`.
lf.draw("parameters", lstm, x)
