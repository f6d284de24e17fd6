"""Which grid cells does a slice of ``output``, ``h_n`` or ``c_n`` read? Asked of PyTorch.

:func:`locate` answers for a reader's expression such as ``output[:, -1]`` or
``torch.cat((h_n[-2], h_n[-1]), dim=1)``: the (state, layer, direction, step) cells it reads,
which of them only in part, whether it reads padding, its shape, and warnings for the known
traps. Nothing here re-implements PyTorch's indexing rules: the expression is evaluated
twice by torch itself, once on the real tensors (for the value and the shape) and once on
int64 tensors of the same shapes and strides whose elements encode their own origin (for the
cells). The origins that come out are decoded.

The expression is untrusted text. It is parsed with :mod:`ast` and the tree is walked here
against a whitelist; it is never given to ``eval``, ``exec`` or ``compile``.

Grammar (the calculator page's JavaScript accepts exactly the same: docs/_static/slice_parser.js
parses it, strided.js and slices.js evaluate it):

- names ``output``, ``h_n``, ``c_n`` (LSTM only);
- subscripts holding integer expressions (negative too), slices ``a:b:c`` (step > 0),
  ``...`` and ``None``, several per subscript;
- integer expressions: int literals, the size names ``T N F H H_out P L D``, ``+ - * //``,
  unary minus and parentheses;
- methods ``.view(*ints)`` or ``.view((ints))`` (``.reshape`` the same), ``.transpose(a, b)``,
  ``.permute(*dims)`` or ``.permute((dims))``, ``.flip(dim)``, ``.flip(*dims)`` or
  ``.flip((dims))``, ``.chunk(k, dim)[i]`` and ``.unbind(dim)[i]`` (``dim`` positional or
  keyword, default 0; the result must be indexed by one integer at once);
- ``torch.cat(seq, dim=k)`` and ``torch.stack(seq, dim=k)`` (``dim`` positional or keyword,
  default 0) where ``seq`` is a tuple or list of such expressions.

Whatever torch refuses is an error, as on the real tensors: an index out of range, a bad
dimension, or a ``.view`` the strides do not allow. The origin tensors copy the real tensors'
strides for that: ``output`` of a batched ``batch_first`` module (not packed) is a transposed
``(T, N, ...)`` tensor, so ``output.view(-1)`` fails there (``.reshape(-1)`` works); every other
``output``, ``h_n`` and ``c_n`` is contiguous.

Warnings (catalogue keys in :mod:`lstm_figures.labels`, listed in this order):

- ``locate_warn_backward_first``: the module is bidirectional and some element read *from
  output* is the top layer's backward direction at the step where that direction starts for
  its sample (``lengths[n] - 1`` for a packed batch, else ``T - 1``), for a sample with more
  than one step. Params ``h_out`` (H_out) and ``backward_final`` (``"h_n[-1]"``).
- ``locate_warn_padding``: some element read is padding of a packed batch.
- ``locate_warn_batch_first_sample``: ``batch_first`` and a batched input; at least one element
  is read from ``output``, all elements read from ``output`` (padding included) belong to one
  sample, and they cover at least two time steps. Params ``sample`` (its index, 0-based).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lstm_figures.labels import Labels

if TYPE_CHECKING:
    import torch
    from torch import nn
    from torch.nn.utils.rnn import PackedSequence

    from lstm_figures.tracing import Trace

#: The tensors an expression may name.
TENSOR_NAMES = ("output", "h_n", "c_n")
#: The sizes an expression may name.
SIZE_NAMES = ("T", "N", "F", "H", "H_out", "P", "L", "D")
#: The methods an expression may call on a tensor.
METHODS = ("view", "reshape", "transpose", "permute", "flip", "chunk", "unbind")
#: The torch functions an expression may call.
FUNCTIONS = ("cat", "stack")
#: Warning keys, in the order warnings are listed.
WARNING_KEYS = (
    "locate_warn_backward_first",
    "locate_warn_padding",
    "locate_warn_batch_first_sample",
)

#: The longest expression accepted, in characters.
MAX_EXPRESSION = 500
#: The most elements any tensor an expression makes (or starts from) may hold: the origin
#: tensors are int64, so this bounds their memory at 256 MiB.
MAX_ELEMENTS = 2**25
#: The largest integer an expression may use or compute: far beyond any real size, far below
#: where torch's own int64 arithmetic could overflow.
MAX_INT = 2**40

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
}


@dataclass(frozen=True, eq=False)
class Selection:
    """What an expression over ``output``, ``h_n`` and ``c_n`` reads.

    Attributes
    ----------
    expression : str
        The expression, as given.
    cells : list of tuple
        Every grid cell it reads at least one element of, as sorted
        ``(state, layer, direction, step)``; ``state`` is ``"h"`` or ``"c"``, ``step`` counts
        in time order from 0 whatever ``batch_first`` says, ``direction`` 1 is backward.
    partial : list of tuple
        The cells of which it reads only some samples or some units.
    padding : bool
        Whether it reads padded positions of a packed batch (zeros of no cell).
    shape : tuple of int
        The shape of the result, evaluated on the real tensors.
    warnings : list of str
        One sentence per known trap it falls into, in the chosen language.
    warning_keys : list of tuple
        ``(catalogue key, params)`` behind each warning.
    value : torch.Tensor
        The expression evaluated on the real tensors.
    """

    expression: str
    cells: list[tuple[str, int, int, int]]
    partial: list[tuple[str, int, int, int]]
    padding: bool
    shape: tuple[int, ...]
    warnings: list[str]
    warning_keys: list[tuple[str, dict]]
    value: torch.Tensor


# --- the evaluator -----------------------------------------------------------------------


class _Chunks(tuple):
    """The pieces of ``.chunk`` or ``.unbind``: only ever indexed by one integer at once."""


def _describe(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."


def _unsupported(node: ast.AST, why: str) -> ValueError:
    return ValueError(f"unsupported part {_describe(node)!r}: {why}")


def evaluate(
    expression: str, tensors: Mapping[str, torch.Tensor], sizes: Mapping[str, int]
) -> torch.Tensor:
    """Evaluate a reader's expression with torch, without ``eval``.

    Parameters
    ----------
    expression : str
        An expression in the grammar of this module's docstring, e.g. ``"output[:, -1]"``.
    tensors : mapping of str to torch.Tensor
        The tensors it may name (``output``, ``h_n`` and, for an LSTM, ``c_n``).
    sizes : mapping of str to int
        The size names it may use (see :func:`sizes`).

    Returns
    -------
    torch.Tensor
        What torch makes of it.

    Raises
    ------
    ValueError
        If the expression is not in the grammar (the message names the part), names a
        tensor that is not given, makes a tensor of more than :data:`MAX_ELEMENTS`
        elements, or torch refuses it (the message gives torch's reason).
    TypeError
        If ``expression`` is not a string.
    """
    if not isinstance(expression, str):
        raise TypeError(f"the expression must be a str, got {type(expression).__name__}")
    text = expression.strip()
    if not text:
        raise ValueError("the expression is empty; expected e.g. output[-1] or h_n[-1]")
    if len(text) > MAX_EXPRESSION:
        raise ValueError(
            f"the expression is {len(text)} characters long; at most {MAX_EXPRESSION} are accepted"
        )
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ValueError(f"{text!r} is not a valid Python expression ({error.msg})") from None
    except (ValueError, RecursionError, MemoryError):
        raise ValueError(f"{text!r} cannot be parsed") from None
    for name, tensor in tensors.items():
        _check_elements(tensor.numel(), name)
    result = _Evaluator(tensors, sizes).tensor(tree.body)
    return result


def _check_elements(count: int, what: str) -> None:
    if count > MAX_ELEMENTS:
        raise ValueError(
            f"{what} would hold {count:,} elements, more than the {MAX_ELEMENTS:,} "
            "that locating allows"
        )


class _Evaluator:
    """Walks an expression's tree, allowing only the grammar of this module."""

    def __init__(self, tensors: Mapping[str, torch.Tensor], sizes: Mapping[str, int]) -> None:
        self.tensors = tensors
        self.sizes = sizes

    # values -------------------------------------------------------------------------------

    def tensor(self, node: ast.AST) -> torch.Tensor:
        """A node that must give a tensor."""
        value = self.value(node)
        if isinstance(value, _Chunks):
            raise _unsupported(node, "the pieces of .chunk()/.unbind() must be indexed, e.g. [0]")
        if isinstance(value, int):
            raise _unsupported(node, "expected a tensor (output, h_n or c_n), got an integer")
        return value

    def value(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Constant | ast.BinOp | ast.UnaryOp):
            return self.integer(node)
        if isinstance(node, ast.Attribute):
            raise _unsupported(
                node, f"attribute access is not allowed; methods are {', '.join(METHODS)}"
            )
        raise _unsupported(node, f"{_kind(node)} is not part of the slice grammar")

    def name(self, node: ast.Name) -> Any:
        if node.id in TENSOR_NAMES:
            if node.id not in self.tensors:
                raise ValueError(
                    f"{node.id} does not exist here: only an LSTM returns c_n "
                    "(GRU and RNN return output and h_n)"
                )
            return self.tensors[node.id]
        if node.id in SIZE_NAMES:
            return int(self.sizes[node.id])
        raise _unsupported(
            node,
            f"unknown name; expected {', '.join(TENSOR_NAMES)} or a size name "
            f"({' '.join(SIZE_NAMES)})",
        )

    def integer(self, node: ast.AST) -> int:
        """A node that must give an integer: literals, size names, + - * //, unary minus."""
        if isinstance(node, ast.Constant):
            if type(node.value) is not int:
                raise _unsupported(node, "only integer constants are allowed")
            value = node.value
        elif isinstance(node, ast.Name):
            value = self.name(node)
            if not isinstance(value, int):
                raise _unsupported(node, "expected an integer, got a tensor")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            value = -self.integer(node.operand)
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = self.integer(node.left), self.integer(node.right)
            if isinstance(node.op, ast.FloorDiv) and right == 0:
                raise _unsupported(node, "integer division by zero")
            value = _BINARY[type(node.op)](left, right)
        elif isinstance(node, ast.BinOp | ast.UnaryOp):
            raise _unsupported(node, "integer arithmetic allows only + - * // and unary minus")
        else:
            raise _unsupported(node, f"expected an integer, got {_kind(node)}")
        if abs(value) > MAX_INT:
            raise _unsupported(node, f"integers must be at most {MAX_INT:,} in size")
        return value

    def subscript(self, node: ast.Subscript) -> Any:
        base = self.value(node.value)
        if isinstance(base, _Chunks):
            index = self.integer(node.slice)
            if not -len(base) <= index < len(base):
                raise ValueError(
                    f"{_describe(node)}: index {index} is out of range for {len(base)} pieces"
                )
            return base[index]
        if isinstance(base, int):
            raise _unsupported(node, "only tensors can be indexed")
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        index = tuple(self.index_item(item) for item in items)
        return self.torch_call(node, lambda: base[index if len(index) != 1 else index[0]])

    def index_item(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Slice):
            parts = [None if p is None else self.integer(p) for p in (node.lower, node.upper)]
            step = None if node.step is None else self.integer(node.step)
            if step is not None and step <= 0:
                raise _unsupported(node, "a slice step must be greater than zero, as in torch")
            return slice(parts[0], parts[1], step)
        if isinstance(node, ast.Constant) and node.value is Ellipsis:
            return Ellipsis
        if isinstance(node, ast.Constant) and node.value is None:
            return None
        if isinstance(node, ast.Tuple | ast.List):
            raise _unsupported(node, "indexing with a sequence is not supported; use a slice")
        return self.integer(node)

    # calls --------------------------------------------------------------------------------

    def call(self, node: ast.Call) -> Any:
        func = node.func
        if not isinstance(func, ast.Attribute):
            raise _unsupported(
                node,
                f"calls are allowed only to the methods {', '.join(METHODS)} and to "
                "torch.cat and torch.stack",
            )
        if isinstance(func.value, ast.Name) and func.value.id == "torch":
            if func.attr not in FUNCTIONS:
                raise _unsupported(
                    node,
                    f"unsupported function torch.{func.attr}(): expected torch.cat or torch.stack",
                )
            return self.join(node, func.attr)
        if func.attr not in METHODS:
            raise ValueError(
                f"unsupported method .{func.attr}(): expected one of {', '.join(METHODS)}"
            )
        tensor = self.tensor(func.value)
        return getattr(self, f"method_{func.attr}")(node, tensor)

    def arguments(
        self, node: ast.Call, names: tuple[str, ...], *, keywords: tuple[str, ...] = ()
    ) -> dict[str, ast.AST]:
        """The call's arguments by name: positional in ``names`` order, keywords only from
        ``keywords``."""
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise _unsupported(node, "*arguments are not allowed")
        if len(node.args) > len(names):
            raise _unsupported(node, f"too many arguments; expected {', '.join(names)}")
        given = dict(zip(names, node.args, strict=False))
        for keyword in node.keywords:
            if keyword.arg not in keywords:
                allowed = f"only {', '.join(k + '=' for k in keywords)}" if keywords else "none"
                raise _unsupported(node, f"keyword {keyword.arg}= is not allowed ({allowed})")
            if keyword.arg in given:
                raise _unsupported(node, f"{keyword.arg} is given twice")
            given[keyword.arg] = keyword.value
        return given

    def dims(self, node: ast.Call, method: str) -> tuple[int, ...]:
        """Integers given one by one or as one tuple (view, reshape, permute, flip)."""
        if node.keywords:
            raise _unsupported(node, f".{method}() takes no keywords")
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise _unsupported(node, "*arguments are not allowed")
        if len(node.args) == 1 and isinstance(node.args[0], ast.Tuple):
            items = node.args[0].elts
        else:
            items = node.args
        if not items:
            raise _unsupported(node, f".{method}() needs at least one integer")
        return tuple(self.integer(item) for item in items)

    def method_view(self, node: ast.Call, tensor: torch.Tensor) -> torch.Tensor:
        shape = self.dims(node, "view")
        _check_elements(math.prod(abs(n) for n in shape), _describe(node))
        return self.torch_call(node, lambda: tensor.view(shape))

    def method_reshape(self, node: ast.Call, tensor: torch.Tensor) -> torch.Tensor:
        shape = self.dims(node, "reshape")
        _check_elements(math.prod(abs(n) for n in shape), _describe(node))
        return self.torch_call(node, lambda: tensor.reshape(shape))

    def method_permute(self, node: ast.Call, tensor: torch.Tensor) -> torch.Tensor:
        dims = self.dims(node, "permute")
        return self.torch_call(node, lambda: tensor.permute(dims))

    def method_flip(self, node: ast.Call, tensor: torch.Tensor) -> torch.Tensor:
        dims = self.dims(node, "flip")
        return self.torch_call(node, lambda: tensor.flip(dims))

    def method_transpose(self, node: ast.Call, tensor: torch.Tensor) -> torch.Tensor:
        given = self.arguments(node, ("dim0", "dim1"))
        if len(given) != 2:
            raise _unsupported(node, ".transpose() needs two dimensions, e.g. .transpose(0, 1)")
        a, b = self.integer(given["dim0"]), self.integer(given["dim1"])
        return self.torch_call(node, lambda: tensor.transpose(a, b))

    def method_chunk(self, node: ast.Call, tensor: torch.Tensor) -> _Chunks:
        given = self.arguments(node, ("chunks", "dim"), keywords=("dim",))
        if "chunks" not in given:
            raise _unsupported(node, ".chunk() needs the number of pieces, e.g. .chunk(2, dim=2)")
        chunks = self.integer(given["chunks"])
        dim = self.integer(given["dim"]) if "dim" in given else 0
        if chunks <= 0:
            raise _unsupported(node, "the number of chunks must be at least 1")
        return _Chunks(self.torch_call(node, lambda: tensor.chunk(chunks, dim)))

    def method_unbind(self, node: ast.Call, tensor: torch.Tensor) -> _Chunks:
        given = self.arguments(node, ("dim",), keywords=("dim",))
        dim = self.integer(given["dim"]) if "dim" in given else 0
        return _Chunks(self.torch_call(node, lambda: tensor.unbind(dim)))

    def join(self, node: ast.Call, function: str) -> torch.Tensor:
        import torch

        given = self.arguments(node, ("tensors", "dim"), keywords=("dim",))
        sequence = given.get("tensors")
        if not isinstance(sequence, ast.Tuple | ast.List) or not sequence.elts:
            raise _unsupported(
                node,
                f"torch.{function}() needs a tuple or list of tensors, e.g. (h_n[-2], h_n[-1])",
            )
        parts = [self.tensor(item) for item in sequence.elts]
        dim = self.integer(given["dim"]) if "dim" in given else 0
        _check_elements(sum(part.numel() for part in parts), _describe(node))
        join = {"cat": torch.cat, "stack": torch.stack}[function]
        return self.torch_call(node, lambda: join(parts, dim=dim))

    def torch_call(self, node: ast.AST, make: Callable[[], Any]) -> Any:
        """Run one torch operation; its errors become one-sentence ValueErrors."""
        try:
            result = make()
        except (RuntimeError, IndexError, ValueError, TypeError) as error:
            # torch's first sentence: its messages go on with hints meant for programmers
            reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
            reason = reason.split(". ")[0].rstrip(".") or type(error).__name__
            raise ValueError(f"torch refuses {_describe(node)}: {reason}") from None
        return result


def _kind(node: ast.AST) -> str:
    names = {
        ast.Lambda: "a lambda",
        ast.Compare: "a comparison",
        ast.BoolOp: "a boolean operation",
        ast.IfExp: "a conditional expression",
        ast.Dict: "a dict",
        ast.Set: "a set",
        ast.ListComp: "a comprehension",
        ast.GeneratorExp: "a generator",
        ast.Tuple: "a tuple",
        ast.List: "a list",
        ast.Starred: "a starred expression",
        ast.JoinedStr: "an f-string",
        ast.NamedExpr: "an assignment expression",
        ast.Await: "await",
    }
    if isinstance(node, ast.Constant):
        return f"a {type(node.value).__name__} constant"
    return names.get(type(node), f"a {type(node).__name__} node")


# --- the real tensors and their origin twins ----------------------------------------------


def sizes(tr: Trace) -> dict[str, int]:
    """The size names an expression may use, for a trace: ``T N F H H_out P L D``.

    ``N`` is 1 for an unbatched input; ``P`` is ``proj_size`` (0 when none) and ``H_out`` is
    ``P`` if set, else ``H``; ``D`` is the number of directions and ``L`` of layers.
    """
    return {
        "T": tr.seq_len,
        "N": tr.batch_size,
        "F": tr.input_size,
        "H": tr.hidden_size,
        "H_out": tr.output_size,
        "P": tr.proj_size,
        "L": tr.num_layers,
        "D": tr.num_directions,
    }


def tensors(tr: Trace) -> dict[str, torch.Tensor]:
    """The tensors an expression may name: ``output`` (padded if the input was packed),
    ``h_n`` and, for an LSTM, ``c_n``."""
    result = {"output": tr.output_padded, "h_n": tr.h_n}
    if tr.c_n is not None:
        result["c_n"] = tr.c_n
    return result


@dataclass(frozen=True)
class _Codes:
    """How an origin is packed into one int64: mixed radix, unit fastest."""

    layers: int
    directions: int
    steps: int
    samples: int
    units: int

    # Fields, slowest first: padding (0/1), source (0 output, 1 h_n/c_n), state (0 h, 1 c),
    # layer, direction, step, sample, unit.
    def radices(self) -> tuple[int, ...]:
        return (2, 2, 2, self.layers, self.directions, self.steps, self.samples, self.units)

    def encode(self, fields: list) -> torch.Tensor:
        code = fields[0]
        for radix, field in zip(self.radices()[1:], fields[1:], strict=True):
            code = code * radix + field
        return code

    def decode(self, code: torch.Tensor) -> list[torch.Tensor]:
        fields = []
        for radix in reversed(self.radices()):
            fields.append(code % radix)
            code = code // radix
        return fields[::-1]


def _origin_tensors(tr: Trace, codes: _Codes, real: Mapping[str, torch.Tensor]) -> dict:
    """int64 twins of the real tensors, same shapes and strides, each element its origin."""
    import torch

    top, directions = tr.num_layers - 1, tr.num_directions
    steps, samples, out = tr.seq_len, tr.batch_size, tr.output_size
    # output, time-major and batched: (T, N, D * H_out)
    t = torch.arange(steps).view(steps, 1, 1, 1)
    n = torch.arange(samples).view(1, samples, 1, 1)
    d = torch.arange(directions).view(1, 1, directions, 1)
    u = torch.arange(out).view(1, 1, 1, out)
    lengths = torch.tensor(tr.lengths) if tr.lengths else torch.full((samples,), steps)
    padding = (t >= lengths.view(1, samples, 1, 1)).long()
    output = codes.encode([padding, 0, 0, top, d, t, n, u]).reshape(steps, samples, -1)
    if tr.batch_first and tr.batched:
        output = output.transpose(0, 1)
    if not tr.batched:
        output = output[:, 0]
    twins = {"output": output}

    # h_n / c_n: (L * D, N, size); the step is each sample's own final step.
    layer = torch.arange(tr.num_layers).view(-1, 1, 1, 1)
    d = torch.arange(directions).view(1, -1, 1, 1)
    n = torch.arange(samples).view(1, 1, -1, 1)
    forward_final = (lengths - 1).view(1, 1, -1, 1)
    final = torch.where(d == 1, torch.zeros_like(forward_final), forward_final)
    for name, state, size in (("h_n", 0, out), ("c_n", 1, tr.hidden_size)):
        if name not in real:
            continue
        unit = torch.arange(size).view(1, 1, 1, -1)
        code = codes.encode([0, 1, state, layer, d, final, n, unit])
        code = code.expand(tr.num_layers, directions, samples, size).reshape(-1, samples, size)
        twins[name] = code if tr.batched else code[:, 0]

    # Same strides as the real tensors, so that .view succeeds or fails as it does on them.
    result = {}
    for name, code in twins.items():
        like = real[name]
        if tuple(code.shape) != tuple(like.shape):  # never: a bug if it happens
            raise AssertionError(f"origin {name} {tuple(code.shape)} != {tuple(like.shape)}")
        twin = torch.empty_strided(like.shape, like.stride(), dtype=torch.int64)
        twin.copy_(code)
        result[name] = twin
    return result


# --- locate ------------------------------------------------------------------------------


def locate(
    module_or_trace: nn.Module | Trace,
    expression: str,
    x: torch.Tensor | PackedSequence | None = None,
    *,
    hx: torch.Tensor | tuple | None = None,
    lang: str | None = None,
) -> Selection:
    """Which (state, layer, direction, step) cells an expression over the outputs reads.

    Parameters
    ----------
    module_or_trace : torch.nn.LSTM, torch.nn.GRU, torch.nn.RNN or Trace
        The model to run, or a trace made with :func:`lstm_figures.trace`.
    expression : str
        A slice over ``output``, ``h_n`` and ``c_n`` as a reader writes it, e.g.
        ``"output[:, -1]"`` or ``"torch.cat((h_n[-2], h_n[-1]), dim=1)"``: subscripts with
        integers, slices, ``...`` and ``None``; the sizes ``T N F H H_out P L D`` with
        ``+ - * //``; ``.view``, ``.reshape``, ``.transpose``, ``.permute``, ``.flip``,
        ``.chunk(k, dim)[i]``, ``.unbind(dim)[i]``, ``torch.cat`` and ``torch.stack``.
        ``output`` is the padded output for a packed input.
    x : torch.Tensor or torch.nn.utils.rnn.PackedSequence, optional
        Input for the module; a small seeded one (T = 5, N = 3) when omitted.
    hx : torch.Tensor or tuple of torch.Tensor, optional
        Initial state, as for the module itself.
    lang : {"en", "zh_CN"}, optional
        Language of the warnings; the default language when omitted.

    Returns
    -------
    Selection

    Raises
    ------
    ValueError
        For an expression outside the grammar (naming the part), one torch refuses, one
        that names ``c_n`` of a GRU or RNN, or tensors too large to locate.
    TypeError
        If the module is not an LSTM, GRU or RNN, or the expression is not a string.

    Examples
    --------
    >>> import torch, lstm_figures as lf
    >>> lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    >>> sel = lf.locate(lstm, "output[:, -1]")
    >>> sel.cells
    [('h', 1, 0, 4), ('h', 1, 1, 4)]
    >>> sel.warning_keys[0][0]
    'locate_warn_backward_first'
    """
    import torch

    from lstm_figures.figures import to_trace

    labels = Labels(lang)
    if not isinstance(expression, str):
        raise TypeError(f"the expression must be a str, got {type(expression).__name__}")
    tr = to_trace(module_or_trace, x, hx)
    value, origins, codes = _evaluate_both(tr, expression)
    read = torch.unique(origins.reshape(-1))
    padding, source, _, layer, direction, step, sample, _ = codes.decode(read)
    real_read = padding == 0
    cells, partial = _cells(tr, codes, read[real_read])
    keys = _warnings(tr, padding, source, direction, step, sample, layer)
    return Selection(
        expression=expression,
        cells=cells,
        partial=partial,
        padding=bool((~real_read).any()),
        shape=tuple(value.shape),
        warnings=[labels(key, **params) for key, params in keys],
        warning_keys=keys,
        value=value.clone(),
    )


def _evaluate_both(tr: Trace, expression: str) -> tuple[torch.Tensor, torch.Tensor, _Codes]:
    """The expression on the real tensors, on their origin twins, and the origins' code."""
    real = tensors(tr)
    names = sizes(tr)
    _check_elements(sum(t.numel() for t in real.values()), "this model's output, h_n and c_n")
    value = evaluate(expression, real, names)
    codes = _Codes(
        tr.num_layers,
        tr.num_directions,
        tr.seq_len,
        tr.batch_size,
        max(tr.hidden_size, tr.output_size),
    )
    origins = evaluate(expression, _origin_tensors(tr, codes, real), names)
    if origins.shape != value.shape:  # never: both are the same operations on the same shapes
        raise AssertionError(f"origin shape {tuple(origins.shape)} != {tuple(value.shape)}")
    return value, origins, codes


def origins(tr: Trace, expression: str) -> list[dict[str, int]]:
    """The origin of every element the expression gives, in its flattened order.

    Each origin is a dict with ``padding`` (1 for a padded position of a packed batch),
    ``source`` (0 read from ``output``, 1 from ``h_n``/``c_n``), ``state`` (0 h, 1 c),
    ``layer``, ``direction``, ``step`` (time order), ``sample`` and ``unit``. Used by the
    selection figure (which steps' padding is read) and by the tests (every value checked
    against the trace's own states).
    """
    _, tagged, codes = _evaluate_both(tr, expression)
    fields = [field.reshape(-1).tolist() for field in codes.decode(tagged)]
    names = ("padding", "source", "state", "layer", "direction", "step", "sample", "unit")
    return [dict(zip(names, values, strict=True)) for values in zip(*fields, strict=True)]


def _cells(tr: Trace, codes: _Codes, read: torch.Tensor) -> tuple[list, list]:
    """The cells of the (non-padding) origins read, and those read only in part."""
    import torch

    _, _, state, layer, direction, step, sample, unit = codes.decode(read)
    # A cell once, whichever tensor (output or h_n) an element of it was read from.
    element = (
        ((state * codes.layers + layer) * codes.directions + direction) * codes.steps + step
    ) * codes.samples + sample
    element = element * codes.units + unit
    element = torch.unique(element)
    cell_id = element // (codes.samples * codes.units)
    ids, counts = torch.unique(cell_id, return_counts=True)
    lengths = tr.lengths or [tr.seq_len] * tr.batch_size
    cells, partial = [], []
    for cell, count in zip(ids.tolist(), counts.tolist(), strict=True):
        rest, t = divmod(cell, codes.steps)
        rest, d = divmod(rest, codes.directions)
        s, layer_index = divmod(rest, codes.layers)
        name = "hc"[s]
        units = tr.output_size if name == "h" else tr.hidden_size
        samples = sum(1 for length in lengths if t < length)
        key = (name, layer_index, d, t)
        cells.append(key)
        if count < samples * units:
            partial.append(key)
    return sorted(cells), sorted(partial)


def _warnings(tr, padding, source, direction, step, sample, layer) -> list[tuple[str, dict]]:
    """The warning keys (with params) an origin set falls under, in :data:`WARNING_KEYS`
    order; the rules are in this module's docstring."""
    import torch

    keys: list[tuple[str, dict]] = []
    lengths = torch.tensor(tr.lengths or [tr.seq_len] * tr.batch_size)
    from_output = source == 0
    if tr.num_directions == 2:
        own_length = lengths[sample]
        starts = (
            from_output
            & (padding == 0)
            & (layer == tr.num_layers - 1)
            & (direction == 1)
            & (step == own_length - 1)
            & (own_length > 1)
        )
        if bool(starts.any()):
            keys.append(
                (
                    "locate_warn_backward_first",
                    {"h_out": tr.output_size, "backward_final": "h_n[-1]"},
                )
            )
    if bool((padding == 1).any()):
        keys.append(("locate_warn_padding", {}))
    if tr.batch_first and tr.batched and bool(from_output.any()):
        samples = torch.unique(sample[from_output])
        steps = torch.unique(step[from_output])
        if len(samples) == 1 and len(steps) >= 2:
            keys.append(("locate_warn_batch_first_sample", {"sample": int(samples[0])}))
    return keys
