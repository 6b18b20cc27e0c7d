"""Time and memory of reading a 1,000,000-row --data file (the row limit), against issue 8's
targets: parse in <= 1.5 s, peak memory <= 2x the dataset plus a constant.

Two files are written to a temporary directory: `decimals` (x1,x2 with 6 decimals, ~21 MB) and
`short` (one-digit values, `3,-1,1`: the most rows per byte). Each is read by load_csv in a fresh
subprocess, which prints the wall time, tracemalloc's peak (what Python allocates) and VmHWM
(the process's resident peak, including the interpreter and numpy: compare with the `baseline`
row, a process that only imports them). Run from the repo root:

    python -m bench.bench_csv
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROWS = 1_000_000
CHILD = """
import sys, time, tracemalloc
from losswalk.core.landscapes.datasets import load_csv
def hwm():
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))
if sys.argv[1] == '-':
    print(0, 0, 0, hwm() / 1024); sys.exit()
start = time.perf_counter(); d = load_csv(sys.argv[1]); seconds = time.perf_counter() - start
high = hwm() / 1024
del d
tracemalloc.start(); d = load_csv(sys.argv[1]); peak = tracemalloc.get_traced_memory()[1]
print(seconds, peak / 2**20, (d.X.nbytes + d.y.nbytes) / 2**20, high)
"""


def write_files(folder: Path) -> dict[str, Path]:
    """The two 1M-row files."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, ROWS)
    files = {"decimals": folder / "decimals.csv", "short": folder / "short.csv"}
    np.savetxt(files["decimals"], np.c_[rng.normal(size=(ROWS, 2)), labels],
               fmt=["%.6f", "%.6f", "%d"], delimiter=",", header="x1,x2,y", comments="")
    np.savetxt(files["short"], np.c_[rng.integers(-9, 10, (ROWS, 2)), labels], fmt="%d",
               delimiter=",")
    return files


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = write_files(Path(folder))
        print(f"{'file':10} {'MB':>5} {'parse s':>8} {'traced MB':>10} {'data MB':>8} "
              f"{'ratio':>6} {'VmHWM MB':>9}   (targets: <= 1.5 s; ratio <= 2 + constant)")
        for name, path in [("baseline", None), *files.items()]:
            out = subprocess.run([sys.executable, "-c", CHILD, str(path or "-")], check=True,
                                 capture_output=True, text=True).stdout.split()
            seconds, traced, data, high = map(float, out)
            size = path.stat().st_size / 2**20 if path else 0
            ratio = traced / data if data else 0
            print(f"{name:10} {size:5.1f} {seconds:8.2f} {traced:10.1f} {data:8.1f} {ratio:6.2f}"
                  f" {high:9.0f}")


if __name__ == "__main__":
    main()
