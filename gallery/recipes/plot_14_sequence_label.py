"""
======================
One label per sequence
======================

Many tasks give a whole sequence one label: the sentiment of a sentence, the class of a
series. The classifier then needs one feature vector per sequence. This recipe takes it from
``h_n`` for a padded ``batch_first`` batch of sequences of different lengths, shows what the
common shortcut ``output[:, -1, :]`` reads instead, and trains a small classifier on each.
"""

# %%
# The task and a padded batch
# ---------------------------
# Each sequence holds the values +1 and -1 and is two to T = 6 steps long. Its class, one of
# four, says whether its first element and its last element are positive. The sequences are
# padded with zeros to T steps in one ``(N, T, F)`` tensor
# (:ref:`sphx_glr_auto_examples_plot_04_batch_first.py`) and packed with their lengths
# (:ref:`sphx_glr_auto_examples_beyond_plot_10_packed.py`); with ``enforce_sorted=False``
# the lengths need not be sorted.
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import lstm_figures as lf

torch.manual_seed(0)
T, H, num_classes = 6, 8, 4


def sequences(lengths):
    """Padded (N, T, 1) inputs of +1 and -1; class 2 * (first > 0) + (last > 0)."""
    x = torch.randint(0, 2, (len(lengths), T, 1)) * 2.0 - 1.0
    x[torch.arange(T) >= lengths[:, None]] = 0.0  # padding after each sequence's end
    last = x[torch.arange(len(lengths)), lengths - 1, 0]
    return x, 2 * (x[:, 0, 0] > 0).long() + (last > 0).long()


def pack(x, lengths):
    return pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)


lengths = torch.tensor([4, 6, 3])
x, y = sequences(lengths)
packed = pack(x, lengths)
print("x (N, T, F):", tuple(x.shape), " lengths:", lengths.tolist(), " y:", y.tolist())

# %%
# One direction: ``h_n[-1]``
# --------------------------
# With one direction, the feature vector is ``h_n[-1]``, the top layer's final state
# (:ref:`sphx_glr_auto_examples_plot_06_state_locations.py`). In a packed batch each sequence
# ends at its own last real step, so ``h_n[-1]`` equals ``output[b, length_b - 1]`` for every
# sequence b. ``output[rows, lengths - 1]`` gathers these steps for all sequences at once.
one_way = nn.LSTM(1, H, num_layers=2, batch_first=True)
packed_output, (h_n, _) = one_way(packed)
output, _ = pad_packed_sequence(packed_output, batch_first=True)
rows = torch.arange(len(lengths))
assert torch.allclose(h_n[-1], output[rows, lengths - 1])
print("h_n[-1]:", tuple(h_n[-1].shape), "== output[b, length_b - 1] for every b")

# %%
# Two directions: ``torch.cat((h_n[-2], h_n[-1]), dim=1)``
# --------------------------------------------------------
# With ``bidirectional=True``, ``h_n`` holds two final states per layer, the forward one
# first (:ref:`sphx_glr_auto_examples_plot_05_bidirectional.py`): the top layer's are
# ``h_n[-2]`` and ``h_n[-1]``. Joined, they give ``(N, 2 * H)`` features. In ``output``, the
# forward half sits at each sequence's own last step, and the backward half at t = 0, where
# the backward direction ends.
lstm = nn.LSTM(1, H, num_layers=2, bidirectional=True, batch_first=True)
packed_output, (h_n, _) = lstm(packed)
output, _ = pad_packed_sequence(packed_output, batch_first=True)
features = torch.cat((h_n[-2], h_n[-1]), dim=1)
assert tuple(features.shape) == (len(lengths), 2 * H)
assert torch.allclose(features[:, :H], output[rows, lengths - 1, :H])
assert torch.allclose(features[:, H:], output[:, 0, H:])
print("features (N, 2 * H):", tuple(features.shape), "== the two halves of output")

# %%
# The usual bug: ``output[:, -1, :]``
# -----------------------------------
# ``output[:, -1, :]`` reads the last padded step of every sequence. For a sequence shorter
# than T that step is padding: zeros. For the sequence of length T the forward half is right,
# but the backward half is the backward direction's first step, which has read a single time
# step. So no sequence gets its right features:
wrong = output[:, -1, :]
for b, length in enumerate(lengths.tolist()):
    padding = bool((wrong[b] == 0).all())
    difference = (wrong[b] - features[b]).abs().max().item()
    assert padding == (length < T)
    assert difference > 1e-3
    shown = f"padding {padding}, max |diff| {difference:.3f}"
    print(f"sequence {b}, length {length}: {shown}")
full = lengths == T  # the sequence of length T: its forward half is right
assert torch.allclose(wrong[full, :H], features[full, :H])

# %%
# A classifier on the features
# ----------------------------
# A ``nn.Linear(2 * H, num_classes)`` head on these features makes the classifier. We train
# it with Adam for 20 steps on 32 sequences of random lengths, and count its right answers on
# 256 other sequences. For comparison, a second model puts its head on ``output[:, -1, :]``.
torch.set_num_threads(1)
train_lengths = torch.randint(2, T + 1, (32,))
test_lengths = torch.randint(2, T + 1, (256,))
(x_train, y_train), (x_test, y_test) = sequences(train_lengths), sequences(test_lengths)
train_packed, test_packed = pack(x_train, train_lengths), pack(x_test, test_lengths)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, H, num_layers=2, bidirectional=True, batch_first=True)
        self.head = nn.Linear(2 * H, num_classes)

    def forward(self, packed):
        _, (h_n, _) = self.lstm(packed)
        return self.head(torch.cat((h_n[-2], h_n[-1]), dim=1))


class LastStepClassifier(Classifier):  # the bug, for comparison only
    def forward(self, packed):
        packed_output, _ = self.lstm(packed)
        output, _ = pad_packed_sequence(packed_output, batch_first=True, total_length=T)
        return self.head(output[:, -1, :])


def train(model):
    """Train the model, and return its classes for the test sequences."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(20):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(train_packed), y_train).backward()
        optimizer.step()
    with torch.no_grad():
        return model(test_packed).argmax(dim=1)


model, model_wrong = Classifier(), LastStepClassifier()
predicted, predicted_wrong = train(model), train(model_wrong)

# %%
# The right features solve the task; ``output[:, -1, :]`` does little better than guessing.
# Every test sequence shorter than T hands the head the same zeros, so that model gives all
# of them one class: only the sequences of length T give it anything to learn from.
accuracy = (predicted == y_test).float().mean().item()
accuracy_wrong = (predicted_wrong == y_test).float().mean().item()
print(
    f"held-out accuracy (chance {1 / num_classes:.2f}):"
    f" h_n {accuracy:.2f}, output[:, -1, :] {accuracy_wrong:.2f}"
)
assert accuracy > 0.8
assert accuracy_wrong < 0.5
assert predicted_wrong[test_lengths < T].unique().numel() == 1

# %%
# What the package says
# ---------------------
# :func:`lstm_figures.locate` gives the same verdict for the trained model. The bug reads the
# top layer's two cells at t = T - 1, and padding: the package warns about the backward cell
# and about the padding. The fix reads the forward state at each sequence's own last step and
# the backward state at t = 0, and gets no warning.
tr = lf.trace(model.lstm, packed)
bug = lf.locate(tr, "output[:, -1, :]")
fix = lf.locate(tr, "torch.cat((h_n[-2], h_n[-1]), dim=1)")
top = tr.num_layers - 1
assert bug.cells == [("h", top, 0, T - 1), ("h", top, 1, T - 1)]
last_steps = {("h", top, 0, n - 1) for n in lengths.tolist()}  # forward, each its own
assert fix.cells == sorted(last_steps | {("h", top, 1, 0)})  # and backward at t = 0
assert bug.padding
assert not fix.padding
warned = [key for key, _ in bug.warning_keys]
assert warned == ["locate_warn_backward_first", "locate_warn_padding"]
assert not fix.warnings
print("\n".join(bug.warnings))

# %%
# The first figure marks the two cells ``output[:, -1, :]`` reads, at t = 5, and the padding
# it reads there for the two shorter sequences; the package's warnings are written below it.
lf.draw("selection", tr, expression="output[:, -1, :]")

# %%
# The fix reads the top layer's forward row at t = 2, 3 and 5, the last steps of the three
# sequences (hatched where a cell holds other sequences too), and its backward row at t = 0.
# :ref:`The next recipe <sphx_glr_auto_examples_recipes_plot_15_step_labels.py>` gives every
# time step a label of its own.
lf.draw("selection", tr, expression="torch.cat((h_n[-2], h_n[-1]), dim=1)")
# sphinx_gallery_thumbnail_number = 2
