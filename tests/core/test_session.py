"""Sessions: the explorer's state survives a save and a --resume exactly, and a saved file that is
corrupt, from another version or inconsistent is one SessionError, never anything else."""

from __future__ import annotations

import contextlib
import copy
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losswalk.core.explorer import Explorer
from losswalk.core.files.session import (
    VERSION,
    SessionError,
    load_session,
    read_session,
    restore_session,
    save_session,
    session_path,
    session_state,
)
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.core.walk.optimizers import OptimizerSettings


def _explored() -> Explorer:
    """Himmelblau, zoomed, contours, a few sgd steps then adam with a lower lr and a schedule."""
    explorer = Explorer(LandscapeOptions(name="himmelblau", extent=(-4.0, 4.0, -3.0, 5.0)),
                        OptimizerSettings(b1=0.8))
    explorer.walker.set_lr(0.01)
    for _ in range(4):
        explorer.step()
    explorer.cycle_optimizer(-1)  # adam
    explorer.change_lr(-1)
    explorer.cycle_schedule()
    explorer.step()
    explorer.zoom(0.5)
    explorer.cycle_mode()
    explorer.toggle_scale()
    return explorer


def test_the_state_file_lives_in_the_xdg_state_folder(tmp_path) -> None:
    assert session_path({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "losswalk/session.json"
    assert session_path({"HOME": "/home/u"}) == \
        session_path({"HOME": "/home/u", "XDG_STATE_HOME": "relative/ignored"})
    assert str(session_path({"HOME": "/home/u"})) == "/home/u/.local/state/losswalk/session.json"


def test_round_trip_restores_everything(tmp_path) -> None:
    explorer = _explored()
    path = save_session(explorer, tmp_path / "deep/er/session.json")
    resumed = load_session(path)
    assert session_state(resumed) == session_state(explorer)
    walker, again = explorer.walker, resumed.walker
    assert again.trail == walker.trail
    assert [p.optimizer for p in again.trail] == [p.optimizer for p in walker.trail]
    assert np.array_equal(again.position, walker.position)
    assert np.array_equal(again.start, walker.start)
    assert (again.optimizer_name, again.lr, again.schedule_name, again.steps) == (
        "adam", 0.01 * (1 / 1.5), "step", 5)
    assert resumed.extent == explorer.extent and resumed.options.extent == (-4.0, 4.0, -3.0, 5.0)
    assert (resumed.mode, resumed.scale) == ("contours", "log")
    assert resumed.settings == OptimizerSettings(b1=0.8)
    assert resumed.message.startswith("resumed: himmelblau, step 5")


def test_a_resumed_walk_goes_on_as_the_original_would() -> None:
    """sgd has no memory and the schedule counts the walker's steps: five more steps from the
    resumed session land exactly where the original's five more steps land."""
    explorer = Explorer(LandscapeOptions(name="himmelblau"))
    explorer.walker.set_schedule("cosine")
    for _ in range(7):
        explorer.step()
    resumed = restore_session(json.loads(json.dumps(session_state(explorer))))
    for _ in range(5):
        explorer.step()
        resumed.step()
    assert resumed.walker.trail == explorer.walker.trail


def test_a_diverged_walk_resumes_at_its_last_finite_point() -> None:
    """A walk whose last step overflowed (loss inf, saved as null) resumes where the loss was
    last finite, with the whole trail."""
    explorer = Explorer(LandscapeOptions(name="himmelblau"))
    for _ in range(3):
        explorer.step()
    good = explorer.walker.trail[-1]
    state = json.loads(json.dumps(session_state(explorer)))
    state["walker"]["trail"].append([4, 1e200, -1e200, None, None, 0.01, "sgd"])
    state["walker"]["steps"] = 4
    resumed = restore_session(state)
    assert tuple(resumed.walker.position) == (good.w1, good.w2)
    assert resumed.walker.steps == 4 and len(resumed.walker.trail) == 5
    assert math.isnan(resumed.walker.trail[-1].loss)
    state["walker"]["trail"] = [[0, 0.0, 0.0, None, None, 0.0, "sgd"]]
    with pytest.raises(SessionError, match="no point of the trail has a finite"):
        restore_session(state)


def test_data_landscapes_keep_their_file(tmp_path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("x1,x2,y\n0,1,0\n1,0,1\n2,2,1\n-1,-1,0\n")
    explorer = Explorer(LandscapeOptions(data=str(data), l2=0.1))
    explorer.step()
    state = json.loads(json.dumps(session_state(explorer)))
    assert session_state(restore_session(state)) == state
    data.write_text("x1,x2,y\n0,1,1\n1,0,0\n2,2,0\n-1,-1,1\n")  # the data changed since
    with pytest.raises(SessionError, match="the landscape or its data changed"):
        restore_session(state)
    data.unlink()
    with pytest.raises(SessionError, match="does not fit"):
        restore_session(state)


def _state() -> dict:
    return json.loads(json.dumps(session_state(_explored())))


def _broken(change) -> dict:
    state = _state()
    change(state)
    return state


BROKEN = {
    "unknown landscape": lambda s: s["landscape"].update(name="nope"),
    "view too wide": lambda s: s["view"].update(extent=[-1e300, 1e300, -1, 1]),
    "view not numbers": lambda s: s["view"].update(extent=["a", 1, 2, 3]),
    "unknown mode": lambda s: s["view"].update(mode="3d"),
    "unknown optimizer": lambda s: s["walker"].update(optimizer="lbfgs"),
    "negative lr": lambda s: s["walker"].update(lr=-1),
    "lr is text": lambda s: s["walker"].update(lr="0.1"),
    "steps behind the trail": lambda s: s["walker"].update(steps=0),
    "empty trail": lambda s: s["walker"].update(trail=[]),
    "short trail point": lambda s: s["walker"]["trail"].append([1, 2]),
    "moved point": lambda s: s["walker"]["trail"][-1].__setitem__(1, 3.5),
    "bad setting": lambda s: s["settings"].update(b1=2.0),
    "no walker": lambda s: s.pop("walker"),
    "landscape is a list": lambda s: s.update(landscape=[1]),
}


@pytest.mark.parametrize("change", BROKEN.values(), ids=BROKEN.keys())
def test_inconsistent_states_are_refused(change) -> None:
    with pytest.raises(SessionError):
        restore_session(_broken(change))


@pytest.mark.parametrize(("content", "fragment"), [
    (b"{\"version\": 1, \"landscape\": {", "not a session file (corrupt"),
    (b"\xff\xfe\x00", "not a session file (corrupt"),
    (b"[1, 2]", "no version"),
    (b"{\"version\": 0}", "another version of losswalk (layout 0; this one reads 1)"),
    (b"{\"version\": \"1\"}", "another version"),
])
def test_corrupt_and_old_files_are_refused(tmp_path, content, fragment) -> None:
    path = tmp_path / "session.json"
    path.write_bytes(content)
    with pytest.raises(SessionError, match=None) as caught:
        load_session(path)
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_missing_file_says_there_is_none_yet(tmp_path) -> None:
    with pytest.raises(SessionError, match="no saved session yet"):
        read_session(tmp_path / "none.json")
    assert VERSION == 1


LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.text(max_size=5),
                   st.floats(allow_nan=False), st.lists(st.integers(), max_size=3))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_damage_is_a_session_error_or_a_valid_explorer(data) -> None:
    """Fuzz: replace one value anywhere in a good state: restoring it never raises anything but
    SessionError."""
    state = copy.deepcopy(GOOD)
    node, path = state, []
    while isinstance(node, (dict, list)) and node:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = data.draw(st.sampled_from(keys))
        path.append(key)
        if not isinstance(node[key], (dict, list)) or data.draw(st.booleans()):
            node[key] = data.draw(LEAVES)
            break
        node = node[key]
    with contextlib.suppress(SessionError):
        restore_session(state)


GOOD = _state()


def _li_file(path) -> None:
    """A small surface file (.npz): a bowl with its minimum at (0.3, 0.5)."""
    xs, ys = np.linspace(-1, 1, 9), np.linspace(-1, 2, 7)
    values = (xs[None, :] - 0.3) ** 2 + 2 * (ys[:, None] - 0.5) ** 2
    np.savez(path, x=xs, y=ys, loss=values)


@pytest.mark.parametrize("options", [
    {"name": "mlp-random", "hidden": (8,), "direction_seed": 3},
    {"name": "mlp-pca", "hidden": (4, 4)},
], ids=["mlp-random", "mlp-pca"])
def test_the_network_options_are_saved(options) -> None:
    explorer = Explorer(LandscapeOptions(**options))
    explorer.step()
    state = json.loads(json.dumps(session_state(explorer)))
    resumed = restore_session(state)
    assert (resumed.options.hidden, resumed.options.direction_seed) == \
        (explorer.options.hidden, explorer.options.direction_seed)
    assert session_state(resumed) == state


def test_the_surface_picked_from_a_file_is_saved(tmp_path, monkeypatch) -> None:
    h5py = pytest.importorskip("h5py")
    xs, ys = np.linspace(-1, 1, 5), np.linspace(-1, 1, 4)
    W1, W2 = np.meshgrid(xs, ys)
    with h5py.File(tmp_path / "s.h5", "w") as f:
        f["xcoordinates"], f["ycoordinates"] = xs, ys
        f["train_loss"] = (W1**2 + W2**2).ravel().reshape(xs.size, ys.size)
        f["test_loss"] = ((W1 - 0.5) ** 2 + W2**2 + 1).ravel().reshape(xs.size, ys.size)
    monkeypatch.chdir(tmp_path)
    explorer = Explorer(LandscapeOptions(name="s.h5", surface="test_loss"))
    explorer.step()
    resumed = restore_session(json.loads(json.dumps(session_state(explorer))))
    assert resumed.options.surface == "test_loss"
    assert resumed.walker.feel().loss == explorer.walker.feel().loss


def test_files_are_found_again_from_another_folder(tmp_path, monkeypatch) -> None:
    (tmp_path / "run").mkdir()
    _li_file(tmp_path / "run/surface.npz")
    (tmp_path / "run/d.csv").write_text("x1,x2,y\n0,1,0\n1,0,1\n2,2,1\n-1,-1,0\n")
    monkeypatch.chdir(tmp_path / "run")
    states = []
    for options in (LandscapeOptions(name="surface.npz"), LandscapeOptions(data="d.csv")):
        explorer = Explorer(options)
        explorer.step()
        states.append(json.loads(json.dumps(session_state(explorer))))
    monkeypatch.chdir(tmp_path)  # --resume typed in another folder
    for state in states:
        assert restore_session(state).walker.steps == 1
