// Slice box, part 2 of 3: a small strided tensor (shape, strides, offset over an Int32Array
// of origin codes) with torch's indexing rules. Indexing, transpose, permute, chunk and
// unbind are views; flip, cat and stack copy; view follows torch's stride rule
// (computeStride), so it fails where torch's does; reshape is view if it can be, else a copy.
// Loaded after slice_parser.js (for fail); adds window.lstmSlices.strided and pythonShape.
(function () {
  "use strict";

  const { fail } = window.lstmSlices;

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

  Object.assign(window.lstmSlices, {
    pythonShape,
    strided: {
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
    },
  });
})();
