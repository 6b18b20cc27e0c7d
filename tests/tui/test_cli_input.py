"""--data from devices, pipes and FIFOs, and output that cannot be written: each ends with one
line on stderr within a bounded time (subprocesses with a timeout, so a regression cannot hang)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest

TIMEOUT = 60  # far above the few seconds each takes; a hang fails instead of blocking the suite
MEMORY = 2**31  # address space for each run: a regression fails with MemoryError, not the machine


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def losswalk(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    kwargs = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE,
              "preexec_fn": _limit_memory, **kwargs}
    return subprocess.run([sys.executable, "-m", "losswalk", *argv], text=True, timeout=TIMEOUT,
                          **kwargs)


def one_line(result: subprocess.CompletedProcess, code: int = 2) -> str:
    assert result.returncode == code, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("losswalk: ")
    return result.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_at_once(device):
    """Regression: its size reads as 0, so it passed the 50 MB guard and was read until
    MemoryError."""
    assert "is a device, not a CSV file" in one_line(losswalk("info", "logistic", "--data", device))


def test_an_endless_pipe_is_cut_at_the_row_limit():
    """Regression: `yes 1,2,1 | losswalk info --data /dev/stdin` grew to GBs."""
    with subprocess.Popen(["yes", "1,2,1"], stdout=subprocess.PIPE) as writer:
        result = losswalk("info", "logistic", "--data", "/dev/stdin", stdin=writer.stdout)
        writer.kill()
    assert "/dev/stdin:1000001: more than the 1,000,000 row limit" in one_line(result)


def test_a_pipe_of_zeros_is_refused_as_binary_without_reading_it_all():
    with subprocess.Popen([sys.executable, "-c", "import sys\nwhile True: "
                           "sys.stdout.buffer.write(bytes(2**16))"],
                          stdout=subprocess.PIPE) as writer:
        result = losswalk("info", "logistic", "--data", "/dev/stdin", stdin=writer.stdout)
        writer.kill()
    assert "/dev/stdin:1: not UTF-8 text (is it a binary file?)" in one_line(result)


def test_data_through_a_pipe_loads():
    result = losswalk("info", "logistic", "--data", "/dev/stdin", "--resolution", "9",
                      input="x1,x2,y\n1,2,1\n-1,-2,0\n2,1,1\n")
    assert result.returncode == 0 and "(3 examples)" in result.stdout, result.stderr


def test_a_fifo_nobody_writes_to_gives_up_after_the_wait(tmp_path):
    """Regression: opening a FIFO with no writer blocked forever. The wait is shortened here;
    `losswalk` waits PIPE_WAIT = 5 s."""
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    script = ("import sys\nfrom losswalk.core.landscapes import datasets\n"
              "datasets.PIPE_WAIT = 0.3\nfrom losswalk.tui.cli import main\n"
              f"sys.exit(main(['info', 'logistic', '--data', {str(fifo)!r}]))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=TIMEOUT)
    assert "fifo.csv: no data came for 0.3 s (is a program writing to this pipe?)" in one_line(
        result)


def test_output_that_cannot_be_written_is_one_line():
    """Regression: `losswalk list > /dev/full` ended in 'internal error ... LOSSWALK_DEBUG=1'."""
    with open("/dev/full", "w") as full:
        result = losswalk("list", stdout=full)
    assert one_line(result, code=1) == ("losswalk: cannot write the output: "
                                        "No space left on device\n")


def test_a_pipe_read_once_gives_its_data_again():
    """The CLI checks --data before the app opens, and the app builds its model again: from a
    pipe, which cannot be read twice, that second build found an empty file."""
    script = ("from losswalk.core.landscapes.models import make_model\n"
              "first = make_model('logistic', data='/dev/stdin').dataset\n"
              "again = make_model('logistic', data='/dev/stdin').dataset\n"
              "print(first is again, again.n)")
    result = subprocess.run([sys.executable, "-c", script], input="1,2,1\n-1,-2,0\n",
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.stdout == "True 2\n", result.stderr
