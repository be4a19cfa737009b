"""Folders of long jobs (sweeps, calibrations) that an identity manifest lets resume, and refuses to mix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simulator.atomic import write_json
from simulator.errors import MigsimError


def open_job_folder(folder: Path, filename: str, manifest: dict[str, Any], what: str, differs: str) -> dict[str, Any] | None:
    """The existing manifest when ``folder`` holds the same job; None when the folder is new (created, manifest not yet written).

    ``what`` names the job (sweep, calibration); ``differs`` says what another
    identity means, for the error.
    """
    path = folder / filename
    if path.exists():
        try:
            existing = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise MigsimError(f"{path}: corrupt manifest ({exc})") from None
        if existing.get("identity") != manifest["identity"]:
            raise MigsimError(f"{folder}: holds a different {what} ({differs}); choose another --out")
        return existing
    if folder.exists() and any(folder.iterdir()):
        raise MigsimError(f"{folder}: folder exists, is not empty and holds no {what}; choose another --out")
    folder.mkdir(parents=True, exist_ok=True)
    return None


def write_manifest(folder: Path, filename: str, manifest: dict[str, Any]) -> None:
    """Write the manifest last, once the folder's other set-up files are in place."""
    write_json(folder / filename, manifest)
