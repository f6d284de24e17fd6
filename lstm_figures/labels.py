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
            "is {output_t} for the top layer and the next layer's input otherwise. h_n[2·l + d] "
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
        # --- gates ---
        "gates_title": (
            "Inside one LSTM cell: layer {layer}, {direction}, t = {t}, sample {sequence}, "
            "with its real values"
        ),
        "gates_initial": "{name}[{index}], initial",
        "gates_from_layer": "output of layer {n}",
        "gates_to_next": "to the next step",
        "gates_bus": (
            "every gate reads x_t and the previous h through its own rows of {w_ih} and {w_hh} "
            "(plus biases)"
        ),
        "gates_names": "f forget gate     i input gate     g candidate cell state     o output gate",
        "gates_unit": "unit {unit}:",
        "gates_projection": (
            "then h_t = {w_hr} · (o ⊙ tanh(c_t)): projected from {hidden} to {proj} features"
        ),
        "gates_alt": (
            "One LSTM cell: layer {layer}, {direction} direction, time step {t}, sample "
            "{sequence}. Each vector is a column of cells coloured by its real values, over "
            "{units} hidden units. The cell reads the previous state from {previous}. The four "
            "gates, the forget gate f, the input gate i, the candidate cell state g and the "
            "output gate o, each read x_t and the previous h through their own rows of {w_ih} "
            "and {w_hh}. The cell-state path computes c_t = f ⊙ c_prev + i ⊙ g, where c_prev is "
            "the previous cell state, and then {h_formula}. Across the batch, c_t has shape "
            "{c_shape} and h_t has shape {h_shape}."
        ),
        "gates_alt_previous_step": "the same cell at t = {t}",
        "gates_alt_previous_initial": "the initial states h_0[{index}] and c_0[{index}]",
        "gates_alt_h": "h_t = o ⊙ tanh(c_t)",
        "gates_alt_h_projected": "h_t = {w_hr} · (o ⊙ tanh(c_t)), projected to {proj} features",
        # --- projection ---
        "proj_title": (
            "proj_size = {proj}: h and output have {proj} features, "
            "the cell state c keeps hidden_size = {hidden}"
        ),
        "proj_rows": "P = {n} rows",
        "proj_columns": "H = {n} columns",
        "proj_to_next": "to the next step",
        "proj_to_output": "to output[t] (and to h_n at the last step)",
        "proj_c_next": "c_t keeps H = {hidden} features:\nto the next step and c_n",
        "proj_why_output": "the top layer's h_t at every step: P features",
        "proj_why_output_bidir": "both directions' h_t joined: D·P features",
        "proj_why_h_n": "h has P = proj_size features",
        "proj_why_c_n": "c keeps H = hidden_size features",
        "proj_why_hr": "the projection: H features in, P out",
        "proj_why_hh": "multiplies h, so P columns, not H",
        "proj_why_ih": "multiplies x_t: F columns, as without projection",
        "proj_why_ih_above": "layer 1 reads layer 0's output: P features per direction",
        "proj_every_layer": (
            "{count} projection weights in all, one per layer and direction, each {shape}"
        ),
        "proj_join": ", ",
        "proj_alt": (
            "An LSTM with proj_size = {proj} and hidden_size = {hidden}. In each cell the cell "
            "state c_t keeps {hidden} features; o ⊙ tanh(c_t), also {hidden} features, is "
            "multiplied by {w_hr} to give h_t with {proj} features, which goes to output and to "
            "the next time step. Shapes from this model: {shapes}."
        ),
        # --- parameters ---
        "params_title": "The parameters of this {kind}: {count} numbers in total",
        "params_anatomy": (
            "Layer 0, forward: each weight's and bias's rows are the gates, in PyTorch's "
            "order {order}"
        ),
        "params_anatomy_rnn": (
            "Layer 0, forward: an RNN has no gates, so each weight is one block of H rows"
        ),
        "params_gate": "{gate}  {words}",
        "params_gate_i": "input gate",
        "params_gate_f": "forget gate",
        "params_gate_g": "candidate cell state",
        "params_gate_o": "output gate",
        "params_gate_r": "reset gate",
        "params_gate_z": "update gate",
        "params_gate_n": "new gate",
        "params_block_rnn": "one block",
        "params_rows": "rows [{start}:{stop}]",
        "params_order_join": ", ",
        "params_columns_x": "F = {n} columns:\nthe features of x_t",
        "params_columns_h": "H_out = {n} columns:\nthe features of h",
        "params_bias": "one number\nper row",
        "params_projection": "no gates: maps\nH = {h} features to P = {p}",
        "params_suffix": "suffix",
        "params_layer": "layer, direction",
        "params_row": "layer {n}, {direction}",
        "params_count": "parameters",
        "params_name_rule": "each name is a column's name followed by a row's suffix: {example}",
        "params_name_example": "{kind} + {suffix} = {name}",
        "params_total": "total: {count} = sum(p.numel() for p in module.parameters())",
        "params_join": ", ",
        "params_alt": (
            "The parameters of this {kind}, with {layers} layers and {directions} "
            "direction(s). Layer 0's forward parameters are {shapes}. {rows} A table lists the "
            "shapes for every layer and direction: names end in _l and the layer number, plus "
            "_reverse for the backward direction. In total the module has {count} parameters, "
            "the same as sum(p.numel() for p in module.parameters())."
        ),
        "params_alt_rows": (
            "The rows of each weight and bias are stacked in blocks of hidden_size rows, one "
            "per gate, in the order {order}."
        ),
        "params_alt_rows_rnn": "An RNN has no gates: each weight is one block of hidden_size rows.",
        # --- packed ---
        "packed_title": (
            "A packed batch: {n} sequences of lengths {lengths}, padded to T = {steps} time steps"
        ),
        "packed_padded_caption": (
            "padded (as pad_packed_sequence returns it): x {x_shape}, output {output_shape}"
        ),
        "packed_sequence": "sequence {b}, length {length}",
        "packed_zero": "0",
        "packed_strip": "packed",
        "packed_data": "packed.data: {shape}, one row per real time step, in time order",
        "packed_batch_sizes": (
            "packed.batch_sizes: {sizes}, how many sequences are still running at each step"
        ),
        "packed_final": "{h_n} = {output}",
        "packed_check_mark": "✓",
        "packed_legend_final": (
            "the last real step of each sequence, t = length − 1: its final state in h_n {check}"
        ),
        "packed_legend_backward": (
            "backward direction: every sequence's final state is at t = 0 {check}"
        ),
        "packed_legend_padding": (
            "padding: not a time step of the sequence; the padded output is 0 here"
        ),
        "packed_legend_last": (
            "{last} is 0 for each sequence shorter than T = {steps} ({count} of {n}), "
            "not its final state {check}"
        ),
        "packed_legend_last_full": (
            "no sequence is shorter than T = {steps}, so {last} holds no padding"
        ),
        "packed_checked": "each ✓ was checked with torch.allclose while drawing",
        "packed_alt": (
            "A batch of {n} sequences of lengths {lengths}, padded to T = {steps} time steps: the "
            "padded x has shape {x_shape} and the padded output {output_shape}, with zeros after "
            "each sequence ends. The PackedSequence keeps only the {total} real time steps, in "
            "time order: packed.data has shape {data_shape} and packed.batch_sizes is "
            "{batch_sizes}. Each sequence's final state in h_n is the output at its own last real "
            "step, t = length − 1{backward}. {last} is 0 for each sequence shorter than T "
            "({short} of {n}), so it is not that sequence's final state."
        ),
        "packed_alt_backward": "; for the backward direction it is the output at t = 0",
        # --- gru_rnn ---
        "gru_rnn_title": (
            "A {layers}-layer {kind} over T = {steps} time steps: "
            "only h is carried, there is no cell state c"
        ),
        "gru_rnn_gates": "r, z, n",
        "gru_rnn_legend_h": (
            "h, the hidden state: the only state a {kind} carries, right to the next time step "
            "and up to the next layer"
        ),
        "gru_rnn_legend_gru": (
            "GRU gates in every cell: r (reset), z (update), n (new); weight_ih_l0 {shape} "
            "stacks their 3 blocks of H = {h} rows"
        ),
        "gru_rnn_legend_update": "h_t = (1 − z) ⊙ n + z ⊙ h_{{t-1}}: one state in, one state out",
        "gru_rnn_legend_rnn": (
            "an RNN cell has no gates: weight_ih_l0 {shape} is a single block of H = {h} rows"
        ),
        "gru_rnn_legend_h_n": (
            "h_n {shape} = {layout}, the same layout as an LSTM's: "
            "h_n[l·D + d] is layer l, direction d"
        ),
        "gru_rnn_layout_batched": "(L·D, N, H)",
        "gru_rnn_layout_unbatched": "(L·D, H)",
        "gru_rnn_legend_no_c": (
            "no c_n: a {kind} returns (output, h_n); an LSTM returns (output, (h_n, c_n))"
        ),
        "gru_rnn_alt": (
            "The layer × time grid of a {layers}-layer {kind} over {steps} time steps. Only the "
            "hidden state h is carried: right along each layer to the next time step, and up to "
            "the next layer; there is no cell state c. output, of shape {output_shape}, is the "
            "top layer's h at every time step. h_n, of shape {h_shape}, holds every layer's h at "
            "its final step, in the same layout as an LSTM's h_n.{gates}"
        ),
        "gru_rnn_alt_gru": " Each GRU cell computes three gates: r, z and n.",
        "gru_rnn_alt_rnn": " An RNN cell has no gates.",
        # --- locate (warnings of lf.locate; the calculator page reads them too) ---
        "locate_warn_backward_first": (
            "It reads output's backward half (features {h_out} and up) at the step where the "
            "backward direction starts, having seen one input only; the backward final state "
            "is {backward_final}, found at t = 0 in output."
        ),
        "locate_warn_padding": (
            "It reads padding: zeros past a sequence's end in a packed batch, which belong to "
            "no time step of that sequence."
        ),
        "locate_warn_batch_first_sample": (
            "With batch_first=True, output's first axis is the batch: this reads sequence "
            "{sample} over several time steps, not one time step of every sequence "
            "(that is output[:, t])."
        ),
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
            "状态（形状均为 {h_shape}）拼接成形状 {cat_shape}：在顶层就是 {output_t}，在其他层就是"
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
        # --- gates ---
        "gates_title": (
            "一个 LSTM 单元的内部：第 {layer} 层，{direction}，t = {t}，第 {sequence} 个样本，"
            "按真实数值着色"
        ),
        "gates_initial": "{name}[{index}]，初始状态",
        "gates_from_layer": "第 {n} 层的输出",
        "gates_to_next": "传给下一个时间步",
        "gates_bus": "每个门都读取 x_t 和上一步的 h，各自使用 {w_ih} 和 {w_hh} 中属于它的行（再加上偏置）",
        "gates_names": "f 遗忘门     i 输入门     g 候选细胞状态     o 输出门",
        "gates_unit": "第 {unit} 个隐藏单元：",
        "gates_projection": "然后 h_t = {w_hr} · (o ⊙ tanh(c_t))：从 {hidden} 个特征投影到 {proj} 个",
        "gates_alt": (
            "一个 LSTM 单元：第 {layer} 层，{direction}，时间步 {t}，第 {sequence} 个样本。每个向量"
            "画成一列格子，按真实数值着色，共 {units} 个隐藏单元。这个单元从{previous}读取上一步的"
            "状态。四个门，即遗忘门 f、输入门 i、候选细胞状态 g 和输出门 o，都读取 x_t 和上一步的 "
            "h，各自使用 {w_ih} 和 {w_hh} 中属于自己的行。细胞状态这条路径计算 "
            "c_t = f ⊙ c_prev + i ⊙ g（c_prev 是上一步的细胞状态），然后 {h_formula}。对整个批量，"
            "c_t 的形状为 {c_shape}，h_t 的形状为 {h_shape}。"
        ),
        "gates_alt_previous_step": " t = {t} 的同一个单元",
        "gates_alt_previous_initial": "初始状态 h_0[{index}] 和 c_0[{index}]",
        "gates_alt_h": "h_t = o ⊙ tanh(c_t)",
        "gates_alt_h_projected": "h_t = {w_hr} · (o ⊙ tanh(c_t))，投影到 {proj} 个特征",
        # --- projection ---
        "proj_title": (
            "proj_size = {proj}：h 和 output 只有 {proj} 个特征，细胞状态 c 仍有 "
            "hidden_size = {hidden} 个"
        ),
        "proj_rows": "P = {n} 行",
        "proj_columns": "H = {n} 列",
        "proj_to_next": "传给下一个时间步",
        "proj_to_output": "进入 output[t]（最后一个时间步的 h 也进入 h_n）",
        "proj_c_next": "c_t 仍有 H = {hidden} 个特征：\n传给下一个时间步和 c_n",
        "proj_why_output": "顶层在每个时间步的 h_t：P 个特征",
        "proj_why_output_bidir": "两个方向的 h_t 拼接在一起：D·P 个特征",
        "proj_why_h_n": "h 有 P = proj_size 个特征",
        "proj_why_c_n": "c 仍有 H = hidden_size 个特征",
        "proj_why_hr": "投影：输入 H 个特征，输出 P 个",
        "proj_why_hh": "与 h 相乘，所以是 P 列，而不是 H 列",
        "proj_why_ih": "与 x_t 相乘：F 列，与没有投影时相同",
        "proj_why_ih_above": "第 1 层读取第 0 层的输出：每个方向 P 个特征",
        "proj_every_layer": "共有 {count} 个投影权重，每层每个方向一个，形状都是 {shape}",
        "proj_join": "，",
        "proj_alt": (
            "proj_size = {proj}、hidden_size = {hidden} 的 LSTM。每个单元中，细胞状态 c_t 保持 "
            "{hidden} 个特征；o ⊙ tanh(c_t) 也有 {hidden} 个特征，乘以 {w_hr} 后得到只有 {proj} "
            "个特征的 h_t，它进入 output，并传给下一个时间步。本模型的形状：{shapes}。"
        ),
        # --- parameters ---
        "params_title": "这个 {kind} 的参数：共 {count} 个数",
        "params_anatomy": "第 0 层，正向：每个权重和偏置的行按门划分，顺序与 PyTorch 相同：{order}",
        "params_anatomy_rnn": "第 0 层，正向：RNN 没有门，所以每个权重只有一块 H 行",
        "params_gate": "{gate} {words}",
        "params_gate_i": "输入门",
        "params_gate_f": "遗忘门",
        "params_gate_g": "候选细胞状态",
        "params_gate_o": "输出门",
        "params_gate_r": "重置门",
        "params_gate_z": "更新门",
        "params_gate_n": "候选隐藏状态",
        "params_block_rnn": "一整块",
        "params_rows": "第 [{start}:{stop}] 行",
        "params_order_join": "、",
        "params_columns_x": "F = {n} 列：\nx_t 的特征",
        "params_columns_h": "H_out = {n} 列：\nh 的特征",
        "params_bias": "每行\n一个数",
        "params_projection": "不分门：把 H = {h} 个\n特征映射为 P = {p} 个",
        "params_suffix": "后缀",
        "params_layer": "层，方向",
        "params_row": "第 {n} 层，{direction}",
        "params_count": "参数个数",
        "params_name_rule": "参数名 = 列名 + 行的后缀：{example}",
        "params_name_example": "{kind} + {suffix} = {name}",
        "params_total": "合计：{count} = sum(p.numel() for p in module.parameters())",
        "params_join": "，",
        "params_alt": (
            "这个 {kind} 的参数，共 {layers} 层、{directions} 个方向。第 0 层正向的参数为 "
            "{shapes}。{rows}一张表列出每一层、每个方向的形状：参数名以 _l 加层号结尾，反向再加 "
            "_reverse。整个模块共有 {count} 个参数，与 sum(p.numel() for p in "
            "module.parameters()) 相同。"
        ),
        "params_alt_rows": "每个权重和偏置的行按门分块，每块 hidden_size 行，顺序为 {order}。",
        "params_alt_rows_rnn": "RNN 没有门：每个权重只有一块 hidden_size 行。",
        # --- packed ---
        "packed_title": "打包的批量：{n} 个序列，长度为 {lengths}，填充到 T = {steps} 个时间步",
        "packed_padded_caption": (
            "填充后（即 pad_packed_sequence 的返回值）：x {x_shape}，output {output_shape}"
        ),
        "packed_sequence": "序列 {b}，长度 {length}",
        "packed_zero": "0",
        "packed_strip": "打包序列",
        "packed_data": "packed.data：{shape}，每个真实时间步一行，按时间顺序排列",
        "packed_batch_sizes": "packed.batch_sizes：{sizes}，即每个时间步上尚未结束的序列数",
        "packed_final": "{h_n} = {output}",
        "packed_check_mark": "✓",
        "packed_legend_final": (
            "每个序列最后一个真实时间步 t = 长度 − 1：它在 h_n 中的最终状态 {check}"
        ),
        "packed_legend_backward": "反向：每个序列的最终状态都在 t = 0 {check}",
        "packed_legend_padding": "填充：不属于该序列的时间步，填充后的 output 在此处为 0",
        "packed_legend_last": (
            "对长度小于 T = {steps} 的序列（{n} 个中的 {count} 个），{last} 为 0，"
            "不是它们的最终状态 {check}"
        ),
        "packed_legend_last_full": "没有长度小于 T = {steps} 的序列，所以 {last} 中没有填充",
        "packed_checked": "绘图时已用 torch.allclose 逐一核对每个 ✓",
        "packed_alt": (
            "一个批量中有 {n} 个序列，长度为 {lengths}，填充到 T = {steps} 个时间步：填充后的 x "
            "形状为 {x_shape}，output 形状为 {output_shape}，每个序列结束之后都补 0。打包序列"
            "（PackedSequence）只保留 {total} 个真实时间步，按时间顺序排列：packed.data 的形状为 "
            "{data_shape}，packed.batch_sizes 为 {batch_sizes}。每个序列在 h_n 中的最终状态，是它"
            "自己最后一个真实时间步 t = 长度 − 1 的 output{backward}。对长度小于 T 的序列（{n} 个"
            "中的 {short} 个），{last} 为 0，所以不是它们的最终状态。"
        ),
        "packed_alt_backward": "；反向的最终状态则是 t = 0 的 output",
        # --- gru_rnn ---
        "gru_rnn_title": "{layers} 层 {kind}，T = {steps} 个时间步：只传递 h，没有细胞状态 c",
        "gru_rnn_gates": "r, z, n",
        "gru_rnn_legend_h": (
            "h：隐藏状态，是 {kind} 唯一传递的状态：向右传给下一个时间步，并向上传给下一层"
        ),
        "gru_rnn_legend_gru": (
            "每个 GRU 单元的门：r（重置门）、z（更新门）、n（候选隐藏状态）；weight_ih_l0 {shape} "
            "依次堆叠这 3 个门，每块 H = {h} 行"
        ),
        "gru_rnn_legend_update": "h_t = (1 − z) ⊙ n + z ⊙ h_{{t-1}}：传入一个状态，传出一个状态",
        "gru_rnn_legend_rnn": "RNN 单元没有门：weight_ih_l0 {shape} 只有一块，共 H = {h} 行",
        "gru_rnn_legend_h_n": (
            "h_n {shape} = {layout}，与 LSTM 的 h_n 布局相同：h_n[l·D + d] 是第 l 层、方向 d"
        ),
        "gru_rnn_layout_batched": "(L·D, N, H)",
        "gru_rnn_layout_unbatched": "(L·D, H)",
        "gru_rnn_legend_no_c": "没有 c_n：{kind} 返回 (output, h_n)，而 LSTM 返回 (output, (h_n, c_n))",
        "gru_rnn_alt": (
            "{layers} 层 {kind} 在 {steps} 个时间步上的层 × 时间网格。只传递隐藏状态 h：在每层内"
            "向右传给下一个时间步，并向上传给下一层；没有细胞状态 c。形状为 {output_shape} 的 "
            "output 是顶层在每个时间步的 h。形状为 {h_shape} 的 h_n 保存每一层最后一个时间步的 "
            "h，布局与 LSTM 的 h_n 相同。{gates}"
        ),
        "gru_rnn_alt_gru": "每个 GRU 单元计算三个门：r、z 和 n。",
        "gru_rnn_alt_rnn": "RNN 单元没有门。",
        # --- locate ---
        "locate_warn_backward_first": (
            "它读取的是 output 的反向部分（从第 {h_out} 个特征起）在反向开始计算的那个时间步，"
            "此时反向只看过一个输入；反向的最终状态是 {backward_final}，在 output 中位于 t = 0。"
        ),
        "locate_warn_padding": (
            "它读取了填充：打包批量中序列结束之后的 0，不属于该序列的任何时间步。"
        ),
        "locate_warn_batch_first_sample": (
            "batch_first=True 时，output 的第一个轴是批量：这里读取的是序列 {sample} 的多个"
            "时间步，而不是每个序列的同一个时间步（那是 output[:, t]）。"
        ),
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
