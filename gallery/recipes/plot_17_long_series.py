"""
========================
A long series in chunks
========================

One backward pass through a series of thousands of steps keeps the graph of every step in
memory. Truncated backpropagation through time reads the series in chunks of k steps, hands
the final states ``(h_n, c_n)`` of one chunk to the next as its ``(h_0, c_0)``, and cuts the
graph between chunks with ``.detach()``. This chapter checks that the chunks give the numbers
of one pass, and shows what goes wrong without ``.detach()`` and without carrying the states.
"""

# %%
# A long series and the model
# ---------------------------
# The model is built as in :ref:`sphx_glr_auto_examples_plot_07_regression.py`: an LSTM and a
# Linear head that predicts the next value at every step, but it now reads two long series
# whole instead of short windows: a batch of N = 2 and T steps, cut along time into chunks of
# k steps. The LSTM has two layers and ``dropout=0.2``, which acts between them.
import torch
from torch import nn

import lstm_figures as lf

torch.manual_seed(0)
T, N, k, H = 240, 2, 24, 8
series = torch.sin(0.15 * torch.arange(T + 1)[:, None] + 6 * torch.rand(N))
series += 0.1 * torch.randn(T + 1, N)
x, y = series[:-1, :, None], series[1:, :, None]  # (T, N, 1): y is the next value
lstm = nn.LSTM(input_size=1, hidden_size=H, num_layers=2, dropout=0.2)
head = nn.Linear(H, 1)
chunks = list(zip(x.split(k), y.split(k), strict=True))  # k steps each, in order
print(f"x: {tuple(x.shape)} -> {len(chunks)} chunks of {tuple(chunks[0][0].shape)}")

# %%
# Chunk by chunk equals one pass
# ------------------------------
# A chunk's ``h_n`` and ``c_n`` are the last column of the grid of
# :ref:`sphx_glr_auto_examples_plot_06_state_locations.py`: each layer's state after the
# chunk's last step, exactly what the same layer needs before the next chunk's first step (an
# encoder hands its states to a decoder the same way, see
# :ref:`sphx_glr_auto_examples_recipes_plot_16_encoder_decoder.py`). We compare in eval mode:
# in training mode dropout draws a new random mask at every call, so even two passes over the
# whole series differ.
assert not torch.allclose(lstm(x)[0], lstm(x)[0])  # training mode: dropout is random
lstm.eval()
with torch.no_grad():
    output, (h_n, c_n) = lstm(x)
    state, outputs = None, []
    for x_k, _ in chunks:
        output_k, state = lstm(x_k, state)  # state: this chunk's (h_n, c_n)
        outputs.append(output_k)
assert torch.allclose(torch.cat(outputs), output)
assert torch.allclose(state[0], h_n)
assert torch.allclose(state[1], c_n)
print("chunks == one pass:", torch.allclose(torch.cat(outputs), output))

# %%
# Training in chunks
# ------------------
# In training, each chunk gets its own loss, backward pass and optimizer step. ``.detach()``
# keeps the values of the states but cuts their link to the graph of the chunk before, so a
# backward pass goes back k steps at most: the truncation. The gradient never sees how a state
# depended on older steps, but the forward pass still reads the whole series.
lstm.train()
optimizer = torch.optim.Adam([*lstm.parameters(), *head.parameters()], lr=0.02)
losses = []
for _ in range(3):  # three passes over the series
    state, total = None, 0.0
    for x_k, y_k in chunks:
        optimizer.zero_grad()
        output_k, state = lstm(x_k, state)
        loss = nn.functional.mse_loss(head(output_k), y_k)
        loss.backward()
        optimizer.step()
        state = tuple(s.detach() for s in state)  # keep the values, cut the graph
        total += loss.item()
    losses.append(total / len(chunks))
assert losses[-1] < losses[0]
print("mean MSE over the chunks, at each pass:", [f"{value:.4f}" for value in losses])

# %%
# Without ``.detach()``
# ---------------------
# Carry the states without ``.detach()``, and the second chunk's graph leads back into the
# first chunk's, which the first ``loss.backward()`` has freed: the second ``loss.backward()``
# stops with an error.
state, message = None, ""
try:
    for x_k, y_k in chunks[:2]:
        output_k, state = lstm(x_k, state)  # not detached
        nn.functional.mse_loss(head(output_k), y_k).backward()
except RuntimeError as error:
    message = str(error)
assert "Trying to backward through the graph a second time" in message
print("RuntimeError:", message.split(" (")[0])

# %%
# The error suggests ``retain_graph=True``. With it the code runs, but every chunk's graph now
# hangs on the graphs of all the chunks before it, and each backward pass walks back to the
# start of the series. We count the autograd nodes that each chunk's loss reaches through
# ``grad_fn.next_functions``: with ``retain_graph=True`` the count grows by the same number at
# every chunk; with ``.detach()`` it stays the same.


def graph_size(loss: torch.Tensor) -> int:
    """The number of autograd nodes that ``loss.backward()`` walks through."""
    seen, todo = set(), [loss.grad_fn]
    while todo:
        node = todo.pop()
        if node is not None and node not in seen:
            seen.add(node)
            todo.extend(next_node for next_node, _ in node.next_functions)
    return len(seen)


sizes = {}
for detach in (False, True):
    state, sizes[detach] = None, []
    for x_k, y_k in chunks[:5]:
        output_k, state = lstm(x_k, state)
        loss = nn.functional.mse_loss(head(output_k), y_k)
        sizes[detach].append(graph_size(loss))
        loss.backward(retain_graph=not detach)
        state = tuple(s.detach() for s in state) if detach else state
grown, kept = sizes[False], sizes[True]
per_chunk = grown[1] - grown[0]
assert per_chunk > 0
assert grown == [grown[0] + j * per_chunk for j in range(len(grown))]  # linear
assert kept == [kept[0]] * len(kept)  # stays the same
print("autograd nodes per chunk, retain_graph=True:", grown)
print("autograd nodes per chunk, .detach():        ", kept)

# %%
# Without carrying the states
# ---------------------------
# Start every chunk from zeros instead, and the chunks no longer give the numbers of one pass.
# The first chunk starts from zeros in both cases and is not affected. In the other chunks the
# difference is largest at the first step, where the zeros replace the real state, and fades
# as the chunk goes on. We compare the trained model in eval mode.
lstm.eval()
with torch.no_grad():
    output, (h_n, c_n) = lstm(x)
    fresh = torch.cat([lstm(x_k)[0] for x_k, _ in chunks])  # no state passed: zeros
difference = (fresh - output).abs().view(len(chunks), k, N * H)
by_step = difference[1:].amax(dim=(0, 2))  # each step's largest, chunk 0 left out
assert torch.allclose(fresh[:k], output[:k])  # the first chunk
assert by_step.argmax() == 0
assert by_step[0] > 10 * by_step[-1]
for t in (0, 1, 2, k - 2, k - 1):
    print(f"step {t:2} of a chunk: max |difference| {by_step[t]:.5f}")

# %%
# The states that are carried over
# --------------------------------
# ``torch.stack((h_n, c_n))`` holds all that a chunk hands to the next one: for each layer,
# the ``h`` and the ``c`` of the chunk's last step, since each layer carries its own pair
# along time (:ref:`sphx_glr_auto_examples_plot_02_stacked.py`). We trace the last chunk,
# started from the states that the chunks before it carried over: its pairs are those of one
# pass over the whole series.
with torch.no_grad():
    state = None
    for x_k, _ in chunks[:-1]:
        state = lstm(x_k, state)[1]
tr = lf.trace(lstm, chunks[-1][0], state)
expression = "torch.stack((h_n, c_n))"
sel = lf.locate(tr, expression)
assert {(name, layer, step) for name, layer, _, step in sel.cells} == {
    (name, layer, k - 1) for name in "hc" for layer in range(lstm.num_layers)
}
assert torch.allclose(sel.value, torch.stack((h_n, c_n)))
print(f"{expression} -> shape {sel.shape}: h and c of every layer at step {k - 1}")

# %%
# The figure marks these cells in the grid of the last chunk, whose T is k. Nothing else in
# a chunk reaches the next one.
lf.draw("selection", tr, expression=expression)
# sphinx_gallery_thumbnail_number = 1
