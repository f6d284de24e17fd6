"""
============
Why an LSTM
============

A plain RNN, a GRU and an LSTM all hand a state from one time step to the next. This chapter
measures, with real backward passes, how strongly the last output still depends on the input
t steps earlier, and shows what the LSTM's forget gate has to do with it.
"""

# %%
# How far back the last output feels the input
# --------------------------------------------
#
# For each sequence n, sum the H units of its last output, ``output[T-1, n]``, and take the
# gradient of that sum with respect to the input t steps back, ``x[T-1-t, n]``. Our measure
# g(t) is the norm of that gradient over the F features, averaged over the N sequences.
# Sequences of a batch never mix, so one backward pass of ``output[-1].sum()`` gives every
# sequence's gradient at once; the code checks this for sequence 0.
import torch
from torch import nn

torch.manual_seed(0)
T, N, F, H = 60, 16, 4, 16
x = torch.randn(T, N, F)
rnn, gru, lstm = nn.RNN(F, H), nn.GRU(F, H), nn.LSTM(F, H)  # default initialisation


def reach(module: nn.Module) -> torch.Tensor:
    """g(t) for t = 0, ..., T-1: how much output[T-1] depends on x[T-1-t]."""
    inputs = x.clone().requires_grad_()
    module(inputs)[0][-1].sum().backward()
    return inputs.grad.norm(dim=-1).mean(dim=1).flip(0)  # index t: t steps back


alone, together = x[:, :1].clone().requires_grad_(), x.clone().requires_grad_()
for inputs in (alone, together):
    lstm(inputs)[0][-1].sum().backward()
assert torch.allclose(alone.grad[:, 0], together.grad[:, 0], atol=1e-7)

# %%
# The figure marks what ``output[-1]`` reads, drawn for the first five steps of two sequences:
# the hidden state ``h`` of the last step. An input reaches it only through the states in
# between, so ``x[T-1-t]`` passes through t steps of the recurrence on its way (see
# :ref:`sphx_glr_auto_examples_plot_01_unrolled.py`).
import lstm_figures as lf

lf.draw("selection", lstm, x[:5, :2], expression="output[-1]")

# %%
# Three modules, default initialisation
# -------------------------------------
#
# The three modules have the same sizes and read the same ``x``. At PyTorch's default
# initialisation the LSTM does not stand out: each of the three curves falls by more than six
# orders of magnitude between t = 0 and t = T-1.
curves = {"RNN": reach(rnn), "GRU": reach(gru), "LSTM": reach(lstm)}
for name, g in curves.items():
    print(f"{name:4}  g(0) = {g[0]:.1e}   g(T-1) = {g[-1]:.1e}")
    assert g[-1] < 1e-6 * g[0]

# %%
# The forget gate scales the cell state's path
# --------------------------------------------
#
# The cell state ``c`` (not the forget gate, see
# :ref:`sphx_glr_auto_examples_plot_08_misconceptions.py`) is updated unit by unit as
# ``c_t = f_t * c_{t-1} + i_t * g_t`` (:ref:`sphx_glr_auto_examples_beyond_plot_09_gates.py`).
# So the direct path from ``c_{t-1}`` to ``c_t`` scales both the state and its gradient by
# ``f_t``, and t steps of it scale them by a product of t forget gates. The gradient also runs
# through ``h`` and the gates, so g(t) is not simply that product. PyTorch draws every weight
# and bias from [-1/√H, 1/√H], so a gate's input stays small and f stays near sigmoid(0) =
# 0.5: a product of T-1 such factors is tiny.
assert all(p.abs().max() <= H**-0.5 for p in lstm.parameters())


def mean_gate(module: nn.Module, name: str) -> float:
    tr = lf.trace(module, x)
    return torch.stack([tr.gates(0, 0, t)[name] for t in range(T)]).mean().item()


mean_f = {0: mean_gate(lstm, "f")}
print(f"LSTM: mean f = {mean_f[0]:.2f}, mean f ** (T-1) = {mean_f[0] ** (T - 1):.0e}")
assert 0.4 < mean_f[0] < 0.6

# %%
# A GRU's update gate z plays this part for ``h``, in ``h_t = (1 - z) * n + z * h_{t-1}``
# (:ref:`sphx_glr_auto_examples_beyond_plot_12_gru_rnn.py`), and it starts near 0.5 too. A plain
# RNN has no gate: from ``h_{t-1}`` to ``h_t`` it has only ``W_hh`` and tanh.
mean_z = mean_gate(gru, "z")
print(f"GRU: mean z = {mean_z:.2f}")
assert 0.4 < mean_z < 0.6

# %%
# A larger forget gate bias
# -------------------------
#
# The forget gate owns rows ``H:2H`` of ``bias_ih_l0`` and of ``bias_hh_l0`` (gate order i, f, g,
# o; see :ref:`sphx_glr_auto_examples_beyond_plot_13_parameters.py`), and its bias b_f is their
# sum. A common initialisation starts b_f at 1 or 2. We set it on copies of the same LSTM (the
# rows of ``bias_ih_l0`` to b_f, those of ``bias_hh_l0`` to 0): f moves towards 1, and g(T-1)
# grows by orders of magnitude. With b_f = 2 it is more than 10 000 times the g(T-1) of each
# of the other three modules.
import copy

for b_f in (1, 2):
    biased = copy.deepcopy(lstm)
    with torch.no_grad():
        biased.bias_ih_l0[H : 2 * H] = b_f
        biased.bias_hh_l0[H : 2 * H] = 0.0
    label = f"LSTM, $b_f = {b_f}$"
    curves[label], mean_f[b_f] = reach(biased), mean_gate(biased, "f")
    print(f"b_f = {b_f}: mean f = {mean_f[b_f]:.2f}   g(T-1) = {curves[label][-1]:.1e}")
far = [g[-1] for g in curves.values()]  # g(T-1) of RNN, GRU, LSTM, b_f = 1, b_f = 2
assert mean_f[0] < mean_f[1] < mean_f[2]
assert far[2] < far[3] < far[4]
assert all(far[4] > 1e4 * g for g in far[:3])

# %%
# The figure
# ----------
#
# g(t) against t on a logarithmic axis (the bar is the mean over the N sequences): t = 0 is
# the last step's own input, t = T-1 the first. What the LSTM brings is a path, not a promise:
# along ``c`` the gradient is scaled by forget gates, which the model computes from ``x_t`` and
# ``h_{t-1}``, and which a bias can start near 1. These models are untrained, and training
# moves the gates; this page does not say which of a trained GRU and a trained LSTM reaches
# further.
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
# The alt text: symbols, as in the figure.
fig.set_label("g(t), t = 0 … T−1: RNN, GRU, LSTM, LSTM b_f = 1, LSTM b_f = 2")
for (label, g), style in zip(curves.items(), ["-", "--", "-.", ":", "-"], strict=True):
    ax.plot(g, style, label=label)
norm = r"\|\partial\, \Sigma\, \mathrm{output}[T-1] \,/\, \partial x[T-1-t]\|"
ylabel = rf"$g(t) = \overline{{{norm}}}$"  # the bar: the mean over the N sequences
ax.set(yscale="log", xlabel="$t$", ylabel=ylabel)
ax.legend()
plt.show()
# sphinx_gallery_thumbnail_number = 2
