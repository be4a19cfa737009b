"""Route tables: next link and distance from every node to every target node.

Computed with ``scipy.sparse.csgraph.dijkstra`` on the open part of the graph
(links whose both ends are open nodes and which are themselves open), from the
targets on the reversed graph, so one call gives every node's distance *to*
each target and the next node on its shortest route.  Tables are recomputed
only when an event changes the graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from simulator.graph import CompiledGraph


@dataclass
class RouteTables:
    """Shortest routes towards each target node.

    ``targets`` are node indices; ``target_column[node]`` is the column of a
    node in the tables (-1 if it is not a target).  ``next_link[n, j]`` is the
    directed link to take at node n towards target j (-1: none, or already
    there) and ``distance_km[n, j]`` the route length (inf: unreachable).
    """

    targets: np.ndarray
    target_column: np.ndarray
    next_link: np.ndarray
    distance_km: np.ndarray


def compute_routes(graph: CompiledGraph, targets: np.ndarray, node_open: np.ndarray, link_open: np.ndarray) -> RouteTables:
    """Route tables towards ``targets`` over open links into open nodes (``link_open`` is uint8 per directed link)."""
    n = graph.n_nodes
    usable = (link_open != 0) & (node_open[graph.link_dst] != 0)
    src = graph.link_src[usable]
    dst = graph.link_dst[usable]
    length = graph.link_length_km[usable].astype(np.float64)
    ids = np.flatnonzero(usable)
    # Keep the shortest of parallel links between the same two nodes.
    order = np.lexsort((length, dst, src))
    src, dst, length, ids = src[order], dst[order], length[order], ids[order]
    first = np.ones(len(src), dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    src, dst, length, ids = src[first], dst[first], length[first], ids[first]
    # Reversed graph: an edge dst -> src, so distances from a target are distances to it.
    reversed_graph = csr_matrix((length, (dst, src)), shape=(n, n))
    if len(targets):
        dist, pred = dijkstra(reversed_graph, directed=True, indices=targets, return_predecessors=True)
    else:
        dist = np.zeros((0, n))
        pred = np.zeros((0, n), dtype=np.int32)
    distance_km = dist.T.copy()  # (n, targets)
    # src is sorted, one link per (src, dst): each node's outgoing links are a slice.
    first_out = np.searchsorted(src, np.arange(n + 1)).astype(np.int64)
    next_link = _next_links(pred.astype(np.int32, copy=False), first_out, dst.astype(np.int32), ids.astype(np.int32))
    target_column = np.full(n, -1, dtype=np.int32)
    target_column[targets] = np.arange(len(targets), dtype=np.int32)
    return RouteTables(
        targets=np.asarray(targets, dtype=np.int32), target_column=target_column, next_link=next_link, distance_km=distance_km
    )


@njit(cache=True)
def _next_links(pred, first_out, link_dst, link_id):
    """(nodes, targets) directed link from each node to its predecessor towards each target (-1: none).

    ``pred[j, v]`` is the next node from v towards target j (negative: none);
    node v's usable links are ``first_out[v] .. first_out[v + 1]``.
    """
    n_targets, n = pred.shape
    out = np.full((n, n_targets), -1, dtype=np.int32)
    for v in range(n):
        for j in range(n_targets):
            towards = pred[j, v]
            if towards >= 0:
                for e in range(first_out[v], first_out[v + 1]):
                    if link_dst[e] == towards:
                        out[v, j] = link_id[e]
                        break
    return out


def regular_link_open(graph: CompiledGraph, link_open: np.ndarray, crossings) -> np.ndarray:
    """``link_open`` with the crossings that have no open regular channel closed: the regular-only graph."""
    crossing = crossings.link_crossing
    regular = np.ones(len(link_open), dtype=np.uint8)
    is_crossing = crossing >= 0
    regular[is_crossing] = crossings.regular_open[crossing[is_crossing]]
    return (link_open & regular).astype(np.uint8)


def passable_link_open(link_open: np.ndarray, crossings) -> np.ndarray:
    """``link_open`` with the crossings closed to everybody (no open channel of any kind) closed."""
    crossing = crossings.link_crossing
    passable = np.ones(len(link_open), dtype=np.uint8)
    is_crossing = crossing >= 0
    x = crossing[is_crossing]
    passable[is_crossing] = ((crossings.regular_open[x] != 0) | (crossings.irregular_open[x] != 0)).astype(np.uint8)
    return (link_open & passable).astype(np.uint8)
