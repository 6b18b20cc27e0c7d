"""Big data (issue 8 §5): a 1,000,000-row --data file (the row limit) in the app and headless.

Writes the file to a temporary directory, then measures, each in a fresh process:
- `load_csv`: the parse (target <= 1.5 s);
- `losswalk info [tiny-net] --data FILE`: wall time (target <= 5 s) and resident peak;
- the app in an 80x24 pseudo-terminal: the first whole frame (target <= 3 s), the map drawn;
- the app under Textual's Pilot (80x24): how long each key blocks the event loop, measured by a
  probe that runs every 5 ms and records the longest gap between its runs while the key is
  handled and its map worker finishes (target <= 100 ms), and the process's resident peak
  (VmHWM, target <= 400 MB).
Run from the repo root (a minute or two):

    python -m bench.bench_bigdata [--rows 1000000] [--keys "] [ n p B space"]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.bench_tui import _last_row, _read_burst, _spawn, _stop

TARGETS = {"parse": 1.5, "info": 5.0, "first_frame": 3.0, "stall_ms": 100.0, "peak_mb": 400.0}
KEYS = ("right_square_bracket", "left_square_bracket", "n", "p", "B", "space", "right", "z", "x",
        "d", "v")
PARSE = """
import sys, time
from losswalk.core.landscapes.datasets import load_csv
start = time.perf_counter(); load_csv(sys.argv[1]); print(time.perf_counter() - start)
"""
PILOT = """
import asyncio, sys, time
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui.app import LosswalkApp

async def main(path, keys):
    start = time.perf_counter()
    app = LosswalkApp(LandscapeOptions.from_user(data=path).loaded())
    built = time.perf_counter() - start
    async with app.run_test(size=(80, 24)) as pilot:
        gaps = []
        last = [time.perf_counter()]
        def probe():
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now
        app.set_interval(0.005, probe)
        async def settle():
            for _ in range(2000):
                await pilot.pause(0.02)
                if not app.map_busy:
                    return
        await settle()
        print("startup", built, time.perf_counter() - start, hwm())
        for key in keys:
            await pilot.pause(0.1)
            gaps.clear(); last[0] = time.perf_counter()
            t0 = time.perf_counter()
            await pilot.press(key)
            await settle()
            await pilot.pause(0.05)
            print("key", key, max(gaps) * 1000, time.perf_counter() - t0, hwm())
    print("peak", hwm())

def hwm():
    status = open('/proc/self/status').read().split('VmHWM:')[1]
    return int(status.split()[0]) / 1024

asyncio.run(main(sys.argv[1], sys.argv[2:]))
"""


def write_file(path: Path, rows: int) -> None:
    """rows of x1,x2,y (6 decimals, a header): two overlapping blobs, like `overlap`."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, rows)
    X = rng.normal(size=(rows, 2)) + np.where(labels[:, None] == 1, 1.0, -1.0) * [1.0, 0.5]
    np.savetxt(path, np.c_[X, labels], fmt=["%.6f", "%.6f", "%d"], delimiter=",",
               header="x1,x2,y", comments="")


def _info(path: Path, name: str) -> tuple[float, float, float]:
    """Wall time, CPU time and resident peak of `losswalk info NAME --data path` in a fresh
    process (on a busy machine the CPU time is the steadier figure)."""
    code = ("import resource, sys; from losswalk.tui.cli import main; "
            "status = main(sys.argv[1:]); "
            "u = resource.getrusage(resource.RUSAGE_SELF); "
            "print(u.ru_utime + u.ru_stime, u.ru_maxrss, file=sys.stderr); "
            "sys.exit(status)")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, "info", name, "--data", str(path)],
                          capture_output=True, text=True, check=True)
    cpu, peak = proc.stderr.split()[-2:]
    return time.perf_counter() - start, float(cpu), int(peak) / 1024


def _first_frame(path: Path) -> tuple[float, float]:
    """(first whole frame, map drawn and settled) seconds of the app in an 80x24 pty."""
    app = ["-c", "import sys; from losswalk.tui.cli import main; sys.exit(main(sys.argv[1:]))"]
    pid, fd, start = _spawn(80, 24, [*app, "--data", str(path)])
    try:
        _, last, first = _read_burst(fd, first_timeout=60, mark=_last_row(24))
        more, later, _ = _read_burst(fd, first_timeout=30)
        os.write(fd, b"q")
        _read_burst(fd, first_timeout=5)
    finally:
        _stop(pid, fd)
    return (first or last) - start, (later if more else last) - start


def _verdict(value: float, key: str) -> str:
    return f"target <= {TARGETS[key]:g}: " + ("ok" if value <= TARGETS[key] else "OVER")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keys", default=" ".join(KEYS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.csv"
        write_file(path, args.rows)
        print(f"{args.rows:,} rows, {path.stat().st_size / 2**20:.1f} MB; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        proc = subprocess.run([sys.executable, "-c", PARSE, str(path)], capture_output=True,
                              text=True, check=True)
        parse = float(proc.stdout)
        print(f"  parse (load_csv)               {parse:7.2f} s    {_verdict(parse, 'parse')}")
        for name in ("logistic", "tiny-net"):
            seconds, cpu, peak = _info(path, name)
            print(f"  info {name:<10} wall          {seconds:7.2f} s    "
                  f"{_verdict(seconds, 'info')}   CPU {cpu:.2f} s, peak {peak:.0f} MB")
        first, settled = _first_frame(path)
        print(f"  app first whole frame (pty)    {first:7.2f} s    "
              f"{_verdict(first, 'first_frame')}   map settled {settled:.2f} s")
        proc = subprocess.run([sys.executable, "-c", PILOT, str(path), *args.keys.split()],
                              capture_output=True, text=True, check=True)
        for line in proc.stdout.splitlines():
            kind, *values = line.split()
            if kind == "startup":
                print(f"  app (Pilot) built {float(values[0]):.2f} s, map and landmarks "
                      f"{float(values[1]):.2f} s")
            elif kind == "key":
                key, stall, done, _ = values
                print(f"  key {key:<22} longest loop stall {float(stall):6.0f} ms   "
                      f"{_verdict(float(stall), 'stall_ms')}   (map ready {float(done):.2f} s)")
            elif kind == "peak":
                peak = float(values[0])
                print(f"  app resident peak (VmHWM)      {peak:7.0f} MB   "
                      f"{_verdict(peak, 'peak_mb')}")


if __name__ == "__main__":
    main()
