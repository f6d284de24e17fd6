"""
========================
The data cube: N × T × F
========================

A recurrent network reads a batch of sequences, and a batch of sequences is a cube of numbers:
samples, time steps and features. This chapter builds such a cube from weather readings,
compares it with the table that tabular models read, and feeds it to a real LSTM.
"""

# %%
# From a table to a cube
# ----------------------
# Tabular models such as XGBoost, LightGBM or a decision tree read a table: one row per sample
# and one column per feature, a matrix of shape ``(N, F)``. Each row is read on its own.
#
# A sequence model needs one more axis, time. Take N cities, record F weather measurements in
# each city on T days, and you get a cube of shape ``(N, T, F)``: cities × days × measurements.
# Here the measurements are rainfall, wind speed and PM2.5 (fine particulate matter).
import torch
from torch import nn

import lstm_figures as lf

torch.manual_seed(0)
cities, days = 4, 7
rainfall = torch.rand(cities, days) * 20  # mm per day
wind_speed = 2 + torch.rand(cities, days) * 8  # m/s
pm25 = 20 + torch.rand(cities, days) * 80  # µg/m³
weather = torch.stack([rainfall, wind_speed, pm25], dim=-1)
print("cube (N, T, F):", tuple(weather.shape))

# %%
# The three features have very different scales, so we standardise each one (mean 0,
# standard deviation 1) before a network sees them. This is the usual first step for an LSTM
# too, and it keeps one large feature from dominating the others.
x = (weather - weather.mean(dim=(0, 1))) / weather.std(dim=(0, 1))

# %%
# Slices of the cube
# ------------------
# Fix one day t and you get back a familiar table: every city, every measurement on that day,
# shape ``(N, F)``. Fix one city instead and you get that city's own history, shape ``(T, F)``.
#
# Where the day is in the index depends on the layout. Our cube is ``(N, T, F)``, which PyTorch
# calls *batch first*, so day t is ``x[:, t, :]``. The default layout of ``nn.LSTM`` is
# time-major, ``(T, N, F)``, and there day t is simply ``x[t]``. The next chapter shows how to
# choose the layout; the numbers in the slice are the same either way.
t = 2
time_major = x.transpose(0, 1)  # (T, N, F)
print("time-major cube (T, N, F):", tuple(time_major.shape))
print("day t, batch first x[:, t, :]:", tuple(x[:, t, :].shape))
print("day t, time-major  x[t]:      ", tuple(time_major[t].shape))
print("one city, x[0]:", tuple(x[0].shape))
assert torch.equal(x[:, t, :], time_major[t])

# %%
# The same cube in language models
# --------------------------------
# Text gives the same shape. Each word of a sentence becomes a vector of E numbers, its
# embedding. A batch of N sentences of T words each becomes a cube ``(N, T, E)``:
# sentences × words × embedding, where the word order is the time axis and E plays the role
# of F.
vocabulary_size, embedding_size = 100, 3
sentences = torch.randint(vocabulary_size, (4, 7))  # (N, T) word ids
embed = nn.Embedding(vocabulary_size, embedding_size)
print("word ids (N, T):", tuple(sentences.shape))
print("embedded (N, T, E):", tuple(embed(sentences).shape))

# %%
# An LSTM reads the cube
# ----------------------
# An LSTM with ``input_size=F`` and ``batch_first=True`` reads the weather cube as it is.
lstm = nn.LSTM(input_size=x.shape[-1], hidden_size=5, batch_first=True)
output, _ = lstm(x)
print("output (N, T, H):", tuple(output.shape))

# %%
# The figure
# ----------
# The figure draws the cube coloured by its real values, and the ``(N, F)`` table of one time
# step: at each step, the LSTM reads one such table. Read on with
# :ref:`sphx_glr_auto_examples_plot_04_batch_first.py`.
lf.draw("data_cube", lstm, x)
