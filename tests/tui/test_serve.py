"""`losswalk serve`: loopback by default, a warning for --public, one line for every mistake, and
for real: the page served to headless Chromium shows the app's map in the app's own colours."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zlib
from pathlib import Path

import numpy as np
import pytest

from losswalk.core.drawing.palette import make_palette
from losswalk.tui import serve as serve_module
from losswalk.tui.cli import main
from losswalk.tui.serve import app_command, is_loopback

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-quic", "--no-first-run", "--disable-component-update",
                  "--disable-sync", "--remote-debugging-address=127.0.0.1",
                  "--remote-debugging-port=0", "--window-size=1200,800")
WAIT = 60.0  # seconds for the server, the browser and the app to come up on a loaded machine


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.5.6.7", True), ("localhost", True), ("::1", True),
    ("[::1]", True), ("0.0.0.0", False), ("::", False), ("192.168.1.2", False),
    ("example.org", False)])
def test_loopback_hosts(host, loopback) -> None:
    assert is_loopback(host) is loopback


def test_each_tab_runs_this_python_with_the_apps_options() -> None:
    assert app_command(["himmelblau", "--charset", "ascii"]) == (
        f"{sys.executable} -m losswalk himmelblau --charset ascii")
    assert app_command(["a b;rm"]).endswith("losswalk 'a b;rm'")  # quoted for the shell


@pytest.fixture
def served(monkeypatch):
    """serve() replaced: the calls it would have made are recorded."""
    calls = []
    monkeypatch.setattr(serve_module, "serve", lambda *args: calls.append(args))
    return calls


def test_defaults_are_loopback_port_8000(capsys, served) -> None:
    assert main(["serve"]) == 0
    assert served == [("127.0.0.1", 8000, [])]
    assert capsys.readouterr().err == ""
    assert main(["serve", "--port", "8123", "himmelblau", "--charset", "ascii"]) == 0
    assert served[1] == ("127.0.0.1", 8123, ["himmelblau", "--charset", "ascii"])


def test_a_reachable_host_needs_public_and_warns(capsys, served) -> None:
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "add --public" in err and served == []
    assert main(["serve", "--host", "0.0.0.0", "--public"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("losswalk: warning: serving on 0.0.0.0:8000 - anyone who can reach")
    assert served == [("0.0.0.0", 8000, [])]


@pytest.mark.parametrize(("argv", "fragment"), [
    (["serve", "--port", "0"], "expected 1..65535"),
    (["serve", "--port", "http"], "expected a whole number"),
    (["serve", "nope"], "nope"),
    (["serve", "bowl", "--l2", "0.1"], "--l2 applies only to data-driven landscapes"),
])
def test_mistakes_are_one_line(capsys, served, argv, fragment) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("losswalk: ") and err.count("\n") == 1 and fragment in err
    assert served == []


def test_without_textual_serve_one_line_says_what_to_install(capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # import fails
    assert main(["serve"]) == 2
    assert capsys.readouterr().err == (
        "losswalk: serving needs textual-serve: pip install 'losswalk[web]'\n")


def test_a_busy_port_is_one_line() -> None:
    """In a process of its own: serving sets up logging and signal handlers for its process."""
    pytest.importorskip("textual_serve")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "losswalk", "serve", "--port", str(port)],
                                capture_output=True, text=True, timeout=WAIT)
    assert result.returncode == 2
    assert result.stderr.startswith(f"losswalk: cannot serve on 127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1


# ---- for real: server, browser, screenshot --------------------------------------------------


def png_pixels(data: bytes) -> np.ndarray:
    """The RGB pixels of an 8-bit RGB or RGBA PNG (what Chromium writes), (height, width, 3)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:8], "big")
    depth, colour, interlace = header[8], header[9], header[12]
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 3 if colour == 2 else 4
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, -1)
    rows = np.zeros((height, width * channels), dtype=np.int32)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        up = rows[y - 1] if y else np.zeros_like(line)
        if kind == 0:
            rows[y] = line
        elif kind == 2:
            rows[y] = (line + up) % 256
        else:  # sub (1), average (3), paeth (4) depend on the pixel to the left: one at a time
            out = rows[y]
            for x in range(len(line)):
                left = out[x - channels] if x >= channels else 0
                upleft = up[x - channels] if x >= channels else 0
                if kind == 1:
                    pred = left
                elif kind == 3:
                    pred = (left + up[x]) // 2
                else:
                    p = left + up[x] - upleft
                    pa, pb, pc = abs(p - left), abs(p - up[x]), abs(p - upleft)
                    pred = left if pa <= pb and pa <= pc else up[x] if pb <= pc else upleft
                out[x] = (line[x] + pred) % 256
    return rows.reshape(height, width, channels)[:, :, :3].astype(np.uint8)


def heatmap_colours_shown(pixels: np.ndarray) -> int:
    """How many of the map's ten heatmap colours (viridis, exact RGB) the screenshot holds."""
    shown = {tuple(int(v) for v in p) for p in pixels[::2, ::2].reshape(-1, 3)}
    palette = make_palette("viridis", 10)
    return sum(tuple(palette.rgb(level)) in shown for level in range(10))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stdout.read().decode(errors="replace")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise AssertionError("the server did not listen")


async def _browse(url: str, profile: Path) -> tuple[bool, np.ndarray]:
    """Open url in headless Chromium, driven over its DevTools protocol on loopback; wait for the
    terminal's first byte and then for the map's colours; returns (first byte seen, pixels)."""
    import aiohttp  # textual-serve's own dependency

    browser = subprocess.Popen([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                                "about:blank"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + WAIT
        while not (port_file.exists() and port_file.read_text().strip()):
            assert time.monotonic() < deadline and browser.poll() is None, "no DevTools port"
            await asyncio.sleep(0.1)
        devtools = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{devtools}/json/list") as answer:
            page = next(p for p in json.load(answer) if p["type"] == "page")
        async with aiohttp.ClientSession() as session, session.ws_connect(
                page["webSocketDebuggerUrl"], max_msg_size=0) as socket_:
            calls = iter(range(1, 10**6))

            async def call(method: str, **params) -> dict:
                number = next(calls)
                await socket_.send_json({"id": number, "method": method, "params": params})
                async for message in socket_:
                    reply = message.json()
                    if reply.get("id") == number:
                        return reply["result"]
                raise AssertionError("DevTools closed")

            await call("Page.navigate", url=url)
            first_byte, pixels = False, np.zeros((1, 1, 3), np.uint8)
            while time.monotonic() < deadline:
                probe = await call("Runtime.evaluate", returnByValue=True, expression=(
                    "document.body !== null && document.body.classList.contains('-first-byte')"))
                first_byte = first_byte or bool(probe["result"].get("value"))
                if first_byte:
                    shot = await call("Page.captureScreenshot", format="png")
                    pixels = png_pixels(base64.b64decode(shot["data"]))
                    if heatmap_colours_shown(pixels) >= 8:
                        break
                await asyncio.sleep(0.5)
            return first_byte, pixels
    finally:
        browser.terminate()
        browser.wait(10)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (Debian: apt-get install -y "
                    "chromium; .ci/run installs it)")
@pytest.mark.skipif(
    __import__("importlib").util.find_spec("textual_serve") is None,
    reason="textual-serve is not installed (pip install '.[web]'; the test extra has it)")
def test_the_browser_shows_the_app(tmp_path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "losswalk", "serve", "--port", str(port), "himmelblau"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "LOSSWALK_DEBUG": "1"})
    try:
        wait_for_port(port, server)
        first_byte, pixels = asyncio.run(_browse(f"http://127.0.0.1:{port}/",
                                                 tmp_path / "profile"))
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the app it started
        server.wait(10)
    assert first_byte, "the page's terminal never received the app's output"
    colours = heatmap_colours_shown(pixels)
    assert colours >= 8, f"only {colours} of the map's 10 colours on the page"
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 30  # not a blank or splash page


def test_ci_installs_chromium_before_the_tests() -> None:
    """CI runs the browser test for real: .ci/run installs Debian's chromium (when missing, as
    root with apt) before the README's test command, and still fails when a command fails."""
    script = (Path(__file__).parents[2] / ".ci" / "run").read_text()
    install = script.index("apt-get install -y -qq chromium")
    assert install < script.index(".venv/bin/python -m pytest")
    assert "set -euo pipefail" in script

