"""Issue 8 §4: SIGTERM, SIGHUP or SIGINT sent to the running app restore the terminal as it was
(tty modes, main screen, mouse off, line wrap on, cursor shown) and exit with 128 + the signal's
number. Each test runs `python -m losswalk` in a pseudo-terminal it makes itself, so the runner
needs no terminal; waits are generous (a loaded machine) and nothing is timed."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time

import pytest

FIRST_FRAME_WAIT = 120  # seconds; the app draws in well under 1 s on an idle machine
EXIT_WAIT = 60
# what Textual's driver switches on while the app runs, and what turns each off again
MODES = {
    "alternate screen": ("\x1b[?1049h", "\x1b[?1049l"),
    "hidden cursor": ("\x1b[?25l", "\x1b[?25h"),
    "mouse tracking": ("\x1b[?1000h", "\x1b[?1000l"),
    "no line wrap": ("\x1b[?7l", "\x1b[?7h"),
}


class PtyApp:
    """`python -m losswalk ARGV` on a fresh pseudo-terminal of 80x24, its output collected."""

    def __init__(self, *argv: str, controlling: bool = False) -> None:
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.modes_before = termios.tcgetattr(self.slave)
        env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
        env.pop("NO_COLOR", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "losswalk", *argv], stdin=self.slave, stdout=self.slave,
            stderr=self.slave, env=env, cwd="/", start_new_session=True,
            preexec_fn=self._take_as_controlling_terminal if controlling else None)
        self.output = bytearray()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @staticmethod
    def _take_as_controlling_terminal() -> None:
        """In the child (a new session's leader): the pty becomes its terminal, so closing the
        master hangs it up as a dropped ssh connection does (the kernel sends SIGHUP)."""
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    def _read(self) -> None:
        while not self._done.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    return
                with self._lock:
                    self.output += chunk

    def text(self) -> str:
        with self._lock:
            return self.output.decode(errors="replace")

    def wait_for_first_frame(self) -> None:
        """Until the app is in raw mode and has painted its footer (or it ended: a failure)."""
        deadline = time.monotonic() + FIRST_FRAME_WAIT
        while time.monotonic() < deadline and self.process.poll() is None:
            raw = not termios.tcgetattr(self.slave)[3] & termios.ICANON
            if raw and "quit" in self.text():
                return
            time.sleep(0.05)
        raise AssertionError(f"no first frame (exit status {self.process.poll()}): "
                             f"{self.text()[-2000:]!r}")

    def finish(self) -> int:
        """Wait for the app to end; its exit status."""
        try:
            status = self.process.wait(EXIT_WAIT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        time.sleep(0.2)  # let the reader take the last bytes
        self._done.set()
        self._reader.join()
        return status

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def pty_app():
    apps: list[PtyApp] = []

    def start(*argv: str, controlling: bool = False) -> PtyApp:
        apps.append(PtyApp(*argv, controlling=controlling))
        return apps[-1]

    yield start
    for app in apps:
        if app.process.poll() is None:
            app.process.kill()
            app.process.wait()
        app._done.set()
        app.close()


def test_a_terminal_that_hangs_up_ends_the_app_with_129(pty_app):
    """The pty's master closes (ssh dropped): the kernel sends SIGHUP; the app must end, though
    it cannot restore a terminal that is gone."""
    app = pty_app("bowl", controlling=True)
    app.wait_for_first_frame()
    app._done.set()
    app._reader.join()
    os.close(app.slave)  # only the child holds the terminal now
    os.close(app.master)
    app.master, app.slave = (os.open(os.devnull, os.O_RDONLY) for _ in "ms")  # for the fixture
    assert app.finish() == 129


def assert_terminal_restored(app: PtyApp) -> None:
    assert termios.tcgetattr(app.slave) == app.modes_before
    output = app.text()
    for mode, (on, off) in MODES.items():
        assert on in output, f"the app never switched on {mode}: the test sees the wrong thing"
        assert output.rfind(off) > output.rfind(on), f"{mode} is still on"


@pytest.mark.parametrize(("signum", "status"), [
    (signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)])
def test_a_signal_restores_the_terminal_and_exits_with_the_conventional_status(
        pty_app, signum, status):
    app = pty_app("bowl")
    before = app.modes_before
    assert before[3] & termios.ICANON and before[3] & termios.ECHO and before[3] & termios.ISIG
    assert before[0] & termios.ICRNL  # the test starts from a cooked terminal
    app.wait_for_first_frame()
    app.process.send_signal(signum)
    assert app.finish() == status, app.text()[-2000:]
    assert_terminal_restored(app)
    assert "Traceback" not in app.text()


def test_q_still_quits_with_status_0(pty_app):
    app = pty_app("bowl")
    app.wait_for_first_frame()
    os.write(app.master, b"q")
    assert app.finish() == 0
    assert_terminal_restored(app)


STUCK_APP = """
import os, signal, sys, threading
from textual.app import App
from losswalk.tui import signals
signals.GRACE = float(sys.argv[1])

class Stuck(App):
    def on_mount(self):
        os.write(1, b"ready\\n")
    def on_unmount(self):
        threading.Event().wait()  # an exit that never finishes (as on a hung-up terminal)

app = Stuck()
with signals.ExitOnSignals(app):
    app.run(headless=True)
"""


def start_stuck_app(grace: float) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", STUCK_APP, str(grace)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/")
    assert process.stdout.readline() == b"ready\n"  # blocks until mounted (or the app died)
    return process


def finish(process: subprocess.Popen) -> int:
    try:
        return process.wait(EXIT_WAIT)
    finally:
        process.kill()
        process.communicate()


def test_an_exit_that_stalls_ends_after_the_grace_period_with_the_status():
    """Regression: a terminal that hung up (ssh dropped: the pty's master closed) sometimes
    stalled Textual's exit for ever, its output thread dead on EIO; the process never ended."""
    process = start_stuck_app(grace=0.5)
    process.send_signal(signal.SIGTERM)
    assert finish(process) == 143


def test_a_second_signal_ends_a_stalled_exit_at_once():
    process = start_stuck_app(grace=3600)
    process.send_signal(signal.SIGHUP)
    time.sleep(0.5)  # not a timing assert: the second signal only has to come after the first
    process.send_signal(signal.SIGTERM)
    assert finish(process) == 129  # the first signal's status


def test_a_signal_before_the_app_runs_exits_at_once_and_handlers_are_put_back():
    script = ("import os, signal\nfrom textual.app import App\nfrom losswalk.tui import signals\n"
              "with signals.ExitOnSignals(App()):\n"
              "    assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL\n"
              "    pass\n"
              "assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL\n"
              "with signals.ExitOnSignals(App()):\n"
              "    os.kill(os.getpid(), signal.SIGTERM)\n"
              "    signal.pause()\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True,
                            timeout=EXIT_WAIT, cwd="/")
    assert result.returncode == 143, result.stderr
    assert result.stderr == b""
