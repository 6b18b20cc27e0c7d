"""Tests for core.practice: the worked BCE of one example, the three problems, answer checking."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from losswalk.core.landscapes.losses import binary_cross_entropy
from losswalk.core.lesson.practice import (
    CALCULATOR_START,
    LOG_NOTE,
    PROBLEMS,
    PracticeError,
    bce_working,
    check_answer,
    fmt_loss,
    for_charset,
    parse_number,
    significant_digits,
)

# Hand values: -ln(0.9), -ln(0.1) = ln 10, 2 ln 10, 3 ln 10, 4 ln 10 (ln 10 = 2.302585093).
LN10 = 2.302585093


@pytest.mark.parametrize(
    ("y_hat", "loss"),
    [(0.9, 0.105), (0.1, 2.303), (0.01, 4.605), (0.001, 6.908), (0.0001, 9.210)],
)
def test_loss_values_match_the_lesson(y_hat, loss):
    work = bce_working(1, y_hat)
    assert round(work.loss, 3) == loss
    assert work.loss == pytest.approx(-math.log(y_hat), rel=1e-15)
    assert work.lines[-1].strip() == f"= {loss:.3f}"


def test_multiples_of_ln10():
    for k in (1, 2, 3, 4):
        assert bce_working(1, 10.0**-k).loss == pytest.approx(k * LN10, rel=1e-9)


def test_working_lines_of_problem_1_read_like_the_lesson():
    assert bce_working(1, 0.9).lines == (
        "L = -[1·log(0.9) + (1-1)·log(1-0.9)]",
        "  = -[log(0.9) + 0]",
        "  = -(-0.105)",
        "  = 0.105",
    )


def test_label_zero_keeps_the_second_term():
    work = bce_working(0, 0.3)
    assert work.loss == pytest.approx(-math.log(0.7), rel=1e-15)
    assert work.lines == (
        "L = -[0·log(0.3) + (1-0)·log(1-0.3)]",
        "  = -[0 + log(1-0.3)]",
        "  = -(-0.357)",
        "  = 0.357",
    )


def test_ascii_lines():
    lines = bce_working(1, 0.9, charset="ascii").lines
    assert lines[0] == "L = -[1*log(0.9) + (1-1)*log(1-0.9)]"
    assert all(line.isascii() for line in lines)
    assert for_charset("ŷ · → ∞ ×", "ascii") == "y_hat * -> inf x"
    with pytest.raises(ValueError, match="charset"):
        bce_working(1, 0.5, charset="latin")


def test_a_prediction_near_one_keeps_all_its_digits():
    """Regression: ŷ = 0.999999999 read `log(1-1)`, a log of zero, above `= 20.723`.
    By hand: 1 - 0.999999999 = 1e-9 and -ln(1e-9) = 9 ln 10 = 20.7233 (float: 20.72326576)."""
    work = bce_working(0, 0.999999999)
    assert work.loss == pytest.approx(9 * LN10, rel=1e-7)
    assert work.lines == (
        "L = -[0·log(0.999999999) + (1-0)·log(1-0.999999999)]",
        "  = -[0 + log(1-0.999999999)]",
        "  = -(-20.723)",
        "  = 20.723",
    )
    assert bce_working(1, 0.9999999).lines[1] == "  = -[log(0.9999999) + 0]"


@given(st.floats(1e-300, 1.0, exclude_min=False, exclude_max=True))
def test_the_working_shows_the_prediction_it_computed_with(y_hat):
    """Whatever the digits, the number written inside log(...) is exactly the ŷ used."""
    if y_hat <= 0:
        return
    shown = bce_working(1, y_hat).lines[1].removeprefix("  = -[log(").removesuffix(") + 0]")
    assert float(shown) == y_hat


def test_the_log_is_said_to_be_the_natural_log():
    assert "natural log" in LOG_NOTE and "ln" in LOG_NOTE


def test_the_calculator_starts_on_no_problems_answer():
    """Regression: it started at y = 1, ŷ = 0.9, showing L = 0.105, problem 1's answer."""
    start = bce_working(*CALCULATOR_START)
    assert start.loss == pytest.approx(math.log(2))  # y = 1, ŷ = 0.5: -ln 0.5 = 0.693
    answers = {fmt_loss(p.answer) for p in PROBLEMS} | {fmt_loss(loss) for p in PROBLEMS
                                                       for _, loss in p.table}
    assert answers.isdisjoint(" ".join(start.lines).replace("(", " ").replace(")", " ").split())
    for problem in PROBLEMS:
        assert (start.y, start.y_hat) != (problem.y, problem.y_hat)


@given(st.sampled_from([0, 1]), st.floats(1e-300, 1.0, exclude_max=True, exclude_min=False))
def test_agrees_with_the_library_loss(y, y_hat):
    """Independent implementation: core.losses (its clip to [1e-12, 1-1e-12] bounds the range)."""
    if not 1e-12 < y_hat < 1 - 1e-12:
        return
    assert bce_working(y, y_hat).loss == pytest.approx(
        binary_cross_entropy([y], [y_hat]), rel=1e-9, abs=1e-15
    )


@pytest.mark.parametrize("y_hat", [0.0, 1.0, -0.5, 1.5, math.nan, math.inf, -math.inf])
def test_y_hat_outside_the_open_interval_is_refused(y_hat):
    with pytest.raises(PracticeError, match="strictly between 0 and 1: a sigmoid never"):
        bce_working(1, y_hat)


@pytest.mark.parametrize("y", [2, -1, 0.5, math.nan])
def test_label_must_be_zero_or_one(y):
    with pytest.raises(PracticeError, match="y must be 0 or 1"):
        bce_working(y, 0.5)


def test_float_labels_are_accepted_as_ints():
    assert bce_working(1.0, 0.5).lines[0].startswith("L = -[1·log(0.5)")


def test_practice_error_is_a_value_error():
    assert issubclass(PracticeError, ValueError)


def test_problems():
    p1, p2, p3 = PROBLEMS
    assert [p.number for p in PROBLEMS] == [1, 2, 3]
    assert round(p1.answer, 3) == 0.105 and round(p2.answer, 3) == 2.303
    assert p3.answer == math.inf
    assert "0.105" in "\n".join(p1.solution) and "low" in p1.solution[-1]
    assert "~22× worse" in p2.solution[-1]  # ln 10 / -ln 0.9 = 21.85
    assert [round(loss, 3) for _, loss in p3.table] == [2.303, 4.605, 6.908, 9.21]
    assert [p for p, _ in p3.table] == [0.1, 0.01, 0.001, 0.0001]
    text = "\n".join(p3.solution)
    for value in ("2.303", "4.605", "6.908", "9.210", "0.0001", "never", "sigmoid"):
        assert value in text
    for problem in PROBLEMS:
        assert all(for_charset(line, "ascii").isascii() for line in problem.solution)
        assert for_charset(problem.question, "ascii").isascii()


@pytest.mark.parametrize(
    ("text", "expected", "ok"),
    [
        ("0.105", PROBLEMS[0].answer, True),
        (".105", PROBLEMS[0].answer, True),
        (" 0.1054 ", PROBLEMS[0].answer, True),
        # the rule: rounded to the fewer significant digits of the typed and the shown answer
        # (0.105: 3, 2.303: 4; at least 2), the two agree. -ln 0.9 = 0.1053605, ln 10 = 2.3025851
        ("0.11", PROBLEMS[0].answer, True),  # regression: 0.1053605 -> 0.11 (2 digits)
        ("0.1", PROBLEMS[0].answer, False),  # 1 digit is too few
        ("0.10", PROBLEMS[0].answer, False),  # 0.11 at 2 digits
        ("0.12", PROBLEMS[0].answer, False),
        ("0.104", PROBLEMS[0].answer, False),  # 0.105 at 3 digits
        ("0.106", PROBLEMS[0].answer, False),
        ("0.1054", PROBLEMS[0].answer, True),  # 4 typed, 3 shown: 0.105 = 0.105
        ("0.1059", PROBLEMS[0].answer, False),  # 0.106 at 3 digits
        ("1.1e-1", PROBLEMS[0].answer, True),
        ("-0.105", PROBLEMS[0].answer, False),
        ("2.3", PROBLEMS[1].answer, True),
        ("2.30", PROBLEMS[1].answer, True),
        ("2.303", PROBLEMS[1].answer, True),
        ("2.3026", PROBLEMS[1].answer, True),  # 5 typed, 4 shown: 2.303 = 2.303
        ("2.302", PROBLEMS[1].answer, False),  # 2.303 at 4 digits
        ("2.304", PROBLEMS[1].answer, False),
        ("2.31", PROBLEMS[1].answer, False),  # 2.30 at 3 digits
        ("2.4", PROBLEMS[1].answer, False),
        ("2", PROBLEMS[1].answer, False),
        ("2.33", PROBLEMS[1].answer, False),
        ("inf", PROBLEMS[2].answer, True),
        ("Infinity", PROBLEMS[2].answer, True),
        ("∞", PROBLEMS[2].answer, True),
        ("9.21", PROBLEMS[2].answer, False),
        ("inf", PROBLEMS[1].answer, False),
    ],
)
def test_check_answer(text, expected, ok):
    got, message = check_answer(text, expected)
    assert got is ok
    assert message.startswith("correct" if ok else "not quite")


def test_check_answer_hints():
    assert check_answer("3", PROBLEMS[1].answer)[1].endswith("too high")
    assert check_answer("2", PROBLEMS[1].answer)[1].endswith("too low")
    assert "never negative" in check_answer("-2.3", PROBLEMS[1].answer)[1]
    assert check_answer("0.105", 0.105)[0]
    assert not check_answer("0.1061", 0.105)[0]


def test_an_answer_that_shows_few_digits_needs_only_those():
    # fmt_loss(2e-5) = "2e-05" shows one significant digit: "2e-5" agrees, "3e-5" does not
    assert fmt_loss(2e-5) == "2e-05" and fmt_loss(2.04e-5) == "2.04e-05"
    assert check_answer("2e-5", 2e-5)[0] and check_answer("0.00002", 2e-5)[0]
    assert not check_answer("3e-5", 2e-5)[0]
    assert check_answer("2.0e-5", 2.04e-5)[0] and not check_answer("2e-5", 2.04e-5)[0]


@pytest.mark.parametrize(("text", "digits"), [
    ("0.105", 3), (".105", 3), ("2.30", 3), ("2.3", 2), ("1e-3", 1), ("1.50e2", 3),
    ("0", 1), ("0.000", 1), ("230", 3), (" -0.0012 ", 2), ("1_000", 4),
])
def test_significant_digits(text, digits):
    assert significant_digits(text) == digits


@given(st.text(max_size=12))
def test_every_typed_text_is_judged_without_an_exception(text):
    ok, message = check_answer(text, PROBLEMS[0].answer)
    assert ok is message.startswith("correct")


@pytest.mark.parametrize("text", ["", "abc", "nan", "0.1.2", "two"])
def test_nonsense_answers(text):
    assert check_answer(text, 0.105) == (False, "type a number, e.g. 0.105")
    with pytest.raises(PracticeError):
        parse_number(text)


def test_fmt_loss():
    assert fmt_loss(0.10536) == "0.105"
    assert fmt_loss(2e-5) == "2e-05"
    assert fmt_loss(0.0) == "0.000"
    assert fmt_loss(math.inf) == "∞"
