"""The route graph: a networkx graph for people and tools, compiled to arrays for kernels.

Nodes are places (origin cities, border crossings, transit hubs, reception
stations, destination cities); each undirected link of the scenario becomes two
directed links of equal length.  The compiled form numbers nodes 0..N-1 in
scenario order and directed links 0..2L-1 (link k of the scenario is directed
links 2k, from -> to, and 2k+1, to -> from).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from models.movement import MovementParams
from models.state import DESTINATION_CITY, NODE_KINDS, ORIGIN_CITY, RECEPTION_STATION
from simulator.scenario import Scenario


def build_networkx(scenario: Scenario) -> nx.MultiGraph:
    """The scenario's route graph as a networkx MultiGraph with all attributes."""
    graph = nx.MultiGraph(name=scenario.name)
    for node in scenario.nodes:
        graph.add_node(node.id, **node.model_dump(exclude={"id"}))
    for link in scenario.links:
        graph.add_edge(link.from_, link.to, key=link.id, **link.model_dump(exclude={"id", "from_", "to"}))
    return graph


@dataclass
class CompiledGraph:
    """Array form of the route graph, the only form kernels see."""

    node_ids: list[str]
    node_names: list[str]
    node_iso3: list[str]
    node_kind: np.ndarray  # int8 kind code per node
    latitude: np.ndarray
    longitude: np.ndarray
    attractiveness: np.ndarray  # float64 per node
    shelter_capacity_persons: np.ndarray  # int64 per node, -1 where unlimited/unknown
    link_ids: list[str]  # scenario link id per undirected link
    link_src: np.ndarray  # int32 per directed link
    link_dst: np.ndarray  # int32 per directed link
    link_length_km: np.ndarray  # float32 per directed link
    link_speed_km_per_day: np.ndarray  # float32 per directed link
    link_mode: list[str]  # per undirected link
    countries: list[str]  # ISO3 codes, sorted
    node_country: np.ndarray  # int16 index into countries

    def __post_init__(self):
        self._index = {node_id: i for i, node_id in enumerate(self.node_ids)}
        self._link_index = {link_id: k for k, link_id in enumerate(self.link_ids)}

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_ids)

    @property
    def n_links(self) -> int:
        """Number of directed links."""
        return len(self.link_src)

    def index(self, node_id: str) -> int:
        """Array index of a node id."""
        return self._index[node_id]

    def directed_links_of(self, link_id: str) -> tuple[int, int]:
        """The two directed link indices of a scenario link id."""
        k = self._link_index[link_id]
        return 2 * k, 2 * k + 1

    def destination_nodes(self) -> np.ndarray:
        """Nodes people can choose as destinations (attractiveness > 0)."""
        return np.flatnonzero(self.attractiveness > 0).astype(np.int32)

    def origin_nodes(self) -> np.ndarray:
        """Origin cities."""
        return np.flatnonzero(self.node_kind == ORIGIN_CITY).astype(np.int32)

    def forces_stop(self) -> np.ndarray:
        """uint8 per node: 1 where travellers must stop (reception stations register people)."""
        return (self.node_kind == RECEPTION_STATION).astype(np.uint8)


def compile_graph(scenario: Scenario, movement: MovementParams) -> CompiledGraph:
    """Compile the scenario's nodes and links into arrays."""
    node_ids = [n.id for n in scenario.nodes]
    index = {node_id: i for i, node_id in enumerate(node_ids)}
    countries = sorted({n.iso3 for n in scenario.nodes})
    country_index = {c: i for i, c in enumerate(countries)}
    speeds = movement.speed_by_mode()
    n_links = len(scenario.links)
    src = np.empty(2 * n_links, dtype=np.int32)
    dst = np.empty(2 * n_links, dtype=np.int32)
    length = np.empty(2 * n_links, dtype=np.float32)
    speed = np.empty(2 * n_links, dtype=np.float32)
    for k, link in enumerate(scenario.links):
        a, b = index[link.from_], index[link.to]
        src[2 * k], dst[2 * k] = a, b
        src[2 * k + 1], dst[2 * k + 1] = b, a
        length[2 * k : 2 * k + 2] = link.distance_km
        speed[2 * k : 2 * k + 2] = link.speed_km_per_day or speeds[link.mode]
    attractiveness = np.array([n.attractiveness for n in scenario.nodes], dtype=np.float64)
    kinds = np.array([NODE_KINDS[n.kind] for n in scenario.nodes], dtype=np.int8)
    # Destination cities without an explicit attractiveness still attract a little.
    attractiveness = np.where((kinds == DESTINATION_CITY) & (attractiveness == 0), 1.0, attractiveness)
    return CompiledGraph(
        node_ids=node_ids,
        node_names=[n.name for n in scenario.nodes],
        node_iso3=[n.iso3 for n in scenario.nodes],
        node_kind=kinds,
        latitude=np.array([n.latitude for n in scenario.nodes]),
        longitude=np.array([n.longitude for n in scenario.nodes]),
        attractiveness=attractiveness,
        shelter_capacity_persons=np.array(
            [-1 if n.shelter_capacity_persons is None else n.shelter_capacity_persons for n in scenario.nodes],
            dtype=np.int64,
        ),
        link_ids=[lk.id for lk in scenario.links],
        link_src=src,
        link_dst=dst,
        link_length_km=length,
        link_speed_km_per_day=speed,
        link_mode=[lk.mode for lk in scenario.links],
        countries=countries,
        node_country=np.array([country_index[n.iso3] for n in scenario.nodes], dtype=np.int16),
    )
