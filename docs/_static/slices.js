// Slice box (docs/shapes.rst): which (state, layer, direction, time step) cells does an
// expression such as `output[:, -1]` read, for the configuration in the shape calculator's form?
//
// The same grammar (lstm_figures/expressions.py) and answers (lstm_figures/locating.py) as
// lstm_figures.locate:
// - the expression is tokenized and parsed here, never evaluated as JavaScript;
// - it is applied, as torch would, to small strided tensors (shape, strides, offset) whose
//   elements are origin codes: each names the tensor it comes from and the (state, layer,
//   direction, step, sample, unit) it holds, or padding. Indexing, transpose, permute, chunk
//   and unbind are views; flip, cat and stack copy; view follows torch's stride rule
//   (computeStride), so it fails where torch's does; reshape is view if it can be, else a copy.
// browser_tests/test_slice_box.py checks the page against lf.locate's table
// (tests/locate_table.json) in both languages.
(function () {
  "use strict";

  // ---------------------------------------------------------------- errors
  /** A sentence for the reader: `key` names a data-msg-* template of the slice box. */
  class SliceError extends Error {
    constructor(key, params) {
      super(key);
      this.key = key;
      this.params = params || {};
    }
  }
  const fail = (key, params) => {
    throw new SliceError(key, params);
  };

  // ------------------------------------------------------------- tokenizer
  const SIZE_NAMES = ["T", "N", "F", "H", "H_out", "P", "L", "D"];
  const TENSOR_NAMES = ["output", "h_n", "c_n"];
  const PUNCTUATION = ["...", "//", "+", "-", "*", "(", ")", "[", "]", ",", ":", ".", "="];

  /** Tokens of `text`: {kind: "int" | "name" | "op" | "end", text, at} (at: 1-based column). */
  function tokenize(text) {
    const tokens = [];
    let i = 0;
    while (i < text.length) {
      const rest = text.slice(i);
      const space = /^\s+/.exec(rest);
      if (space) {
        i += space[0].length;
        continue;
      }
      // Python's integer literals: decimal, 0x, 0o, 0b, single underscores between digits.
      const number =
        /^(0[xX](_?[\da-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+|0(_?0)*|[1-9](_?\d)*)(?![\w.])/.exec(
          rest,
        );
      if (number) {
        tokens.push({ kind: "int", text: number[0].replace(/_/g, ""), at: i + 1 });
        i += number[0].length;
        continue;
      }
      const name = /^[A-Za-z_]\w*/.exec(rest);
      if (name) {
        tokens.push({ kind: "name", text: name[0], at: i + 1 });
        i += name[0].length;
        continue;
      }
      const op = PUNCTUATION.find((p) => rest.startsWith(p));
      if (!op || /^\d/.test(rest)) {
        // A float, a number glued to letters, or a character outside the grammar.
        const token = /^\d[\w.]*/.exec(rest);
        fail("unexpected", { token: token ? token[0] : Array.from(rest)[0], column: i + 1 });
      }
      tokens.push({ kind: "op", text: op, at: i + 1 });
      i += op.length;
    }
    tokens.push({ kind: "end", text: "", at: text.length + 1 });
    return tokens;
  }

  // ---------------------------------------------------------------- parser
  // Nodes: int, name, neg, binop, tuple, list, ellipsis, none, attribute, call, subscript, slice.
  function parse(text) {
    const tokens = tokenize(text);
    let position = 0;
    const peek = () => tokens[position];
    const isOp = (op) => peek().kind === "op" && peek().text === op;
    const unexpected = () => {
      const token = peek();
      if (token.kind === "end") {
        fail("incomplete", {});
      }
      fail("unexpected", { token: token.text, column: token.at });
    };
    const expect = (op) => {
      if (!isOp(op)) {
        unexpected();
      }
      position++;
    };

    function expression() {
      let node = term();
      while (isOp("+") || isOp("-")) {
        const op = tokens[position++].text;
        node = { type: "binop", op, left: node, right: term() };
      }
      return node;
    }
    function term() {
      let node = unary();
      while (isOp("*") || isOp("//")) {
        const op = tokens[position++].text;
        node = { type: "binop", op, left: node, right: unary() };
      }
      return node;
    }
    function unary() {
      if (isOp("-")) {
        position++;
        return { type: "neg", operand: unary() };
      }
      return postfix();
    }
    function postfix() {
      let node = atom();
      for (;;) {
        if (isOp(".")) {
          position++;
          if (peek().kind !== "name") {
            unexpected();
          }
          node = { type: "attribute", value: node, name: tokens[position++].text };
        } else if (isOp("(")) {
          position++;
          node = { type: "call", func: node, ...callArguments() };
        } else if (isOp("[")) {
          position++;
          node = { type: "subscript", value: node, items: subscriptItems() };
        } else {
          return node;
        }
      }
    }
    function atom() {
      const token = peek();
      if (token.kind === "int") {
        position++;
        // Number() reads 0x/0o/0b itself; decimal may have leading zeros only as "00".
        return { type: "int", value: Number(token.text) };
      }
      if (token.kind === "name") {
        position++;
        return token.text === "None" ? { type: "none" } : { type: "name", name: token.text };
      }
      if (isOp("...")) {
        position++;
        return { type: "ellipsis" };
      }
      if (isOp("(")) {
        position++;
        if (isOp(")")) {
          position++;
          return { type: "tuple", items: [] };
        }
        const first = expression();
        if (isOp(")")) {
          position++;
          return first;
        }
        const items = [first];
        while (isOp(",")) {
          position++;
          if (isOp(")")) {
            break;
          }
          items.push(expression());
        }
        expect(")");
        return { type: "tuple", items };
      }
      if (isOp("[")) {
        position++;
        const items = [];
        while (!isOp("]")) {
          items.push(expression());
          if (!isOp(",")) {
            break;
          }
          position++;
        }
        expect("]");
        return { type: "list", items };
      }
      return unexpected();
    }
    function callArguments() {
      const args = [];
      const keywords = {};
      while (!isOp(")")) {
        if (peek().kind === "name" && tokens[position + 1].text === "=") {
          const name = tokens[position].text;
          position += 2;
          keywords[name] = expression();
        } else {
          if (Object.keys(keywords).length) {
            unexpected(); // Python: a positional argument after a keyword one
          }
          args.push(expression());
        }
        if (!isOp(",")) {
          break;
        }
        position++;
      }
      expect(")");
      return { args, keywords };
    }
    function subscriptItems() {
      const items = [];
      for (;;) {
        items.push(subscriptItem());
        if (!isOp(",")) {
          break;
        }
        position++;
        if (isOp("]")) {
          break;
        }
      }
      expect("]");
      // a[(0, 1)] is a[0, 1] in Python.
      if (items.length === 1 && items[0].type === "tuple") {
        return items[0].items;
      }
      return items;
    }
    function subscriptItem() {
      const bound = () => (isOp(":") || isOp(",") || isOp("]") ? null : expression());
      const start = bound();
      if (!isOp(":")) {
        if (start === null) {
          unexpected();
        }
        return start;
      }
      position++;
      const stop = bound();
      let step = null;
      if (isOp(":")) {
        position++;
        step = bound();
      }
      return { type: "slice", start, stop, step };
    }

    const tree = expression();
    if (peek().kind !== "end") {
      unexpected();
    }
    return tree;
  }

  // --------------------------------------------------------------- tensors
  // A tensor: {data: Int32Array of origin codes, shape, strides, offset}; views share data.
  const product = (sizes) => sizes.reduce((a, b) => a * b, 1);
  const contiguousStrides = (shape) => {
    const strides = new Array(shape.length);
    let stride = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      strides[d] = stride;
      stride *= Math.max(shape[d], 1);
    }
    return strides;
  };
  const pythonShape = (shape) =>
    shape.length === 1 ? "(" + shape[0] + ",)" : "(" + shape.join(", ") + ")";

  /** Call fn(storage position) for every element, in logical (row-major) order. */
  function forEachPosition(t, fn) {
    const n = product(t.shape);
    if (n === 0) {
      return;
    }
    const rank = t.shape.length;
    const index = new Array(rank).fill(0);
    let position = t.offset;
    for (let count = 0; count < n; count++) {
      fn(position);
      for (let d = rank - 1; d >= 0; d--) {
        index[d]++;
        position += t.strides[d];
        if (index[d] < t.shape[d]) {
          break;
        }
        position -= t.strides[d] * t.shape[d];
        index[d] = 0;
      }
    }
  }

  function copy(t, limit) {
    const n = product(t.shape);
    if (n > limit) {
      fail("tooBig", {});
    }
    const data = new Int32Array(n);
    let i = 0;
    forEachPosition(t, (position) => {
      data[i++] = t.data[position];
    });
    return { data, shape: t.shape.slice(), strides: contiguousStrides(t.shape), offset: 0 };
  }

  /** torch's maybe_wrap_dim: a 0-dim tensor takes dims -1 and 0 where `scalarOk`. */
  function wrapDim(dim, rank, scalarOk = true) {
    const range = rank === 0 && scalarOk ? 1 : rank;
    if (range === 0 || dim < -range || dim >= range) {
      fail("dim", { dim, dims: rank });
    }
    return dim < 0 ? dim + range : dim;
  }

  function select(t, dim, index) {
    const size = t.shape[dim];
    if (index < -size || index >= size) {
      fail("index", { index, axis: dim, size });
    }
    const i = index < 0 ? index + size : index;
    return {
      data: t.data,
      shape: t.shape.filter((_, d) => d !== dim),
      strides: t.strides.filter((_, d) => d !== dim),
      offset: t.offset + i * t.strides[dim],
    };
  }

  /** Python's slice clamping, as torch applies it to one axis. */
  function narrowBySlice(t, dim, start, stop, step) {
    if (dim >= t.shape.length) {
      fail("dim", { dim, dims: t.shape.length });
    }
    if (step === 0) {
      fail("stepZero", {});
    }
    if (step < 0) {
      fail("stepNegative", {});
    }
    const size = t.shape[dim];
    const clamp = (value, fallback) => {
      if (value === null) {
        return fallback;
      }
      const v = value < 0 ? value + size : value;
      return Math.min(Math.max(v, 0), size);
    };
    const from = clamp(start, 0);
    const to = clamp(stop, size);
    const length = to > from ? Math.ceil((to - from) / step) : 0;
    const shape = t.shape.slice();
    const strides = t.strides.slice();
    shape[dim] = length;
    strides[dim] = t.strides[dim] * step;
    return {
      data: t.data,
      shape,
      strides,
      offset: t.offset + (length ? from * t.strides[dim] : 0),
    };
  }

  /** torch's applySlicing: ints select, slices narrow, None adds an axis, ... skips axes. */
  function index(t, items) {
    const specified = items.filter((item) => item.kind === "int" || item.kind === "slice").length;
    if (specified > t.shape.length) {
      fail("tooManyIndices", { dims: t.shape.length });
    }
    let result = t;
    let dim = 0;
    for (const item of items) {
      if (item.kind === "int") {
        if (dim >= result.shape.length) {
          fail("dim", { dim, dims: result.shape.length });
        }
        result = select(result, dim, item.value);
      } else if (item.kind === "slice") {
        result = narrowBySlice(result, dim, item.start, item.stop, item.step);
        dim++;
      } else if (item.kind === "none") {
        if (dim > result.shape.length) {
          fail("dim", { dim, dims: result.shape.length });
        }
        const stride = dim < result.shape.length ? result.shape[dim] * result.strides[dim] : 1;
        result = {
          data: result.data,
          shape: [...result.shape.slice(0, dim), 1, ...result.shape.slice(dim)],
          strides: [...result.strides.slice(0, dim), stride, ...result.strides.slice(dim)],
          offset: result.offset,
        };
        dim++;
      } else {
        dim += t.shape.length - specified; // Ellipsis
      }
    }
    return result;
  }

  function transpose(t, a, b) {
    const i = wrapDim(a, t.shape.length);
    const j = wrapDim(b, t.shape.length);
    if (t.shape.length === 0) {
      return t;
    }
    const shape = t.shape.slice();
    const strides = t.strides.slice();
    [shape[i], shape[j]] = [shape[j], shape[i]];
    [strides[i], strides[j]] = [strides[j], strides[i]];
    return { data: t.data, shape, strides, offset: t.offset };
  }

  function permute(t, dims) {
    const rank = t.shape.length;
    if (dims.length !== rank) {
      fail("permute", { dims: rank });
    }
    const wrapped = dims.map((d) => wrapDim(d, rank, false));
    if (new Set(wrapped).size !== rank) {
      fail("permute", { dims: rank });
    }
    return {
      data: t.data,
      shape: wrapped.map((d) => t.shape[d]),
      strides: wrapped.map((d) => t.strides[d]),
      offset: t.offset,
    };
  }

  function flip(t, dims, limit) {
    const wrapped = dims.map((d) => wrapDim(d, t.shape.length));
    const seen = new Set();
    for (const d of wrapped) {
      if (seen.has(d)) {
        fail("flipTwice", { dim: d });
      }
      seen.add(d);
    }
    // A reversed view, copied: torch.flip returns a new tensor.
    const strides = t.strides.slice();
    let offset = t.offset;
    for (const d of seen) {
      if (d < t.shape.length && t.shape[d] > 0) {
        offset += (t.shape[d] - 1) * strides[d];
        strides[d] = -strides[d];
      }
    }
    return copy({ data: t.data, shape: t.shape, strides, offset }, limit);
  }

  /** torch's infer_size: one -1 takes what the other sizes leave. */
  function inferSize(sizes, numel) {
    let known = 1;
    let inferred = -1;
    sizes.forEach((size, i) => {
      if (size === -1) {
        if (inferred >= 0) {
          fail("inferTwice", {});
        }
        inferred = i;
      } else if (size < 0) {
        fail("negativeSize", { size });
      } else {
        known *= size;
      }
    });
    const shape = sizes.slice();
    if (numel === known || (inferred >= 0 && known > 0 && numel % known === 0)) {
      if (inferred >= 0) {
        if (known === 0) {
          fail("inferZero", {});
        }
        shape[inferred] = numel / known;
      }
      return shape;
    }
    return fail("viewSize", { shape: pythonShape(sizes), numel });
  }

  /** torch's computeStride (aten/src/ATen/TensorUtils.cpp): strides of a view, or null. */
  function computeStride(oldShape, oldStride, newShape) {
    if (oldShape.length === 0) {
      return newShape.map(() => 1);
    }
    const numel = product(oldShape);
    if (numel === 0 && oldShape.join() === newShape.join()) {
      return oldStride.slice();
    }
    const newStride = new Array(newShape.length);
    if (numel === 0) {
      for (let d = newShape.length - 1; d >= 0; d--) {
        newStride[d] =
          d === newShape.length - 1 ? 1 : Math.max(newShape[d + 1], 1) * newStride[d + 1];
      }
      return newStride;
    }
    let viewD = newShape.length - 1;
    let chunkBaseStride = oldStride[oldStride.length - 1];
    let tensorNumel = 1;
    let viewNumel = 1;
    for (let tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
      tensorNumel *= oldShape[tensorD];
      if (
        tensorD === 0 ||
        (oldShape[tensorD - 1] !== 1 && oldStride[tensorD - 1] !== tensorNumel * chunkBaseStride)
      ) {
        while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
          newStride[viewD] = viewNumel * chunkBaseStride;
          viewNumel *= newShape[viewD];
          viewD--;
        }
        if (viewNumel !== tensorNumel) {
          return null;
        }
        if (tensorD > 0) {
          chunkBaseStride = oldStride[tensorD - 1];
          tensorNumel = 1;
          viewNumel = 1;
        }
      }
    }
    return viewD === -1 ? newStride : null;
  }

  function view(t, sizes, method, limit) {
    const shape = inferSize(sizes, product(t.shape));
    const strides = computeStride(t.shape, t.strides, shape);
    if (strides) {
      return { data: t.data, shape, strides, offset: t.offset };
    }
    if (method === "view") {
      fail("viewStrides", { shape: pythonShape(shape) });
    }
    const dense = copy(t, limit);
    return { data: dense.data, shape, strides: contiguousStrides(shape), offset: 0 };
  }

  function chunk(t, chunks, dim) {
    if (t.shape.length === 0) {
      fail("chunkScalar", {});
    }
    if (chunks <= 0) {
      fail("chunkCount", { chunks });
    }
    const d = wrapDim(dim, t.shape.length);
    const size = t.shape[d];
    const piece = Math.ceil(size / chunks);
    // torch.split(piece): ceil(size / piece) pieces; `chunks` empty ones for an empty axis.
    const count = piece === 0 ? chunks : Math.ceil(size / piece);
    const pieces = [];
    for (let i = 0; i < count; i++) {
      const start = i * piece;
      pieces.push(narrowBySlice(t, d, start, Math.min(start + piece, size), 1));
    }
    return pieces;
  }

  function unbind(t, dim) {
    if (t.shape.length === 0) {
      fail("dim", { dim, dims: 0 });
    }
    const d = wrapDim(dim, t.shape.length, false);
    return Array.from({ length: t.shape[d] }, (_, i) => select(t, d, i));
  }

  function concatenate(tensors, dim, stack, limit) {
    if (tensors.length === 0) {
      fail("emptySequence", { func: stack ? "stack" : "cat" });
    }
    let parts = tensors;
    let d;
    if (stack) {
      const first = tensors[0].shape.join();
      if (tensors.some((t) => t.shape.join() !== first)) {
        fail("stackShapes", {});
      }
      d = wrapDim(dim, tensors[0].shape.length + 1, false);
      parts = tensors.map((t) => index(t, [...t.shape.slice(0, d).map(() => FULL), NONE]));
    } else {
      // torch.cat skips 1-d empty tensors (legacy), refuses 0-dim ones.
      tensors.forEach((t, i) => {
        if (t.shape.length === 0) {
          fail("catScalar", { position: i });
        }
      });
      parts = tensors.filter((t) => !(t.shape.length === 1 && t.shape[0] === 0));
      if (parts.length === 0) {
        return { data: new Int32Array(0), shape: [0], strides: [1], offset: 0 };
      }
      d = wrapDim(dim, parts[0].shape.length, false);
      const reference = parts[0].shape;
      for (const t of parts) {
        if (
          t.shape.length !== reference.length ||
          t.shape.some((size, axis) => axis !== d && size !== reference[axis])
        ) {
          fail("catShapes", { dim: d });
        }
      }
    }
    const shape = parts[0].shape.slice();
    shape[d] = parts.reduce((sum, t) => sum + t.shape[d], 0);
    const n = product(shape);
    if (n > limit) {
      fail("tooBig", {});
    }
    // Row-major order: for each index before axis d, the parts' blocks one after another.
    const data = new Int32Array(n);
    const outer = product(shape.slice(0, d));
    const blocks = parts.map((t) => copy(t, limit));
    const blockSizes = parts.map((t) => product(t.shape.slice(d)));
    let i = 0;
    for (let o = 0; o < outer; o++) {
      blocks.forEach((block, k) => {
        data.set(block.data.subarray(o * blockSizes[k], (o + 1) * blockSizes[k]), i);
        i += blockSizes[k];
      });
    }
    return { data, shape, strides: contiguousStrides(shape), offset: 0 };
  }
  const FULL = { kind: "slice", start: null, stop: null, step: 1 };
  const NONE = { kind: "none" };

  // ------------------------------------------------------- the real tensors
  //: Most elements output, h_n and c_n may hold together before the box refuses to follow them.
  const MAX_ELEMENTS = 1000000;
  //: lf.locate's limits: the longest expression, and the largest integer it may use or compute.
  const MAX_EXPRESSION = 500;
  const MAX_INT = 2 ** 40;

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

  /** A short name for a part of an expression, for messages. */
  function describeNode(node) {
    switch (node.type) {
      case "int":
        return String(node.value);
      case "name":
        return node.name;
      case "none":
        return "None";
      case "ellipsis":
        return "...";
      case "attribute":
        return describeNode(node.value) + "." + node.name;
      case "call":
        return describeNode(node.func) + "()";
      case "subscript":
        return describeNode(node.value) + "[]";
      case "tuple":
        return "( )";
      case "list":
        return "[ ]";
      case "slice":
        return ":";
      default:
        return node.op || "-";
    }
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

  const api = { parse, locate, fill, SliceError, pythonShape, MAX_ELEMENTS };
  window.lstmSlices = api;
})();
