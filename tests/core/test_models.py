"""Models: hand-computed losses, gradients vs central differences, grids vs per-point, registry."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losswalk.core.landscapes import models
from losswalk.core.landscapes.datasets import Dataset, DatasetError, make_dataset
from losswalk.core.landscapes.models import (
    DATA_LANDSCAPES,
    DEFAULT_LANDSCAPE,
    LANDSCAPES,
    LandscapeOptions,
    LogisticModel,
    ModelError,
    TinyNet,
    make_model,
)
from losswalk.core.landscapes.surfaces import SURFACES

LN3 = math.log(3.0)
coordinate = st.floats(-4.0, 4.0)


def central_diff_grad(model, w, h: float = 1e-6) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    return np.array([(model.loss(w + h * e) - model.loss(w - h * e)) / (2 * h) for e in np.eye(2)])


def per_point_grid(model, w1s, w2s) -> np.ndarray:
    """The slow, obviously right grid: one model.loss call per cell."""
    return np.array([[model.loss([a, b]) for a in w1s] for b in w2s])


def descend(model, w, steps: int, lr: float) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    for _ in range(steps):
        w = w - lr * model.grad(w)
    return w


# Two examples where w = (ln3 / 2, ln3) gives p = 3/4 for the positive one and 1/4 for the negative.
TWO = Dataset("two", np.array([[2.0, 0.0], [0.0, -1.0]]), np.array([1.0, 0.0]), "hand example")
W_HAND = np.array([LN3 / 2, LN3])


# ----------------------------------------------------------------------------- logistic

def test_logistic_hand_computed_losses():
    assert LogisticModel(TWO).loss([0.0, 0.0]) == pytest.approx(math.log(2), rel=1e-14)
    assert LogisticModel(TWO).loss(W_HAND) == pytest.approx(math.log(4 / 3), rel=1e-14)
    assert LogisticModel(TWO, loss="mse").loss(W_HAND) == pytest.approx(1 / 16, rel=1e-14)
    l2 = LogisticModel(TWO, l2=0.2).loss(W_HAND)
    assert l2 == pytest.approx(math.log(4 / 3) + 0.1 * 1.25 * LN3**2, rel=1e-14)
    # bias shifts both logits: z = (ln3 + b, -ln3 + b)
    b = 0.5
    expected = (math.log1p(math.exp(-(LN3 + b))) + math.log1p(math.exp(-LN3 + b))) / 2
    assert LogisticModel(TWO, bias=b).loss(W_HAND) == pytest.approx(expected, rel=1e-14)


def test_logistic_hand_computed_gradient():
    # grad = X^T (p - y) / N at p = 1/2 = ((2, 0) * -1/2 + (0, -1) * 1/2) / 2
    np.testing.assert_allclose(LogisticModel(TWO).grad([0.0, 0.0]), [-0.5, -0.25], rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate, st.sampled_from(["bce", "mse"]), st.floats(0.0, 2.0),
       st.floats(-2.0, 2.0))
def test_logistic_grad_matches_central_differences(w1, w2, loss, l2, bias):
    model = LogisticModel(make_dataset("overlap", n=40), loss=loss, l2=l2, bias=bias)
    np.testing.assert_allclose(model.grad([w1, w2]), central_diff_grad(model, [w1, w2]),
                               rtol=1e-5, atol=1e-8)


def test_logistic_is_stable_far_out():
    model = LogisticModel(make_dataset("overlap"))
    far = model.loss([1e4, -1e4])
    assert math.isfinite(far) and far > 1000  # exact logit loss, no clip at 27.63
    assert np.all(np.isfinite(model.grad([1e4, -1e4])))


def test_logistic_loss_grid_matches_per_point():
    w1s, w2s = np.linspace(-4, 4, 9), np.linspace(-3, 5, 7)
    for kw in ({}, {"loss": "mse", "l2": 0.3, "bias": -0.7}):
        model = LogisticModel(make_dataset("noisy", n=60), **kw)
        np.testing.assert_allclose(model.loss_grid(w1s, w2s), per_point_grid(model, w1s, w2s),
                                   rtol=1e-9, atol=1e-12)


def test_logistic_view_start_and_step_follow_the_data():
    model = LogisticModel(make_dataset("overlap"))
    assert model.name == "logistic" and "overlap" in model.description
    assert "cross-entropy" in model.description
    assert model.extent == (-4.0, 4.0, -4.0, 4.0)
    assert model.loss(model.start) > model.loss([2.0, 1.0]) + 1.0  # up a hill
    d = make_dataset("overlap")
    scaled = LogisticModel(Dataset("big", d.X * 1000, d.y, ""))
    assert scaled.extent == pytest.approx((-0.004, 0.004, -0.004, 0.004))
    assert scaled.default_lr == pytest.approx(model.default_lr * 1e-6)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_logistic_default_lr_walks_downhill(loss):
    model = LogisticModel(make_dataset("overlap"), loss=loss)
    w, losses = np.array(model.start), []
    for _ in range(100):
        w = w - model.default_lr * model.grad(w)
        losses.append(model.loss(w))
    assert all(np.diff(losses) < 0)
    assert losses[-1] < 0.5 * model.loss(model.start)


def test_logistic_with_examples_is_the_same_model_on_a_subset():
    model = LogisticModel(make_dataset("overlap"), loss="mse", l2=0.1, bias=0.2)
    batch = model.with_examples(np.arange(10))
    alone = LogisticModel(make_dataset("overlap").subset(np.arange(10)), loss="mse", l2=0.1,
                          bias=0.2)
    assert batch.dataset.n == 10 and model.dataset.n == 200
    assert batch.loss([1.0, -2.0]) == alone.loss([1.0, -2.0])
    np.testing.assert_array_equal(batch.grad([1.0, -2.0]), alone.grad([1.0, -2.0]))
    assert (batch.extent, batch.start, batch.default_lr) == (model.extent, model.start,
                                                            model.default_lr)


@pytest.mark.parametrize(("kwargs", "problem"), [
    ({"loss": "hinge"}, "unknown loss 'hinge'"),
    ({"l2": -0.1}, "l2 must be"),
    ({"l2": float("nan")}, "l2 must be"),
])
def test_logistic_rejects_bad_options(kwargs, problem):
    with pytest.raises(ModelError, match=problem):
        LogisticModel(make_dataset("overlap"), **kwargs)


def test_logistic_needs_two_features_and_points_of_two():
    with pytest.raises(ModelError, match="2 input columns"):
        LogisticModel(make_dataset("line"))
    with pytest.raises(ModelError, match=r"\(w1, w2\)"):
        LogisticModel(make_dataset("overlap")).loss([1.0, 2.0, 3.0])


# ----------------------------------------------------------------------------- tiny net

def test_tiny_net_hand_computed_loss():
    x = math.atanh(0.5)  # tanh(w1 x) = 1/2 at w1 = 1, so z = w2 / 2 = ln 3
    data = Dataset("two", np.array([[x], [-x]]), np.array([1.0, 0.0]), "")
    assert TinyNet(data).loss([1.0, 2 * LN3]) == pytest.approx(math.log(4 / 3), rel=1e-14)
    assert TinyNet(data, loss="mse").loss([1.0, 2 * LN3]) == pytest.approx(1 / 16, rel=1e-14)


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate, st.sampled_from(["bce", "mse"]), st.floats(0.0, 2.0))
def test_tiny_net_grad_matches_central_differences(w1, w2, loss, l2):
    model = TinyNet(make_dataset("line", n=40), loss=loss, l2=l2)
    np.testing.assert_allclose(model.grad([w1, w2]), central_diff_grad(model, [w1, w2]),
                               rtol=1e-5, atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(coordinate, coordinate)
def test_tiny_net_flipping_both_weights_changes_nothing(w1, w2):
    model = TinyNet(l2=0.1)
    assert model.loss([-w1, -w2]) == pytest.approx(model.loss([w1, w2]), rel=1e-14)


def test_tiny_net_has_two_mirror_minima_inside_its_view_and_a_saddle_at_zero():
    model = TinyNet()
    assert model.name == "tiny-net" and "line" in model.description
    w1_min, w1_max, w2_min, w2_max = model.extent
    plus = descend(model, [1.0, 1.0], 4000, 1.0)
    minus = descend(model, [-1.0, -1.0], 4000, 1.0)
    for w in (plus, minus):
        assert w1_min < w[0] < w1_max and w2_min < w[1] < w2_max
        assert np.linalg.norm(model.grad(w)) < 1e-9
    np.testing.assert_allclose(minus, -plus, rtol=1e-9)
    assert model.loss(plus) == pytest.approx(model.loss(minus), rel=1e-12)
    assert model.loss(plus) < 0.4 < math.log(2)
    # The origin is flat (grad 0) but no minimum: loss log 2, higher than both valleys.
    np.testing.assert_array_equal(model.grad([0.0, 0.0]), [0.0, 0.0])
    assert model.loss([0.0, 0.0]) == pytest.approx(math.log(2))
    # The minima are finite: both ends of the valley, where the net becomes linear (w1 -> 0)
    # or a step function (w1 -> inf), are higher.
    c = np.linspace(0.2, 6.0, 59)
    assert min(model.loss([1e-3, ci / 1e-3]) for ci in c) > model.loss(plus) + 0.002
    assert min(model.loss([1e3, ci]) for ci in c) > model.loss(plus) + 0.002


def test_tiny_net_default_lr_walks_downhill_from_the_start():
    model = TinyNet()
    assert model.loss(model.start) > 1.0
    w = descend(model, model.start, 300, model.default_lr)
    assert model.loss(w) < 0.36


@pytest.mark.parametrize("max_bytes", [1, 5000, 64 * 2**20])
def test_tiny_net_loss_grid_matches_per_point_in_any_chunking(max_bytes):
    model = TinyNet(make_dataset("line", n=50), loss="mse", l2=0.2)
    w1s, w2s = np.linspace(-4, 4, 7), np.linspace(-3, 5, 5)
    np.testing.assert_allclose(model.loss_grid(w1s, w2s, max_bytes=max_bytes),
                               per_point_grid(model, w1s, w2s), rtol=1e-9, atol=1e-12)
    bce = TinyNet(make_dataset("line", n=50))
    np.testing.assert_allclose(bce.loss_grid(w1s, w2s, max_bytes=max_bytes),
                               per_point_grid(bce, w1s, w2s), rtol=1e-9, atol=1e-12)


def test_tiny_net_uses_column_zero_of_two_feature_data_and_says_so():
    """Regression: with two input columns tiny-net silently used x1 only."""
    d = make_dataset("overlap", n=30)
    only_x1 = Dataset("x1", d.X[:, :1], d.y, "")
    assert TinyNet(d).loss([0.7, -1.3]) == TinyNet(only_x1).loss([0.7, -1.3])
    assert TinyNet(d).description == ("tiny net σ(w2·tanh(w1·x1)) on overlap (30 examples, "
                                      "x2 unused), binary cross-entropy loss")
    assert TinyNet(only_x1).description == ("tiny net σ(w2·tanh(w1·x)) on x1 (30 examples), "
                                            "binary cross-entropy loss")
    three = Dataset("3d", np.c_[d.X, d.X[:, :1]], d.y, "")
    assert "x2, x3 unused" in TinyNet(three).description


# ----------------------------------------------------------------------------- registry

def test_landscape_registry():
    assert list(LANDSCAPES) == ["logistic", "tiny-net", "bowl", "rosenbrock", "himmelblau",
                                "rastrigin", "ackley", "camel", "beale", "saddle", "two-dip",
                                "mlp-random", "mlp-pca"]
    assert DEFAULT_LANDSCAPE == next(iter(LANDSCAPES)) == "logistic"
    assert DATA_LANDSCAPES == ("logistic", "tiny-net")
    for name in SURFACES:
        assert LANDSCAPES[name] == SURFACES[name]().description
    assert all(LANDSCAPES.values())


@pytest.mark.parametrize("name", list(LANDSCAPES))
def test_make_model_builds_every_landscape(name):
    model = make_model(name)
    assert model.name == name
    assert np.shape(model.grad(model.start)) == (2,)
    assert math.isfinite(model.loss(model.start)) and model.default_lr > 0


def test_make_model_data_options(tmp_path):
    assert make_model("logistic").dataset.name == "overlap"
    assert make_model("tiny-net").dataset.name == "line"
    model = make_model("logistic", dataset="xor", loss="mse", l2=0.5)
    assert (model.dataset.name, model.loss_kind, model.l2) == ("xor", "mse", 0.5)
    path = tmp_path / "mine.csv"
    path.write_text("x1,x2,y\n1,2,1\n-1,-2,0\n")
    assert make_model("logistic", data=path).dataset.n == 2
    assert make_model("tiny-net", data=str(path)).dataset.name == "mine.csv"
    path.write_text("y,x1\n1,2\n0,-1\n")  # 1-D data: the tiny net's own kind
    net = make_model("tiny-net", data=path)
    assert net.dataset.X.shape == (2, 1) and "unused" not in net.description
    with pytest.raises(ModelError, match=r"logistic needs 2 input columns x1,x2; dataset "
                                         r"'mine\.csv' has 1"):
        make_model("logistic", data=path)


def test_make_model_condition_reaches_the_bowl():
    assert make_model("bowl", condition=3.0).loss([1.0, 1.0]) == pytest.approx(
        SURFACES["bowl"](condition=3.0).loss([1.0, 1.0]))
    assert make_model("bowl", condition=3.0).loss([1.0, 1.0]) != make_model("bowl").loss([1, 1])


@pytest.mark.parametrize(("name", "kwargs", "problem"), [
    ("gauss", {}, r"unknown landscape 'gauss' \(choose from: logistic, tiny-net, bowl"),
    ("bowl", {"dataset": "xor"}, "--dataset applies only to data-driven landscapes: "
                                 "logistic, tiny-net"),
    ("rosenbrock", {"data": "x.csv"}, "--data applies only"),
    ("saddle", {"loss": "mse"}, "--loss applies only"),
    ("ackley", {"l2": 0.1}, "--l2 applies only"),
    ("logistic", {"dataset": "xor", "data": "x.csv"}, "not both"),
    ("logistic", {"loss": "l1"}, "unknown loss 'l1'"),
    ("tiny-net", {"l2": -1.0}, "l2 must be"),
    ("bowl", {"condition": 0.5}, "condition must be"),
    ("bowl", {"condition": float("inf")}, "condition must be"),
    ("logistic", {"dataset": "line"}, "2 input columns"),
    ("logistic", {"condition": 5.0}, r"--condition applies only to the bowl \(not logistic\)"),
    ("tiny-net", {"condition": 2.0}, "--condition applies only to the bowl"),
])
def test_make_model_errors(name, kwargs, problem):
    with pytest.raises(ModelError, match=problem):
        make_model(name, **kwargs)


def test_make_model_passes_dataset_errors_through(tmp_path):
    with pytest.raises(DatasetError, match="unknown dataset 'spiral'"):
        make_model("logistic", dataset="spiral")
    with pytest.raises(DatasetError, match="no such file"):
        make_model("tiny-net", data=tmp_path / "missing.csv")


# ----------------------------------------------------------------------------- options

def test_landscape_options_defaults_and_build():
    options = LandscapeOptions()
    assert options.name == DEFAULT_LANDSCAPE and options.extent is None
    model = options.build()
    assert model.name == "logistic" and options.view_extent(model) == model.extent
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.name = "bowl"


def test_landscape_options_strict_and_lenient():
    options = LandscapeOptions(name="bowl", dataset="xor", loss="mse", l2=0.1, condition=4.0)
    bowl = options.build()  # the app switching landscapes: data options simply don't apply
    assert bowl.name == "bowl"
    assert bowl.loss([1.0, 1.0]) == SURFACES["bowl"](condition=4.0).loss([1.0, 1.0])
    with pytest.raises(ModelError, match="--dataset applies only"):
        options.build(strict=True)
    logistic = options.with_name("logistic").build()  # ...and come back when they do
    assert (logistic.dataset.name, logistic.loss_kind, logistic.l2) == ("xor", "mse", 0.1)
    with pytest.raises(ModelError, match="unknown loss"):
        LandscapeOptions(loss="l1").build()


def test_landscape_options_with_name_resets_extent_and_view_extent():
    options = LandscapeOptions(name="bowl", dataset="xor", extent=(-1.0, 1.0, -2.0, 2.0))
    assert options.view_extent(options.build()) == (-1.0, 1.0, -2.0, 2.0)
    moved = options.with_name("tiny-net")
    assert moved == LandscapeOptions(name="tiny-net", dataset="xor")
    model = moved.build()
    assert moved.view_extent(model) == model.extent


@pytest.mark.parametrize(("name", "extent", "works"), [
    ("himmelblau", (-5e9, 5e9, -5e9, 5e9), True),  # size 5: reach 5e9
    ("himmelblau", (-5.1e9, 5e9, -1.0, 1.0), False),
    ("himmelblau", (-1e300, 1e300, -1e300, 1e300), False),
    ("himmelblau", (0.0, 1e-300, 0.0, 1e-300), False),
    ("himmelblau", (3.0, 3.0 + 1e-8, 2.0, 2.0 + 1e-8), True),  # 1e-9 x max(5, 3)
    ("himmelblau", (-5e9, 5e9, 0.0, 1.0), True),  # 1e-9 x 5e9 applies to w1 only
    ("himmelblau", (3.0, 3.0 + 4e-9, 2.0, 3.0), False),
    ("himmelblau", (1e9, 1e9 + 2.0, 0.0, 1.0), True),  # 1e-9 x 1e9 = 1 wide at least
    ("himmelblau", (1e9, 1e9 + 0.5, 0.0, 1.0), False),
    ("rastrigin", (-5.12e9, 5.12e9, 0.0, 1.0), True),
])
def test_view_extents_beyond_the_working_range_are_refused(name, extent, works):
    options = LandscapeOptions(name=name, extent=extent)
    model = options.build()
    if works:
        assert options.view_extent(model) == extent
        return
    with pytest.raises(ModelError) as error:
        options.view_extent(model)
    size = max(abs(v) for v in model.extent)
    assert str(error.value).startswith("--extent ") and "\n" not in str(error.value)
    assert f"within ±{1e9 * size:.3g}" in str(error.value)
    assert f"at least 1e-09 x max({size:g}, its largest |coordinate|)" in str(error.value)


def test_the_working_range_follows_the_data_scale():
    # inputs ~1e-10 put the weights at ~1e10: their whole default view is ±4e10
    d = make_dataset("overlap", n=20)
    model = LogisticModel(Dataset("tiny", d.X * 1e-10, d.y, ""))
    big = (-4e19, 4e19, -4e19, 4e19)
    assert LandscapeOptions(extent=big).view_extent(model) == big
    with pytest.raises(ModelError):
        LandscapeOptions(extent=(-1.0, 1.0, -1.0, 1.0)).view_extent(model)  # 2 < 1e-9 x 4e10


@pytest.mark.parametrize("scale", [1e-200, 1e-120, 1e120, 1e300])
def test_inputs_too_far_from_unit_size_are_a_model_error_not_an_overflow(scale):
    d = make_dataset("overlap", n=20)
    for model_class in (LogisticModel, TinyNet):
        with pytest.raises(ModelError, match="rescale"):
            model_class(Dataset("far", d.X * scale, d.y, ""))


def test_inputs_near_the_scale_limits_still_give_a_finite_view_and_step():
    d = make_dataset("overlap", n=20)
    for scale in (1e-90, 1e90):
        for model_class in (LogisticModel, TinyNet):
            model = model_class(Dataset("far", d.X * scale, d.y, ""))
            assert all(math.isfinite(v) for v in model.extent) and model.extent[1] > 0
            assert math.isfinite(model.default_lr) and model.default_lr > 0


def test_tiny_net_default_lr_walks_downhill_on_big_inputs_too():
    d = make_dataset("line")
    model = TinyNet(Dataset("big", d.X * 1000, d.y, ""))
    assert model.extent[1] == pytest.approx(0.004)
    w = descend(model, model.start, 300, model.default_lr)
    assert np.all(np.abs(w) <= [model.extent[1], model.extent[3]])  # did not fly off the map
    assert model.loss(w) < model.loss(model.start) - 1.0


def test_tiny_net_grid_uses_all_examples_under_the_budget():
    model = TinyNet(make_dataset("line", n=300), loss="bce", l2=0.1)
    w1s, w2s = np.linspace(-6, 6, 9), np.linspace(-5, 7, 8)
    assert model.grid_examples(9, 8) == 300
    np.testing.assert_allclose(model.loss_grid(w1s, w2s), per_point_grid(model, w1s, w2s),
                               rtol=0, atol=1e-9)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_tiny_net_grid_over_the_budget_uses_a_fixed_sample(monkeypatch, loss):
    monkeypatch.setattr(models, "GRID_BUDGET", 20_000 * 6 * 5)  # 20 000 of the 200 000 examples
    rng = np.random.default_rng(3)
    x = rng.normal(0.0, 1.0, 200_000)
    y = (x + rng.normal(0.0, 0.7, x.size) > 0).astype(float)
    model = TinyNet(Dataset("big", np.c_[x, np.zeros_like(x)], y, "synthetic"), loss=loss)
    w1s, w2s = np.linspace(-4, 4, 6), np.linspace(-4, 4, 5)
    assert model.grid_examples(6, 5) == 20_000
    grid = model.loss_grid(w1s, w2s)
    np.testing.assert_array_equal(grid, model.loss_grid(w1s, w2s))  # the same sample every time
    full = per_point_grid(model, w1s, w2s)  # loss() always uses all examples
    assert not np.array_equal(grid, full)
    np.testing.assert_allclose(grid, full, rtol=0, atol=0.02)


def test_options_typed_by_the_user_are_refused_where_they_do_not_apply_even_at_default():
    """Regression: strict build accepted --condition 5 on logistic, and --l2 0 / --loss bce /
    --condition 10 on any landscape, because only values away from the default were checked."""
    for name, typed, problem in [("logistic", {"condition": 5.0}, "--condition applies only"),
                                 ("logistic", {"condition": 10.0}, "--condition applies only"),
                                 ("bowl", {"l2": 0.0}, "--l2 applies only"),
                                 ("saddle", {"loss": "bce"}, "--loss applies only"),
                                 ("bowl", {"loss": "bce", "dataset": "xor"}, "--dataset applies")]:
        options = LandscapeOptions.from_user(name, **typed)
        assert options.given == set(typed)
        with pytest.raises(ModelError, match=problem):
            options.build(strict=True)
        assert options.build().name == name  # the app's lenient build drops them
    typed = LandscapeOptions.from_user("bowl", condition=4.0, l2=None, loss=None)
    assert typed.given == {"condition"} and (typed.l2, typed.loss) == (0.0, "bce")
    assert typed.build(strict=True).loss([1.0, 1.0]) == SURFACES["bowl"](condition=4.0).loss(
        [1.0, 1.0])
    assert LandscapeOptions.from_user(None).name == DEFAULT_LANDSCAPE


def test_lenient_build_keeps_the_condition_for_the_bowl_only():
    options = LandscapeOptions(name="logistic", condition=3.0, l2=0.2)
    assert options.build().l2 == 0.2  # condition waits for the bowl
    bowl = options.with_name("bowl").build()
    assert bowl.loss([1.0, 1.0]) == SURFACES["bowl"](condition=3.0).loss([1.0, 1.0])
