"""
==============================
Where output, h_n and c_n live
==============================

``output, (h_n, c_n) = lstm(x)`` returns three tensors, and learners often ask which is which.
This chapter answers on one layers × time grid: each tensor is a set of cells in that grid,
and every claim is checked against a real two-layer LSTM.
"""

# %%
# One grid for all the states
# ---------------------------
# Draw the LSTM as in :ref:`sphx_glr_auto_examples_plot_02_stacked.py`: one row per layer,
# one column per time step. Every cell of the grid computes an ``h`` and a ``c``. The three
# tensors that ``nn.LSTM`` returns are selections from this grid:
#
# - ``output`` is the top row: the top layer's ``h`` at **every** time step, ``(T, N, H_out)``.
# - ``h_n`` is the last column: **every** layer's ``h`` at its final step, ``(L * D, N, H_out)``.
# - ``c_n`` is the same column for the cell state ``c``, ``(L * D, N, H)``.
#
# We start with a unidirectional model, D = 1, and come to the bidirectional case at the end.
import torch
from torch import nn

import lstm_figures as lf

torch.manual_seed(0)
lstm = nn.LSTM(input_size=2, hidden_size=4, num_layers=2)
x = torch.randn(5, 3, 2)  # (T, N, F)
tr = lf.trace(lstm, x)
for name in ("output", "h_n", "c_n"):
    print(f"{name:6} {tr.shapes()[name]}")

# %%
# ``output`` is the top layer at every step
# -----------------------------------------
# ``output[t]`` equals ``h`` of the top layer at time step t, for every t. The lower layers'
# ``h`` at each step does not appear in ``output``: it only feeds the layer above.
top = tr.num_layers - 1
for t in range(tr.seq_len):
    assert torch.allclose(tr.output[t], tr.hidden(top, 0, t))
print(f"output[t] == h of layer {top} at step t, for all {tr.seq_len} steps")

# %%
# ``h_n`` and ``c_n`` are every layer's last step
# -----------------------------------------------
# ``h_n[l]`` is the ``h`` of layer l at the last time step, and ``c_n[l]`` is its ``c``.
last = tr.seq_len - 1
for layer in range(tr.num_layers):
    assert torch.allclose(tr.h_n[layer], tr.hidden(layer, 0, last))
    assert torch.allclose(tr.c_n[layer], tr.cell(layer, 0, last))
    print(f"h_n[{layer}], c_n[{layer}] == h, c of layer {layer} at step {last}")

# %%
# Where the two meet
# ------------------
# The top row and the last column share one cell: the top layer at the last step. So for a
# unidirectional LSTM, ``output[-1]`` equals ``h_n[-1]``. Use either one as "the final hidden
# state" of a unidirectional model.
print("output[-1] == h_n[-1]:", torch.allclose(tr.output[-1], tr.h_n[-1]))

# %%
# The figure marks the three tensors on the grid of this model.
lf.draw("state_locations", lstm, x)

# %%
# The bidirectional grid
# ----------------------
# With ``bidirectional=True`` each layer has a forward row and a backward row. ``output[t]``
# joins the top layer's forward and backward ``h`` at step t. ``h_n[2 * l + d]`` is layer l,
# direction d at its final step: the last step for the forward direction, and t = 0 for the
# backward direction, which reads the sequence from the end. ``c_n`` follows the same order.
torch.manual_seed(0)
lstm_bi = nn.LSTM(input_size=2, hidden_size=4, num_layers=2, bidirectional=True)
tr_bi = lf.trace(lstm_bi, x)
for t in range(tr_bi.seq_len):
    both = torch.cat([tr_bi.hidden(top, 0, t), tr_bi.hidden(top, 1, t)], dim=-1)
    assert torch.allclose(tr_bi.output[t], both)
for layer in range(tr_bi.num_layers):
    for direction in range(tr_bi.num_directions):
        index, step = 2 * layer + direction, tr_bi.final_step(direction)
        assert torch.allclose(tr_bi.h_n[index], tr_bi.hidden(layer, direction, step))
        assert torch.allclose(tr_bi.c_n[index], tr_bi.cell(layer, direction, step))
        print(f"h_n[{index}], c_n[{index}] == layer {layer}, direction {direction}, step {step}")

# %%
# ``output[-1] == h_n[-1]`` only for a unidirectional model
# ---------------------------------------------------------
# In the bidirectional grid the top row and the last column no longer meet in one cell.
# ``output[-1]`` has twice as many features as ``h_n[-1]``, and its backward half is the
# backward direction's first step, not its final one. The backward final state is in
# ``output[0]``.
H = lstm_bi.hidden_size
print("output[-1]:", tuple(tr_bi.output[-1].shape), " h_n[-1]:", tuple(tr_bi.h_n[-1].shape))
print("output[-1, :, H:] == h_n[-1]:", torch.allclose(tr_bi.output[-1, :, H:], tr_bi.h_n[-1]))
print("output[0, :, H:]  == h_n[-1]:", torch.allclose(tr_bi.output[0, :, H:], tr_bi.h_n[-1]))
assert torch.allclose(tr_bi.output[0, :, H:], tr_bi.h_n[-1])
assert not torch.allclose(tr_bi.output[-1, :, H:], tr_bi.h_n[-1])

# %%
# The figure marks these places. It also handles ``batch_first``, where ``output`` is
# ``(N, T, D * H_out)`` and step t is ``output[:, t]``.
lf.draw("state_locations", lstm_bi, x)
