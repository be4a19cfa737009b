"""Checkpoints without pickle: agent and counter arrays in .npz, everything else in JSON.

A checkpoint is one ``.npz`` file whose arrays are saved with
``allow_pickle=False``; the scenario (inline), seed, scale, day, parameters,
pending events and event log travel as a JSON string stored as a uint8 array.
Route tables are recomputed from the saved policy state on restore, so a
restored run continued to day N equals the uninterrupted run bit for bit.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from simulator.errors import MigsimError
from simulator.governments import government_state, restore_governments
from simulator.programmes import programme_state, restore_programmes

FORMAT = "migsim-checkpoint-1"


def save_checkpoint(model, path: Path) -> Path:
    """Write ``model``'s state to ``path`` atomically; returns the path."""
    meta = {
        "format": FORMAT,
        "scenario": model.scenario.to_dict(),
        "scenario_source": model.scenario.source,
        "variant": model.scenario.variant,
        "scenario_sha256": model.scenario.sha256,
        "seed": model.seed_value,
        "scale": model.scale,
        "days": model.days,
        "ruleset": model.ruleset_name,
        "day": model.day,
        "parameters": {k: dataclasses.asdict(v) for k, v in model.params.items()},
        "injected": [e.to_dict() for e in model._injected],
        "streams": [[int(o), int(g), [[int(d), float(r)] for d, r in steps]] for o, g, steps in model._streams],
        "information": model.information.state(),
        "programmes": programme_state(model),
        "governments": government_state(model),
        "corridors": model.corridors,
        "event_log": model.event_log,
        "timings": model.timings,
    }
    arrays = {f"agent_{k}": v for k, v in model.population.arrays().items()}
    arrays.update({f"rec_{k}": v for k, v in model.recorder.state().items()})
    arrays.update(
        policy_node_open=model.policy.node_open,
        policy_link_open=model.policy.link_open,
        policy_departure_factor=model.policy.departure_factor,
        stream_rate=model._stream_rate,
        queue_carry=model.queues.carry,
        link_speed_km_per_day=model.graph.link_speed_km_per_day,
        stale_next_link=model.stale_routes.next_link,
        crossing_cost_usd=model.crossings.cost_usd,
        policy_shelter_capacity_persons=model.policy.shelter_capacity_persons,
        departed_persons=model._departed_persons,
        **{f"crossing_{k}": v for k, v in model.crossings.policy_state().items()},
        **model.surveys.arrays(),
        meta_json=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
    )
    if model.ruleset is not None:
        arrays.update({f"ruleset_{k}": v for k, v in model.ruleset.state(model).items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_checkpoint(model_class, path: Path):
    """Rebuild a model from a checkpoint written by :func:`save_checkpoint`."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except FileNotFoundError:
        raise MigsimError(f"{path}: checkpoint not found") from None
    except (ValueError, OSError) as exc:
        raise MigsimError(f"{path}: not a migsim checkpoint ({exc})") from None
    if "meta_json" not in arrays:
        raise MigsimError(f"{path}: not a migsim checkpoint (no metadata)")
    meta = json.loads(arrays["meta_json"].tobytes().decode())
    if meta.get("format") != FORMAT:
        raise MigsimError(f"{path}: unsupported checkpoint format {meta.get('format')!r}")
    model = model_class(
        scenario=meta["scenario"],
        seed=meta["seed"],
        scale=meta["scale"],
        days=meta["days"],
        parameters=meta["parameters"],
        ruleset=meta.get("ruleset"),
    )
    model.scenario.source = meta["scenario_source"]
    model.scenario.sha256 = meta["scenario_sha256"]
    model.scenario.variant = meta["variant"]
    model.population.load({k[len("agent_") :]: v for k, v in arrays.items() if k.startswith("agent_")})
    if model.ruleset is not None:
        model.ruleset.load(model, {k[len("ruleset_") :]: v for k, v in arrays.items() if k.startswith("ruleset_")})
    model.recorder.load({k[len("rec_") :]: v for k, v in arrays.items() if k.startswith("rec_")})
    model.policy.node_open[:] = arrays["policy_node_open"]
    model.policy.link_open[:] = arrays["policy_link_open"]
    model.policy.departure_factor[:] = arrays["policy_departure_factor"]
    model._streams = [(o, g, [(d, r) for d, r in steps]) for o, g, steps in meta["streams"]]
    model._stream_rate = arrays["stream_rate"].copy()
    model.queues.carry[:] = arrays["queue_carry"]
    model.graph.link_speed_km_per_day[:] = arrays["link_speed_km_per_day"]
    model.crossings.cost_usd[:] = arrays["crossing_cost_usd"]
    model.corridors = meta["corridors"]
    model.policy.shelter_capacity_persons[:] = arrays["policy_shelter_capacity_persons"]
    model._departed_persons = arrays["departed_persons"].copy()
    for name, array in model.crossings.policy_state().items():
        array[:] = arrays[f"crossing_{name}"]
    model.information.load(meta["information"])
    model.surveys.load({k: v for k, v in arrays.items() if k.startswith("survey")})
    restore_programmes(model, meta["programmes"])
    restore_governments(model, meta["governments"])
    model.day = meta["day"]
    model.running = model.day < model.days
    model.event_log = meta["event_log"]
    model.timings = meta["timings"]
    for raw in meta["injected"]:
        model.apply(raw)
    model.update_routes(news=False)
    model.stale_routes = dataclasses.replace(model.routes, next_link=arrays["stale_next_link"].copy())
    last = model.day - 1
    at_node = model.recorder.node["people"][last] if last >= 0 else model.recorder.start_people
    model._stock_persons = at_node * float(model.scale)
    return model
