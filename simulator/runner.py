"""Running many runs: in this process, on a local Dask cluster, or on an existing one.

Ensembles, comparisons and sweeps describe their runs as :class:`RunSpec`
and hand them to :func:`run_many`.  A run's result depends only on its spec
(scenario, variant, parameters, seed, scale, days), never on where or in which
order it ran, so the serial and the Dask paths give identical numbers.

Results travel back to the calling process, which writes them; workers need
no shared file system.  A run that raises is reported as failed with its
message (it would fail again: runs are deterministic); a run whose worker
died is resubmitted up to ``retries`` times, then reported as failed.
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from simulator.errors import MigsimError


@dataclass(frozen=True)
class RunSpec:
    """One run: which variant, parameters, seed, scale and days, and what to keep of it.

    ``keep`` is ``"tables"`` (every results table, for ensembles) or
    ``"indicators"`` (the indicator series only, for sweeps).
    """

    run_id: str
    seed: int
    scale: int | None = None
    days: int | None = None
    variant: str | None = None
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    keep: str = "tables"
    indicators: tuple[str, ...] | None = None
    ruleset: str | None = None


@dataclass
class RunOutcome:
    """What came back from one run: its tables or indicators, or the error that stopped it."""

    run_id: str
    ok: bool
    tables: dict[str, Any] | None = None
    summary: Any = None
    record: dict[str, Any] | None = None
    indicators: Any = None
    error: str = ""
    attempts: int = 1
    wall_seconds: float = 0.0
    worker: str = ""


def execute(scenario, spec: RunSpec, numba_threads: int | None = None) -> RunOutcome:
    """Run one spec in this process; never raises for a failure of the run itself."""
    import numba

    from simulator.api import run_model
    from simulator.indicators import indicator_series
    from simulator.model import MigrationModel

    if numba_threads:
        numba.set_num_threads(max(1, min(int(numba_threads), numba.config.NUMBA_NUM_THREADS)))
    started = time.perf_counter()
    worker = f"{os.uname().nodename}:{os.getpid()}"
    try:
        model = MigrationModel(
            scenario=scenario,
            seed=spec.seed,
            scale=spec.scale,
            days=spec.days,
            parameters=spec.parameters,
            variant=spec.variant,
            ruleset=spec.ruleset,
        )
        result = run_model(model)
    except Exception as exc:  # a failed run is data for the sweep, not a crash of it
        message = str(exc) if isinstance(exc, MigsimError) else f"{type(exc).__name__}: {exc}"
        logging.getLogger("migsim").debug("run %s failed:\n%s", spec.run_id, traceback.format_exc())
        return RunOutcome(spec.run_id, False, error=message, wall_seconds=time.perf_counter() - started, worker=worker)
    outcome = RunOutcome(spec.run_id, True, record=result.record, worker=worker)
    if spec.keep == "tables":
        outcome.tables = result.tables
        outcome.summary = result.summary
    else:
        outcome.indicators = indicator_series(result.tables, spec.indicators)
    outcome.wall_seconds = time.perf_counter() - started
    return outcome


@dataclass
class Cluster:
    """Where runs go: ``workers`` local worker processes, or an existing ``scheduler`` address.

    ``workers=None`` and no scheduler means serial, in this process.
    ``numba_threads`` is the number of Numba threads each run uses; by default
    the cores divided among the local workers, so they do not fight over cores.
    """

    workers: int | None = None
    scheduler: str | None = None
    numba_threads: int | None = None
    retries: int = 2
    _session: tuple | None = field(default=None, repr=False, compare=False)

    @contextmanager
    def session(self) -> Iterator[Cluster]:
        """Keep one Dask client (and local cluster) open for every :func:`run_many` call inside the block."""
        if self.serial or self._session is not None:
            yield self
            return
        self._session = _client(self)
        try:
            yield self
        finally:
            client, local = self._session
            self._session = None
            client.close()
            if local is not None:
                local.close()

    @property
    def serial(self) -> bool:
        """True when runs go in this process, one after another."""
        return self.scheduler is None and not self.workers

    def threads_per_run(self) -> int | None:
        """Numba threads per run on this cluster."""
        if self.numba_threads:
            return self.numba_threads
        if self.serial:
            return None
        if self.scheduler:
            return 1
        return max(1, (os.cpu_count() or 1) // int(self.workers))


def run_many(
    scenario,
    specs: Iterable[RunSpec],
    on_done: Callable[[RunSpec, RunOutcome], None],
    cluster: Cluster | None = None,
) -> None:
    """Run every spec and call ``on_done(spec, outcome)`` in this process as each finishes."""
    cluster = cluster or Cluster()
    specs = list(specs)
    if not specs:
        return
    if cluster.serial:
        threads = cluster.threads_per_run()
        for spec in specs:
            on_done(spec, execute(scenario, spec, threads))
        return
    _run_dask(scenario, specs, on_done, cluster)


def _client(cluster: Cluster):
    """A Dask client: to the given scheduler, or to a new local cluster bound to 127.0.0.1."""
    import dask
    from distributed import Client, LocalCluster

    if cluster.scheduler:
        try:
            return Client(cluster.scheduler, timeout="10s"), None
        except OSError as exc:
            raise MigsimError(f"cannot reach the Dask scheduler at {cluster.scheduler}: {exc}") from None
    # Worker deaths are retried here, with our own bound, rather than by the scheduler.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0, "distributed.worker.daemon": False}):
        local = LocalCluster(
            n_workers=int(cluster.workers),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    return Client(local), local


def _run_dask(scenario, specs: list[RunSpec], on_done, cluster: Cluster) -> None:
    from distributed import as_completed

    client, local = cluster._session or _client(cluster)
    owned = cluster._session is None
    threads = cluster.threads_per_run()
    try:
        shared = client.scatter(scenario, broadcast=True)
        by_key = {}
        attempts = dict.fromkeys((s.run_id for s in specs), 0)

        def submit(spec: RunSpec):
            attempts[spec.run_id] += 1
            future = client.submit(
                execute, shared, spec, threads, key=f"migsim-{spec.run_id}-{attempts[spec.run_id]}-{id(specs)}", pure=False
            )
            by_key[future.key] = spec
            return future

        pending = as_completed([submit(s) for s in specs])
        for future in pending:
            spec = by_key.pop(future.key)
            try:
                outcome = future.result()
            except Exception as exc:  # the worker died or the result could not travel back
                if attempts[spec.run_id] <= cluster.retries:
                    pending.add(submit(spec))
                    continue
                outcome = RunOutcome(spec.run_id, False, error=f"worker lost {attempts[spec.run_id]} times: {exc}")
            finally:
                future.release()
            outcome.attempts = attempts[spec.run_id]
            on_done(spec, outcome)
    finally:
        if owned:
            client.close()
            if local is not None:
                local.close()
