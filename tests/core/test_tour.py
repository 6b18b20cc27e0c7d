"""Tests for core/tour.py: the shipped tour loads, its slides work and tell the truth, bad files
fail with the slide number and field."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pytest

from losswalk.core.landscapes.minima import hessian
from losswalk.core.landscapes.models import LANDSCAPES, LandscapeOptions
from losswalk.core.lesson.tour import (
    MAX_TEXT,
    Slide,
    SlideSetup,
    Tour,
    TourError,
    load_tour,
    parse_tour,
)
from losswalk.core.walk.minibatch import MinibatchGradient
from losswalk.core.walk.optimizers import OPTIMIZERS, SCHEDULES
from losswalk.core.walk.walker import Walker, WalkerStatus

SHIPPED = Path(__file__).resolve().parents[2] / "tui" / "tour.toml"  # core tests import no tui
SLIDES = load_tour(SHIPPED)


def slide_titled(word: str) -> Slide:
    (slide,) = [s for s in SLIDES if word.lower() in s.title.lower()]
    return slide


def test_shipped_tour_has_the_lesson_slides_in_order():
    titles = [s.title for s in SLIDES]
    words = ("loss function", "landscape", "made of", "cross-entropy vs", "global",
             "blindfolded", "learning rate", "momentum", "minibatches", "rugged", "no minimum",
             "practice", "slice")
    assert len(titles) == len(words)
    for title, word in zip(titles, words, strict=True):
        assert word in title.lower()


@pytest.mark.parametrize(("word", "key"), [("made of", "d"), ("cross-entropy vs", "v"),
                                           ("no minimum", "]"), ("minibatches", "B"),
                                           ("practice", "P")])
def test_every_teaching_key_has_a_slide_that_names_it(word, key):
    """d, v, [ ], B and P each get a slide whose text and hint say to press them."""
    slide = slide_titled(word)
    assert f"Press {key} " in slide.text and slide.setup.hint.startswith(f"{key} ")


def test_cross_entropy_slide_claim_mse_plateaus_where_bce_still_pulls():
    """Far on the wrong side (confident mistakes) MSE on a sigmoid is nearly flat, BCE is not."""
    setup = slide_titled("cross-entropy vs").setup
    bce = setup.options().build()
    mse = dataclasses.replace(setup.options(), loss="mse").build()
    wrong = -np.array([4.0, 4.0])  # predicts the opposite class confidently for most examples
    assert np.linalg.norm(mse.grad(wrong)) < 0.05 * np.linalg.norm(bce.grad(wrong))
    assert mse.loss(wrong) > 0.5 and bce.loss(wrong) > 2.0  # and it is high ground for both


def test_minibatch_slide_claim_noisy_steps_still_head_downhill():
    setup = slide_titled("minibatches").setup
    model = setup.options().build()
    for size in (64, 16, 1):
        walker = Walker(model, setup.start, gradient=MinibatchGradient(model, size, seed=0))
        losses = [walker.step().loss for _ in range(300)]
        assert losses[-1] < 0.6 * walker.trail[0].loss  # downhill on the whole
        if size < 64:
            assert any(b > a for a, b in itertools.pairwise(losses))  # but it wobbles


def test_no_minimum_slide_claims_unbounded_then_a_minimum_that_moves_in():
    setup = slide_titled("no minimum").setup
    assert setup.dataset == "separable" and not setup.l2
    minima = []
    for l2 in (0.001, 0.01, 1.0):
        model = dataclasses.replace(setup.options(), l2=l2).build()
        w = np.zeros(2)
        for _ in range(60):  # Newton's method to the (now finite) minimum
            w = w - np.linalg.solve(hessian(model, w), model.grad(w))
        assert np.linalg.norm(model.grad(w)) < 1e-6
        minima.append(w)
    norms = [np.linalg.norm(w) for w in minima]
    assert norms[0] > norms[1] > norms[2] > 0  # far out first, moving in
    plain, way = setup.options().build(), minima[0] / norms[0]
    losses = [plain.loss(t * way) for t in (1, 10, 100, 1000)]
    assert all(b < a for a, b in itertools.pairwise(losses)) and losses[-1] < 1e-6  # no bottom


def test_practice_slide_claim_three_exercises():
    from losswalk.core.lesson.practice import PROBLEMS

    assert "three exercises" in slide_titled("practice").text and len(PROBLEMS) == 3


def test_slice_slide_claims_337_weights_and_slice_minima_that_are_not_the_networks():
    from losswalk.core.landscapes.minima import landmarks
    from losswalk.core.landscapes.models import LANDSCAPES

    slide = slide_titled("slice")
    model = slide.setup.options().build(strict=True)
    assert model.n_weights == 337 and "337 weights" in slide.text and "335 other" in slide.text
    names = list(LANDSCAPES)
    assert names[names.index(model.name) + 1] == "mlp-pca"  # n: the training run's plane
    best = landmarks(model, model.extent).global_minima[0]
    w = np.array([best.w1, best.w2])
    on_plane, full = np.linalg.norm(model.grad(w)), np.linalg.norm(model.full_grad(w))
    assert on_plane < 1e-6 < 1e-4 < full  # flat on the slice, still sloping in the network


def test_shipped_text_is_short_ascii_and_quotes_the_lesson_numbers():
    for slide in SLIDES:
        assert 0 < len(slide.text) <= MAX_TEXT
        assert 2 <= slide.text.count(". ") + slide.text.count(": ") + 1 <= 4
        assert (slide.title + slide.text + (slide.setup.hint or "")).isascii()  # same in --ascii
        assert "  " not in slide.text and "\n" not in slide.text  # file line breaks joined
    assert "0.105" in SLIDES[0].text and "2.303" in SLIDES[0].text


@pytest.mark.parametrize("slide", SLIDES, ids=lambda s: s.title)
def test_every_slide_sets_up_a_landscape_that_builds_and_a_walker_that_steps(slide: Slide):
    setup = slide.setup
    options = setup.options()
    assert options is not None and setup.landscape in LANDSCAPES
    model = options.build(strict=True)
    walker = Walker(model, setup.start, optimizer=setup.optimizer or "sgd",
                    lr=setup.lr, schedule=setup.schedule or "constant")
    assert walker.step() is not None
    assert setup.optimizer in OPTIMIZERS and setup.schedule in SCHEDULES


def _walk(setup: SlideSetup, optimizer: str, steps: int = 3000) -> Walker:
    model = setup.options().build()
    best = model.loss(model.known_minima[0])
    walker = Walker(model, setup.start, optimizer=optimizer, lr=setup.lr,
                    global_min_loss=best)
    for _ in range(steps):
        assert walker.step() is not None
    return walker


def test_momentum_slide_claim_sgd_sticks_in_the_shallow_dip_momentum_reaches_the_deep_one():
    setup = slide_titled("momentum").setup
    assert (setup.landscape, setup.optimizer) == ("two-dip", "sgd")
    model = setup.options().build()
    plain, heavy = _walk(setup, "sgd"), _walk(setup, "momentum")
    assert plain.status == WalkerStatus.STUCK
    assert plain.position == pytest.approx(model.local_minima[0], abs=1e-3)
    assert heavy.status == WalkerStatus.CONVERGED
    assert heavy.position == pytest.approx(model.known_minima[0], abs=1e-3)
    assert plain.position[0] > 0 > heavy.position[0]  # "the shallow dip on the right"


def test_learning_rate_slide_claims_crawl_quick_and_blow_up_on_the_bowl():
    setup = slide_titled("learning rate").setup
    assert setup.landscape == "bowl"
    model = setup.options().build()

    def steps_to_the_bottom(lr: float) -> float:
        walker = Walker(model, setup.start, lr=lr)
        while walker.trail[-1].loss > 1e-6:
            if walker.step() is None or walker.steps > 1000:
                return float("inf")
        return walker.steps

    crawl, quick = steps_to_the_bottom(setup.lr), steps_to_the_bottom(0.17)
    assert setup.lr == 0.05 and 3 * quick < crawl < 1000  # 0.05 crawls, near 0.17 it is quick
    assert steps_to_the_bottom(0.19) < crawl
    assert steps_to_the_bottom(0.21) == float("inf")  # past 0.2 it diverges


def test_camel_slide_claims_global_value_and_walk_into_a_local_dip():
    setup = slide_titled("global").setup
    model = setup.options().build()
    assert "-1.03" in slide_titled("global").text
    assert model.loss(model.known_minima[0]) == pytest.approx(-1.0316, abs=1e-4)
    walker = _walk(setup, "sgd")
    assert walker.status == WalkerStatus.STUCK
    assert any(walker.position == pytest.approx(m, abs=1e-3) for m in model.local_minima)


def test_rugged_slide_claim_descent_stops_in_a_dip_far_from_the_minimum():
    walker = _walk(slide_titled("rugged").setup, "sgd")
    assert walker.status == WalkerStatus.STUCK and walker.trail[-1].loss > 1.0


# --- parsing and validation -------------------------------------------------------------------

GOOD = """
[[slide]]
title = "One"
text = "First slide."
[slide.setup]
landscape = "bowl"
start = [1, -2.5]
lr = 0.1
blind = true
hint = "space step"

[[slide]]
title = "Two"
text = '''Second
   slide.'''
"""


def test_parse_reads_fields_and_joins_line_breaks():
    one, two = parse_tour(GOOD)
    assert one == Slide("One", "First slide.", SlideSetup(landscape="bowl", start=(1.0, -2.5),
                                                          lr=0.1, blind=True, hint="space step"))
    assert two.text == "Second slide." and two.setup == SlideSetup()
    assert two.setup.options() is None  # keeps the app's landscape
    assert one.setup.options() == LandscapeOptions(name="bowl")


def test_data_options_become_landscape_options():
    (slide,) = parse_tour('[[slide]]\ntitle = "x"\ntext = "y"\n[slide.setup]\n'
                          'landscape = "logistic"\ndataset = "xor"\nloss = "mse"\nl2 = 0.5\n')
    assert slide.setup.options() == LandscapeOptions("logistic", dataset="xor", loss="mse", l2=0.5)


def _second_slide(setup: str = "", title: str = 'title = "T"', text: str = 'text = "Some text."'):
    """A good first slide, then one built from the given pieces."""
    return (f'[[slide]]\ntitle = "One"\ntext = "Fine."\n\n[[slide]]\n{title}\n{text}\n'
            f"[slide.setup]\n{setup}\n")


@pytest.mark.parametrize(("setup", "field", "words"), [
    ('landscape = "volcano"', "setup.landscape", "unknown landscape 'volcano'"),
    ('optimizer = "lion"', "setup.optimizer", "unknown optimizer 'lion'"),
    ('schedule = "sawtooth"', "setup.schedule", "unknown schedule"),
    ('mode = "3d"', "setup.mode", "unknown mode"),
    ('landscape = "logistic"\nloss = "hinge"', "setup.loss", "unknown loss"),
    ('landscape = "logistic"\ndataset = "iris"', "setup.dataset", "unknown dataset"),
    ('landscape = "logistic"\ndataset = "line"', "setup.landscape", "2 input columns"),
    ('landscape = "bowl"\ndataset = "xor"', "setup.dataset", "applies only"),
    ('l2 = 0.1', "setup.l2", "applies only"),
    ('landscape = "logistic"\nl2 = -1', "setup.l2", ">= 0"),
    ("lr = 0", "setup.lr", "> 0"),
    ("lr = -0.1", "setup.lr", "> 0"),
    ("lr = nan", "setup.lr", "finite"),
    ("lr = true", "setup.lr", "number"),
    ('lr = "fast"', "setup.lr", "number"),
    ("start = [1]", "setup.start", "two finite numbers"),
    ("start = [1, 2, 3]", "setup.start", "two finite numbers"),
    ('start = [1, "a"]', "setup.start", "two finite numbers"),
    ("start = [1, inf]", "setup.start", "two finite numbers"),
    ('landscape = "bowl"\nstart = [9, 0]', "setup.start", "outside the bowl map"),
    ('blind = "yes"', "setup.blind", "true or false"),
    ("run = 1", "setup.run", "true or false"),
    (f'hint = "{"k" * 61}"', "setup.hint", "at most 60"),
    ("speed = 3", "setup.speed", "unknown key"),
])
def test_bad_setup_names_slide_two_and_the_field(setup, field, words):
    with pytest.raises(TourError) as info:
        parse_tour(_second_slide(setup), source="my.toml")
    message = str(info.value)
    assert message.startswith(f"my.toml: slide 2: {field}: ")
    assert words in message and "\n" not in message


@pytest.mark.parametrize(("title", "text", "field", "words"), [
    ("", 'text = "t"', "title", "missing"),
    ('title = "  "', 'text = "t"', "title", "non-empty"),
    ('title = 3', 'text = "t"', "title", "non-empty string"),
    (f'title = "{"x" * 41}"', 'text = "t"', "title", "41 characters, at most 40"),
    ('title = "T"', "", "text", "missing"),
    ('title = "T"', f'text = "{"word " * 48}w"', "text", "241 characters, at most 240"),
    ('title = "T"\ncolour = "red"', 'text = "t"', "colour", "unknown key"),
])
def test_bad_title_or_text_names_slide_two_and_the_field(title, text, field, words):
    with pytest.raises(TourError, match=rf"^tour\.toml: slide 2: {field}: .*{words}"):
        parse_tour(_second_slide(title=title, text=text))


def test_text_at_the_limit_is_accepted():
    text = "x" * (MAX_TEXT - 1) + "."
    (slide,) = parse_tour(f'[[slide]]\ntitle = "T"\ntext = "{text}"\n')
    assert len(slide.text) == MAX_TEXT


@pytest.mark.parametrize(("toml", "words"), [
    ("", "no slides"),
    ("title = 'x'", "unknown top-level key 'title'"),
    ("slide = 3", "no slides"),
    ("[slide]\ntitle = 'x'", "no slides"),
    ("[[slide]\n", "not valid TOML"),
    ("[[slide]]\ntitle = 'x'\ntext = 'y'\nsetup = 3", "slide 1: setup: must be a table"),
])
def test_bad_files(toml, words):
    with pytest.raises(TourError, match=words):
        parse_tour(toml)


def test_load_tour_names_a_missing_file(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(TourError, match=r"nope\.toml: cannot read"):
        load_tour(missing)
    bad = tmp_path / "bad.toml"
    bad.write_text('[[slide]]\ntitle = "x"\n', encoding="utf-8")
    with pytest.raises(TourError, match=r"bad\.toml: slide 1: text: missing"):
        load_tour(bad)


def test_slides_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        SLIDES[0].title = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        SLIDES[0].setup.lr = 1.0


# --- navigation -------------------------------------------------------------------------------

def test_tour_navigation_clamps_at_both_ends_and_restarts():
    tour = Tour(SLIDES[:3])
    assert (len(tour), tour.index, tour.current) == (3, 0, SLIDES[0])
    assert tour.previous() is False and tour.index == 0
    assert tour.next() is True and tour.current == SLIDES[1]
    assert tour.next() is True and tour.index == 2
    assert tour.next() is False and tour.index == 2  # clamped: the app re-applies nothing
    assert tour.previous() is True and tour.current == SLIDES[1]
    tour.restart()
    assert tour.index == 0 and tour.current == SLIDES[0]


def test_empty_tour_is_an_error():
    with pytest.raises(TourError, match="at least one slide"):
        Tour(())
