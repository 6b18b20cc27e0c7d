"""Surface files written the way other tools write them, for the file and CLI tests.

The loss is a tilted quadratic bowl with its minimum at a known off-centre point (X0, Y0) of a
non-square grid (its axes have different lengths and spans), so a file read with its axes
swapped or transposed reports the wrong place.
"""

from __future__ import annotations

import numpy as np

X0, Y0 = 0.3125, -0.2734  # the true minimum, off the grid's centre and between grid points
XS = np.linspace(-1.0, 1.25, 23)  # nx = 23
YS = np.linspace(-0.8, 0.9, 17)  # ny = 17
TEST_SHIFT = (-0.4, 0.35)  # test_loss has its minimum here instead


def bowl(x, y, x0: float = X0, y0: float = Y0):
    """A tilted bowl, min 0.5 at (x0, y0): 1.5 dx² + dx dy + 2 dy² + 0.5."""
    dx, dy = np.subtract(x, x0), np.subtract(y, y0)
    return 1.5 * dx**2 + dx * dy + 2.0 * dy**2 + 0.5


def li_layout(x: np.ndarray, y: np.ndarray, f, not_computed=()) -> np.ndarray:
    """Values as plot_surface.py of Li et al. 2018 stores them: an (nx, ny) array starting at -1
    whose flat entries are filled in meshgrid(x, y).ravel() order; the flat indices in
    `not_computed` stay -1."""
    losses = -np.ones(shape=(len(x), len(y)))
    xcoord_mesh, ycoord_mesh = np.meshgrid(x, y)
    coords = np.c_[xcoord_mesh.ravel(), ycoord_mesh.ravel()]
    for ind, (cx, cy) in enumerate(coords):
        if ind not in not_computed:
            losses.ravel()[ind] = f(cx, cy)
    return losses


def write_li_h5(path, x=XS, y=YS, not_computed=(), eigs: bool = False) -> None:
    """An HDF5 surface file in Li et al.'s layout: train_loss (and test_loss, accuracies and,
    with eigs, min_eig/max_eig left partly at their sentinels)."""
    import h5py

    with h5py.File(path, "w") as f:
        f["xcoordinates"] = x
        f["ycoordinates"] = y
        f["train_loss"] = li_layout(x, y, bowl, not_computed)
        f["test_loss"] = li_layout(x, y, lambda a, b: bowl(a, b, *TEST_SHIFT), not_computed)
        f["train_acc"] = li_layout(x, y, lambda a, b: 100 - bowl(a, b), not_computed)
        if eigs:
            f["max_eig"] = li_layout(x, y, lambda a, b: 4.0 + a * 0, not_computed)
            f["min_eig"] = -li_layout(x, y, lambda a, b: 0.5 + a * 0, not_computed)


def grid_values(x=XS, y=YS, f=bowl) -> np.ndarray:
    """f on the grid as losswalk indexes it: values[j, i] at (x[i], y[j])."""
    return f(x[np.newaxis, :], y[:, np.newaxis])


def write_npz(path, x=XS, y=YS, loss=None) -> None:
    np.savez(path, x=x, y=y, loss=grid_values(x, y) if loss is None else loss)


def write_long_csv(path, x=XS, y=YS, skip=(), header: str = "loss,x,y", seed: int = 0) -> None:
    """Long-form rows in a shuffled order (columns as `header` names them), leaving out the
    (i, j) points in `skip`."""
    values = grid_values(x, y)
    rows = [(i, j) for j in range(len(y)) for i in range(len(x)) if (i, j) not in skip]
    order = np.random.default_rng(seed).permutation(len(rows))
    columns = header.split(",")
    lines = [header]
    for k in order:
        i, j = rows[k]
        field = {"x": repr(float(x[i])), "y": repr(float(y[j])),
                 "loss": repr(float(values[j, i]))}
        lines.append(",".join(field[c] for c in columns))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def grid_minimum(x=XS, y=YS, f=bowl) -> tuple[float, float, float]:
    """(x, y, loss) of the lowest grid point: where the file interpolant's minimum is, since it
    never goes below the lowest corner of a cell (it cannot find a bowl's bottom between grid
    points, only the grid's lowest point, within a cell of the true one)."""
    values = grid_values(x, y, f)
    j, i = np.unravel_index(int(np.argmin(values)), values.shape)
    return float(x[i]), float(y[j]), float(values[j, i])


GRID_MIN = grid_minimum()  # (x, y, loss) for train_loss
TEST_GRID_MIN = grid_minimum(f=lambda a, b: bowl(a, b, *TEST_SHIFT))  # ... for test_loss
