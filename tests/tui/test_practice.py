"""Pilot tests of the practice screen: calculator, validation, the problem flow, closing."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from losswalk.core.lesson.practice import PROBLEMS, fmt_loss
from losswalk.tui.screens.practice import NOT_A_NUMBER, CostChart, PracticeScreen
from tests.tui.conftest import screen_text, wait_until

SIZE = (80, 24)


class Host(App):
    """A bare app with a base screen; the practice screen is pushed on mount."""

    def __init__(self, **screen_kwargs) -> None:
        super().__init__()
        self.screen_kwargs = screen_kwargs

    def compose(self) -> ComposeResult:
        yield Static("the map", id="base")

    def on_mount(self) -> None:
        self.push_screen(PracticeScreen(**self.screen_kwargs))


async def type_into(pilot, widget_id: str, text: str) -> None:
    """Focus the input, clear it and type `text` key by key."""
    pilot.app.screen.query_one(f"#{widget_id}", Input).focus()
    await pilot.press("end", "ctrl+u", *text)
    await pilot.pause()


def calc_out(app) -> Static:
    return app.screen.query_one("#calc-out", Static)


async def test_calculator_shows_the_working_and_the_loss():
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "y", "0")
        await type_into(pilot, "y-hat", "0.3")
        text = screen_text(pilot)
        assert "L = -[0·log(0.3) + (1-0)·log(1-0.3)]" in text
        assert f"loss {-math.log(0.7):.3f}" in text  # 0.357
        await type_into(pilot, "y", "1")
        await type_into(pilot, "y-hat", "0.9")
        text = screen_text(pilot)
        assert "L = -[1·log(0.9) + (1-1)·log(1-0.9)]" in text
        assert "= -(-0.105)" in text and "loss 0.105" in text
        assert not calc_out(app).has_class("-error")
        chart = app.screen.query_one(CostChart)
        assert chart.point == (1, 0.9, pytest.approx(-math.log(0.9)))


async def test_bad_input_shows_the_error_in_error_style():
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        for field, value, message in [
            ("y-hat", "1.5", "ŷ must be strictly between 0 and 1"),
            ("y-hat", "0", "a sigmoid never outputs exactly 0 or 1"),
            ("y-hat", "abc", "ŷ: type a number between 0 and 1"),
            ("y", "2", "y must be 0 or 1"),
        ]:
            await type_into(pilot, "y", "1")  # the calculator's start: y = 1, ŷ = 0.5
            await type_into(pilot, "y-hat", "0.5")
            await type_into(pilot, field, value)
            assert message in screen_text(pilot), value
            assert calc_out(app).has_class("-error")
            assert app.screen.query_one(CostChart).point is None
            await type_into(pilot, field, "0" if field == "y" else "0.3")  # recovers
            assert not calc_out(app).has_class("-error")
            # y=0 and the start's ŷ=0.5: ln 2 = 0.693; the start's y=1, ŷ=0.3: -ln 0.3 = 1.204
            assert ("loss 0.693" if field == "y" else "loss 1.204") in screen_text(pilot)


async def test_the_calculator_starts_on_a_coin_flip_not_on_an_answer():
    """Regression: it opened on y = 1, ŷ = 0.9 with 'loss 0.105', problem 1's answer, in view."""
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        text = screen_text(pilot)
        assert "L = -[1·log(0.5) + (1-1)·log(1-0.5)]" in text and "loss 0.693" in text
        assert "log is the natural log (ln, base e)" in text
        for problem in PROBLEMS[:2]:
            assert fmt_loss(problem.answer) not in text


async def test_a_prediction_near_one_is_worked_with_all_its_digits():
    """Regression: ŷ = 0.999999999, y = 0 read 'log(1-1)' then '= 20.723'."""
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "y", "0")
        await type_into(pilot, "y-hat", "0.999999999")
        text = screen_text(pilot)
        assert "log(1-1)" not in text and "ŷ=1 " not in text
        for line in ("= -[0 + log(1-0.999999999)]", "= -(-20.723)", "= 20.723",
                     "loss 20.723", "y=0 ŷ=0.999999999 L=20.723"):
            assert line in text, line
        assert app.screen.query_one(CostChart).point == (0, 0.999999999, pytest.approx(20.7233,
                                                                                       rel=1e-5))


async def test_problem_flow_check_then_reveal():
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert app.focused is screen.query_one("#answer", Input)
        assert "ŷ = 0.9. What is the loss" in screen_text(pilot)
        await pilot.press("ctrl+n")
        assert screen.problem == 1 and "ŷ = 0.1" in screen_text(pilot)
        await pilot.press(*"2.5", "enter")
        assert "not quite: 2.5 is too high" in screen_text(pilot)
        await pilot.press("ctrl+u", *"2.31", "enter")
        assert "not quite: 2.31 is too high" in screen_text(pilot)
        await pilot.press("ctrl+u", *"2.3", "enter")
        assert "correct: L = 2.303" in screen_text(pilot)
        assert "-(-2.303)" not in screen_text(pilot)  # solution still hidden
        await pilot.press("ctrl+r")
        text = screen_text(pilot)
        assert "= -(-2.303)" in text and "~22× worse" in text
        assert "correct: L = 2.303" in text  # revealing keeps the verdict


async def test_problem_three_takes_infinity_and_shows_its_table():
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.press(*"hello", "enter")
        assert NOT_A_NUMBER in screen_text(pilot)
        await pilot.press("ctrl+u", *"inf", "enter")
        assert "correct: the loss grows without bound" in screen_text(pilot)
        await pilot.press("ctrl+r")
        text = screen_text(pilot)
        for row in ("0.1      2.303", "0.01     4.605", "0.001    6.908", "0.0001   9.210"):
            assert row in text


async def test_single_keys_work_from_the_solution_pane_and_type_in_inputs():
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: app.focused is screen.query_one("#answer", Input))
        await pilot.press("3")  # the answer field has the focus: "3" is typed, not a switch
        assert screen.problem == 0 and screen.query_one("#answer", Input).value == "3"
        screen.query_one("#solution").focus()
        await pilot.press("3")
        assert screen.problem == 2 and app.focused is screen.query_one("#answer", Input)
        screen.query_one("#solution").focus()
        await pilot.press("r")
        assert screen.revealed and "9.210" in screen_text(pilot)
        await pilot.press("1")
        assert screen.problem == 0 and not screen.revealed


@pytest.mark.parametrize("keys", [["escape"], ["solution", "q"], ["solution", "P"]])
async def test_closing_returns_to_the_map(keys):
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, PracticeScreen)
        for key in keys:
            if key == "solution":
                app.screen.query_one("#solution").focus()
            else:
                await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, PracticeScreen)
        assert "the map" in screen_text(pilot)


async def test_ascii_mode_is_ascii_only():
    app = Host(charset="ascii", colour=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
        text = screen_text(pilot)
        assert "L = -[1*log(0.5) + (1-1)*log(1-0.5)]" in text and "y_hat" in text
        body = text.splitlines()[:-1]  # the Footer's key glyphs are the app's business
        assert all(line.isascii() for line in body), [ln for ln in body if not ln.isascii()]


def test_unknown_charset_is_refused():
    with pytest.raises(ValueError, match="charset"):
        PracticeScreen(charset="ebcdic")


async def test_fits_80x24_and_saves_a_screenshot():
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+r")
        await pilot.pause()
        screen = app.screen
        for widget_id in ("calc-out", "cost-chart", "question", "answer", "feedback", "solution"):
            region = screen.query_one(f"#{widget_id}").region
            assert region.height >= 1 and region.right <= SIZE[0] and region.bottom <= SIZE[1]
        assert screen.query_one("#solution").region.height >= 5
        assert screen.query_one("#calc-out").region.height == 6
        shots = Path(os.environ.get("LOSSWALK_SHOTS", "/tmp/shots"))
        if shots.is_dir():
            app.save_screenshot(str(shots / "practice.svg"))


async def test_page_down_scrolls_the_long_solution_from_the_answer_field():
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+r")
        await pilot.pause()
        pane = app.screen.query_one("#solution")
        assert pane.max_scroll_y > 0 and pane.scroll_y == 0  # problem 3's solution is long
        await pilot.press("pagedown")
        await pilot.pause()
        assert pane.scroll_y > 0
        await pilot.press("pagedown", "pagedown", "pagedown")
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y
        assert "hard threshold" in screen_text(pilot)
        assert app.focused is app.screen.query_one("#answer", Input)


async def test_tab_walks_the_fields():
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        order = []
        for _ in range(4):
            await pilot.press("tab")
            order.append(app.focused.id)
        assert order == ["solution", "y", "y-hat", "answer"]


async def test_a_non_number_answer_does_not_give_the_answer_away():
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        for problem in range(3):
            for typed in ["abc", ""]:
                app.screen.action_problem(problem)
                await pilot.pause()
                assert not str(app.screen.query_one("#feedback", Static).render())  # fresh
                await type_into(pilot, "answer", typed)
                await pilot.press("enter")
                verdict = str(app.screen.query_one("#feedback", Static).render())
                assert verdict.startswith("type a number"), (problem, typed)
                answer = PROBLEMS[problem].answer
                assert math.isinf(answer) or fmt_loss(answer) not in verdict
