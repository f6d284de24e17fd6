"""
===================================
Parameters, formats and batch_first
===================================

``nn.LSTM`` takes a handful of parameters and expects its tensors in fixed formats. This
chapter lists them, then runs the same LSTM in both layouts to show what ``batch_first``
changes: the input and the output, and nothing else.
"""

# %%
# The parameters of ``nn.LSTM``
# -----------------------------
# - ``input_size``: F, the number of features at each time step.
# - ``hidden_size``: H, the number of units in each layer (the features of ``h`` and ``c``).
# - ``num_layers``: L, the number of stacked layers. Default 1.
# - ``bias``: whether each layer adds the bias vectors ``bias_ih`` and ``bias_hh``. Default True.
# - ``batch_first``: if True, the input and the output put the batch axis first. Default False.
# - ``dropout``: the probability of dropout on the output of every layer except the last, that
#   is, between layers only. It needs ``num_layers > 1``. Default 0.
# - ``bidirectional``: if True, each layer also reads the sequence backwards, so D = 2.
#   Default False (D = 1).
# - ``proj_size``: if above 0, ``h`` is projected to this many features, while ``c`` keeps H.
#   We write H_out for the features of ``h``: ``proj_size`` if set, else H. Default 0.
#
# A single layer has no layer after it, so there is nowhere to apply dropout. PyTorch warns:
import warnings

import torch
from torch import nn

import lstm_figures as lf

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    nn.LSTM(input_size=4, hidden_size=6, num_layers=1, dropout=0.5)
print(caught[0].message)

# %%
# Input and output formats
# ------------------------
# The call is ``output, (h_n, c_n) = lstm(input, (h_0, c_0))``:
#
# - ``input`` is ``(T, N, F)``, or ``(N, T, F)`` with ``batch_first=True``.
# - ``h_0`` is ``(L * D, N, H_out)`` and ``c_0`` is ``(L * D, N, H)``: one initial state per
#   layer and direction. Both are optional.
# - ``output`` is ``(T, N, D * H_out)``, or ``(N, T, D * H_out)`` with ``batch_first=True``.
# - ``h_n`` and ``c_n`` have the shapes of ``h_0`` and ``c_0``.
#
# Let us build one LSTM in each layout with the same weights and feed both the same data.
torch.manual_seed(0)
lstm_time_major = nn.LSTM(input_size=4, hidden_size=6, num_layers=2)
lstm_batch_first = nn.LSTM(input_size=4, hidden_size=6, num_layers=2, batch_first=True)
lstm_batch_first.load_state_dict(lstm_time_major.state_dict())
x = torch.randn(5, 3, 4)  # (T, N, F)
tr_time = lf.trace(lstm_time_major, x)
tr_batch = lf.trace(lstm_batch_first, x.transpose(0, 1))  # (N, T, F)
for name in ("input", "h_0", "c_0", "output", "h_n", "c_n"):
    print(f"{name:6}  default {tr_time.shapes()[name]}  batch_first {tr_batch.shapes()[name]}")

# %%
# ``batch_first`` changes the input and the output only
# -----------------------------------------------------
# The outputs hold the same numbers, with the first two axes swapped. The states ``h_0``,
# ``c_0``, ``h_n`` and ``c_n`` keep the batch on their second axis, whatever ``batch_first``
# says: ``(L * D, N, H_out)`` for ``h`` and ``(L * D, N, H)`` for ``c``.
same_output = torch.allclose(tr_batch.output.transpose(0, 1), tr_time.output)
print("output equal after transposing:", same_output)
same_h_n = torch.allclose(tr_batch.h_n, tr_time.h_n)
same_c_n = torch.allclose(tr_batch.c_n, tr_time.c_n)
print("h_n equal as it is:", same_h_n, " c_n equal as it is:", same_c_n)
assert same_output
assert same_h_n
assert same_c_n

# %%
# Passing the states batch first, ``(N, L * D, H)``, is an error that PyTorch reports when the
# sizes differ. When N happens to equal ``L * D`` the shapes match, PyTorch accepts the
# tensors silently, and every sequence starts from the wrong state. Keep the states in their
# one layout.
wrong = tr_time.h_0.transpose(0, 1)  # (N, L * D, H): the wrong layout
try:
    lstm_batch_first(x.transpose(0, 1), (wrong, wrong))
except RuntimeError as error:
    print("RuntimeError:", error)

# %%
# When ``h_0`` and ``c_0`` are omitted, PyTorch starts from zeros, not from random values.
# Passing zeros explicitly gives the same result.
zeros = torch.zeros(tr_time.h_0.shape)
with torch.no_grad():
    explicit, _ = lstm_time_major(x, (zeros, zeros))
print("initial states used are all zero:", bool((tr_time.h_0 == 0).all()))
assert torch.allclose(explicit, tr_time.output)

# %%
# The figure
# ----------
# The same data in both layouts, and which tensors follow ``batch_first``.
# Next: :ref:`sphx_glr_auto_examples_plot_05_bidirectional.py`.
lf.draw("batch_first", lstm_batch_first, x.transpose(0, 1))
