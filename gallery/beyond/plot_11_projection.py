"""
========================
Smaller h with proj_size
========================

With ``proj_size > 0`` an LSTM projects its hidden state to fewer features, while the cell
state keeps ``hidden_size``. This chapter builds a real LSTM with a projection, finds the
projection weight, and checks where it acts.
"""

# %%
# Which tensors change
# --------------------
# Write H for ``hidden_size`` and P for ``proj_size``. The cell state ``c`` still has H
# features. The hidden state ``h`` has P, and so do ``output`` (per direction) and ``h_n``.
# This is the H_out of the notation: P when there is a projection, H otherwise.
#
# PyTorch may warn that one of its CPU backends has no kernel for projections. The results
# are the same, so we hide the warning while the model runs.
import warnings

import torch
from torch import nn

import lstm_figures as lf

torch.manual_seed(0)
lstm = nn.LSTM(input_size=3, hidden_size=6, proj_size=2, num_layers=2)
x = torch.randn(5, 4, 3)  # (T, N, F)
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "LSTM with projections", UserWarning)
    output, (h_n, c_n) = lstm(x)
    tr = lf.trace(lstm, x)
print("output (T, N, P):", tuple(output.shape))
print("h_n (L, N, P):   ", tuple(h_n.shape))
print("c_n (L, N, H):   ", tuple(c_n.shape))

# %%
# The projection weight
# ---------------------
# Each layer gets one more parameter, ``weight_hr_l0``, ``weight_hr_l1`` and so on, of shape
# ``(P, H)``. Because ``h`` is smaller, the weights that read ``h`` are smaller too:
# ``weight_hh_l0`` is ``(4 * H, P)``, and the next layer's ``weight_ih_l1`` is
# ``(4 * H, P)`` as well.
for name in ("weight_hr_l0", "weight_hh_l0", "weight_ih_l0", "weight_ih_l1"):
    print(f"{name}: {tuple(getattr(lstm, name).shape)}")

# %%
# Where the projection acts
# -------------------------
# The cell computes ``c_t`` exactly as without a projection. Only the last step changes: the
# H values of ``o * tanh(c_t)`` are multiplied by ``weight_hr_l0``, which gives the P values of
# ``h_t``. The trace records ``o`` and ``c_t`` for every step, so we can redo that product.
t = tr.seq_len - 1
o, c_t = tr.gates(0, 0, t)["o"], tr.cell(0, 0, t)
with torch.no_grad():
    h_t = (o * torch.tanh(c_t)) @ lstm.weight_hr_l0.T
print("o * tanh(c_t):", tuple((o * torch.tanh(c_t)).shape), "-> h_t:", tuple(h_t.shape))
assert torch.allclose(h_t, tr.hidden(0, 0, t), atol=1e-6)
assert torch.allclose(h_n[0], h_t, atol=1e-6)
print("h_t == weight_hr_l0 @ (o * tanh(c_t)), and it is h_n[0]")

# %%
# Fewer parameters
# ----------------
# A projection is a way to keep a large cell state while passing a small ``h`` along time
# and up to the next layer. Here the model with a projection is smaller than the same model
# without one, even with the extra ``weight_hr`` matrices.
plain = nn.LSTM(input_size=3, hidden_size=6, num_layers=2)
print("with proj_size=2:", sum(p.numel() for p in lstm.parameters()), "parameters")
print("without:         ", sum(p.numel() for p in plain.parameters()), "parameters")

# %%
# The figure
# ----------
# One cell's path from ``c_t`` to ``h_t`` through ``weight_hr_l0``, and the shapes of this
# model's tensors and weights, each with its meaning in symbols. The next chapter,
# :ref:`sphx_glr_auto_examples_beyond_plot_12_gru_rnn.py`, draws the other two recurrent
# modules of PyTorch.
lf.draw("projection", tr)
