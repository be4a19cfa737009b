"""Where things are: the scenario's places and links with coordinates, and its data-sources note.

Taken from the ``scenario.json`` a run writes into its folder; for older
folders, from the scenario file named in the run record (checked against its
recorded SHA-256).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.errors import MigsimError


@dataclass
class Places:
    """Nodes (id, name, iso3, kind, latitude, longitude), links (id, from_node, to_node) and where they came from."""

    nodes: pd.DataFrame
    links: pd.DataFrame
    scenario: dict[str, Any]
    origin: str  # where the places were read from
    file_note: str  # whether the scenario file on disk is the one that was run
    sources_md: str | None  # the scenario's SOURCES.md, when found
    sources_path: str | None

    def node_name(self, node_id: str) -> str:
        """A node's plain name, or its id when unknown."""
        row = self.nodes.loc[self.nodes["id"] == node_id]
        return str(row["name"].iloc[0]) if len(row) else node_id


def _sources_note(scenario_path: Path) -> tuple[str | None, str | None]:
    for candidate in (scenario_path.with_suffix("") / "SOURCES.md", scenario_path.parent / "SOURCES.md"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8"), str(candidate)
    return None, None


def load_places(scenario_dict: dict[str, Any] | None, run_record: dict[str, Any]) -> Places | None:
    """The places of the scenario a run used, or None when neither ``scenario.json`` nor the scenario file is at hand."""
    info = run_record.get("scenario", {})
    recorded = str(info.get("path") or "")
    scenario_path = Path(recorded) if recorded and not recorded.startswith("<") else None
    file_note = "the scenario was given inline; no file to check"
    loaded = None
    if scenario_path is not None:
        if scenario_path.is_file():
            from simulator.scenario import load_scenario

            try:
                loaded = load_scenario(scenario_path)
            except MigsimError as exc:
                file_note = f"{scenario_path} can no longer be loaded ({exc})"
            else:
                file_note = (
                    f"{scenario_path} and its tables are unchanged since the run (SHA-256 matches)"
                    if loaded.sha256 == info.get("sha256")
                    else f"{scenario_path} or its tables have changed since the run (SHA-256 differs): "
                    "the data-sources note may not describe this run"
                )
        else:
            file_note = f"{scenario_path} is no longer on this machine"
    origin = "scenario.json in the results folder"
    data = scenario_dict
    if data is None and loaded is not None:
        try:
            data = loaded.with_variant(info.get("variant")).to_dict()
        except MigsimError:
            data = None
        origin = f"{scenario_path} (no scenario.json in the results folder)"
    if data is None:
        return None
    nodes = pd.DataFrame(data["graph"]["nodes"])
    for column in ("name", "kind", "iso3"):
        if column not in nodes:
            nodes[column] = nodes["id"] if column == "name" else ""
    links = pd.DataFrame(data["graph"]["links"]).rename(columns={"from": "from_node", "to": "to_node"})
    sources_md, sources_path = _sources_note(scenario_path) if scenario_path is not None else (None, None)
    return Places(
        nodes=nodes,
        links=links,
        scenario=data,
        origin=origin,
        file_note=file_note,
        sources_md=sources_md,
        sources_path=sources_path,
    )
