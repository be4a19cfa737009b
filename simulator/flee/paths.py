"""Candidate paths of Flee's route choice: every loop-free path of 1..L links from each location.

Markers are passed through without counting as a link and are never the end
of a path; every prefix of a path that ends at a non-marker is a candidate of
its own.  Parallel links (Flee's ``forced_redirection = 1`` rows make each
link twice) give parallel candidates, so that neighbour weighs double, as in
Flee.  Closed links and links into closed locations are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.flee import MARKER


@dataclass
class PathTable:
    """Paths of location a are rows ``start[a] .. start[a+1]-1``: end location, length, links (padded with -1)."""

    start: np.ndarray  # int64 (nodes + 1,)
    end: np.ndarray  # int32 (paths,)
    km: np.ndarray  # float64 (paths,)
    links: np.ndarray  # int32 (paths, width)
    n_links: np.ndarray  # int32 (paths,)

    @property
    def width(self) -> int:
        """Most links in one path."""
        return int(self.links.shape[1])


def enumerate_paths(
    link_src: np.ndarray,
    link_dst: np.ndarray,
    link_length_km: np.ndarray,
    link_open: np.ndarray,
    node_open: np.ndarray,
    location_type: np.ndarray,
    awareness_level: int,
) -> PathTable:
    """Every candidate path, by start location, in link order (so results do not depend on anything else)."""
    n = len(location_type)
    outgoing: list[list[int]] = [[] for _ in range(n)]
    for k in range(len(link_src)):
        if link_open[k] and node_open[link_dst[k]]:
            outgoing[int(link_src[k])].append(k)
    ends: list[int] = []
    kms: list[float] = []
    routes: list[tuple[int, ...]] = []
    start = np.zeros(n + 1, dtype=np.int64)
    for a in range(n):
        if awareness_level > 0:
            _extend(a, (), 0.0, 0, {a}, outgoing, link_dst, link_length_km, location_type, awareness_level, ends, kms, routes)
        start[a + 1] = len(ends)
    width = max((len(r) for r in routes), default=1)
    links = np.full((len(routes), width), -1, dtype=np.int32)
    for p, route in enumerate(routes):
        links[p, : len(route)] = route
    return PathTable(
        start=start,
        end=np.array(ends, dtype=np.int32),
        km=np.array(kms, dtype=np.float64),
        links=links,
        n_links=np.array([len(r) for r in routes], dtype=np.int32),
    )


def _extend(here, route, km, depth, visited, outgoing, link_dst, link_length_km, location_type, level, ends, kms, routes):
    for k in outgoing[here]:
        b = int(link_dst[k])
        if b in visited:
            continue
        marker = location_type[b] == MARKER
        reached = depth if marker else depth + 1
        if reached > level:
            continue
        path = (*route, k)
        length = km + float(link_length_km[k])
        if not marker:
            ends.append(b)
            kms.append(length)
            routes.append(path)
        if reached < level or marker:
            visited.add(b)
            _extend(
                b, path, length, reached, visited, outgoing, link_dst, link_length_km, location_type, level, ends, kms, routes
            )
            visited.discard(b)
