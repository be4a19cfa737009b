"""Shared fixtures: small scenarios written on the fly, and the CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
TINY = REPO / "tests" / "data" / "tiny.yaml"
DEFAULT = REPO / "scenarios" / "venezuela_2024.yaml"


def tiny_data() -> dict:
    """The tiny line scenario as a mapping, to modify in tests."""
    return yaml.safe_load(TINY.read_text())


@pytest.fixture
def tiny_path() -> Path:
    return TINY


@pytest.fixture
def write_scenario(tmp_path):
    """Write a scenario mapping (or text) to a YAML file and return its path."""

    def write(data, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
        return path

    return write


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``migsim ARGS`` in a subprocess with this interpreter."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or REPO,
        timeout=900,
    )
