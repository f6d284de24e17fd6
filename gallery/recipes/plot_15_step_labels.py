"""
=======================
One label per time step
=======================

Tagging gives every time step a label of its own: a part of speech for each word of a
sentence, or a state for each moment of a series. The LSTM's ``output`` already holds one
vector per step; a ``nn.Linear`` head turns each into scores for the tags, and the loss
must leave out the padding of the shorter sequences.
"""

# %%
# A padded batch of tagged sequences
# ----------------------------------
# Three sequences of lengths 4, 5 and 2, padded with zeros to T = 5 in one ``(N, T, F)``
# tensor, with one of ``num_tags`` tags at every step. The ``mask`` is True at the real
# steps: step t of sequence n is real when t < ``lengths[n]``. The padded steps get tag 0,
# like the zeros of ``x``, but these tags mean nothing.
import torch
from torch import nn
from torch.nn.functional import cross_entropy
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import lstm_figures as lf

torch.manual_seed(0)
lengths = torch.tensor([4, 5, 2])
N, T, F, H, num_tags = len(lengths), int(lengths.max()), 2, 3, 4
mask = torch.arange(T)[None, :] < lengths[:, None]  # (N, T)
x = torch.randn(N, T, F) * mask[:, :, None]  # zeros after each sequence's end
tags = torch.randint(num_tags, (N, T)) * mask  # (N, T), 0 after each sequence's end
print("x (N, T, F):", tuple(x.shape), " real steps per sequence:", mask.sum(1).tolist())

# %%
# Features for every step
# -----------------------
# As in :ref:`sphx_glr_auto_examples_beyond_plot_10_packed.py`, the batch is packed so that
# the LSTM reads only the real steps; ``enforce_sorted=False`` accepts lengths in any order.
# ``pad_packed_sequence`` turns ``output``, the top layer's ``h`` at every step
# (:ref:`sphx_glr_auto_examples_plot_06_state_locations.py`), back into
# ``(N, T, D * H_out)``, with zeros at the padding. Two small functions do it, because we
# call them again below.


def pack(t: torch.Tensor) -> nn.utils.rnn.PackedSequence:
    return pack_padded_sequence(t, lengths, batch_first=True, enforce_sorted=False)


def step_features(lstm: nn.LSTM, x: torch.Tensor) -> torch.Tensor:
    return pad_packed_sequence(lstm(pack(x))[0], batch_first=True, total_length=T)[0]


lstm = nn.LSTM(F, H, batch_first=True)
output = step_features(lstm, x)
assert tuple(output.shape) == (N, T, 1 * H)
print("output (N, T, D * H_out):", tuple(output.shape))

# %%
# One Linear layer on every step
# ------------------------------
# As in :ref:`sphx_glr_auto_examples_plot_07_regression.py`, the head acts on the last axis
# and treats the others as batch axes: ``head(output)`` scores all N × T steps at once, and
# equals the head applied to one step ``output[:, t]`` after the other.
head = nn.Linear(H, num_tags)
logits = head(output)  # (N, T, num_tags)
assert tuple(logits.shape) == (N, T, num_tags)
step_by_step = torch.stack([head(output[:, t]) for t in range(T)], dim=1)
assert torch.allclose(logits, step_by_step)
print("logits (N, T, num_tags):", tuple(logits.shape))

# %%
# A loss over the real steps only
# -------------------------------
# ``cross_entropy`` wants the tag scores on axis 1, hence the ``transpose``. With
# ``reduction="none"`` it gives one loss per step, and the masked mean averages the real
# steps only. It equals the loss over ``packed.data``, which holds the real steps and
# nothing else, and the loss with the padded tags set to ``ignore_index``.
per_step = cross_entropy(logits.transpose(1, 2), tags, reduction="none")  # (N, T)
masked = (per_step * mask).sum() / mask.sum()
real_only = cross_entropy(head(lstm(pack(x))[0].data), pack(tags).data)
ignored_tags = tags.masked_fill(~mask, -100)  # -100: the default ignore_index
ignored = cross_entropy(logits.transpose(1, 2), ignored_tags, ignore_index=-100)
assert torch.allclose(masked, real_only)
assert torch.allclose(masked, ignored)
print(f"masked mean {masked:.4f}, over packed.data {real_only:.4f}")
print(f"ignore_index {ignored:.4f}")

# %%
# Give the padded steps another tag: the masked loss stays the same, and the plain mean over
# all N × T steps changes. Without the mask, training would teach the model tags that are
# not there.
other_tags = torch.where(mask, tags, num_tags - 1)
other_step = cross_entropy(logits.transpose(1, 2), other_tags, reduction="none")
other_masked = (other_step * mask).sum() / mask.sum()
assert torch.allclose(other_masked, masked)
assert not torch.allclose(other_step.mean(), per_step.mean())
print(f"masked mean:   {masked:.4f} -> {other_masked:.4f}")
print(f"unmasked mean: {per_step.mean():.4f} -> {other_step.mean():.4f}")

# %%
# Two directions: each step sees the whole sequence
# -------------------------------------------------
# With ``bidirectional=True`` each step joins the forward and the backward ``h``
# (:ref:`sphx_glr_auto_examples_plot_05_bidirectional.py`), so the head takes 2 * H_out
# features. The backward half at step t has read the steps after t: change the last real
# input of sequence 0, and the outputs at its earlier steps change. With one direction they
# do not: the output at step t depends only on steps 0 to t.
bi = nn.LSTM(F, H, batch_first=True, bidirectional=True)
bi_head = nn.Linear(2 * H, num_tags)
assert tuple(bi_head(step_features(bi, x)).shape) == (N, T, num_tags)
n, last = 0, int(lengths[0]) - 1
later = x.clone()
later[n, last] += 1.0
for model in (lstm, bi):
    change = step_features(model, later) - step_features(model, x)
    moved = change[n, :last].abs().max()
    assert (moved > 1e-3) == model.bidirectional
    print(f"bidirectional={model.bidirectional}: steps 0-{last - 1} moved {moved:.4f}")

# %%
# Why packing matters with two directions
# ---------------------------------------
# Packed, each sequence's backward direction starts at its own last real step, so its
# outputs equal those of the sequence run alone. Run on the padded tensor without packing,
# the backward direction starts in the padding and carries it into every real step of a
# shorter sequence. The forward half stays right at the real steps: it reads the padding last.
packed_out, padded_out = step_features(bi, x), bi(x)[0]
for n, length in enumerate(lengths.tolist()):
    alone = bi(x[n : n + 1, :length])[0][0]  # sequence n by itself, unpadded
    assert torch.allclose(packed_out[n, :length], alone, atol=1e-6)
    gap = (padded_out[n, :length] - packed_out[n, :length]).abs()
    assert gap[:, :H].max() < 1e-6  # forward half: the same
    backward = gap[:, H:].amax(dim=1)  # per real step
    assert bool((backward > 1e-3).all()) == (length < T)  # off everywhere unless full
    print(
        f"sequence {n}, length {length}: backward half off by {backward.min():.4f} to "
        f"{backward.max():.4f}"
    )

# %%
# What the head reads
# -------------------
# The figure marks what the head reads: all of ``output``, both directions of the top layer
# at every step, and the padding past each sequence's end, which is why the loss is masked.
# It also warns that the backward half at a sequence's last step has seen one input only.
# That matters when one vector stands for a whole sequence (the previous recipe,
# :ref:`sphx_glr_auto_examples_recipes_plot_14_sequence_label.py`, takes ``h_n``), not for a
# tagger, which wants every step.
tr = lf.trace(bi, pack(x))
selection = lf.locate(tr, "output")
assert selection.padding
assert selection.shape == (N, T, 2 * H)
keys = [key for key, _ in selection.warning_keys]
assert keys == ["locate_warn_backward_first", "locate_warn_padding"]
lf.draw("selection", tr, expression="output")
