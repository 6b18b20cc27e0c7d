"""Run the app in a pseudo-terminal and measure what an SSH user pays: bytes and time.

Prints, as medians over several runs at 80x24 with 256 colours (TERM=xterm-256color):
start-up to the first whole frame (the chrome: status, panel, footer), start-up until the output
settles (the map drawn, no byte for 0.4 s), bytes of the start-up burst (every paint until the
map is done), bytes of one full repaint (closing the help screen: ? then escape), bytes per
walker step (space), resident memory, the CPU seconds used to start (steadier than seconds on
a busy machine) and CPU used while idle. Each run also starts a minimal Textual app (Header, a
Static, Footer: bench/minimal_app.py) the same way, so the start-up ratios are measured side
by side. Run from the repo root:

    python -m bench.bench_tui [--runs 5] [--steps 10] [--size 80x24]
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import fcntl
import importlib.util
import os
import select
import signal
import statistics
import struct
import sys
import termios
import time
from dataclasses import dataclass

QUIET = 0.4  # seconds without output that end a burst
TARGETS = {"first_frame_s": 1.0, "settled_s": 1.0, "frame_kb": 20.0, "repaint_kb": 20.0,
           "step_kb": 1.5, "rss_mb": 120.0, "first_frame_ratio": 2.0, "settled_ratio": 1.6}
APP = ["-c", "import sys; from losswalk.tui.cli import main; sys.exit(main(sys.argv[1:]))"]
MINIMAL = ["-m", "bench.minimal_app"]


@dataclass
class Run:
    first_frame_s: float
    settled_s: float
    frame_bytes: int
    repaint_bytes: int
    step_bytes: list[int]
    rss_mb: float
    idle_cpu_s: float
    startup_cpu_s: float


def _read_burst(fd: int, first_timeout: float, mark: bytes | None = None,
                ) -> tuple[bytes, float, float | None]:
    """Read until the app has been quiet for QUIET seconds: (bytes, time of the last byte, time
    the bytes first held `mark`, if given)."""
    data, last, marked = b"", time.perf_counter(), None
    deadline = time.perf_counter() + first_timeout
    while True:
        wait = QUIET if data else max(0.0, deadline - time.perf_counter())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            return data, last, marked
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return data, last, marked
        if not chunk:
            return data, last, marked
        data += chunk
        last = time.perf_counter()
        if marked is None and mark is not None and mark in data:
            marked = last


def _last_row(height: int) -> bytes:
    """The cursor move to the screen's last row: Textual paints top to bottom, so once the
    footer's row is written the first whole frame is on screen."""
    return f"\x1b[{height};".encode()


def _proc_stat(pid: int) -> tuple[float, float]:
    """(cpu seconds used, resident MB) of a process, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    with open(f"/proc/{pid}/status") as f:
        rss_kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return cpu, rss_kb / 1024


def _spawn(width: int, height: int, argv: list[str]) -> tuple[int, int, float]:
    """Start `python argv...` in a pty of width x height: (pid, pty fd, start time)."""
    pid, fd = os.forkpty()
    if pid == 0:  # child: become the app
        env = dict(os.environ, TERM="xterm-256color")
        env.pop("COLORTERM", None)
        env.pop("NO_COLOR", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # load compiled modules, as an installed app does
        os.execvpe(sys.executable, [sys.executable, *argv], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
    return pid, fd, time.perf_counter()


def _stop(pid: int, fd: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
    os.close(fd)


def baseline_startup(width: int, height: int) -> tuple[float, float, float]:
    """(first whole frame, settled, CPU seconds to settle) of the minimal Textual app, by the same
    rules."""
    pid, fd, start = _spawn(width, height, MINIMAL)
    try:
        _, last, first = _read_burst(fd, first_timeout=30, mark=_last_row(height))
        cpu, _ = _proc_stat(pid)
        os.write(fd, b"q")
        _read_burst(fd, first_timeout=2)
    finally:
        _stop(pid, fd)
    return (first or last) - start, last - start, cpu


def measure_once(width: int, height: int, steps: int, argv: list[str]) -> Run:
    """Start the app in a pty of width x height, wait for the map, take steps, then quit."""
    pid, fd, start = _spawn(width, height, [*APP, *argv])
    try:
        frame, last, first = _read_burst(fd, first_timeout=30, mark=_last_row(height))
        more, _, _ = _read_burst(fd, first_timeout=2)  # the refined grid, if it comes later
        startup_cpu, _ = _proc_stat(pid)
        frame_bytes = len(frame) + len(more)
        step_bytes = []
        for _ in range(steps):
            os.write(fd, b" ")
            burst, _, _ = _read_burst(fd, first_timeout=2)
            step_bytes.append(len(burst))
        os.write(fd, b"?")  # the help screen covers the app; closing it repaints everything
        _read_burst(fd, first_timeout=2)
        os.write(fd, b"\x1b")
        repaint, _, _ = _read_burst(fd, first_timeout=2)
        cpu_before, rss = _proc_stat(pid)
        time.sleep(3)
        cpu_after, _ = _proc_stat(pid)
        os.write(fd, b"q")
        _read_burst(fd, first_timeout=2)
    finally:
        _stop(pid, fd)
    return Run((first or last) - start, last - start, frame_bytes, len(repaint), step_bytes, rss,
               cpu_after - cpu_before, startup_cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--size", default="80x24")
    parser.add_argument("app_args", nargs="*", help="arguments for losswalk (default: none)")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    # compile every module first: pip does it on install, and a run that compiles losswalk's
    # sources while the minimal app loads Textual's .pyc files would not compare like with like
    for package in ("losswalk.core", "losswalk.tui", "textual", "rich", "numpy", "plotext"):
        folder = importlib.util.find_spec(package).submodule_search_locations[0]
        compileall.compile_dir(folder, quiet=1)
    runs, baselines = [], []
    for _ in range(args.runs):  # alternate, so both see the same machine
        baselines.append(baseline_startup(width, height))
        runs.append(measure_once(width, height, args.steps, args.app_args))
    steps = [b for r in runs for b in r.step_bytes]
    figures = {
        "first_frame_s": statistics.median(r.first_frame_s for r in runs),
        "settled_s": statistics.median(r.settled_s for r in runs),
        "frame_kb": statistics.median(r.frame_bytes for r in runs) / 1024,
        "repaint_kb": statistics.median(r.repaint_bytes for r in runs) / 1024,
        "step_kb": statistics.median(steps) / 1024,
        "rss_mb": statistics.median(r.rss_mb for r in runs),
        "first_frame_ratio": statistics.median(
            r.first_frame_s / b[0] for r, b in zip(runs, baselines, strict=True)),
        "settled_ratio": statistics.median(
            r.settled_s / b[1] for r, b in zip(runs, baselines, strict=True)),
        "cpu_ratio": statistics.median(
            r.startup_cpu_s / b[2] for r, b in zip(runs, baselines, strict=True)),
    }
    print(f"losswalk in a {width}x{height} pty, TERM=xterm-256color, "
          f"median of {args.runs} runs ({args.steps} steps each), {os.cpu_count()} cores")
    labels = {"first_frame_s": "first whole frame (s)", "settled_s": "map drawn, settled (s)",
              "frame_kb": "start-up burst (KB)",
              "repaint_kb": "one full repaint (KB)", "step_kb": "one walker step (KB)",
              "rss_mb": "resident memory (MB)",
              "first_frame_ratio": "first frame / minimal app's",
              "settled_ratio": "settled / minimal app's",
              "cpu_ratio": "start-up CPU / minimal app's"}
    for index, what in enumerate(("first frame", "settled", "CPU")):
        minimal = statistics.median(b[index] for b in baselines)
        print(f"  {f'minimal Textual app, {what} (s)':<30} {minimal:8.3f}")
    print(f"  {'losswalk, start-up CPU (s)':<30} "
          f"{statistics.median(r.startup_cpu_s for r in runs):8.3f}")
    for key, label in labels.items():
        if key not in TARGETS:  # a figure to read beside the others, with no target of its own
            print(f"  {label:<30} {figures[key]:8.3f}")
            continue
        verdict = "ok" if figures[key] <= TARGETS[key] else "OVER TARGET"
        print(f"  {label:<30} {figures[key]:8.3f}   target <= {TARGETS[key]:<5g} {verdict}")
    print(f"  {'largest walker step (KB)':<30} {max(steps) / 1024:8.3f}")
    idle = statistics.median(r.idle_cpu_s for r in runs)
    print(f"  {'CPU while idle, 3 s (s)':<30} {idle:8.3f}   target ~0")


if __name__ == "__main__":
    main()
