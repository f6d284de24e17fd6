"""Every word shown inside a figure, keyed by language.

Figures never hold string literals: they ask :class:`Labels` for a key. English is the
source; ``zh_CN`` must have every key (a test checks). Symbols such as ``$x_t$`` are
matplotlib mathtext and stay the same in both languages.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh_CN")

_default_language = "en"


def set_default_language(lang: str) -> None:
    """Set the language used when :func:`lstm_figures.draw` gets no ``lang``.

    The docs build sets it per language so gallery examples need not pass ``lang``.
    """
    global _default_language
    check_language(lang)
    _default_language = lang


def default_language() -> str:
    """The language :func:`lstm_figures.draw` uses when it gets no ``lang``."""
    return _default_language


def check_language(lang: object) -> str:
    """Return ``lang`` if it is a known language; ``ValueError`` listing them otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    return lang


CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        # --- common ---
        "time_step": "time step",
        "t_equals": "t = {t}",
        "layer_n": "layer {n}",
        "input": "input",
        "forward": "forward",
        "backward": "backward",
        "shape_of": "{name}: {shape}",
        "ellipsis": "⋯",
        # --- unrolled ---
        "unrolled_title": "One {kind} layer, rolled and unrolled over T = {steps} time steps",
        "unrolled_rolled": "rolled",
        "unrolled_unrolled": "unrolled over time",
        "unrolled_equals": "=",
        "unrolled_cell": "{kind} cell",
        "unrolled_same_cell": "the same cell (same weights) at every time step, not {steps} neurons",
        "unrolled_x_shape": "each x_t: {shape}",
        "unrolled_h_shape": "each h_t: {shape}",
        "unrolled_alt": (
            "One {kind} cell with a loop, and the same cell unrolled into {steps} boxes, one per "
            "time step: x_t of shape {x_shape} goes in, h_t of shape {h_shape} comes out and is "
            "carried to the next step."
        ),
        # --- stacked ---
        # --- bidirectional ---
        # --- data_cube ---
        # --- batch_first ---
        # --- state_locations ---
    },
    "zh_CN": {
        # --- common ---
        "time_step": "时间步",
        "t_equals": "t = {t}",
        "layer_n": "第 {n} 层",
        "input": "输入",
        "forward": "正向",
        "backward": "反向",
        "shape_of": "{name}：{shape}",
        "ellipsis": "⋯",
        # --- unrolled ---
        "unrolled_title": "单层 {kind}：折叠形式，以及沿 T = {steps} 个时间步展开",
        "unrolled_rolled": "折叠",
        "unrolled_unrolled": "沿时间展开",
        "unrolled_equals": "=",
        "unrolled_cell": "{kind} 单元",
        "unrolled_same_cell": "每个时间步都是同一个单元（权重相同），而不是 {steps} 个神经元",
        "unrolled_x_shape": "每个 x_t：{shape}",
        "unrolled_h_shape": "每个 h_t：{shape}",
        "unrolled_alt": (
            "一个带自环的 {kind} 单元，以及沿时间展开成的 {steps} 个方框，每个方框是一个时间步："
            "形状为 {x_shape} 的 x_t 输入，形状为 {h_shape} 的 h_t 输出并传给下一个时间步。"
        ),
        # --- stacked ---
        # --- bidirectional ---
        # --- data_cube ---
        # --- batch_first ---
        # --- state_locations ---
    },
}


class Labels:
    """The words of one language: ``labels("key", **values)`` formats an entry."""

    def __init__(self, lang: str | None = None) -> None:
        self.lang = check_language(lang if lang is not None else _default_language)
        self._entries = CATALOGUE[self.lang]

    def __call__(self, key: str, **values: object) -> str:
        return self._entries[key].format(**values)

    def shape(self, shape: tuple[int, ...]) -> str:
        """A shape written exactly as Python prints ``tuple(tensor.shape)``."""
        return str(tuple(int(n) for n in shape))
