"""Write a file so that a crash leaves either the old file or the new one, never half of one."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1], 8) for line in status if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError):
        mask = os.umask(0o022)
        os.umask(mask)
        return mask


def write_atomic(path: str | os.PathLike[str], data: str | bytes, mode: int = 0o666) -> Path:
    """Write `data` to `path` through a temporary file in the same folder, then rename it over.

    The rename is atomic on POSIX, so readers (and a crash mid-write) see the old content or the
    new, never a torn file. Text is written as UTF-8. As open() would, a symlink is written
    through (the file it names is replaced, the link stays) and a file that exists keeps its
    mode; a new one gets `mode` less the umask. Either way no bit outside `mode` is set, so a
    private write stays private (a temporary file starts private). Returns `path`.
    """
    target = Path(os.path.realpath(path))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        allowed = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:  # a new file (or one we cannot see): what open() would give it
        allowed = ~_umask()
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode & allowed)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(path)
