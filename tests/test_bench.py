"""The benchmark still runs and produces every figure it promises (its speed is not asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def test_quick_benchmark_produces_every_figure(tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "bench.py"), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert set(results) >= {"machine", "loop", "cli_scale1", "compile", "scaling", "threads", "mesa", "bandwidth"}
    assert {"cpu", "cores", "numba", "mesa"} <= set(results["machine"])
    for row in results["loop"].values():
        assert row["agent_steps_per_s"]["median"] > 0
        assert set(row["phase_agent_steps_per_s"]) == {"events", "spawn", "information", "decide", "move", "record"}
    assert results["cli_scale1"]["peak_rss_bytes"]["median"] > 0 and results["cli_scale1"]["state_bytes_per_agent"] > 0
    assert results["compile"]["first_run_cold_cache_s"] > 0 and results["compile"]["import_s"]["median"] > 0
    assert (
        len(results["scaling"]["agents"]) >= 2 and len(results["scaling"]["graph"]) >= 2 and len(results["scaling"]["days"]) >= 2
    )
    assert results["threads"]["parallel_efficiency"] > 0
    assert results["mesa"]["ratio"] > 0 and results["mesa"]["arrivals_mesa"] > 0
    assert results["bandwidth"]["read_bytes_per_s"]["median"] > 0
    report = (tmp_path / "REPORT.md").read_text()
    for heading in (
        "## Targets",
        "## Full daily loop",
        "## `migsim run`",
        "## How cost grows",
        "## Against a plain Mesa",
        "## The hardware",
    ):
        assert heading in report
