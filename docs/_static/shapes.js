// Shape calculator (docs/shapes.rst), part 2 of 2: the page. It reads and checks the form,
// keeps it in the query string, and shows what shape_rules.js works out for it (the shape
// of every tensor and parameter, the code snippet).
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

  const { GATES, tensorShapes, parameterShapes, snippet } = window.lstmShapes;

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

  /** A shape as Python prints tuple(tensor.shape): (7, 4, 5), and (20,) for one axis. */
  function pythonTuple(shape) {
    return shape.length === 1 ? "(" + shape[0] + ",)" : "(" + shape.join(", ") + ")";
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
