"""Atomic writes: a file appears complete under its name, or not at all."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: str | Path, write: Callable[[IO[bytes]], Any]) -> Path:
    """Call ``write(handle)`` on a temporary file next to ``path``, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; results are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_json(path: str | Path, data: Any) -> Path:
    """Write ``data`` as indented JSON, atomically."""
    text = json.dumps(data, indent=2, default=str) + "\n"
    return write_atomically(path, lambda h: h.write(text.encode()))


def write_parquet(path: str | Path, frame) -> Path:
    """Write a pandas DataFrame as Parquet (no index), atomically."""
    return write_atomically(path, lambda h: frame.to_parquet(h, index=False))


def write_csv(path: str | Path, frame) -> Path:
    """Write a pandas DataFrame as CSV (no index), atomically."""
    return write_atomically(path, lambda h: h.write(frame.to_csv(index=False).encode()))
