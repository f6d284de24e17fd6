// Shape calculator, part 1 of 2: what a configuration gives, with PyTorch's rules
// (docs/notation.rst): the shape of every tensor and parameter of an nn.LSTM, nn.GRU or
// nn.RNN, and the Python code that builds the same module. Pure functions of the
// configuration, no page access. Loaded before shapes.js (the form), which reads them from
// window.lstmShapes.
(function () {
  "use strict";

  // Rows of weight_ih and weight_hh: one block of hidden_size rows per gate.
  const GATES = { LSTM: 4, GRU: 3, RNN: 1 };

  /** input, states and output, as in lstm_figures.Trace.shapes(). */
  function tensorShapes(c) {
    const directions = c.bidirectional ? 2 : 1;
    const outputSize = c.proj_size || c.hidden_size;
    const states = c.num_layers * directions;
    // batch_first swaps the first two axes of input and output, never of the states; an
    // unbatched input has no batch axis at all.
    const sequence = (steps, features) => {
      if (c.unbatched) {
        return [steps, features];
      }
      return c.batch_first ? [c.batch, steps, features] : [steps, c.batch, features];
    };
    const state = (size) => (c.unbatched ? [states, size] : [states, c.batch, size]);
    // A packed batch comes back padded to its longest sequence (pad_packed_sequence).
    const outputSteps = c.lengths ? Math.max(...c.lengths) : c.seq_len;
    const hasCell = c.module === "LSTM";
    const tensors = [
      ["input", sequence(c.seq_len, c.input_size)],
      ["h_0", state(outputSize)],
    ];
    if (hasCell) {
      tensors.push(["c_0", state(c.hidden_size)]);
    }
    tensors.push(["output", sequence(outputSteps, directions * outputSize)]);
    tensors.push(["h_n", state(outputSize)]);
    if (hasCell) {
      tensors.push(["c_n", state(c.hidden_size)]);
    }
    return tensors;
  }

  /** Every parameter, in the order of named_parameters(): layer by layer, forward first. */
  function parameterShapes(c) {
    const directions = c.bidirectional ? 2 : 1;
    const outputSize = c.proj_size || c.hidden_size;
    const rows = GATES[c.module] * c.hidden_size;
    const parameters = [];
    for (let layer = 0; layer < c.num_layers; layer++) {
      // Layer 0 reads the input; every later layer reads both directions of the one below.
      const inputs = layer === 0 ? c.input_size : directions * outputSize;
      for (let direction = 0; direction < directions; direction++) {
        const suffix = "_l" + layer + (direction === 1 ? "_reverse" : "");
        parameters.push(
          ["weight_ih" + suffix, [rows, inputs]],
          ["weight_hh" + suffix, [rows, outputSize]],
          ["bias_ih" + suffix, [rows]],
          ["bias_hh" + suffix, [rows]],
        );
        if (c.proj_size > 0) {
          parameters.push(["weight_hr" + suffix, [outputSize, c.hidden_size]]);
        }
      }
    }
    return parameters;
  }

  /** Code that builds the same module and a random input in the right layout. */
  function snippet(c) {
    const name = c.module.toLowerCase();
    const options = [
      "input_size=" + c.input_size,
      "hidden_size=" + c.hidden_size,
      "num_layers=" + c.num_layers,
    ];
    if (c.bidirectional) {
      options.push("bidirectional=True");
    }
    if (c.batch_first) {
      options.push("batch_first=True");
    }
    if (c.proj_size > 0) {
      options.push("proj_size=" + c.proj_size);
    }
    const [shape, layout] = c.unbatched
      ? [[c.seq_len, c.input_size], "(T, F)"]
      : c.batch_first
        ? [[c.batch, c.seq_len, c.input_size], "(N, T, F)"]
        : [[c.seq_len, c.batch, c.input_size], "(T, N, F)"];
    const states = c.module === "LSTM" ? "(h_n, c_n)" : "h_n";
    const lines = ["import torch"];
    if (c.lengths) {
      lines.push("from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence");
    }
    lines.push(
      "",
      name + " = torch.nn." + c.module + "(",
      ...options.map((option) => "    " + option + ","),
      ")",
      "x = torch.randn(" + shape.join(", ") + ")  # " + layout,
    );
    if (c.lengths) {
      const layoutArgument = c.batch_first ? ", batch_first=True" : "";
      lines.push(
        "lengths = [" + c.lengths.join(", ") + "]",
        "packed = pack_padded_sequence(x, lengths" + layoutArgument + ", enforce_sorted=False)",
        "packed_output, " + states + " = " + name + "(packed)",
        "output, _ = pad_packed_sequence(packed_output" + layoutArgument + ")",
      );
    } else {
      lines.push("output, " + states + " = " + name + "(x)");
    }
    return lines.join("\n");
  }

  window.lstmShapes = { GATES, tensorShapes, parameterShapes, snippet };
})();
