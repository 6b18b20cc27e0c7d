"""Big data (issue 8 §5): a 1,000,000-row --data file (the row limit) in the app and headless.

Writes the file to a temporary directory, then measures, each in a fresh process:
- `load_csv`: the parse (target <= 1.5 s);
- `losswalk info [tiny-net] --data FILE`: wall time (target <= 5 s) and resident peak;
- the app in an 80x24 pseudo-terminal: the first whole frame (target <= 3 s), the map drawn;
- the app under Textual's Pilot (80x24), on `logistic` and `tiny-net`: how long each key blocks
  the event loop, measured by a probe that runs every 5 ms and records the longest gap between
  its runs while the key is handled, its worker is done and every map on screen is drawn
  (target <= 100 ms), and the process's resident peak (VmHWM, target <= 400 MB). Every key is
  printed side by side with a baseline run of the same keys computed on the event loop (the
  OffLoop's threshold raised above the file: what the app did before it moved them off).
Run from the repo root (several minutes; --no-baseline halves it):

    python -m bench.bench_bigdata [--rows 1000000] [--keys "] [ n p B space"] [--no-baseline]
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
from losswalk.tui.offloop import HEAVY_EXAMPLES as OFFLOOP_AS_SHIPPED

TARGETS = {"parse": 1.5, "info": 5.0, "first_frame": 3.0, "stall_ms": 100.0, "peak_mb": 400.0}
KEYS = ("right_square_bracket", "left_square_bracket", "n", "p", "B", "space", "right", "z", "x",
        "d", "space", "d", "v", "v", "R", "space", "enter", "enter", "R", "i", "space", "i", "g",
        "A", "A", "3", "3", "e", "escape", "m", "m", "c", "c", "c", "0", "enter", "enter", "r",
        "click")  # pairs open and close a view; `click`: a mouse click on the map
LANDSCAPES = ("logistic", "tiny-net")
PARSE = """
import sys, time
from losswalk.core.landscapes.datasets import load_csv
start = time.perf_counter(); load_csv(sys.argv[1]); print(time.perf_counter() - start)
"""
PILOT = """
import asyncio, sys, time
from losswalk.core.landscapes.models import LandscapeOptions
from losswalk.tui.app import LosswalkApp

from losswalk.tui import offloop

async def main(path, name, heavy, keys):
    offloop.HEAVY_EXAMPLES = int(heavy)  # the baseline: above the file, keys on the event loop
    start = time.perf_counter()
    app = LosswalkApp(LandscapeOptions.from_user(name=name, data=path).loaded())
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
                maps = [m for m in app.query("LandscapeMap") if m.display and m.size.area]
                if not (app._offloop.busy or app.map_busy or any(m.busy for m in maps)):
                    return
        await settle()
        print("startup", built, time.perf_counter() - start, hwm())
        for key in keys:
            await pilot.pause(0.1)
            gaps.clear(); last[0] = time.perf_counter()
            t0 = time.perf_counter()
            if key == "click":
                await pilot.click("#map", offset=(10, 5))
            else:
                await pilot.press(key)
            await settle()
            await pilot.pause(0.05)
            print("key", key, max(gaps) * 1000, time.perf_counter() - t0, hwm())
    print("peak", hwm())

def hwm():
    status = open('/proc/self/status').read().split('VmHWM:')[1]
    return int(status.split()[0]) / 1024

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))
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
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the run with every key on the event loop")
    args = parser.parse_args()
    keys = args.keys.split()
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
        for name in LANDSCAPES:
            runs = {"worker": _pilot(path, name, keys, OFFLOOP_AS_SHIPPED)}
            if args.baseline:
                runs["on loop"] = _pilot(path, name, keys, 10 * args.rows)
            _print_keys(name, runs)


def _pilot(path: Path, name: str, keys: list[str], heavy: int) -> dict:
    """One Pilot run of the keys on landscape `name` with OffLoop's threshold at `heavy`: its
    start-up, (key, stall ms, seconds to ready) per key, and the resident peak."""
    proc = subprocess.run([sys.executable, "-c", PILOT, str(path), name, str(heavy), *keys],
                          capture_output=True, text=True, check=True)
    run: dict = {"keys": []}
    for line in proc.stdout.splitlines():
        kind, *values = line.split()
        if kind == "startup":
            run["startup"] = float(values[0]), float(values[1])
        elif kind == "key":
            run["keys"].append((values[0], float(values[1]), float(values[2])))
        elif kind == "peak":
            run["peak"] = float(values[0])
    return run


def _print_keys(name: str, runs: dict[str, dict]) -> None:
    """The stall of every key, the worker's run beside the baseline's, and the peaks."""
    ours = runs["worker"]
    built, ready = ours["startup"]
    print(f"  app (Pilot, {name}) built {built:.2f} s, map and landmarks {ready:.2f} s; "
          "longest event-loop stall per key (ms):")
    print(f"    {'key':<22} " + " ".join(f"{label:>8}" for label in runs)
          + f"   {'worker: target <= 100 ms':<26} ready")
    for row, (key, stall, done) in enumerate(ours["keys"]):
        others = " ".join(f"{run['keys'][row][1]:8.0f}" for run in runs.values())
        print(f"    {key:<22} {others}   {_verdict(stall, 'stall_ms'):<26} {done:.2f} s")
    worst = max(stall for _, stall, _ in ours["keys"])
    print(f"    worst key (worker)     {worst:8.0f}   {_verdict(worst, 'stall_ms')}")
    for label, run in runs.items():
        print(f"    {f'resident peak ({label})':<22} {run['peak']:5.0f} MB   "
              f"{_verdict(run['peak'], 'peak_mb')}")


if __name__ == "__main__":
    main()
