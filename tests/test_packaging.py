"""Every package and every scenario file is part of the installed distribution."""

from __future__ import annotations

import tomllib

from setuptools import find_packages

from tests.conftest import REPO


def test_every_python_package_is_installed():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    found = set(find_packages(where=str(REPO), include=include))
    on_disk = {
        ".".join(path.parent.relative_to(REPO).parts)
        for top in ("simulator", "models", "calibration", "scenarios")
        for path in (REPO / top).rglob("__init__.py")
    }
    assert on_disk <= found, on_disk - found


def test_scenario_data_files_are_package_data():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["scenarios"]
    scenarios = REPO / "scenarios"
    data = [p for p in scenarios.rglob("*") if p.is_file() and p.suffix in {".yaml", ".csv", ".md"}]
    assert data
    for path in data:
        relative = path.relative_to(scenarios)
        assert any(relative.match(pattern) for pattern in patterns), relative
