"""The lesson's practice problems: single-example binary cross-entropy, worked step by step.

L = -[y log ŷ + (1-y) log(1-ŷ)] with the natural log. One of the two terms is always zero, so
the loss is -log ŷ when y = 1 and -log(1-ŷ) when y = 0: small when ŷ is near the truth and
without bound as ŷ approaches the wrong answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from losswalk.core.drawing.text import for_charset

FORMULA = "L = -[y·log(ŷ) + (1-y)·log(1-ŷ)]"
LOG_NOTE = "log is the natural log (ln, base e)"
CALCULATOR_START = (1, 0.5)  # a coin-flip guess: L = ln 2, no problem's answer
MIN_DIGITS = 2  # an answer needs this many significant digits (fewer if the answer shows fewer)


class PracticeError(ValueError):
    """A value the calculator cannot use: label not 0/1, ŷ outside (0, 1), not a number."""


def fmt_loss(value: float) -> str:
    """Three decimals like the lesson (0.105), more significant digits for tiny values."""
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:.3f}" if value == 0 or abs(value) >= 0.001 else f"{value:.3g}"


def fmt_prediction(y_hat: float) -> str:
    """ŷ with every digit it has (shortest round-trip form): 0.999999999 must not read as 1."""
    return repr(float(y_hat))


def parse_number(text: str) -> float:
    """A typed number ("0.105", ".105", "1e-3", "inf", "∞"); PracticeError for anything else."""
    cleaned = text.strip().lower().replace("∞", "inf")
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if math.isnan(value):
        raise PracticeError("type a number, e.g. 0.105")
    return value


def significant_digits(text: str) -> int:
    """How many significant digits a typed number has: "0.105" 3, "2.30" 3, "1e-3" 1, "0" 1."""
    digits = Decimal(text.strip().lower().replace("∞", "inf")).as_tuple().digits
    return max(1, len("".join(map(str, digits)).lstrip("0")))


def round_significant(value: float, digits: int) -> Decimal:
    """value rounded to `digits` significant digits (decimal, half-even), exactly comparable."""
    return Decimal(f"{value:.{digits - 1}e}")


@dataclass(frozen=True)
class Working:
    """The loss of one example and the lines that substitute the numbers into the formula."""

    y: int
    y_hat: float
    loss: float
    lines: tuple[str, ...]


def validate(y: float, y_hat: float) -> int:
    """The label as an int; PracticeError unless y is 0 or 1 and 0 < ŷ < 1 (finite)."""
    if y not in (0, 1):
        raise PracticeError(f"y must be 0 or 1 (the true label), got {y:g}")
    if not (math.isfinite(y_hat) and 0.0 < y_hat < 1.0):
        raise PracticeError(
            "ŷ must be strictly between 0 and 1: a sigmoid never outputs exactly 0 or 1"
        )
    return int(y)


def bce_working(y: int, y_hat: float, charset: str = "unicode") -> Working:
    """Binary cross-entropy of one example, written out the way the lesson's solutions do it."""
    y = validate(y, y_hat)
    y_hat = float(y_hat)
    log_term = math.log(y_hat) if y == 1 else math.log1p(-y_hat)
    loss = -log_term
    shown = fmt_prediction(y_hat)
    log_text = f"log({shown})" if y == 1 else f"log(1-{shown})"
    kept = f"{log_text} + 0" if y == 1 else f"0 + {log_text}"
    lines = (
        f"L = -[{y}·log({shown}) + (1-{y})·log(1-{shown})]",
        f"  = -[{kept}]",
        f"  = -({fmt_loss(log_term)})",
        f"  = {fmt_loss(loss)}",
    )
    return Working(y, y_hat, loss, tuple(for_charset(line, charset) for line in lines))


def agrees(text: str, expected: float) -> bool:
    """Whether a typed number agrees with `expected` to the digits shown in the lesson.

    Both are rounded to p significant digits, p the fewer of those typed and those fmt_loss
    shows for the answer (0.105: 3, 2.303: 4), and must be equal; at least MIN_DIGITS are
    needed (or all the answer shows). So 0.11 and 0.105 are right for 0.10536, 0.1 is not.
    """
    typed, shown = significant_digits(text), significant_digits(fmt_loss(expected))
    if typed < min(MIN_DIGITS, shown):
        return False
    digits = min(typed, shown)
    return round_significant(parse_number(text), digits) == round_significant(expected, digits)


def check_answer(text: str, expected: float) -> tuple[bool, str]:
    """Judge a typed answer against `expected` (math.inf for a limit): (ok, one-line message)."""
    try:
        value = parse_number(text)
    except PracticeError as error:
        return False, str(error)
    if math.isinf(expected):
        if value == expected:
            return True, "correct: the loss grows without bound (→ ∞)"
        return False, "not quite: make ŷ smaller and smaller in the calculator - does it stop?"
    if math.isfinite(value) and agrees(text, expected):
        return True, f"correct: L = {fmt_loss(expected)}"
    if value < 0:
        return False, "not quite: the loss is never negative (log ŷ ≤ 0 and L negates it)"
    if math.isinf(value):
        return False, "not quite: ŷ is strictly inside (0, 1), so this loss is finite"
    return False, f"not quite: {text.strip()} is too {'high' if value > expected else 'low'}"


@dataclass(frozen=True)
class Problem:
    """One practice problem: the question, the answer to type, and the worked solution."""

    number: int
    question: str
    y: int
    y_hat: float  # the prediction the problem is about (problem 3: where its table starts)
    answer: float  # what the learner should type; math.inf for a limit
    solution: tuple[str, ...]  # the worked solution, plain text lines
    table: tuple[tuple[float, float], ...] = ()  # (ŷ, loss) rows shown in the solution


def _problems() -> tuple[Problem, ...]:
    """The lesson's three problems, every number computed by bce_working."""
    good, bad = bce_working(1, 0.9), bce_working(1, 0.1)
    ratio = bad.loss / good.loss
    table = tuple((p, bce_working(1, p).loss) for p in (0.1, 0.01, 0.001, 0.0001))
    return (
        Problem(
            1,
            "The true label is y = 1 and the model predicts ŷ = 0.9. What is the loss L?",
            1, 0.9, good.loss,
            (*good.lines, "",
             f"The loss is {fmt_loss(good.loss)}: low, the prediction is close to the truth."),
        ),
        Problem(
            2,
            "Same label y = 1, but now a bad prediction: ŷ = 0.1. What is the loss L?",
            1, 0.1, bad.loss,
            (*bad.lines, "",
             f"The loss is {fmt_loss(bad.loss)}: ~{ratio:.0f}× worse than problem 1 "
             f"({fmt_loss(bad.loss)} / {fmt_loss(good.loss)}). Confident wrong predictions "
             "are punished hard."),
        ),
        Problem(
            3,
            "Why does cross-entropy use logarithms? With y = 1, what does the loss approach "
            "as ŷ → 0? (type a number, or inf)",
            1, 0.1, math.inf,
            ("With y = 1 the loss is L = -log(ŷ):",
             "  ŷ        L",
             *(f"  {p:<8g} {fmt_loss(loss)}" for p, loss in table),
             "",
             f"Every step ten times closer to 0 adds log(10) ≈ {math.log(10):.3f} to the loss, "
             "so it never levels off: L → ∞ as ŷ → 0. Being sure of the wrong answer costs "
             "without limit.",
             "Why logarithms: they punish confident mistakes severely, they come from maximum "
             "likelihood (information theory), and they give well-behaved gradients.",
             "A sigmoid σ(z) = 1/(1 + e^-z) is strictly between 0 and 1 for every finite z, "
             "so the loss stays finite; a hard threshold could output exactly 0 and make it "
             "infinite."),
            table,
        ),
    )


PROBLEMS: tuple[Problem, ...] = _problems()
