"""
==============================
Sequences of different lengths
==============================

Real data often puts sequences of different lengths in one batch. This chapter pads them to
one length, packs them with ``pack_padded_sequence``, and finds each sequence's final state,
which is not in ``output[-1]``.
"""

# %%
# Padding
# -------
# A tensor has one length for all its sequences, so the shorter sequences are padded with
# zeros up to the longest one, T. Here are three sequences of lengths 5, 3 and 2 in one
# ``(T, N, F)`` tensor.
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import lstm_figures as lf

torch.manual_seed(0)
lengths = [5, 3, 2]
x = torch.randn(max(lengths), len(lengths), 2)  # (T, N, F)
for b, length in enumerate(lengths):
    x[length:, b] = 0.0  # padding after the end of sequence b
print("padded x (T, N, F):", tuple(x.shape))

# %%
# Packing
# -------
# ``pack_padded_sequence`` tells the LSTM the real lengths. The packed sequence keeps only the
# real time steps, in time order: time step 0 of every sequence, then time step 1 of every
# sequence that is still running, and so on. ``batch_sizes`` counts the sequences that are
# still running at each time step. The lengths must be in decreasing order here; pass
# ``enforce_sorted=False`` if they are not.
packed = pack_padded_sequence(x, lengths)
print("packed.data:", tuple(packed.data.shape), "=", sum(lengths), "real time steps")
print("packed.batch_sizes:", packed.batch_sizes.tolist())

# %%
# Running the LSTM
# ----------------
# The LSTM reads the packed sequence directly and returns ``output`` packed in the same way.
# ``pad_packed_sequence`` turns it back into a padded ``(T, N, D * H_out)`` tensor, with zeros
# after the end of each sequence. The states ``h_n`` and ``c_n`` are plain tensors.
lstm = nn.LSTM(input_size=2, hidden_size=3, bidirectional=True)
packed_output, (h_n, c_n) = lstm(packed)
output, output_lengths = pad_packed_sequence(packed_output)
print("output (T, N, D * H):", tuple(output.shape), " lengths:", output_lengths.tolist())
print("h_n (L * D, N, H):   ", tuple(h_n.shape))

# %%
# Each sequence ends at its own last step
# ---------------------------------------
# For the forward direction, ``h_n`` holds each sequence's state at its last real time step,
# t = length - 1, that is ``output[length - 1, b, :H]``. ``output[-1]`` is the last time step
# of the padded tensor: for every sequence shorter than T it holds only zeros.
H = lstm.hidden_size
for b, length in enumerate(lengths):
    assert torch.allclose(h_n[0, b], output[length - 1, b, :H])
    padding = bool((output[-1, b] == 0).all())
    assert padding == (length < max(lengths))
    print(
        f"sequence {b}: h_n[0, {b}] == output[{length - 1}, {b}, :H];  output[-1] is 0: {padding}"
    )

# %%
# The backward direction
# ----------------------
# The backward direction starts at each sequence's own last real time step and ends at
# t = 0. So its final state is ``output[0, b, H:]`` for every sequence, as without padding.
assert torch.allclose(h_n[1], output[0, :, H:])
print("h_n[1] == output[0, :, H:]:", torch.allclose(h_n[1], output[0, :, H:]))

# %%
# Without packing, the padding is read as data
# --------------------------------------------
# Run the same LSTM on the padded tensor without packing it. The LSTM then reads the zeros
# after each shorter sequence as if they were real time steps, so those sequences get other
# final states. Only the sequence of length T is not affected in the forward direction.
_, (h_unpacked, _) = lstm(x)
for b, length in enumerate(lengths):
    same = torch.allclose(h_unpacked[0, b], h_n[0, b])
    print(f"sequence {b} (length {length}): same forward final state: {same}")

# %%
# The figure
# ----------
# A packed input is traced like any other, and the trace keeps each sequence's length.
tr = lf.trace(lstm, packed)
print("lengths in the trace:", tr.lengths)

# %%
# The figure shows the padded batch with its padding greyed out, each sequence's final
# states, and the rows of ``packed.data`` in time order with ``batch_sizes``. The dashed frame
# is ``output[-1]``. The next chapter,
# :ref:`sphx_glr_auto_examples_beyond_plot_11_projection.py`, gives ``h`` fewer features than
# ``c``.
lf.draw("packed", tr)
