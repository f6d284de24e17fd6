"""The slice grammar: parse a reader's expression and evaluate it with torch, never ``eval``.

An expression such as ``output[:, -1]`` or ``torch.cat((h_n[-2], h_n[-1]), dim=1)`` is
untrusted text. :func:`evaluate` parses it with :mod:`ast` and walks the tree against a
whitelist; it is never given to ``eval``, ``exec`` or ``compile``. Each allowed operation is
done by torch itself on the tensors given, so PyTorch's own indexing rules decide the answer.
Nothing here knows about traces: :mod:`lstm_figures.locating` gives the tensors (real ones,
and int64 twins whose elements encode their origin).

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
dimension, or a ``.view`` the strides do not allow.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

#: The tensors an expression may name.
TENSOR_NAMES = ("output", "h_n", "c_n")
#: The sizes an expression may name.
SIZE_NAMES = ("T", "N", "F", "H", "H_out", "P", "L", "D")
#: The methods an expression may call on a tensor.
METHODS = ("view", "reshape", "transpose", "permute", "flip", "chunk", "unbind")
#: The torch functions an expression may call.
FUNCTIONS = ("cat", "stack")

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
        The size names it may use (see :func:`lstm_figures.locating.sizes`).

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
        check_elements(tensor.numel(), name)
    result = _Evaluator(tensors, sizes).tensor(tree.body)
    return result


def check_elements(count: int, what: str) -> None:
    """Refuse a tensor of more than :data:`MAX_ELEMENTS` elements, naming ``what`` it is."""
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
        check_elements(math.prod(abs(n) for n in shape), _describe(node))
        return self.torch_call(node, lambda: tensor.view(shape))

    def method_reshape(self, node: ast.Call, tensor: torch.Tensor) -> torch.Tensor:
        shape = self.dims(node, "reshape")
        check_elements(math.prod(abs(n) for n in shape), _describe(node))
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
        check_elements(sum(part.numel() for part in parts), _describe(node))
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
