"""`losswalk serve`: the app in a browser tab through textual-serve, for a demo or a projector.

Each browser tab that connects gets its own app process (`python -m losswalk ...`, driven over a
websocket). Serving binds to loopback unless asked otherwise: whoever reaches the port controls
the app, and through it can write files (e exports) where the server runs.
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from collections.abc import Sequence

INSTALL_HINT = "pip install 'losswalk[web]'"


def is_loopback(host: str) -> bool:
    """True for 'localhost' and loopback addresses (127.0.0.0/8, ::1): only this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def app_command(app_argv: Sequence[str]) -> str:
    """The shell command each browser tab runs: this Python, `-m losswalk`, the app's options."""
    return shlex.join([sys.executable, "-m", "losswalk", *app_argv])


def serve(host: str, port: int, app_argv: Sequence[str]) -> None:
    """Serve the app until ctrl+c. ImportError (with the install hint) without textual-serve;
    OSError when the port cannot be bound."""
    try:
        from textual_serve.server import Server
    except ImportError:
        raise ImportError(f"serving needs textual-serve: {INSTALL_HINT}") from None
    Server(app_command(app_argv), host=host, port=port, title="losswalk").serve()
