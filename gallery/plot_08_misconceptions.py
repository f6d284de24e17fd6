"""
=====================
Common misconceptions
=====================

Many explanations of ``nn.LSTM`` repeat a few wrong ideas, among them the two articles this
tutorial grew from: Master Su's "LSTM模型结构的可视化" on Zhihu and its English translation. Each section below states a fact and proves it with running code.
"""

# %%
# h_0, c_0, h_n and c_n ignore batch_first
# ----------------------------------------
#
# ``batch_first=True`` changes the layout of the input and of ``output`` only. The states
# are always (L * D, N, H_out) for h and (L * D, N, H) for c. If you pass ``h_0`` in a
# batch-first layout, PyTorch usually stops with an error:

import torch
from torch import nn

torch.manual_seed(0)
lstm = nn.LSTM(input_size=3, hidden_size=4, num_layers=2, batch_first=True)
x = torch.randn(5, 7, 3)  # (N, T, F)
try:
    lstm(x, (torch.zeros(5, 2, 4), torch.zeros(5, 2, 4)))  # (N, L * D, H): wrong
except RuntimeError as error:
    print("RuntimeError:", error)

# %%
# The error appears only because N differs from L * D. When N equals L * D, the wrong
# layout has the right shape, and PyTorch cannot notice. It then reads the batch axis as
# the layer axis: the model runs, and the results are silently wrong. Handing one LSTM's
# states to another, as a decoder does, is the recipe
# :ref:`sphx_glr_auto_examples_recipes_plot_16_encoder_decoder.py`.

x = torch.randn(2, 7, 3)  # N = 2 = L * D
h_0, c_0 = torch.randn(2, 2, 4), torch.randn(2, 2, 4)  # (L * D, N, H): right
right, _ = lstm(x, (h_0, c_0))
wrong, _ = lstm(x, (h_0.transpose(0, 1), c_0.transpose(0, 1)))  # (N, L * D, H)
print("same result:", torch.allclose(right, wrong))

# %%
# c is the cell state, not the forget gate
# ----------------------------------------
#
# The forget gate ``f_t`` is one of the four gates. It lies between 0 and 1 and scales
# the previous cell state: ``c_t = f_t * c_{t-1} + i_t * g_t``. :func:`lstm_figures.trace`
# recomputes every gate and state, so we can check this equation on the real model. What
# the forget gate does to how far back an LSTM remembers is the subject of
# :ref:`sphx_glr_auto_examples_recipes_plot_18_why_lstm.py`.

import lstm_figures as lf

tr = lf.trace(lstm, x, (h_0, c_0))
t = 3
gates = tr.gates(0, 0, t)  # layer 0, direction 0, time step t
c_t = gates["f"] * tr.cell(0, 0, t - 1) + gates["i"] * gates["g"]
assert torch.allclose(c_t, tr.cell(0, 0, t))
assert torch.allclose(tr.c_n[-1], tr.cell(1, 0, tr.seq_len - 1))  # c_n is a cell state
print("f_t in (0, 1):", bool(((gates["f"] > 0) & (gates["f"] < 1)).all()))

# %%
# output holds the top layer's h_t for every t
# --------------------------------------------
#
# ``output`` is not only the last state. It has one entry per time step, taken from the
# top layer; ``h_n`` has one entry per layer, taken at the last time step.

output = tr.output  # batch first: (N, T, H_out)
for t in range(tr.seq_len):
    assert torch.allclose(output[:, t], tr.hidden(tr.num_layers - 1, 0, t))
assert torch.equal(output[:, -1], tr.h_n[-1])
print("output:", tuple(output.shape), " h_n:", tuple(tr.h_n.shape))

# %%
# Bidirectional: the backward final state is at t = 0
# ---------------------------------------------------
#
# The backward direction reads the sequence from the end, so its final state belongs to
# the first time step: ``output[0, :, H:]``, not ``output[-1, :, H:]``. In ``h_n``, entry
# ``2 * l + d`` is layer l, direction d (0 forward, 1 backward). Bidirectional doubles the
# features of ``output`` and the first axis of ``h_n``; it doubles nothing along time.

bi = nn.LSTM(input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
x = torch.randn(7, 5, 3)  # (T, N, F)
output, (h_n, c_n) = bi(x)
H = bi.hidden_size
assert torch.equal(output[-1, :, :H], h_n[2 * 1 + 0])  # top layer, forward
assert torch.equal(output[0, :, H:], h_n[2 * 1 + 1])  # top layer, backward
print("output[-1, :, H:] is h_n[-1]:", torch.equal(output[-1, :, H:], h_n[-1]))
print("x:", tuple(x.shape), " output:", tuple(output.shape), " h_n:", tuple(h_n.shape))

# %%
# With padded sequences of different lengths, packed with ``pack_padded_sequence``, each
# sequence's forward final state is at its own last valid step. ``output[-1]`` is padding
# for the shorter sequences.

from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

lengths = torch.tensor([7, 4, 2, 2, 1])
packed_output, (h_n, _) = bi(pack_padded_sequence(x, lengths))
output, _ = pad_packed_sequence(packed_output)
last = output[lengths - 1, torch.arange(len(lengths)), :H]  # each sequence's last valid step
assert torch.equal(last, h_n[2 * 1 + 0])
print("output[-1] is the forward h_n:", torch.equal(output[-1, :, :H], h_n[2 * 1 + 0]))

# %%
# With ``batch_first=True`` the same trap hides behind ``output[:, -1]``. Ask
# :func:`lstm_figures.locate` which (layer, direction, time step) states a slice reads:
# PyTorch indexes tensors whose entries record where they come from, so the answer follows
# PyTorch's own indexing rules.

batch_first = nn.LSTM(
    input_size=3, hidden_size=4, num_layers=2, bidirectional=True, batch_first=True
)
selection = lf.locate(batch_first, "output[:, -1]")
print("cells (state, layer, direction, t):", selection.cells)
print("shape:", selection.shape)
for warning in selection.warnings:
    print(warning)

# %%
# The figure marks the two cells it reads: the top layer's forward row at its last step,
# which is the forward final state, and the backward row at the same step, where the
# backward direction starts. The backward final state is ``h_n[-1]``, at t = 0. The recipe
# :ref:`sphx_glr_auto_examples_recipes_plot_14_sequence_label.py` takes the right features
# for a classifier, and :ref:`sphx_glr_auto_examples_recipes_plot_15_step_labels.py` keeps
# the padding out of a loss over every step.

lf.draw("selection", batch_first, expression="output[:, -1]")

# %%
# Omitted initial states are zeros
# --------------------------------
#
# Without ``hx``, PyTorch starts from zeros, not from random numbers.

zeros = torch.zeros(2 * 2, 5, 4)  # (L * D, N, H)
print("same as explicit zeros:", torch.equal(bi(x)[0], bi(x, (zeros, zeros))[0]))

# %%
# proj_size changes h, not c
# --------------------------
#
# With ``proj_size > 0``, ``h`` (and so ``output`` and ``h_n``) has ``proj_size``
# features, and ``c`` keeps ``hidden_size``. PyTorch may warn that one of its CPU
# backends has no kernel for projections; the results are the same, so we hide it.

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "LSTM with projections", UserWarning)
    projected = nn.LSTM(input_size=3, hidden_size=4, proj_size=2)
    output, (h_n, c_n) = projected(x)
print("output:", tuple(output.shape), " h_n:", tuple(h_n.shape), " c_n:", tuple(c_n.shape))

# %%
# dropout acts between layers only
# --------------------------------
#
# Dropout is applied to the output of every layer except the last one. With one layer,
# there is nowhere to apply it: PyTorch warns, and in training mode two passes agree. With
# two layers they differ, which is why
# :ref:`sphx_glr_auto_examples_recipes_plot_17_long_series.py` compares in eval mode.

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    single = nn.LSTM(input_size=3, hidden_size=4, dropout=0.5)
print("UserWarning:", caught[0].message)
assert torch.equal(single(x)[0], single(x)[0])  # modules start in training mode
double = nn.LSTM(input_size=3, hidden_size=4, num_layers=2, dropout=0.5)
print("two layers, two passes agree:", torch.equal(double(x)[0], double(x)[0]))

# %%
# The source articles' regression code does not run
# --------------------------------------------------
#
# The ``RegLSTM`` of Master Su's article (see :ref:`source-articles`) uses a name it never defines and has broken indentation. A working
# LSTM with a Linear head, trained on a small series, is in
# :ref:`sphx_glr_auto_examples_plot_07_regression.py`.
#
# To finish, the figure below shows where ``output``, ``h_n`` and ``c_n`` come from in the
# bidirectional model of this page.

lf.draw("state_locations", bi, x)
# sphinx_gallery_thumbnail_number = 2
