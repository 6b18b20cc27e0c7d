"""last_result: a costly function of (model, point) computed once per model and point, and the
data view's and curvature's remembered numbers equal to the direct computation."""

from __future__ import annotations

import numpy as np

from losswalk.core.explorer import Explorer
from losswalk.core.landscapes.curvature import curvature_at
from losswalk.core.landscapes.models import make_model
from losswalk.core.lesson.inspect import accuracy, costliest, data_summary
from losswalk.core.memo import last_result


def test_last_result_recomputes_for_another_model_point_or_argument():
    calls = []

    @last_result
    def f(model, w, k=1):
        calls.append((model, tuple(w), k))
        return len(calls)

    a, b = object(), object()
    assert f(a, [1.0, 2.0]) == 1
    assert f(a, np.array([1.0, 2.0])) == 1  # the same point by value: remembered
    assert f(a, [1.0, 2.5]) == 2
    assert f(b, [1.0, 2.5]) == 3  # another model object, even at the same point
    assert f(b, [1.0, 2.5], 2) == 4
    assert f(b, [1.0, 2.5], 2) == 4
    assert f(a, [1.0, 2.0]) == 5  # only the last call is kept
    assert len(calls) == 5


def test_data_summary_is_the_direct_accuracy_and_costliest():
    model = make_model("logistic")
    for w in ((1.5, 2.0), (-3.0, 0.5), (1.5, 2.0)):
        acc, worst = data_summary(model, np.array(w), 3)
        assert acc == accuracy(model, w)
        assert worst == costliest(model, w, 3)
    assert data_summary(model, (0.2, 0.1), 5)[1] == costliest(model, (0.2, 0.1), 5)


def test_the_walkers_curvature_follows_the_walker_and_the_model():
    explorer = Explorer()
    for _ in range(2):
        first = explorer.walker_curvature()
        np.testing.assert_array_equal(first.hessian, curvature_at(explorer.model,
                                                                  explorer.walker.position).hessian)
        explorer.step()
        moved = explorer.walker_curvature()
        np.testing.assert_array_equal(moved.hessian, curvature_at(explorer.model,
                                                                  explorer.walker.position).hessian)
        explorer.change_l2(1)  # a new model at the same point: computed afresh
        np.testing.assert_array_equal(explorer.walker_curvature().hessian,
                                      curvature_at(explorer.model,
                                                   explorer.walker.position).hessian)
