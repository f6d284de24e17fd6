// Slice box of the shape calculator (docs/shapes.rst): the reader's expression, evaluated by
// slices.js (with slice_parser.js and strided.js) for the form's configuration, shown as the
// grid of states it reads, its shape and its warnings. Every word comes from the page: the
// box's data-msg-* attributes (translated with the page) and lf.locate's warning templates
// (the JSON that docs/_ext/slice_warnings.py writes from lstm_figures.labels). What the reader
// types is only ever shown as text.
(function () {
  "use strict";

  const box = document.getElementById("slice-box");
  const shapeForm = document.getElementById("shape-form");
  const slices = window.lstmSlices;
  if (!box || !shapeForm || !slices) {
    return;
  }
  const sliceForm = document.getElementById("slice-form");
  const input = document.getElementById("slice-expression");
  const shapeOut = document.getElementById("slice-shape");
  const summary = document.getElementById("slice-summary");
  const verdict = document.getElementById("slice-verdict");
  const grid = document.getElementById("slice-grid");
  const warningsScript = document.getElementById("slice-warnings");
  const templates = warningsScript ? JSON.parse(warningsScript.textContent) : {};
  // Axes wider than this are drawn with a "⋯" gap, as the figures do (layout.elide).
  const SHOWN_STEPS = 8;
  const SHOWN_LAYERS = 6;

  /** A message of the box, with {name} placeholders filled in. */
  function say(name, params) {
    return slices.fill(box.dataset["msg" + name] || "", params || {});
  }
  const messageName = (key) => key.charAt(0).toUpperCase() + key.slice(1);

  /** The table's configuration format (tests/locate_table.json) from the calculator's form. */
  function tableConfig(c) {
    return {
      kind: c.module,
      input_size: c.input_size,
      hidden_size: c.hidden_size,
      num_layers: c.num_layers,
      bidirectional: c.bidirectional,
      batch_first: c.batch_first,
      proj_size: c.proj_size,
      seq_len: c.seq_len,
      batch: c.batch,
      lengths: c.lengths || null,
      batched: !c.unbatched,
    };
  }

  /**
   * lf.locate's answer in the page's language: {cells, partial, padding, shape, warnings
   * [{key, params, text}]} or {error: {key, params, text}}. Pure: the tests call it too.
   */
  function explain(config, expression) {
    try {
      const answer = slices.locate(config, expression);
      answer.warnings = answer.warnings.map((w) => ({
        ...w,
        text: slices.fill(templates[w.key] || w.key, w.params),
      }));
      return answer;
    } catch (error) {
      if (!(error instanceof slices.SliceError)) {
        throw error;
      }
      const params = { ...error.params, max: error.params.max || slices.MAX_ELEMENTS };
      if (error.key === "tooBig") {
        params.max = new Intl.NumberFormat(document.documentElement.lang || undefined).format(
          slices.MAX_ELEMENTS,
        );
      }
      return { error: { key: error.key, params, text: say(messageName(error.key), params) } };
    }
  }

  /** layout.elide: the indices to draw, null for the gap. */
  function elide(count, shown) {
    if (count <= shown) {
      return Array.from({ length: count }, (_, i) => i);
    }
    const head = Math.floor(shown / 2);
    const tail = shown - head - 1;
    return [
      ...Array.from({ length: head }, (_, i) => i),
      null,
      ...Array.from({ length: tail }, (_, i) => count - tail + i),
    ];
  }

  const element = (tag, attributes, text) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      node.setAttribute(name, value);
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  };

  /** The layers × time grid, with the cells `answer` reads marked. */
  function drawGrid(config, answer) {
    const layers = config.num_layers;
    const directions = config.bidirectional ? 2 : 1;
    const steps = config.lengths ? Math.max(...config.lengths) : config.seq_len;
    const states = config.kind === "LSTM" ? ["h", "c"] : ["h"];
    const key = (cell) => cell.join(",");
    const read = new Set((answer.cells || []).map(key));
    const partial = new Set((answer.partial || []).map(key));
    const stepSlots = elide(steps, SHOWN_STEPS);
    const layerSlots = elide(layers, SHOWN_LAYERS);
    // Read cells the elided steps or layers hide: counted in their row's (or the layer gap's)
    // "⋯". Counted from the answer, not by walking a long axis.
    const shownSteps = new Set(stepSlots);
    const shownLayers = new Set(layerSlots);
    const hiddenInRow = new Map();
    let hiddenLayers = 0;
    for (const [state, layer, direction, step] of answer.cells || []) {
      if (!shownLayers.has(layer)) {
        hiddenLayers++;
      } else if (!shownSteps.has(step)) {
        const row = key([state, layer, direction]);
        hiddenInRow.set(row, (hiddenInRow.get(row) || 0) + 1);
      }
    }
    const gapCell = (attributes, hidden) => {
      const gap = element("td", attributes, "⋯");
      if (hidden) {
        gap.setAttribute("data-hidden-read", String(hidden));
        gap.title = say("Hidden", { count: hidden });
        gap.append(element("span", { class: "slice-hidden-count" }, String(hidden)));
      }
      return gap;
    };

    const table = element("table", { class: "slice-grid-table" });
    const headRow = element("tr");
    headRow.append(element("td"));
    for (const step of stepSlots) {
      headRow.append(element("th", { scope: "col" }, step === null ? "⋯" : say("Step", { step })));
    }
    const head = element("thead");
    head.append(headRow);
    table.append(head);
    const body = element("tbody");
    // The top layer first, as in the figures, where the input comes in at the bottom.
    for (const layer of layerSlots.reverse()) {
      if (layer === null) {
        const row = element("tr", { class: "slice-gap" });
        row.append(element("th", { scope: "row" }, "⋯"));
        row.append(gapCell({ colspan: String(stepSlots.length) }, hiddenLayers));
        body.append(row);
        continue;
      }
      for (let direction = 0; direction < directions; direction++) {
        for (const state of states) {
          const parts = [say("Layer", { layer })];
          if (directions === 2) {
            parts.push(say(direction ? "Backward" : "Forward"));
          }
          parts.push(state);
          const rowName = parts.join(" · ");
          const row = element("tr", { "data-row-state": state });
          row.append(element("th", { scope: "row" }, rowName));
          for (const step of stepSlots) {
            if (step === null) {
              const hidden = hiddenInRow.get(key([state, layer, direction])) || 0;
              row.append(gapCell({ class: "slice-gap-cell" }, hidden));
              continue;
            }
            const cellKey = key([state, layer, direction, step]);
            const status = partial.has(cellKey) ? "Partial" : read.has(cellKey) ? "Read" : "Unread";
            const cell = element("td", {
              class: "slice-cell",
              tabindex: "0",
              "data-state": state,
              "data-layer": String(layer),
              "data-direction": String(direction),
              "data-step": String(step),
              "aria-label": rowName + ", " + say("Step", { step }) + ": " + say(status),
              title: say(status),
            });
            if (read.has(cellKey)) {
              cell.setAttribute("data-selected", "true");
            }
            if (partial.has(cellKey)) {
              cell.setAttribute("data-partial", "true");
            }
            row.append(cell);
          }
          body.append(row);
        }
      }
    }
    table.append(body);
    grid.replaceChildren(table);
  }

  function paragraphs(texts, className) {
    return texts.map((text) => element("p", className ? { class: className } : {}, text));
  }

  let config = null;

  function render() {
    config = shapeForm.shapeConfig ? tableConfig(shapeForm.shapeConfig) : null;
    // "Shape of the result:" only when there is one.
    const result = shapeOut.closest(".slice-result");
    result.hidden = true;
    if (!config) {
      shapeOut.textContent = "";
      summary.textContent = "";
      grid.replaceChildren();
      verdict.dataset.error = "true";
      verdict.replaceChildren(...paragraphs([say("NoConfig")]));
      return;
    }
    const answer = explain(config, input.value);
    drawGrid(config, answer.error ? {} : answer);
    if (answer.error) {
      input.setAttribute("aria-invalid", "true");
      shapeOut.textContent = "";
      summary.textContent = "";
      verdict.dataset.error = "true";
      verdict.replaceChildren(...paragraphs([answer.error.text]));
      return;
    }
    input.removeAttribute("aria-invalid");
    delete verdict.dataset.error;
    result.hidden = false;
    shapeOut.textContent = slices.pythonShape(answer.shape);
    const directions = config.bidirectional ? 2 : 1;
    const steps = config.lengths ? Math.max(...config.lengths) : config.seq_len;
    const total = config.num_layers * directions * steps * (config.kind === "LSTM" ? 2 : 1);
    summary.textContent = say("Summary", {
      read: answer.cells.length,
      total,
      partial: answer.partial.length,
    });
    const texts = answer.warnings.map((w) => w.text);
    verdict.replaceChildren(
      ...(texts.length
        ? paragraphs(texts, "slice-warning")
        : paragraphs([say("NoWarnings")], "slice-fine")),
    );
  }

  /** The expression goes into the shareable address as expr=, next to the form's fields. */
  function writeQuery() {
    const params = new URLSearchParams(location.search);
    params.set("expr", input.value);
    try {
      history.replaceState(history.state, "", "?" + params.toString() + location.hash);
    } catch (error) {
      // Pages opened from files may refuse this; the box still works.
    }
  }

  input.addEventListener("input", () => {
    render();
    writeQuery();
  });
  // Enter: everything is live already; keep the page (and the reader's place) as it is.
  sliceForm.addEventListener("submit", (event) => {
    event.preventDefault();
    render();
    writeQuery();
  });
  for (const button of box.querySelectorAll("button[data-expr]")) {
    button.addEventListener("click", () => {
      input.value = button.dataset.expr;
      render();
      writeQuery();
    });
  }
  shapeForm.addEventListener("shape-config", render);

  const shared = new URLSearchParams(location.search).get("expr");
  if (shared !== null) {
    input.value = shared.slice(0, 2000);
  }
  slices.explain = explain;
  render();
})();
