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
        # (grid_* keys are shared by the stacked, bidirectional and state_locations grids)
        "grid_output_at": "output[{t}]",
        "grid_output_at_batch_first": "output[:, {t}]",
        "stacked_title": (
            "A {layers}-layer {kind} over T = {steps} time steps: "
            "layers pass h up, time passes (h, c) right"
        ),
        "stacked_title_h_only": (
            "A {layers}-layer {kind} over T = {steps} time steps: "
            "layers pass h up, time passes h right"
        ),
        "stacked_column": "at one time step: an ordinary feed-forward net, {sizes}",
        "stacked_size_join": " → ",
        "stacked_input": "input x_t",
        "stacked_features": "F = {count}",
        "stacked_units": "H = {count}",
        "stacked_legend_h": "h, the hidden state: up to the next layer and right to the next time step",
        "stacked_legend_c": (
            "c, the cell state (not the forget gate): right to the next time step, within its layer"
        ),
        "stacked_legend_h_only": (
            "h, the hidden state: up to the next layer and right to the next time step "
            "(a {kind} has no cell state)"
        ),
        "stacked_bidirectional": (
            "bidirectional: only the forward direction is drawn; layers above 0 get "
            "2·H_out = {size} input features (see the bidirectional figure)"
        ),
        "stacked_alt": (
            "A {layers}-layer {kind} as a grid of layers by {steps} time steps. At each time "
            "step the input x_t of shape {x_shape} ({features} features) goes into layer 0, and "
            "each layer's hidden state h ({units} units) goes up into the next layer, like a "
            "feed-forward network. Along each layer, h of shape {h_shape} and the cell state c "
            "of shape {c_shape} are carried to the next time step."
        ),
        "stacked_alt_h_only": (
            "A {layers}-layer {kind} as a grid of layers by {steps} time steps. At each time "
            "step the input x_t of shape {x_shape} ({features} features) goes into layer 0, and "
            "each layer's hidden state h ({units} units) goes up into the next layer, like a "
            "feed-forward network. Along each layer, h of shape {h_shape} is carried to the "
            "next time step; a {kind} has no cell state."
        ),
        # --- bidirectional ---
        "bidir_title": (
            "A bidirectional {layers}-layer {kind} over T = {steps} time steps: "
            "a forward and a backward row in every layer"
        ),
        "bidir_forward": "forward →",
        "bidir_backward": "← backward",
        "bidir_concat": "[forward h_t, backward h_t]: {shape}",
        "bidir_next_input": "layer {n} input: 2·H_out = {size}",
        "bidir_output_is": "= [forward h_t, backward h_t] of the top layer",
        "bidir_h_n_order": "h_n {shape}: h_n[2·l + d] is layer l, direction d (0 forward, 1 backward)",
        "bidir_final_note": (
            "backward rows end at t = 0: their final state is the second half of {first}, "
            "not of {final}"
        ),
        "bidir_alt": (
            "A bidirectional {layers}-layer {kind} over {steps} time steps. Each layer has a "
            "forward row, which carries its state from t = 0 to t = {last}, and a backward row, "
            "which carries it from t = {last} down to t = 0. At each time step the two rows' "
            "hidden states, each of shape {h_shape}, are concatenated to shape {cat_shape}: that "
            "is output[t] for the top layer and the next layer's input otherwise. h_n[2·l + d] "
            "is the final state of layer l, direction d: at t = {last} forward and at t = 0 "
            "backward."
        ),
        # --- data_cube ---
        "dc_title": "The input is a data cube: {axes}",
        "dc_title_N": "N samples",
        "dc_title_T": "T time steps",
        "dc_title_F": "F features",
        "dc_title_join": " × ",
        "dc_word_N": "batch",
        "dc_word_T": "time steps",
        "dc_word_F": "features",
        "dc_size": "{letter} = {n}",
        "dc_no_batch": "no batch axis",
        "dc_shape": "x.shape: {shape}, i.e. {axes}",
        "dc_code_time_major": "x[{t}]",
        "dc_code_batch_first": "x[:, {t}]",
        "dc_slice_title": "The slice at time step t = {t}: {code}",
        "dc_slice_shape": "{code}.shape: {shape}, i.e. {axes}",
        "dc_rows": "rows =\nsamples\nN = {n}",
        "dc_rows_unbatched": "one\nsample",
        "dc_columns": "columns = features (F = {n})",
        "dc_table_note": (
            "The familiar table of tabular data: what XGBoost\n"
            "or a decision tree sees. The {kind} reads T = {steps}\n"
            "such tables, one per time step, in order."
        ),
        "dc_colour_key": "colour = value",
        "dc_key_value": "{value:.3g}",
        "dc_alt": (
            "The input x of shape {shape}, i.e. {axes}, drawn as a data cube of N = {n} samples, "
            "T = {steps} time steps and F = {f} features, each cell coloured by its real value. The "
            "slice at time step {t}, {code} of shape {slice_shape}, is highlighted and drawn beside "
            "the cube as a table with one row per sample and one column per feature: the table a "
            "tabular model such as XGBoost or a decision tree reads. The {kind} reads one such "
            "table per time step."
        ),
        # --- batch_first ---
        "bf_title": "batch_first changes the axis order of x and output, not of the states",
        "bf_setting": "batch_first={value}",
        "bf_this_module": "this {kind} uses this layout",
        "bf_index": "x[{i}]",
        "bf_size": "{axis} = {n}",
        "bf_card_time_major": "x[0]: {shape}\ntime step 0 of every sample",
        "bf_card_batch_first": "x[0]: {shape}\nevery time step of sample 0",
        "bf_row_input": "input x",
        "bf_follows": "follow batch_first:\nN and T swap places",
        "bf_not_affected": "not affected by batch_first:\nthe batch axis N stays second",
        "bf_myth": "not (N, L·D, H) as some\ntutorials claim",
        "bf_alt": (
            "The same input in both layouts. With batch_first=False, x is {x_tm}, i.e. "
            "(T, N, F), and output is {out_tm}; with batch_first=True, x is {x_bf}, i.e. "
            "(N, T, F), and output is {out_bf}. h_0 and h_n are {h_n} in both layouts{cell}: "
            "batch_first does not apply to the states, whose batch axis stays second. This {kind} "
            "uses batch_first={used}."
        ),
        "bf_alt_cell": ", and c_0 and c_n are {shape}",
        # --- state_locations ---
        "states_title": (
            "Where output, h_n and c_n come from: a {layers}-layer {kind} over T = {steps} "
            "time steps"
        ),
        "states_title_h_only": (
            "Where output and h_n come from: a {layers}-layer {kind} over T = {steps} time steps"
        ),
        "states_check_mark": "✓",
        "states_checked": "each equality checked with torch.allclose while drawing",
        "states_output": "output {shape} = the top layer's h at every time step {check}",
        "states_final": (
            "h_n {h_shape}, c_n {c_shape} = every layer's h and c at its last step: {steps} {check}"
        ),
        "states_final_h_only": "h_n {h_shape} = every layer's h at its last step: {steps} {check}",
        "states_packed": " (sequence 0, length {length}: each sequence ends at its own length)",
        "states_alt": (
            "The layer × time grid of a {layers}-layer {kind} over {steps} time steps. output, of "
            "shape {output_shape}, is the top layer's hidden state h at every time step. h_n, of "
            "shape {h_shape}, is the hidden state of every layer at its last step "
            "({final_steps}){c_part}. Each equality was checked with torch.allclose when the "
            "figure was drawn."
        ),
        "states_final_steps": "t = {last}",
        "states_final_steps_bidir": "t = {last} forward, t = 0 backward",
        "states_alt_c": "; c_n, of shape {c_shape}, is the cell state at the same steps",
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
        "grid_output_at": "output[{t}]",
        "grid_output_at_batch_first": "output[:, {t}]",
        "stacked_title": (
            "{layers} 层 {kind}，T = {steps} 个时间步：h 沿层向上传递，(h, c) 沿时间向右传递"
        ),
        "stacked_title_h_only": (
            "{layers} 层 {kind}，T = {steps} 个时间步：h 沿层向上传递，也沿时间向右传递"
        ),
        "stacked_column": "任一时间步上的一列：一个普通的前馈网络，{sizes}",
        "stacked_size_join": " → ",
        "stacked_input": "输入 x_t",
        "stacked_features": "F = {count}",
        "stacked_units": "H = {count}",
        "stacked_legend_h": "h：隐藏状态，向上传给下一层，并向右传给下一个时间步",
        "stacked_legend_c": "c：细胞状态（不是遗忘门），只在本层内向右传给下一个时间步",
        "stacked_legend_h_only": (
            "h：隐藏状态，向上传给下一层，并向右传给下一个时间步（{kind} 没有细胞状态）"
        ),
        "stacked_bidirectional": (
            "双向：这里只画出正向；第 0 层以上各层的输入为 2·H_out = {size} 个特征（见双向图）"
        ),
        "stacked_alt": (
            "{layers} 层 {kind} 画成层 × {steps} 个时间步的网格。每个时间步上，形状为 {x_shape} "
            "的输入 x_t（{features} 个特征）进入第 0 层，每层的隐藏状态 h（{units} 个单元）向上"
            "传给下一层，就像一个前馈网络。每层内，形状为 {h_shape} 的 h 和形状为 {c_shape} 的"
            "细胞状态 c 传给下一个时间步。"
        ),
        "stacked_alt_h_only": (
            "{layers} 层 {kind} 画成层 × {steps} 个时间步的网格。每个时间步上，形状为 {x_shape} "
            "的输入 x_t（{features} 个特征）进入第 0 层，每层的隐藏状态 h（{units} 个单元）向上"
            "传给下一层，就像一个前馈网络。每层内，形状为 {h_shape} 的 h 传给下一个时间步；"
            "{kind} 没有细胞状态。"
        ),
        # --- bidirectional ---
        "bidir_title": "双向 {layers} 层 {kind}，T = {steps} 个时间步：每层一行正向、一行反向",
        "bidir_forward": "正向 →",
        "bidir_backward": "← 反向",
        "bidir_concat": "[正向 h_t, 反向 h_t]：{shape}",
        "bidir_next_input": "第 {n} 层的输入：2·H_out = {size}",
        "bidir_output_is": "= 顶层的 [正向 h_t, 反向 h_t]",
        "bidir_h_n_order": "h_n {shape}：h_n[2·l + d] 是第 l 层、方向 d（0 正向，1 反向）",
        "bidir_final_note": "反向一行在 t = 0 结束：它的最终状态是 {first} 的后一半，而不是 {final} 的",
        "bidir_alt": (
            "双向 {layers} 层 {kind}，共 {steps} 个时间步。每层有一行正向，把状态从 t = 0 传到 "
            "t = {last}；还有一行反向，把状态从 t = {last} 传回 t = 0。每个时间步上，两行的隐藏"
            "状态（形状均为 {h_shape}）拼接成形状 {cat_shape}：在顶层就是 output[t]，在其他层就是"
            "下一层的输入。h_n[2·l + d] 是第 l 层、方向 d 的最终状态：正向在 t = {last}，反向在 "
            "t = 0。"
        ),
        # --- data_cube ---
        "dc_title": "输入是一个数据立方体：{axes}",
        "dc_title_N": "N 个样本",
        "dc_title_T": "T 个时间步",
        "dc_title_F": "F 个特征",
        "dc_title_join": " × ",
        "dc_word_N": "批量",
        "dc_word_T": "时间步",
        "dc_word_F": "特征",
        "dc_size": "{letter} = {n}",
        "dc_no_batch": "无批量维",
        "dc_shape": "x.shape：{shape}，即 {axes}",
        "dc_code_time_major": "x[{t}]",
        "dc_code_batch_first": "x[:, {t}]",
        "dc_slice_title": "时间步 t = {t} 的切片：{code}",
        "dc_slice_shape": "{code}.shape：{shape}，即 {axes}",
        "dc_rows": "行 =\n样本\nN = {n}",
        "dc_rows_unbatched": "一个\n样本",
        "dc_columns": "列 = 特征（F = {n}）",
        "dc_table_note": (
            "熟悉的表格数据：XGBoost 或决策树看到的\n"
            "就是这样一张表。{kind} 按顺序读取 T = {steps} 张\n"
            "这样的表，每个时间步一张。"
        ),
        "dc_colour_key": "颜色 = 数值",
        "dc_key_value": "{value:.3g}",
        "dc_alt": (
            "形状为 {shape}（即 {axes}）的输入 x 画成一个数据立方体：N = {n} 个样本、"
            "T = {steps} 个时间步、F = {f} 个特征，每个格子按真实数值着色。时间步 {t} 的切片 "
            "{code}（形状为 {slice_shape}）被高亮，并在立方体旁画成一张表：每行一个样本，"
            "每列一个特征，也就是 XGBoost、决策树等表格模型读取的表。{kind} 每个时间步读取"
            "一张这样的表。"
        ),
        # --- batch_first ---
        "bf_title": "batch_first 改变 x 和 output 的维度顺序，不改变状态的形状",
        "bf_setting": "batch_first={value}",
        "bf_this_module": "本例的 {kind} 使用这种维度顺序",
        "bf_index": "x[{i}]",
        "bf_size": "{axis} = {n}",
        "bf_card_time_major": "x[0]：{shape}\n所有样本的第 0 个时间步",
        "bf_card_batch_first": "x[0]：{shape}\n第 0 个样本的所有时间步",
        "bf_row_input": "输入 x",
        "bf_follows": "随 batch_first 改变：\nN 和 T 交换位置",
        "bf_not_affected": "不受 batch_first 影响：\n批量维 N 始终在第二位",
        "bf_myth": "而不是某些教程所说的\n(N, L·D, H)",
        "bf_alt": (
            "同一个输入的两种维度顺序。batch_first=False 时，x 的形状为 {x_tm}，即 (T, N, F)，"
            "output 为 {out_tm}；batch_first=True 时，x 为 {x_bf}，即 (N, T, F)，output 为 "
            "{out_bf}。h_0 和 h_n 在两种情况下都是 {h_n}{cell}：batch_first 不作用于状态，"
            "它们的批量维始终在第二位。本例的 {kind} 使用 batch_first={used}。"
        ),
        "bf_alt_cell": "，c_0 和 c_n 都是 {shape}",
        # --- state_locations ---
        "states_title": "output、h_n 和 c_n 从哪里来：{layers} 层 {kind}，T = {steps} 个时间步",
        "states_title_h_only": "output 和 h_n 从哪里来：{layers} 层 {kind}，T = {steps} 个时间步",
        "states_check_mark": "✓",
        "states_checked": "绘图时已用 torch.allclose 逐一核对每个等式",
        "states_output": "output {shape} = 顶层在每个时间步的 h {check}",
        "states_final": "h_n {h_shape}、c_n {c_shape} = 每一层最后一个时间步的 h 和 c：{steps} {check}",
        "states_final_h_only": "h_n {h_shape} = 每一层最后一个时间步的 h：{steps} {check}",
        "states_packed": "（第 0 个序列，长度 {length}：每个序列在各自的长度处结束）",
        "states_alt": (
            "{layers} 层 {kind} 在 {steps} 个时间步上的层 × 时间网格。形状为 {output_shape} 的 "
            "output 是顶层在每个时间步的隐藏状态 h。形状为 {h_shape} 的 h_n 是每一层最后一个时间步的"
            "隐藏状态（{final_steps}）{c_part}。绘图时已用 torch.allclose 逐一核对这些等式。"
        ),
        "states_final_steps": "t = {last}",
        "states_final_steps_bidir": "正向在 t = {last}，反向在 t = 0",
        "states_alt_c": "；形状为 {c_shape} 的 c_n 是同样位置的细胞状态",
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
