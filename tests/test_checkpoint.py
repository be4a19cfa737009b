"""Checkpoint, restore, run on: identical to the uninterrupted run, bit for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.errors import MigsimError, ScenarioError
from simulator.model import MigrationModel
from tests.conftest import tiny_data


def _scenario():
    data = tiny_data()
    data["days"] = 30
    data["parameters"] = {"movement": {"onward_probability_per_day": 0.01, "return_probability_per_day": 0.005}}
    data["events"] = [{"type": "close_node", "day": 12, "node": "H"}, {"type": "open_node", "day": 20, "node": "H"}]
    return data


def test_restored_run_equals_uninterrupted_run(tmp_path):
    whole = MigrationModel(scenario=_scenario(), seed=3)
    whole.run()

    first = MigrationModel(scenario=_scenario(), seed=3)
    first.run(until_day=15)
    first.apply({"type": "scale_departures", "day": 18, "factor": 1.0})
    path = first.checkpoint(tmp_path / "day15.npz")
    del first
    restored = MigrationModel.restore(path)
    assert restored.day == 15
    restored.run()

    for name, table in whole.tables().items():
        pd.testing.assert_frame_equal(table, restored.tables()[name], check_exact=True)
    for name, array in whole.population.arrays().items():
        assert np.array_equal(array, restored.population.arrays()[name]), name


def test_checkpoint_has_no_pickle(tmp_path):
    model = MigrationModel(scenario=_scenario(), days=3)
    model.run()
    path = model.checkpoint(tmp_path / "c.npz")
    with np.load(path, allow_pickle=False) as data:
        assert all(data[k].dtype != object for k in data.files)


def test_restore_of_a_file_that_is_not_a_checkpoint(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(MigsimError):
        MigrationModel.restore(bad)


def test_injected_event_is_validated_and_changes_nothing_when_bad():
    model = MigrationModel(scenario=_scenario(), days=5)
    with pytest.raises(ScenarioError, match="'Hubb' is not a node; did you mean 'Hub'"):
        model.apply({"type": "close_node", "node": "Hubb"})
    model.apply({"type": "close_node", "node": "Hub"})
    model.step()
    assert model.policy.node_open[model.graph.index("H")] == 0
    assert model.event_log[-1]["type"] == "close_node"


def test_restore_with_queues_programmes_rules_and_campaigns(tmp_path):
    from tests.test_borders import border

    rule = {
        "type": "conditional",
        "day": 0,
        "name": "shelter",
        "quantity": "people_without_shelter",
        "at": "X",
        "above": 100,
        "lag_days": 2,
        "repeat": True,
        "then": {"type": "add_shelter_capacity", "node": "X", "persons": 150},
    }
    events = [
        rule,
        {"type": "regularisation", "day": 3, "country": "COL", "capacity_persons_per_day": 7.5},
        {"type": "relocation", "day": 8, "nodes": ["X"], "to": ["D"], "capacity_persons_per_day": 12.5},
        {
            "type": "campaign",
            "name": "c",
            "day": 2,
            "channels": [{"kind": "information_centre", "nodes": ["X"], "contact_rate_per_day": 0.3}],
            "messages": ["regular_channels"],
        },
    ]
    data = border(
        {"capacity_persons_per_day": 30, "irregular_alternative": True, "robbery_risk": 0.1},
        events,
        days=30,
        population=[{"documents": {"passport": 0.6}}],
        crossings_params={"give_up_irregular_probability_per_day": 0.2, "give_up_stay_probability_per_day": 0.05},
    )
    data["graph"]["nodes"][1]["shelter_capacity_persons"] = 100
    whole = MigrationModel(scenario=data, scale=3)
    whole.run()
    first = MigrationModel(scenario=data, scale=3)
    first.run(until_day=13)
    restored = MigrationModel.restore(first.checkpoint(tmp_path / "c.npz"))
    restored.run()
    assert whole.tables()["totals"]["regularisations"].sum() > 0
    assert any(e["type"] == "conditional_triggered" for e in whole.event_log)
    for name, table in whole.tables().items():
        pd.testing.assert_frame_equal(table, restored.tables()[name], check_exact=True)
    for name, array in whole.population.arrays().items():
        assert np.array_equal(array, restored.population.arrays()[name]), name
