"""
==================
Bidirectional LSTM
==================

With ``bidirectional=True`` every layer reads the sequence twice: once forwards and once
backwards. This chapter builds a real two-layer bidirectional LSTM and finds where each
direction's states go in ``output`` and ``h_n``.
"""

# %%
# Two rows per layer
# ------------------
# Each layer now has two rows of cells with their own weights. The forward row reads
# ``x[0], x[1], ...`` from the first time step to the last, as before. The backward row reads
# the same inputs from the last time step to the first. At every time step t the layer's
# output joins the two: forward ``h_t`` first, then backward ``h_t``. So D = 2, and the last
# axis of ``output`` is ``D * H_out``, twice the hidden size.
import torch
from torch import nn

import lstm_figures as lf

torch.manual_seed(0)
lstm = nn.LSTM(input_size=2, hidden_size=5, num_layers=2, bidirectional=True)
x = torch.randn(6, 3, 2)  # (T, N, F)
output, (h_n, c_n) = lstm(x)
H = lstm.hidden_size
print("output (T, N, D * H):", tuple(output.shape))

# %%
# The next layer reads both directions
# ------------------------------------
# Layer 1 reads layer 0's output, so its input has ``2 * H`` features, not H. The backward
# row has its own weights, with the suffix ``_reverse``.
print("weight_ih_l0:        ", tuple(lstm.weight_ih_l0.shape))
print("weight_ih_l0_reverse:", tuple(lstm.weight_ih_l0_reverse.shape))
print("weight_ih_l1:        ", tuple(lstm.weight_ih_l1.shape))

# %%
# The order of ``h_n``
# --------------------
# ``h_n`` holds one final state per layer and direction: ``(L * D, N, H_out)``. Layer l,
# direction d (0 forward, 1 backward) is ``h_n[2 * l + d]``. The trace confirms it: each entry
# equals the state of that row at its final step, which is the last time step for the forward
# direction and t = 0 for the backward direction.
tr = lf.trace(lstm, x)
for layer in range(tr.num_layers):
    for direction in range(tr.num_directions):
        index = layer * tr.num_directions + direction
        last = tr.final_step(direction)
        assert torch.allclose(h_n[index], tr.hidden(layer, direction, last))
        print(f"h_n[{index}] = layer {layer}, direction {direction}, t = {last}")

# %%
# The backward final state is at ``output[0]``
# --------------------------------------------
# A common mistake takes ``output[-1]`` as the final state of both directions. For the forward
# direction that is right: its final state is ``output[-1, :, :H]``. The backward direction
# finishes at t = 0, so its final state is ``output[0, :, H:]``. In ``output[-1]`` the
# backward half holds its first step, after it has read a single input.
forward_final = torch.allclose(output[-1, :, :H], h_n[-2])
backward_final = torch.allclose(output[0, :, H:], h_n[-1])
backward_wrong = torch.allclose(output[-1, :, H:], h_n[-1])
print("output[-1, :, :H] == h_n[-2]:", forward_final)
print("output[0, :, H:]  == h_n[-1]:", backward_final)
print("output[-1, :, H:] == h_n[-1]:", backward_wrong)
assert forward_final
assert backward_final
assert not backward_wrong

# %%
# One axis for layers, one for directions
# ---------------------------------------
# ``h_n.view(num_layers, num_directions, N, H_out)`` splits the first axis of ``h_n`` in two,
# because PyTorch stacks the states layer by layer, the forward direction first. Then
# ``states[l, d]`` is layer l, direction d, and the last layer's two final states are
# ``states[-1, 0]`` (forward, ``h_n[-2]``) and ``states[-1, 1]`` (backward, ``h_n[-1]``). A
# classifier that reads both directions often joins these two.
num_layers, num_directions = lstm.num_layers, 2
states = h_n.view(num_layers, num_directions, h_n.shape[1], h_n.shape[2])
print("h_n.view(num_layers, num_directions, N, H_out):", tuple(states.shape))
for layer in range(num_layers):
    for direction in range(num_directions):
        assert torch.equal(states[layer, direction], h_n[layer * num_directions + direction])
last_forward, last_backward = states[-1, 0], states[-1, 1]
assert torch.allclose(last_forward, output[-1, :, :H])
assert torch.allclose(last_backward, output[0, :, H:])
both = torch.cat([last_forward, last_backward], dim=-1)  # (N, 2 * H_out)
print("last layer, forward  states[-1, 0] == output[-1, :, :H]")
print("last layer, backward states[-1, 1] == output[0, :, H:]")
print("both directions joined:", tuple(both.shape))

# %%
# Nothing doubles along time
# --------------------------
# Compared with a unidirectional LSTM of the same size, bidirectional doubles the features of
# ``output`` and the first axis of ``h_n``. The number of time steps stays T.
one_way = nn.LSTM(lstm.input_size, lstm.hidden_size, num_layers=lstm.num_layers)
out_one, (h_one, _) = one_way(x)
print("unidirectional: output", tuple(out_one.shape), " h_n", tuple(h_one.shape))
print("bidirectional:  output", tuple(output.shape), " h_n", tuple(h_n.shape))

# %%
# The figure
# ----------
# A forward row and a backward row per layer, the two halves of ``output`` joined at every
# time step, and the order of ``h_n``'s first axis. The next chapter,
# :ref:`sphx_glr_auto_examples_plot_06_state_locations.py`, puts all the states on one grid.
lf.draw("bidirectional", lstm, x)
