"""
========================
GRU and RNN carry only h
========================

PyTorch has two more recurrent modules with nearly the interface of ``nn.LSTM``: ``nn.GRU``
and ``nn.RNN``. This chapter runs all three on the same input and shows what stays the same and
what changes: the other two carry only the hidden state ``h``.
"""

# %%
# Same call, one state
# --------------------
# ``nn.GRU`` and ``nn.RNN`` take the arguments of ``nn.LSTM`` except ``proj_size``: only an
# LSTM can project ``h``, so here ``H_out = H``. ``nn.RNN`` takes one more, ``nonlinearity``:
# ``"tanh"`` (the default) or ``"relu"``. All three read the same ``(T, N, F)`` input. The GRU
# and the RNN return ``(output, h_n)`` instead of ``(output, (h_n, c_n))``: there is no cell
# state.
import torch
from torch import nn

import lstm_figures as lf

torch.manual_seed(0)
x = torch.randn(5, 3, 2)  # (T, N, F)
lstm = nn.LSTM(input_size=2, hidden_size=4, num_layers=2)
gru = nn.GRU(input_size=2, hidden_size=4, num_layers=2)
rnn = nn.RNN(input_size=2, hidden_size=4, num_layers=2)
for module in (lstm, gru, rnn):
    output, state = module(x)
    states = [tuple(s.shape) for s in state] if isinstance(state, tuple) else tuple(state.shape)
    print(f"{type(module).__name__:4}  output {tuple(output.shape)}  state {states}")
for module in (nn.GRU, nn.RNN):
    try:
        module(input_size=2, hidden_size=4, proj_size=2)
    except (TypeError, ValueError) as error:
        print(f"{module.__name__}(proj_size=2): {type(error).__name__}: {error}")
    else:
        raise AssertionError(f"{module.__name__} accepted proj_size")

# %%
# The same places for output and h_n
# ----------------------------------
# ``h_n`` is ``(L * D, N, H_out)`` for all three modules, and ``h_n[l * D + d]`` is the final state
# of layer l, direction d. ``output`` is the top layer's ``h`` at every time step. The trace
# checks both for the GRU.
tr = lf.trace(gru, x)
last, top = tr.seq_len - 1, tr.num_layers - 1
for layer in range(tr.num_layers):
    assert torch.allclose(tr.h_n[layer], tr.hidden(layer, 0, last))
for t in range(tr.seq_len):
    assert torch.allclose(tr.output[t], tr.hidden(top, 0, t))
print("h_n:", tuple(tr.h_n.shape), " output:", tuple(tr.output.shape))

# %%
# The gates of a GRU
# ------------------
# A GRU cell has three gates instead of four: r (reset), z (update) and n (new). Their weights
# are stacked in this order, so ``weight_ih_l0`` has 3 * H rows. The new state mixes the
# candidate ``n`` with the previous state: ``h_t = (1 - z) * n + z * h_{t-1}``.
print("weight_ih_l0 (3 * H, F):", tuple(gru.weight_ih_l0.shape))
t = 2
gates = tr.gates(0, 0, t)  # layer 0, direction 0, time step t
print("gates:", list(gates))
h_t = (1 - gates["z"]) * gates["n"] + gates["z"] * tr.hidden(0, 0, t - 1)
assert torch.allclose(h_t, tr.hidden(0, 0, t), atol=1e-6)
print("h_t == (1 - z) * n + z * h_{t-1}")

# %%
# A plain RNN has no gates
# ------------------------
# An RNN cell adds the two products and applies ``tanh`` (the default ``nonlinearity``):
# ``h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)``. Its ``weight_ih_l0`` is one block of
# H rows.
tr_rnn = lf.trace(rnn, x)
print("weight_ih_l0 (H, F):", tuple(rnn.weight_ih_l0.shape), " gates:", list(tr_rnn.gates(0, 0, t)))
with torch.no_grad():
    h_t = torch.tanh(
        x[t] @ rnn.weight_ih_l0.T
        + rnn.bias_ih_l0
        + tr_rnn.hidden(0, 0, t - 1) @ rnn.weight_hh_l0.T
        + rnn.bias_hh_l0
    )
assert torch.allclose(h_t, tr_rnn.hidden(0, 0, t), atol=1e-6)

# %%
# The figure
# ----------
# The GRU's layer × time grid: ``h`` goes right along time and up to the next layer, and
# nothing else is carried. Each cell names its three gates. For an RNN the figure is the
# same without the gates; for an LSTM, see
# :ref:`sphx_glr_auto_examples_plot_06_state_locations.py`. The next chapter,
# :ref:`sphx_glr_auto_examples_beyond_plot_13_parameters.py`, lists every parameter.
lf.draw("gru_rnn", tr)
