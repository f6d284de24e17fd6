"""
===============================
An LSTM with a regression head
===============================

An LSTM is often one part of a larger model. Here an LSTM reads windows of a noisy sine
wave, a ``nn.Linear`` layer turns its ``output`` into one prediction per time step, and
the two are trained together for 150 small steps on the CPU.
"""

# %%
# The data: windows of a noisy series
# ------------------------------------
#
# We sample a sine wave, add a little noise, and cut the series into windows of T steps.
# The task at every step t is to predict the next value of the series, so the target
# window is the input window moved one step ahead. The windows are stacked along the
# second axis, which gives the (T, N, F) layout that ``nn.LSTM`` expects by default, with
# F = 1 because the series has one feature.

import torch

torch.manual_seed(0)
seq_len, n_windows = 24, 64
series = torch.sin(torch.arange(0, 400) * 0.15) + 0.1 * torch.randn(400)
starts = torch.randint(0, len(series) - seq_len - 1, (n_windows,))
steps = starts[None, :] + torch.arange(seq_len)[:, None]  # (T, N) indices into the series
x = series[steps].unsqueeze(-1)  # (T, N, 1)
y = series[steps + 1].unsqueeze(-1)  # the next value at every step
print("x:", tuple(x.shape), " y:", tuple(y.shape))

# %%
# The model: an LSTM followed by a Linear layer
# ---------------------------------------------
#
# ``output`` holds the top layer's hidden state for every time step, with shape
# (T, N, D * H_out). Here D = 1 and there is no projection, so the last axis has H
# features, and the regression head is ``nn.Linear(H, 1)``. With a bidirectional LSTM
# the head would need ``nn.Linear(2 * H, 1)`` instead.
#
# ``nn.Linear`` acts on the last axis of its input and treats every other axis as a
# batch axis. So the head can be applied to ``output`` directly. Flattening ``output`` to
# (T * N, H), applying the head and reshaping back to (T, N, 1) gives exactly the same
# numbers; the code below checks this once.

from torch import nn


class Regressor(nn.Module):
    def __init__(self, hidden_size: int, num_layers: int) -> None:
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=hidden_size, num_layers=num_layers)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.lstm(x)  # output: (T, N, H); the final states are not needed
        return self.head(output)  # (T, N, 1): one prediction per time step


model = Regressor(hidden_size=16, num_layers=2)
with torch.no_grad():
    output, _ = model.lstm(x)
    flat = model.head(output.reshape(-1, output.shape[-1])).reshape(seq_len, n_windows, 1)
    assert torch.allclose(model(x), flat)
print(model)

# %%
# Training
# --------
#
# The two articles this tutorial grew out of (Master Su's "LSTM模型结构的可视化" on Zhihu and
# its English translation, see :ref:`source-articles`) sketch this model too, but their code
# does not run: it uses a name that is never defined and its indentation is broken. The version on this page runs
# and is trained here, at every build of the site. We minimise the mean squared error
# (MSE) between predictions and targets with Adam. A model this small trains fastest on a
# single CPU thread.

torch.set_num_threads(1)
optimizer = torch.optim.Adam(model.parameters(), lr=0.015)
losses = []
for _ in range(150):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
print(f"MSE after the first step: {losses[0]:.4f}, after the last step: {losses[-1]:.4f}")

# %%
# Loss and predictions
# --------------------
#
# The left panel shows the MSE after each training step k, on a logarithmic scale. The
# right panel compares one window of the series, ``y``, with the model's predictions,
# ``ŷ``, over its time steps t. The loss cannot fall far below ``0.1 ** 2``, the variance
# of the noise we added, because the noise in the next value cannot be predicted. The
# first predictions of a window are the least accurate: at t = 0 the model has seen only
# one value. The figure holds only symbols, so it reads the same in every language.

import matplotlib.pyplot as plt

with torch.no_grad():
    prediction = model(x)
fig, (loss_ax, fit_ax) = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
fig.set_label("MSE(k); y(t), ŷ(t)")  # the image's alt text: symbols, as in the figure
loss_ax.plot(losses)
loss_ax.set(yscale="log", xlabel="$k$", ylabel="MSE")
fit_ax.plot(y[:, 0, 0], "o-", markersize=3, label="$y$")
fit_ax.plot(prediction[:, 0, 0], "s--", markersize=3, label=r"$\hat{y}$")
fit_ax.set(xlabel="$t$", ylabel="$y$")
fit_ax.legend()
plt.show()

# %%
# Where the head reads from
# -------------------------
#
# The head reads ``output``, not ``h_n``: it needs a hidden state at every time step, and
# ``output`` is the top layer's ``h_t`` for every t. This figure shows where ``output``,
# ``h_n`` and ``c_n`` come from in the trained LSTM, for the first few windows. Other
# models combine an LSTM differently: some feed ``output`` into a second LSTM, and some
# use only ``h_n`` (one vector per sequence) for a single prediction per window.

import lstm_figures as lf

lf.draw("state_locations", model.lstm, x[:, :4])
# sphinx_gallery_thumbnail_number = 2

# %%
# .. admonition:: References
#
#    The following objects are used in this example:
#
#    - :func:`lstm_figures.draw`
#    - `torch.nn.LSTM <https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html>`_
#    - `torch.nn.Linear <https://pytorch.org/docs/stable/generated/torch.nn.Linear.html>`_
