// Slice box, part 3 of 3: which (state, layer, direction, time step) cells does an
// expression such as `output[:, -1]` read, for the configuration in the shape calculator's
// form? The same answers as lstm_figures.locate (lstm_figures/locating.py): the parsed
// expression (slice_parser.js) is applied, as torch would, to small strided tensors
// (strided.js) whose elements are origin codes: each names the tensor it comes from and the
// (state, layer, direction, step, sample, unit) it holds, or padding. This file builds those
// tensors, evaluates the tree on them and reads the cells, partial cells, padding, shape and
// warnings back. Loaded after slice_parser.js and strided.js; slice_box.js is the page code.
// browser_tests/test_slice_box.py checks the page against lf.locate's table
// (tests/locate_table.json) in both languages.
(function () {
  "use strict";

  const ns = window.lstmSlices;
  const { fail, parse, describeNode } = ns;
  const {
    product,
    contiguousStrides,
    forEachPosition,
    index,
    transpose,
    permute,
    flip,
    view,
    chunk,
    unbind,
    concatenate,
    NONE,
  } = ns.strided;

  // ------------------------------------------------------- the real tensors
  //: Most elements output, h_n and c_n may hold together before the box refuses to follow them.
  const MAX_ELEMENTS = 1000000;
  //: lf.locate's limits: the longest expression, and the largest integer it may use or compute.
  const MAX_EXPRESSION = 500;
  const MAX_INT = 2 ** 40;
  //: The names an expression may use: the sizes, and the tensors the module returns.
  const SIZE_NAMES = ["T", "N", "F", "H", "H_out", "P", "L", "D"];
  const TENSOR_NAMES = ["output", "h_n", "c_n"];

  /** The sizes T N F H H_out P L D and what the origin codes need, for a configuration. */
  function describe(config) {
    const D = config.bidirectional ? 2 : 1;
    const P = config.kind === "LSTM" ? config.proj_size || 0 : 0;
    const H = config.hidden_size;
    const packed = Array.isArray(config.lengths) && config.lengths.length > 0;
    const batched = packed || config.batched !== false;
    const N = packed ? config.lengths.length : batched ? config.batch : 1;
    // A packed batch comes back padded to its longest sequence: that is T for lf.locate.
    const lengths = packed ? config.lengths.slice() : new Array(N).fill(config.seq_len);
    const T = packed ? Math.max(...lengths) : config.seq_len;
    return {
      kind: config.kind,
      batched,
      packed,
      batchFirst: !!config.batch_first,
      lengths,
      steps: T,
      sizes: { T, N, F: config.input_size, H, H_out: P || H, P, L: config.num_layers, D },
    };
  }

  /**
   * output, h_n and c_n of the configuration, with torch's strides, as origin codes.
   * Code = the element's position in the tensor's logical row-major order, plus the
   * tensor's base; `origin(code)` reads it back.
   */
  function realTensors(model) {
    const { T, N, H, H_out, L, D } = model.sizes;
    const time = model.steps;
    const lstm = model.kind === "LSTM";
    const outputShape = !model.batched
      ? [time, D * H_out]
      : model.batchFirst
        ? [N, time, D * H_out]
        : [time, N, D * H_out];
    const stateShape = (units) => (model.batched ? [L * D, N, units] : [L * D, units]);
    const shapes = { output: outputShape, h_n: stateShape(H_out) };
    if (lstm) {
      shapes.c_n = stateShape(H);
    }
    const total = Object.values(shapes).reduce((sum, shape) => sum + product(shape), 0);
    if (total > MAX_ELEMENTS || T > MAX_ELEMENTS) {
      fail("tooBig", {});
    }
    const tensors = {};
    const bases = {};
    let base = 0;
    for (const [name, shape] of Object.entries(shapes)) {
      // An RNN with batch_first computes (T, N, ·) and returns it transposed; a padded
      // packed output and unbatched outputs are contiguous (as torch 2 gives them).
      const transposed = name === "output" && model.batched && model.batchFirst && !model.packed;
      const strides = transposed ? [D * H_out, N * D * H_out, 1] : contiguousStrides(shape);
      const n = product(shape);
      const data = new Int32Array(n);
      // Code base + i for the i-th element in logical row-major order, stored where the
      // strides put it.
      const index = new Array(shape.length).fill(0);
      for (let i = 0; i < n; i++) {
        let position = 0;
        for (let d = 0; d < shape.length; d++) {
          position += index[d] * strides[d];
        }
        data[position] = base + i;
        for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; d--) {
          index[d] = 0;
        }
      }
      tensors[name] = { data, shape, strides, offset: 0 };
      bases[name] = base;
      base += n;
    }
    return { tensors, bases, shapes };
  }

  /** What an origin code holds: {source, padding, state, layer, direction, step, sample, unit}. */
  function originReader(model, real) {
    const { H_out, L, D } = model.sizes;
    const names = Object.keys(real.shapes);
    return (code) => {
      let source = names[0];
      for (const name of names) {
        if (code >= real.bases[name]) {
          source = name;
        }
      }
      const shape = real.shapes[source];
      let rest = code - real.bases[source];
      const index = new Array(shape.length);
      for (let d = shape.length - 1; d >= 0; d--) {
        index[d] = rest % shape[d];
        rest = Math.floor(rest / shape[d]);
      }
      if (source === "output") {
        const [step, sample, feature] = !model.batched
          ? [index[0], 0, index[1]]
          : model.batchFirst
            ? [index[1], index[0], index[2]]
            : index;
        const direction = Math.floor(feature / H_out);
        return {
          source,
          padding: step >= model.lengths[sample],
          state: "h",
          layer: L - 1,
          direction,
          step,
          sample,
          unit: feature % H_out,
        };
      }
      const [stateIndex, sample, unit] = model.batched ? index : [index[0], 0, index[1]];
      const direction = stateIndex % D;
      return {
        source,
        padding: false,
        state: source === "h_n" ? "h" : "c",
        layer: Math.floor(stateIndex / D),
        direction,
        // Where each direction's last step is: the end of the sample, or step 0 going back.
        step: direction === 0 ? model.lengths[sample] - 1 : 0,
        sample,
        unit,
      };
    };
  }

  // ------------------------------------------------------------- evaluation
  function evaluate(tree, model, real) {
    const limit = 4 * MAX_ELEMENTS;
    const asInt = (node) => {
      const value = ev(node);
      if (value.kind !== "int") {
        fail("wantInt", { found: describeNode(node) });
      }
      return value.value;
    };
    const asTensor = (node) => {
      const value = ev(node);
      if (value.kind !== "tensor") {
        fail("wantTensor", { found: describeNode(node) });
      }
      return value.tensor;
    };
    // Arguments that are either several ints or one tuple/list of ints (view, permute, flip).
    const intList = (method, args) => {
      const items = args.length === 1 && args[0].type === "tuple" ? args[0].items : args;
      signature(method, method + "(*dims)", items.length >= 1);
      return items.map(asInt);
    };
    const signature = (method, text, ok) => {
      if (!ok) {
        fail("arguments", { method, expected: text });
      }
    };
    const checkInt = (value) => {
      if (!Number.isSafeInteger(value) || Math.abs(value) > MAX_INT) {
        fail("tooLarge", {});
      }
      return { kind: "int", value };
    };

    function ev(node) {
      switch (node.type) {
        case "int":
          return checkInt(node.value);
        case "name":
          if (SIZE_NAMES.includes(node.name)) {
            return checkInt(model.sizes[node.name]);
          }
          if (TENSOR_NAMES.includes(node.name)) {
            if (!(node.name in real.tensors)) {
              fail("noCellState", { module: model.kind });
            }
            return { kind: "tensor", tensor: real.tensors[node.name] };
          }
          return fail("unknownName", { name: node.name });
        case "neg":
          return checkInt(-asInt(node.operand) + 0);
        case "binop": {
          const a = asInt(node.left);
          const b = asInt(node.right);
          if (node.op === "+") return checkInt(a + b);
          if (node.op === "-") return checkInt(a - b);
          if (node.op === "*") return checkInt(a * b);
          if (b === 0) {
            fail("divisionByZero", {});
          }
          return checkInt(Math.floor(a / b));
        }
        case "subscript":
          return subscript(node);
        case "call":
          return call(node);
        default:
          return fail("unsupported", { part: describeNode(node) });
      }
    }

    function subscript(node) {
      // chunk(...)[i] and unbind(...)[i]: pick one of the pieces, as Python indexes a tuple.
      if (node.value.type === "call" && isMethod(node.value, ["chunk", "unbind"])) {
        const pieces = piecesOf(node.value);
        if (node.items.length !== 1 || node.items[0].type === "slice") {
          fail("pickOne", { method: node.value.func.name });
        }
        const i = asInt(node.items[0]);
        if (i < -pieces.length || i >= pieces.length) {
          fail("pieceIndex", { method: node.value.func.name, count: pieces.length, index: i });
        }
        return { kind: "tensor", tensor: pieces[i < 0 ? i + pieces.length : i] };
      }
      const tensor = asTensor(node.value);
      const items = node.items.map((item) => {
        if (item.type === "slice") {
          const bound = (b) => (b === null ? null : asInt(b));
          return {
            kind: "slice",
            start: bound(item.start),
            stop: bound(item.stop),
            step: item.step === null ? 1 : asInt(item.step),
          };
        }
        if (item.type === "none") return NONE;
        if (item.type === "ellipsis") return { kind: "ellipsis" };
        return { kind: "int", value: asInt(item) };
      });
      return { kind: "tensor", tensor: index(tensor, items) };
    }

    const isMethod = (callNode, names) =>
      callNode.func.type === "attribute" &&
      names.includes(callNode.func.name) &&
      !(callNode.func.value.type === "name" && callNode.func.value.name === "torch");

    function piecesOf(node) {
      const method = node.func.name;
      const tensor = asTensor(node.func.value);
      const { args, keywords } = node;
      const names = Object.keys(keywords);
      if (method === "chunk") {
        signature(
          "chunk",
          "chunk(chunks, dim=0)",
          names.every((k) => k === "dim") && args.length >= 1 && args.length + names.length <= 2,
        );
        const dim =
          args.length === 2 ? asInt(args[1]) : "dim" in keywords ? asInt(keywords.dim) : 0;
        return chunk(tensor, asInt(args[0]), dim);
      }
      signature(
        "unbind",
        "unbind(dim=0)",
        names.every((k) => k === "dim") && args.length + names.length <= 1,
      );
      const dim = args.length === 1 ? asInt(args[0]) : "dim" in keywords ? asInt(keywords.dim) : 0;
      return unbind(tensor, dim);
    }

    function call(node) {
      const func = node.func;
      if (func.type !== "attribute") {
        return fail("unsupported", { part: describeNode(func) + "()" });
      }
      const { args, keywords } = node;
      const names = Object.keys(keywords);
      if (func.value.type === "name" && func.value.name === "torch") {
        if (func.name !== "cat" && func.name !== "stack") {
          fail("unsupported", { part: "torch." + func.name });
        }
        const expected = "torch." + func.name + "((a, b, ...), dim=0)";
        signature(
          func.name,
          expected,
          names.every((k) => k === "dim") &&
            args.length >= 1 &&
            args.length + names.length <= 2 &&
            (args[0].type === "tuple" || args[0].type === "list"),
        );
        const dim =
          args.length === 2 ? asInt(args[1]) : "dim" in keywords ? asInt(keywords.dim) : 0;
        const tensors = args[0].items.map(asTensor);
        return {
          kind: "tensor",
          tensor: concatenate(tensors, dim, func.name === "stack", limit),
        };
      }
      const method = func.name;
      if (method === "chunk" || method === "unbind") {
        return fail("pickOne", { method });
      }
      const tensor = asTensor(func.value);
      const plain = names.length === 0;
      switch (method) {
        case "view":
        case "reshape":
          signature(method, method + "(*shape)", plain && args.length >= 1);
          return { kind: "tensor", tensor: view(tensor, intList(method, args), method, limit) };
        case "transpose":
          signature(method, "transpose(dim0, dim1)", plain && args.length === 2);
          return { kind: "tensor", tensor: transpose(tensor, asInt(args[0]), asInt(args[1])) };
        case "permute":
          signature(method, "permute(*dims)", plain && args.length >= 1);
          return { kind: "tensor", tensor: permute(tensor, intList(method, args)) };
        case "flip":
          signature(method, "flip(dims)", plain && args.length >= 1);
          return { kind: "tensor", tensor: flip(tensor, intList(method, args), limit) };
        default:
          return fail("unsupported", { part: "." + method + "()" });
      }
    }

    return asTensor(tree);
  }
  // ------------------------------------------------------------------ locate
  const STATE_ORDER = (a, b) => {
    for (let i = 0; i < 4; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  };

  /**
   * The cells `expression` reads for `config` (the table's configuration format), as
   * lf.locate answers: {cells, partial, padding, shape, warnings: [{key, params}]}.
   * Throws a SliceError for an expression outside the grammar or one torch refuses.
   */
  function locate(config, expression) {
    const model = describe(config);
    const text = expression.trim();
    if (!text) {
      fail("empty", {});
    }
    if (text.length > MAX_EXPRESSION) {
      fail("tooLong", { length: text.length, max: MAX_EXPRESSION });
    }
    const tree = parse(text);
    const real = realTensors(model);
    const result = evaluate(tree, model, real);
    const origin = originReader(model, real);
    const { N, H, H_out, L, D } = model.sizes;
    const T = model.steps;

    // Every element read, once per distinct state element (output and h_n may share one).
    const codes = new Set();
    forEachPosition(result, (position) => codes.add(result.data[position]));
    const read = new Map(); // cell key -> {cell, elements: Set}
    let padding = false;
    let backwardFirst = false;
    const outputSamples = new Set();
    const outputSteps = new Set();
    for (const code of codes) {
      const o = origin(code);
      if (o.source === "output") {
        outputSamples.add(o.sample);
        outputSteps.add(o.step);
      }
      if (o.padding) {
        padding = true;
        continue;
      }
      if (
        o.source === "output" &&
        o.direction === 1 &&
        o.step === model.lengths[o.sample] - 1 &&
        model.lengths[o.sample] > 1
      ) {
        backwardFirst = true;
      }
      const cellIndex = (((o.state === "c" ? 1 : 0) * L + o.layer) * D + o.direction) * T + o.step;
      if (!read.has(cellIndex)) {
        read.set(cellIndex, { cell: [o.state, o.layer, o.direction, o.step], elements: new Set() });
      }
      read.get(cellIndex).elements.add(o.sample * H + o.unit);
    }
    const cells = [];
    const partial = [];
    for (const { cell, elements } of read.values()) {
      cells.push(cell);
      const samples = model.lengths.filter((length) => length > cell[3]).length;
      if (elements.size < samples * (cell[0] === "c" ? H : H_out)) {
        partial.push(cell);
      }
    }
    cells.sort(STATE_ORDER);
    partial.sort(STATE_ORDER);

    const warnings = [];
    if (D === 2 && backwardFirst) {
      warnings.push({
        key: "locate_warn_backward_first",
        params: { h_out: H_out, backward_final: "h_n[-1]" },
      });
    }
    if (padding) {
      warnings.push({ key: "locate_warn_padding", params: {} });
    }
    if (model.batchFirst && model.batched && outputSamples.size === 1 && outputSteps.size >= 2) {
      warnings.push({
        key: "locate_warn_batch_first_sample",
        params: { sample: outputSamples.values().next().value },
      });
    }
    return {
      cells,
      partial,
      padding,
      shape: result.shape.slice(),
      warnings,
      sizes: model.sizes,
      N,
    };
  }

  /** A template with {name} placeholders filled from params (unknown ones left as they are). */
  function fill(template, params) {
    return template.replace(/\{(\w+)\}/g, (whole, key) =>
      key in params ? String(params[key]) : whole,
    );
  }

  Object.assign(ns, { locate, fill, MAX_ELEMENTS });
})();
