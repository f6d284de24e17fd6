"""
============================
One cell, unrolled over time
============================

The classic picture of a recurrent network shows one cell with a loop, and next to it a row of
identical boxes. This chapter builds a real one-layer LSTM and checks what those boxes are:
the same cell at successive time steps, not more neurons.
"""

# %%
# Rolled and unrolled
# -------------------
# In a feed-forward network every box in a diagram is a layer that exists once, and data passes
# through it once. A recurrent network adds time. It reads a sequence one step at a time, and
# at each step it combines the new input ``x_t`` with the state it kept from the step before.
#
# The rolled picture draws this as one cell with a loop: the loop is the state that goes back
# into the cell. The unrolled picture draws the loop out along time: one box per time step,
# with the state passed from each box to the next. Both pictures show the same network.
#
# An everyday comparison: think of reading a sentence word by word. You are the same reader
# from the first word to the last. After each word, your understanding of the sentence changes
# a little. The reader is the cell, the word at step t is ``x_t``, and your understanding after
# that word is ``h_t``. A longer sentence does not give you more brains: it gives you more steps.
#
# Let us build the cell: F input features, H hidden units, and a batch of N sequences of
# T time steps each. By default ``nn.LSTM`` expects the input as ``(T, N, F)``.
import torch
from torch import nn

import lstm_figures as lf

torch.manual_seed(0)
lstm = nn.LSTM(input_size=3, hidden_size=4)
x = torch.randn(6, 2, 3)  # (T, N, F)
print("input x:", tuple(x.shape))

# %%
# What one step holds
# -------------------
# :func:`lstm_figures.trace` runs the module for real and records the state of every step.
# At each time step the cell reads one slice ``x_t`` of shape ``(N, F)``, one row of F
# features per sequence, and produces ``h_t`` of shape ``(N, H)``. The H units are the
# neurons of the layer: they are the width of ``h_t``, not the number of boxes.
tr = lf.trace(lstm, x)
for t in range(tr.seq_len):
    print(f"t = {t}: x_t {tuple(x[t].shape)} -> h_t {tuple(tr.hidden(0, 0, t).shape)}")

# %%
# One set of weights, whatever T is
# ---------------------------------
# The boxes share their weights because they are one cell. The module has a single
# ``weight_ih_l0`` (input to hidden, layer 0) of shape ``(4 * H, F)``: one block of rows for
# each of the four gates of an LSTM. A longer sequence adds time steps, not parameters.
long_x = torch.randn(50, 2, 3)
for sequence in (x, long_x):
    shapes = lf.trace(lstm, sequence).shapes()
    print(f"T = {sequence.shape[0]}: weight_ih_l0 {shapes['weight_ih_l0']}")
print("parameters in the module:", sum(p.numel() for p in lstm.parameters()))

# %%
# The unrolled picture is a loop
# -------------------------------
# To see that each box really is the same cell, copy the module's weights into a single
# ``nn.LSTMCell`` and call it once per time step in a plain Python loop, carrying ``h`` and
# ``c`` from one step to the next. The loop gives exactly the hidden states of the LSTM.
cell = nn.LSTMCell(lstm.input_size, lstm.hidden_size)
cell.load_state_dict({k.removesuffix("_l0"): v for k, v in lstm.state_dict().items()})
h = torch.zeros(x.shape[1], lstm.hidden_size)  # (N, H): omitted initial states are zeros
c = torch.zeros(x.shape[1], lstm.hidden_size)
with torch.no_grad():
    for t in range(x.shape[0]):
        h, c = cell(x[t], (h, c))
        assert torch.allclose(h, tr.hidden(0, 0, t), atol=1e-6)
print("the loop over one LSTMCell matches every h_t of the LSTM")

# %%
# The figure
# ----------
# On the left, the rolled cell with its loop; on the right, the same cell unrolled over the
# real time steps of ``x``, with the shapes of ``x_t`` and ``h_t`` read from the trace. Each
# box is labelled with its step, ``t = 0`` to ``t = T - 1``; the arrow into the first box is
# the initial state ``h_0`` (zeros here, as none is passed). The next chapter, :ref:`sphx_glr_auto_examples_plot_02_stacked.py`, stacks a second layer
# on top of this one.
lf.draw("unrolled", lstm, x)
