"""Every key of the explorer in one place: the key, the action it calls, its footer label.

The footer shows the shown bindings in this order until the width runs out, so the keys a
newcomer needs first (step, run, help, quit) come first and stay visible at 60 columns.
"""

from __future__ import annotations

from textual.binding import Binding

KEYMAP: list[Binding] = [
    # shown in the footer, in this order: what a newcomer needs first comes first
    Binding("space", "step", "step"),
    Binding("enter", "run", "run"),
    Binding("question_mark", "help", "help", key_display="?"),
    Binding("q", "quit", "quit"),
    Binding("o", "optimizer(1)", "optim"),
    Binding("plus,equals_sign", "lr(1)", "lr+", key_display="+"),
    Binding("minus", "lr(-1)", "lr-", key_display="-"),
    Binding("n", "landscape(1)", "next"),
    Binding("t", "tour", "tour"),
    Binding("b", "blind", "blind"),
    Binding("d", "data", "data"),
    Binding("v", "split", "bce/mse"),
    Binding("P", "practice", "practice"),
    # not in the footer (help lists every key)
    Binding("left,h", "move(-1, 0)", "left", show=False),
    Binding("right,l", "move(1, 0)", "right", show=False),
    Binding("up,k", "move(0, 1)", "up", show=False),
    Binding("down,j", "move(0, -1)", "down", show=False),
    Binding("shift+left,H", "move(-10, 0)", "left x10", show=False),
    Binding("shift+right,L", "move(10, 0)", "right x10", show=False),
    Binding("shift+up,K", "move(0, 10)", "up x10", show=False),
    Binding("shift+down,J", "move(0, -10)", "down x10", show=False),
    Binding("O", "optimizer(-1)", "prev optim", show=False),
    Binding("s", "schedule", "sched", show=False),
    Binding("p", "landscape(-1)", "prev", show=False),
    Binding("c", "cycle_mode", "view", show=False),
    Binding("m", "toggle_scale", "log", show=False),
    Binding("z", "zoom(0.5)", "zoom", show=False),
    Binding("x", "zoom(2.0)", "out", show=False),
    Binding("0", "reset_view", "reset view", show=False),
    Binding("g", "global_min", "global min", show=False),
    Binding("r", "reset", "reset", show=False),
    Binding("pagedown,full_stop", "slide(1)", "next slide", show=False),
    Binding("pageup,comma", "slide(-1)", "prev slide", show=False),
    Binding("left_square_bracket", "l2(-1)", "λ-", key_display="[", show=False),
    Binding("right_square_bracket", "l2(1)", "λ+", key_display="]", show=False),
    Binding("B", "batch", "batch", show=False),
    Binding("R", "race", "race", show=False),
    Binding("escape", "end_race", "end race", show=False),
    Binding("A", "basins", "basins", show=False),
    Binding("i", "curvature", "curvature", show=False),
    Binding("3", "view3d", "3-D", show=False),
    Binding("e", "export", "export", show=False),
    # over SSH people press ctrl+c to leave (Textual's default only says "press ctrl+q")
    Binding("ctrl+c", "quit", "quit", show=False, priority=True),
    Binding("ctrl+o", "open_data", "open data", show=False),
]

# the actions the keys call (q among them): while the terminal is too small only q works
KEY_ACTIONS = frozenset(b.action.partition("(")[0] for b in KEYMAP)
