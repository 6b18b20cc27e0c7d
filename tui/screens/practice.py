"""The practice screen: a cross-entropy calculator with its cost curves, and the lesson's three
problems to answer by typing (then check, then reveal the worked solution).

A ModalScreen with an opaque background, so it fills the terminal and the map's keys (space
steps the walker, ...) do not act behind it.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from losswalk.core.drawing.text import check_charset, for_charset
from losswalk.core.lesson.practice import (
    CALCULATOR_START,
    FORMULA,
    LOG_NOTE,
    PROBLEMS,
    PracticeError,
    bce_working,
    check_answer,
    fmt_loss,
    fmt_prediction,
    parse_number,
)
from losswalk.tui.widgets.charts import WALKER_MARKERS
from losswalk.tui.widgets.plot import PlotextPlot

Y_MAX = 7.0  # the chart's loss axis stops here: -log(ŷ) = 7 at ŷ = e^-7 ~ 0.0009
SAMPLES = 200
# (y=1, y=0): different markers so the two curves read apart without colour
CURVE_MARKERS = {"unicode": ("braille", "•"), "ascii": ("*", "+")}
NOT_A_NUMBER = "type a number, like 1.5 or 2e-3 (or inf)"  # never a problem's own answer
FIELD_HINTS = {"y": "y: type 0 or 1 (the true label)",
               "y-hat": "ŷ: type a number between 0 and 1, e.g. 0.9"}


class CostChart(PlotextPlot):
    """-log(ŷ) (the cost when y = 1) and -log(1-ŷ) (when y = 0) over ŷ in (0, 1), point marked."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.point: tuple[int, float, float] | None = None  # (y, ŷ, loss) of the calculator

    def show(self, y: int | None, y_hat: float | None = None) -> None:
        """Mark the calculator's example (y, ŷ) on its curve; None clears the mark."""
        self.point = None if y is None or y_hat is None else (y, y_hat, bce_working(y, y_hat).loss)
        self.replot()

    def draw(self, plt, width: int, height: int) -> None:
        """Both cost curves, cut where they pass Y_MAX, and the current point (capped at Y_MAX)."""
        # ŷ from e^-Y_MAX to 1 - e^-Y_MAX: exactly the range where both curves are <= Y_MAX.
        y_hats = np.linspace(math.exp(-Y_MAX), 1 - math.exp(-Y_MAX), SAMPLES)
        when_1, when_0 = CURVE_MARKERS[self.charset]
        plt.plot(y_hats, -np.log(y_hats), marker=when_1, color="cyan+", label="y=1")
        plt.plot(y_hats, -np.log1p(-y_hats), marker=when_0, color="magenta+", label="y=0")
        plt.xlim(0, 1)
        plt.ylim(0, Y_MAX)
        plt.yticks(range(0, int(Y_MAX) + 1, 2))
        if self.point is None:
            plt.title(for_charset("loss against ŷ", self.charset))
            return
        y, y_hat, loss = self.point
        plt.title(for_charset(f"y={y} ŷ={fmt_prediction(y_hat)} L={fmt_loss(loss)}",
                              self.charset))
        plt.scatter([y_hat], [min(loss, Y_MAX)], marker=WALKER_MARKERS[self.charset],
                    color="yellow+")


class PracticeScreen(ModalScreen[None]):
    """Calculator (y, ŷ -> worked loss and chart) above the three practice problems."""

    DEFAULT_CSS = """
    PracticeScreen {
        background: $background;
        layout: vertical;
        overflow: hidden;
    }
    PracticeScreen #practice-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        text-style: bold;
    }
    PracticeScreen #practice-top {
        height: 9;
    }
    PracticeScreen #calculator {
        width: 1fr;
        padding: 0 1;
    }
    PracticeScreen #cost-chart {
        width: 36;
        height: 9;
    }
    PracticeScreen .field-row {
        height: 1;
    }
    PracticeScreen .field-row Label {
        width: auto;
        padding: 0 1 0 0;
    }
    PracticeScreen Input {
        border: none;
        height: 1;
        padding: 0 1;
        margin: 0 2 0 0;
        background: $boost;
    }
    PracticeScreen Input:focus {
        border: none;
        background: $primary 40%;
    }
    PracticeScreen #y {
        width: 6;
    }
    PracticeScreen #y-hat, PracticeScreen #answer {
        width: 14;
    }
    PracticeScreen #calc-out {
        height: 6;
    }
    PracticeScreen .-error {
        color: $error;
        text-style: bold;
    }
    PracticeScreen #problems {
        height: 1fr;
        padding: 0 1;
        border-top: solid $primary-darken-2;
    }
    PracticeScreen #question {
        height: auto;
        max-height: 3;
    }
    PracticeScreen #feedback {
        height: 1;
    }
    PracticeScreen #feedback.-correct {
        color: $success;
        text-style: bold;
    }
    PracticeScreen #feedback.-wrong {
        color: $warning;
    }
    PracticeScreen #solution {
        height: 1fr;
    }
    PracticeScreen #solution:focus {
        background: $boost;
    }
    PracticeScreen.-ascii #problems {
        border-top: ascii $primary-darken-2;
    }
    """

    # priority: these work from inside the inputs too (a one-line Input takes page up/down)
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "close", "back", priority=True),
        Binding("ctrl+n", "next_problem", "next problem", priority=True),
        Binding("ctrl+r", "reveal", "reveal", priority=True),
        Binding("pagedown", "scroll_solution(1)", "scroll", priority=True),
        Binding("pageup", "scroll_solution(-1)", "scroll up", show=False, priority=True),
        # single keys act when no input has the focus (tab to the solution pane)
        Binding("q,P", "close", "back", show=False),
        Binding("r", "reveal", "reveal", show=False),
        Binding("n", "next_problem", "next problem", show=False),
        Binding("1", "problem(0)", "problem 1", show=False),
        Binding("2", "problem(1)", "problem 2", show=False),
        Binding("3", "problem(2)", "problem 3", show=False),
    ]
    AUTO_FOCUS = "#answer"

    def __init__(self, charset: str = "unicode", colour: bool = True) -> None:
        super().__init__()
        self.charset = check_charset(charset)
        self.colour = colour
        self.problem = 0  # index into PROBLEMS
        self.revealed = False
        self.feedback: tuple[bool, str] | None = None  # check_answer's verdict on the last answer

    def text(self, text: str) -> str:
        """Text in the screen's charset."""
        return for_charset(text, self.charset)

    def compose(self) -> ComposeResult:
        yield Static(self.text("Practice: binary cross-entropy of one example"),
                     id="practice-title")
        with Horizontal(id="practice-top"):
            with Vertical(id="calculator"):
                yield Static(self.text(f"{FORMULA}\n{LOG_NOTE}"), id="formula")
                y, y_hat = CALCULATOR_START
                with Horizontal(classes="field-row"):
                    yield Label("y =")
                    yield Input(str(y), id="y")
                    yield Label(self.text("ŷ ="))
                    yield Input(fmt_prediction(y_hat), id="y-hat")
                yield Static(id="calc-out")
            yield CostChart(charset=self.charset, colour=self.colour, id="cost-chart")
        with Vertical(id="problems"):
            yield Static(id="problem-head")
            yield Static(id="question")
            with Horizontal(classes="field-row"):
                yield Label("your answer")
                yield Input(placeholder="then enter", id="answer")
            yield Static(id="feedback")
            with VerticalScroll(id="solution"):
                yield Static(id="solution-text")
        yield Footer()

    def on_mount(self) -> None:
        self.set_class(self.charset == "ascii", "-ascii")
        for field in self.query(Input):  # a blinking cursor resends its cell twice a second
            field.cursor_blink = False
        self.calculate()
        self.show_problem()

    # ------------------------------------------------------------------ calculator

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("y", "y-hat"):
            self.calculate()

    def calculate(self) -> None:
        """Work out the loss of the typed (y, ŷ), or show why it cannot be worked out."""
        out = self.query_one("#calc-out", Static)
        chart = self.query_one(CostChart)
        try:
            y, y_hat = (self._field(name) for name in ("y", "y-hat"))
            work = bce_working(y, y_hat, self.charset)
        except PracticeError as error:
            out.set_class(True, "-error")
            out.update(Text("error: " + self.text(str(error))))
            chart.show(None)
            return
        out.set_class(False, "-error")
        result = Text("\n".join(work.lines))
        result.append(f"\nloss {fmt_loss(work.loss)}", style="bold")
        out.update(result)
        chart.show(work.y, work.y_hat)

    def _field(self, name: str) -> float:
        """The number typed in input `name`, with a message naming the field if it is none."""
        try:
            return parse_number(self.query_one(f"#{name}", Input).value)
        except PracticeError:
            raise PracticeError(FIELD_HINTS[name]) from None

    # ------------------------------------------------------------------ problems

    def show_problem(self) -> None:
        """Redraw the problem part: which problem, its question, the feedback, the solution."""
        problem = PROBLEMS[self.problem]
        head = Text("Problem ", style="bold")
        for k in range(len(PROBLEMS)):
            label = f"[{k + 1}]" if k == self.problem else f" {k + 1} "
            head.append(label, style="bold reverse" if k == self.problem else "")
        head.append("   type an answer, enter checks; tab: next field", style="dim")
        self.query_one("#problem-head", Static).update(head)
        self.query_one("#question", Static).update(Text(self.text(problem.question)))
        feedback = self.feedback
        box = self.query_one("#feedback", Static)
        box.set_class(feedback is not None and feedback[0], "-correct")
        box.set_class(feedback is not None and not feedback[0], "-wrong")
        box.update(Text(self.text(feedback[1]) if feedback else ""))
        if self.revealed:
            solution = Text("\n".join(self.text(line) for line in problem.solution))
        else:
            solution = Text("ctrl+r reveals the worked solution (r when this pane has the focus)",
                            style="dim")
        self.query_one("#solution-text", Static).update(solution)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "answer":
            try:
                parse_number(event.value)
            except PracticeError:  # core's own example number is problem 1's answer
                self.feedback = (False, NOT_A_NUMBER)
            else:
                self.feedback = check_answer(event.value, PROBLEMS[self.problem].answer)
            self.show_problem()

    def action_problem(self, index: int) -> None:
        """Go to problem `index`: a fresh answer field, the solution hidden again."""
        self.problem, self.revealed, self.feedback = index, False, None
        answer = self.query_one("#answer", Input)
        answer.value = ""
        answer.focus()
        self.query_one("#solution", VerticalScroll).scroll_home(animate=False)
        self.show_problem()

    def action_next_problem(self) -> None:
        self.action_problem((self.problem + 1) % len(PROBLEMS))

    def action_reveal(self) -> None:
        """Show the worked solution of the current problem."""
        self.revealed = True
        self.show_problem()

    def action_scroll_solution(self, pages: int) -> None:
        """Page the solution pane (problem 3's is longer than it) from any field."""
        pane = self.query_one("#solution", VerticalScroll)
        (pane.scroll_page_down if pages > 0 else pane.scroll_page_up)(animate=False)

    def action_close(self) -> None:
        """Back to the map."""
        self.dismiss(None)
