// Shape calculator (docs/shapes.rst): the shape of every tensor of an nn.LSTM, nn.GRU or
// nn.RNN for the configuration in the form, worked out with PyTorch's rules (docs/notation.rst).
// Every word it shows comes from the page (the labels and the form's data-msg-* attributes),
// so it speaks the page's language. browser_tests/test_shapes_page.py checks it against torch.
(function () {
  "use strict";

  const form = document.getElementById("shape-form");
  if (!form) {
    return;
  }
  const message = document.getElementById("shape-message");
  const results = document.getElementById("shape-results");
  const table = document.getElementById("shapes-table");
  const paramCount = document.getElementById("param-count");
  const code = document.getElementById("shape-code");
  const moduleSelect = document.getElementById("module");

  // Rows of weight_ih and weight_hh: one block of hidden_size rows per gate.
  const GATES = { LSTM: 4, GRU: 3, RNN: 1 };
  // Form field id -> its name in the query string (PyTorch's argument names where they exist).
  const NUMBERS = {
    "input-size": "input_size",
    "hidden-size": "hidden_size",
    "num-layers": "num_layers",
    "seq-len": "seq_len",
    batch: "batch",
    "proj-size": "proj_size",
  };
  const CHECKBOXES = {
    bidirectional: "bidirectional",
    "batch-first": "batch_first",
    unbatched: "unbatched",
  };
  // A packed batch: one length per sample, e.g. "5, 3, 2"; empty for none.
  const LENGTHS = /^\s*\d+(\s*,\s*\d+)*\s*,?\s*$/;
  const TRUE = /^(1|true|yes|on)$/i;
  // What an input of type number accepts: HTML's "valid floating-point number".
  const NUMBER_TEXT = /^-?(\d+|\d*\.\d+)([eE][-+]?\d+)?$/;

  const field = (id) => document.getElementById(id);
  // What each field is described by before any error points it at the message too.
  const describedBy = new Map(
    [...Object.keys(NUMBERS), "lengths"].map((id) => [
      id,
      field(id).getAttribute("aria-describedby"),
    ]),
  );

  let numberFormat;
  try {
    numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);
  } catch (error) {
    numberFormat = new Intl.NumberFormat();
  }

  /** A message of the page, with {name} placeholders filled in. */
  function say(name, values) {
    const template = form.dataset["msg" + name] || "";
    return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
  }

  /** The field's name as its label shows it, for messages. */
  function labelOf(input) {
    const label = input.labels && input.labels[0];
    return (label ? label.textContent : input.name).replace(/\s+/g, " ").trim();
  }

  /** The whole number in one field, or the sentence that says what is wrong with it. */
  function readNumber(input) {
    const name = labelOf(input);
    const text = input.value.trim();
    // An input of type number holds "" for text it cannot parse; badInput tells it from empty.
    if (input.validity.badInput) {
      return { error: say("Whole", { field: name }) };
    }
    if (text === "") {
      return { error: say("Empty", { field: name }) };
    }
    const value = Number(text);
    if (!Number.isInteger(value)) {
      return { error: say("Whole", { field: name }) };
    }
    const min = Number(input.min);
    const max = Number(input.max);
    if (value < min) {
      return { error: say("Min", { field: name, min: numberFormat.format(min) }) };
    }
    if (value > max) {
      return { error: say("Max", { field: name, max: numberFormat.format(max) }) };
    }
    return { value };
  }

  /** The configuration in the form, the messages for what is wrong, and the fields at fault. */
  function readForm() {
    const config = { module: moduleSelect.value };
    const errors = [];
    const invalid = new Set();
    for (const [id, key] of Object.entries(NUMBERS)) {
      const result = readNumber(field(id));
      if ("error" in result) {
        errors.push(result.error);
        invalid.add(id);
      } else {
        config[key] = result.value;
      }
    }
    for (const [id, key] of Object.entries(CHECKBOXES)) {
      config[key] = field(id).checked;
    }
    const lengths = readLengths(config, invalid);
    if ("error" in lengths) {
      errors.push(lengths.error);
    } else {
      config.lengths = lengths.value;
    }
    if (config.proj_size > 0 && config.module !== "LSTM") {
      errors.push(say("ProjModule", { module: config.module }));
      invalid.add("proj-size");
    } else if (config.proj_size > 0 && config.proj_size >= config.hidden_size) {
      errors.push(say("ProjSize", {}));
      invalid.add("proj-size");
      invalid.add("hidden-size");
    }
    return { config, errors, invalid };
  }

  /** The lengths of a packed batch (null for none), or the sentence that says what is wrong. */
  function readLengths(config, invalid) {
    const text = field("lengths").value.trim();
    if (text === "") {
      return { value: null };
    }
    invalid.add("lengths");
    const name = labelOf(field("lengths"));
    if (!LENGTHS.test(text)) {
      return { error: say("LengthsFormat", { field: name }) };
    }
    if (config.unbatched) {
      return { error: say("LengthsUnbatched", { field: name }) };
    }
    const lengths = text
      .split(",")
      .filter((part) => part.trim() !== "")
      .map(Number);
    if (config.batch !== undefined && lengths.length !== config.batch) {
      return {
        error: say("LengthsCount", { field: name, count: lengths.length, batch: config.batch }),
      };
    }
    if (config.seq_len !== undefined && lengths.some((n) => n < 1 || n > config.seq_len)) {
      return { error: say("LengthsRange", { field: name, steps: config.seq_len }) };
    }
    invalid.delete("lengths");
    return { value: lengths };
  }

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

  /** A shape as Python prints tuple(tensor.shape): (7, 4, 5), and (20,) for one axis. */
  function pythonTuple(shape) {
    return shape.length === 1 ? "(" + shape[0] + ",)" : "(" + shape.join(", ") + ")";
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

  function rowsOf(entries) {
    return entries.map(([name, shape]) => {
      const row = document.createElement("tr");
      const header = document.createElement("th");
      header.scope = "row";
      const nameCode = document.createElement("code");
      nameCode.textContent = name;
      header.append(nameCode);
      const cell = document.createElement("td");
      const shapeCode = document.createElement("code");
      shapeCode.textContent = pythonTuple(shape);
      cell.append(shapeCode);
      row.append(header, cell);
      return row;
    });
  }

  function showErrors(errors, invalid) {
    message.replaceChildren(
      ...errors.map((text) => {
        const paragraph = document.createElement("p");
        paragraph.textContent = text;
        return paragraph;
      }),
    );
    for (const [id, base] of describedBy) {
      const input = field(id);
      const ids = invalid.has(id) ? [base, message.id] : [base];
      const value = ids.filter(Boolean).join(" ");
      if (invalid.has(id)) {
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
      if (value) {
        input.setAttribute("aria-describedby", value);
      } else {
        input.removeAttribute("aria-describedby");
      }
    }
  }

  function showShapes(c) {
    const parameters = parameterShapes(c);
    table.querySelector("tbody.shape-tensors").replaceChildren(...rowsOf(tensorShapes(c)));
    table.querySelector("tbody.shape-parameters").replaceChildren(...rowsOf(parameters));
    const total = parameters.reduce(
      (sum, [, shape]) => sum + shape.reduce((product, size) => product * size, 1),
      0,
    );
    paramCount.textContent = numberFormat.format(total);
    code.textContent = snippet(c);
  }

  /** The query string holds the form, so that a link shares a configuration. */
  function writeQuery() {
    // Other parameters (the slice box's expr) stay as they are.
    const params = new URLSearchParams(location.search);
    params.set("module", moduleSelect.value);
    for (const [id, key] of Object.entries(NUMBERS)) {
      params.set(key, field(id).value);
    }
    for (const [id, key] of Object.entries(CHECKBOXES)) {
      if (field(id).checked) {
        params.set(key, "1");
      } else {
        params.delete(key);
      }
    }
    const lengths = field("lengths").value.trim();
    if (lengths) {
      params.set("lengths", lengths);
    } else {
      params.delete("lengths");
    }
    try {
      history.replaceState(history.state, "", "?" + params.toString() + location.hash);
    } catch (error) {
      // Some browsers refuse this for pages opened from files; the calculator still works.
    }
  }

  function readQuery() {
    const params = new URLSearchParams(location.search);
    const module = (params.get("module") || "").toUpperCase();
    if (module in GATES) {
      moduleSelect.value = module;
    }
    for (const [id, key] of Object.entries(NUMBERS)) {
      if (params.has(key)) {
        // A number field holds only number text; anything else leaves it empty (and the
        // message asks for a value) instead of making the browser warn about it.
        const text = params.get(key).trim();
        field(id).value = NUMBER_TEXT.test(text) ? text : "";
      }
    }
    for (const [id, key] of Object.entries(CHECKBOXES)) {
      if (params.has(key)) {
        field(id).checked = TRUE.test(params.get(key));
      }
    }
    if (params.has("lengths")) {
      field("lengths").value = params.get("lengths").slice(0, 1000);
    }
  }

  function update() {
    const { config, errors, invalid } = readForm();
    showErrors(errors, invalid);
    results.hidden = errors.length > 0;
    if (errors.length === 0) {
      showShapes(config);
    }
    // The slice box (slice_box.js) follows the configuration.
    form.shapeConfig = errors.length === 0 ? config : null;
    form.dispatchEvent(new CustomEvent("shape-config", { detail: form.shapeConfig }));
  }

  form.addEventListener("input", () => {
    update();
    writeQuery();
  });
  form.addEventListener("change", () => {
    update();
    writeQuery();
  });
  // Enter in a field would submit the form and reload the page: everything is live already.
  form.addEventListener("submit", (event) => event.preventDefault());

  readQuery();
  update();
})();
