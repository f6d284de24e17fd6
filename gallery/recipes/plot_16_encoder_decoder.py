"""
============================
From an encoder to a decoder
============================

A sequence-to-sequence model reads one sequence and writes another. An encoder LSTM reads
the input, and a decoder LSTM starts from the encoder's final states ``(h_n, c_n)``. This
chapter hands those states over, merges the two directions of a bidirectional encoder, and
runs the decoder one step at a time.
"""

# %%
# Handing the states over
# -----------------------
#
# The decoder takes the encoder's ``(h_n, c_n)`` as its ``(h_0, c_0)``. These are
# (L * D, N, H_out) for h and (L * D, N, H) for c, so the hand-over works when the decoder
# has the same ``num_layers`` and ``hidden_size``. Both modules here are ``batch_first``,
# yet N stays on the second axis of the states: they ignore ``batch_first`` (see
# :ref:`sphx_glr_auto_examples_plot_08_misconceptions.py`).

import torch
from torch import nn

torch.manual_seed(0)
N, T_in, T_out, F_in, F_out, H, L = 3, 5, 4, 3, 2, 4, 2
encoder = nn.LSTM(F_in, H, num_layers=L, batch_first=True)
decoder = nn.LSTM(F_out, H, num_layers=L, batch_first=True)
x = torch.randn(N, T_in, F_in)  # (N, T, F), because batch_first
y = torch.randn(N, T_out, F_out)  # the decoder's inputs
_, (h_n, c_n) = encoder(x)
assert tuple(h_n.shape) == tuple(c_n.shape) == (L, N, H)  # D = 1, H_out = H
output, _ = decoder(y, (h_n, c_n))
assert tuple(output.shape) == (N, T_out, H)
print("encoder h_n:", tuple(h_n.shape), " decoder output:", tuple(output.shape))

# %%
# A bidirectional encoder
# -----------------------
#
# A bidirectional encoder (:ref:`sphx_glr_auto_examples_plot_05_bidirectional.py`) returns a
# final state for every layer and direction: ``h_n`` is (L * 2, N, H_out), twice what a
# one-direction decoder of the same depth expects, and PyTorch refuses it.

bi = nn.LSTM(F_in, H, num_layers=L, batch_first=True, bidirectional=True)
_, (h_n, c_n) = bi(x)
assert tuple(h_n.shape) == (L * 2, N, H)
message = ""
try:
    decoder(y, (h_n, c_n))
except RuntimeError as error:
    message = " ".join(str(error).split())
assert message  # refused
print("RuntimeError:", message)

# %%
# ``h_n`` holds layer 0 forward, layer 0 backward, layer 1 forward, and so on, so
# ``h_n.view(L, 2, N, H_out)`` gives layers and directions an axis each: entry ``[l, d]`` is
# ``h_n[2 * l + d]`` (:ref:`sphx_glr_auto_examples_plot_06_state_locations.py`).

H_out = bi.hidden_size  # no proj_size, so H_out = H
h_states, c_states = h_n.view(L, 2, N, H_out), c_n.view(L, 2, N, H)
for layer in range(L):
    for direction in range(2):
        assert torch.equal(h_states[layer, direction], h_n[2 * layer + direction])
        assert torch.equal(c_states[layer, direction], c_n[2 * layer + direction])
print("h_n.view(L, 2, N, H_out):", tuple(h_states.shape))

# %%
# Merging the two directions
# --------------------------
#
# The simplest merge adds the two directions: ``.sum(dim=1)`` gives (L, N, H_out), what the
# decoder expects. Another concatenates them to (L, N, 2 * H_out) and lets a ``nn.Linear``,
# trained with the rest of the model, map them back to H_out. The cell states get the same
# treatment, with H in place of H_out. The decoder runs from either.

h_sum, c_sum = h_states.sum(dim=1), c_states.sum(dim=1)
assert (h_sum.shape, c_sum.shape) == ((L, N, H_out), (L, N, H))
h_cat = torch.cat((h_states[:, 0], h_states[:, 1]), dim=-1)
c_cat = torch.cat((c_states[:, 0], c_states[:, 1]), dim=-1)
assert (h_cat.shape, c_cat.shape) == ((L, N, 2 * H_out), (L, N, 2 * H))
h_0, c_0 = nn.Linear(2 * H_out, H_out)(h_cat), nn.Linear(2 * H, H)(c_cat)
assert (h_0.shape, c_0.shape) == ((L, N, H_out), (L, N, H))
for start in ((h_sum, c_sum), (h_0, c_0)):
    output, (h, c) = decoder(y, start)
    assert (output.shape, h.shape) == ((N, T_out, H_out), (L, N, H_out))
print("sum:", tuple(h_sum.shape))
print("cat:", tuple(h_cat.shape), "-> Linear:", tuple(h_0.shape))

# %%
# One step at a time
# ------------------
#
# To write a sequence, the decoder is called on one step at a time and carries ``(h, c)``
# from call to call. Fed the known inputs ``y`` (teacher forcing), this loop gives the same
# outputs and final states as one call over the whole of ``y``: that is why it can be trusted.

outputs, state = [], (h_0, c_0)
for t in range(T_out):
    step, state = decoder(y[:, t : t + 1], state)  # (N, 1, H_out)
    outputs.append(step)
whole, (h, c) = decoder(y, (h_0, c_0))
same = torch.allclose(torch.cat(outputs, dim=1), whole)
assert same
assert torch.allclose(state[0], h)
assert torch.allclose(state[1], c)
print("one step at a time == one call:", same)

# %%
# Without known inputs, a small ``nn.Linear`` head turns each output into a prediction of
# F_out features, and the decoder reads that prediction at the next step. Started from a
# zero input, the loop writes as many steps as asked for, here twice T_out. Nothing is
# trained here, so only the shapes mean something.

head = nn.Linear(H_out, F_out)
with torch.no_grad():
    step_input, state, written = torch.zeros(N, 1, F_out), (h_0, c_0), []
    for _ in range(2 * T_out):
        step, state = decoder(step_input, state)
        step_input = head(step)  # (N, 1, F_out): the prediction, read at the next step
        written.append(step_input)
written = torch.cat(written, dim=1)
assert tuple(written.shape) == (N, 2 * T_out, F_out)
print("written:", tuple(written.shape))

# %%
# What each expression reads
# --------------------------
#
# ``h_n.view(L, 2, N, H_out)[:, 0]`` is the forward direction of every layer, at the last
# time step. It already has the decoder's shape, but it drops what the backward direction
# has read: the merges above keep both.

import lstm_figures as lf

tr = lf.trace(bi, x)
forward = lf.locate(tr, "h_n.view(L, 2, N, H_out)[:, 0]")
assert forward.cells == [("h", layer, 0, T_in - 1) for layer in range(L)]
lf.draw("selection", tr, expression=forward.expression)

# %%
# A decoder with fewer layers (:ref:`sphx_glr_auto_examples_plot_02_stacked.py`) can start
# from the top layer only. ``h_n.view(L, 2, N, H_out)[-1]`` is (2, N, H_out): the forward
# direction at the last time step, the backward one at t = 0. Summed with ``keepdim=True``,
# it starts a one-layer decoder; a merge joins states from the two ends of the input.

shallow = nn.LSTM(F_out, H, batch_first=True)
top = (h_states[-1].sum(dim=0, keepdim=True), c_states[-1].sum(dim=0, keepdim=True))
assert tuple(top[0].shape) == tuple(shallow(y, top)[1][0].shape) == (1, N, H_out)
top_layer = lf.locate(tr, "h_n.view(L, 2, N, H_out)[-1]")
assert top_layer.cells == [("h", L - 1, 0, T_in - 1), ("h", L - 1, 1, 0)]
lf.draw("selection", tr, expression=top_layer.expression)
# sphinx_gallery_thumbnail_number = 2

# %%
# .. admonition:: References
#
#    The following objects are used in this example:
#
#    - :func:`lstm_figures.draw`
#    - `torch.nn.LSTM <https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html>`_
#    - `torch.nn.Linear <https://pytorch.org/docs/stable/generated/torch.nn.Linear.html>`_
#    - `torch.cat <https://pytorch.org/docs/stable/generated/torch.cat.html>`_
