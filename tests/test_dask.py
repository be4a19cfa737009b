"""Runs on a real local Dask cluster (scheduler and worker processes on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pandas as pd
import pytest
import yaml

from simulator import Cluster, run_ensemble, run_sweep
from tests.conftest import REPO, TINY, run_cli

MESO = REPO / "scenarios" / "mesoamerica_transit.yaml"


def write_sweep(tmp_path, scenario, days, scale=None, samples=4, replicates=1):
    data = {
        "scenario": str(scenario),
        "days": days,
        "replicates": replicates,
        "design": {"kind": "lhs", "samples": samples, "seed": 5},
        "parameters": {
            "crossings.irregular_crossing_probability_per_day": {"low": 0.2, "high": 0.9},
            "movement.speed_road_km_per_day": {"low": 100, "high": 500},
        },
        "indicators": ["arrivals", "irregular_crossings", "incidents"],
    }
    if scale:
        data["scale"] = scale
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def runs_of(folder) -> pd.DataFrame:
    frames = [pd.read_parquet(p) for p in sorted((folder / "runs").glob("*.parquet"))]
    return pd.concat(frames, ignore_index=True).sort_values(["run_id", "indicator", "key"]).reset_index(drop=True)


def test_a_sweep_on_local_workers_equals_the_same_runs_done_serially(tmp_path):
    path = write_sweep(tmp_path, TINY, days=20, replicates=2)
    serial = run_sweep(path, tmp_path / "serial", cluster=Cluster())
    parallel = run_sweep(path, tmp_path / "dask", cluster=Cluster(workers=2))
    assert serial.done == parallel.done == 8 and parallel.failed == 0
    pd.testing.assert_frame_equal(runs_of(tmp_path / "dask"), runs_of(tmp_path / "serial"))


def test_ensemble_on_workers_equals_serial_and_splits_the_cores(tmp_path):
    serial = run_ensemble(TINY, replicates=3, days=15)
    parallel = run_ensemble(TINY, replicates=3, days=15, out=tmp_path / "ens", cluster=Cluster(workers=2))
    for name, bands in serial.bands.items():
        pd.testing.assert_frame_equal(parallel.bands[name], bands)
    record = json.loads((tmp_path / "ens" / "replicates" / "rep-000" / "run.json").read_text())
    assert record["environment"]["numba_threads"] == max(1, (os.cpu_count() or 1) // 2)


@pytest.fixture
def local_cluster():
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
    client = Client(cluster)
    yield cluster, client
    client.close()
    cluster.close()


def test_killing_a_worker_mid_sweep_loses_nothing(tmp_path, local_cluster):
    cluster, client = local_cluster
    path = write_sweep(tmp_path, MESO, days=120, scale=10)
    attempts = []
    result = {}

    def sweep():
        result["status"] = run_sweep(
            path,
            tmp_path / "dask",
            cluster=Cluster(scheduler=cluster.scheduler_address),
            progress=lambda s, o: attempts.append(o.attempts),
        )

    thread = threading.Thread(target=sweep)
    thread.start()
    victim = None
    deadline = time.monotonic() + 120
    while victim is None and time.monotonic() < deadline:
        busy = [w for w, tasks in client.processing().items() if any("migsim-run" in str(t) for t in tasks)]
        if busy:
            time.sleep(0.3)
            busy = [w for w, tasks in client.processing().items() if any("migsim-run" in str(t) for t in tasks)]
            if busy:
                victim = busy[0]
        time.sleep(0.05)
    assert victim is not None, "no run started on the cluster"
    pid = client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)
    thread.join(timeout=600)
    status = result["status"]
    assert (status.done, status.failed) == (4, 0)
    assert max(attempts) == 2, "the run on the killed worker was not resubmitted"
    serial = run_sweep(path, tmp_path / "serial", cluster=Cluster())
    assert serial.done == 4
    pd.testing.assert_frame_equal(runs_of(tmp_path / "dask"), runs_of(tmp_path / "serial"))


def test_cli_sweep_on_an_existing_scheduler_and_an_unreachable_one(tmp_path, local_cluster):
    cluster, _ = local_cluster
    path = write_sweep(tmp_path, TINY, days=10, samples=2)
    done = run_cli("sweep", str(path), "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "out"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "2 of 2 runs done, 0 failed" in done.stdout
    again = run_cli("sweep", str(path), "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "out"), "--quiet")
    assert "(0 run now" in again.stdout
    lost = run_cli("sweep", str(path), "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "lost"), "--quiet")
    assert lost.returncode == 2 and "cannot reach the Dask scheduler" in lost.stderr
    assert lost.stderr.strip().count("\n") == 0
