"""What each campaign did: its reach, its cost per person reached, and its effect.

The effect of a campaign is measured the honest way: the same scenario is run
again without that campaign, with the same seed and scale (common random
numbers), and the difference of the two runs is the campaign's effect.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from simulator.campaigns import Campaign
from simulator.model import MigrationModel

INDICATORS = {
    "irregular_crossings": "irregular border crossings (a person may make several)",
    "trafficking_incidents": "trafficking incidents on irregular crossings",
    "departures_from_origin": "people who left their place of origin",
    "stayed_at_origin": "people who gave up leaving (local alternatives)",
    "onward_moves": "settled people who moved on",
}


def indicators(tables: dict[str, pd.DataFrame], origin_nodes: set[str]) -> dict[str, int]:
    """The indicators a campaign is judged on, from one run's tables (persons)."""
    crossings, totals, nodes = tables["crossings"], tables["totals"], tables["nodes"]
    return {
        "irregular_crossings": int(crossings["irregular"].sum()),
        "trafficking_incidents": int(crossings["trafficking"].sum()),
        "departures_from_origin": int(nodes.loc[nodes["node_id"].isin(origin_nodes), "departures"].sum()),
        "stayed_at_origin": int(totals["stayed"].iloc[-1]) if len(totals) else 0,
        "onward_moves": int(totals["onward_decisions"].sum()),
    }


def campaign_reach(model) -> dict[str, int]:
    """Unique people (persons) each campaign reached through any of its channels so far."""
    reached = model.population.reached
    result: dict[str, int] = {}
    for name in dict.fromkeys(s.campaign for s in model.information.slots):
        mask = np.uint32(sum(1 << k for k, s in enumerate(model.information.slots) if s.campaign == name))
        result[name] = int(np.count_nonzero(reached & mask)) * model.scale
    return result


def campaign_effects(model, tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """One row per campaign: reach, budget, cost per person reached, and each indicator with and without it.

    ``model`` is a finished run; each campaign costs one more run of the same
    scenario, seed, scale and length without it.
    """
    tables = tables if tables is not None else model.tables()
    origin_nodes = {model.graph.node_ids[i] for i in model._origins}
    with_all = indicators(tables, origin_nodes)
    reach = campaign_reach(model)
    rows = []
    for event in model.scenario.events:
        if not isinstance(event, Campaign):
            continue
        without = dataclasses.replace(model.scenario, events=[e for e in model.scenario.events if e is not event])
        other = MigrationModel(scenario=without, seed=model.seed_value, scale=model.scale, days=model.days)
        other.run()
        counterfactual = indicators(other.tables(), origin_nodes)
        reached = reach.get(event.name, 0)
        row = {
            "campaign": event.name,
            "misinformation": event.misinformation,
            "reached_persons": reached,
            "budget_usd": event.budget_usd,
            "cost_per_person_reached_usd": (event.budget_usd / reached) if event.budget_usd and reached else None,
        }
        for key in INDICATORS:
            row[f"{key}_with"] = with_all[key]
            row[f"{key}_without"] = counterfactual[key]
            row[f"{key}_effect"] = with_all[key] - counterfactual[key]
        rows.append(row)
    return pd.DataFrame(rows)


def format_campaign_effects(effects: pd.DataFrame) -> str:
    """A short text table of reach, cost and effects for ``migsim run``."""
    if effects.empty:
        return ""
    lines = ["", "campaign effects (this run minus the same run without the campaign, same seed):"]
    for row in effects.itertuples():
        cost_value = row.cost_per_person_reached_usd
        cost = f", US${cost_value:,.2f} per person reached" if cost_value is not None and pd.notna(cost_value) else ""
        kind = "misinformation" if row.misinformation else "campaign"
        lines.append(f"  {row.campaign} ({kind}): reached {row.reached_persons:,} people{cost}")
        for key, label in INDICATORS.items():
            effect = getattr(row, f"{key}_effect")
            lines.append(f"    {label}: {getattr(row, f'{key}_with'):,} ({effect:+,})")
    return "\n".join(lines)
