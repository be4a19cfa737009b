"""Per-day counters of one run, and the tidy tables made from them.

Counters are kept in agents (not persons) as int64 arrays indexed by day;
tables multiply by the run's scale so they are always in persons.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from models.crossings import TALLY
from models.state import DEAD, IN_TRANSIT, ON_LINK, RETURNED, SETTLED, STAYED, TOPICS, WAITING
from simulator.graph import CompiledGraph
from simulator.programmes import POLICY_SERIES

NODE_SERIES = ("people", "arrivals", "departures", "entries", "returns")
TOTAL_SERIES = ("spawned", "onward_decisions", "return_decisions")


class Recorder:
    """Holds each day's counters; ``tables()`` turns them into DataFrames."""

    def __init__(self, graph: CompiledGraph, days: int, n_crossings: int = 0):
        n, links = graph.n_nodes, graph.n_links
        self.graph = graph
        self.days = days
        self.recorded_days = 0
        self.node = {name: np.zeros((days, n), dtype=np.int64) for name in NODE_SERIES}
        self.link_flow = np.zeros((days, links), dtype=np.int64)
        self.link_people = np.zeros((days, links), dtype=np.int64)
        self.status = np.zeros((days, 256), dtype=np.int64)
        self.totals = {name: np.zeros(days, dtype=np.int64) for name in TOTAL_SERIES}
        self.start_people = np.zeros(n, dtype=np.int64)
        self.start_status = np.zeros(256, dtype=np.int64)
        self.crossing = np.zeros((days, n_crossings, len(TALLY)), dtype=np.int64)
        self.queue = np.zeros((days, n_crossings, 3), dtype=np.int64)  # waiting, summed wait days, longest wait
        self.transit_at_node = np.zeros((days, n), dtype=np.int64)
        self.policy = np.zeros((days, len(POLICY_SERIES), n), dtype=np.int64)
        self.without_shelter = np.zeros((days, n), dtype=np.int64)  # persons
        self.knowledge = np.zeros((days, n, len(TOPICS), 2), dtype=np.int64)
        self.risk_sum = np.zeros((days, n), dtype=np.int64)

    def record_start(self, at_node: np.ndarray, by_status: np.ndarray) -> None:
        """The census on the start date, before day 0 runs."""
        self.start_people[:] = at_node
        self.start_status[:] = by_status

    def record_day(self, day, at_node, on_link, by_status, node_tally, link_flow, spawned, decided) -> None:
        """Store day ``day``'s census and flows (all in agents)."""
        self.node["people"][day] = at_node
        self.node["departures"][day] = node_tally[0]
        self.node["entries"][day] = node_tally[1]
        self.node["arrivals"][day] = node_tally[2]
        self.node["returns"][day] = node_tally[3]
        self.link_flow[day] = link_flow
        self.link_people[day] = on_link
        self.status[day] = by_status
        self.totals["spawned"][day] = spawned
        self.totals["onward_decisions"][day] = decided[0]
        self.totals["return_decisions"][day] = decided[1]
        self.recorded_days = day + 1

    def record_crossings(self, day: int, tally: np.ndarray) -> None:
        """Store day ``day``'s per-crossing tallies (columns of models.crossings.TALLY)."""
        self.crossing[day] = tally

    def record_queues(self, day: int, waiting: np.ndarray, waited_days: np.ndarray, longest_wait: np.ndarray) -> None:
        """People queuing per crossing at the end of the day, their summed and longest waits (days)."""
        self.queue[day, :, 0] = waiting
        self.queue[day, :, 1] = waited_days
        self.queue[day, :, 2] = longest_wait

    def record_policy(self, day: int, counts: np.ndarray) -> None:
        """People each programme acted on at each node today (rows: simulator.programmes.POLICY_SERIES)."""
        self.policy[day] = counts

    def record_shelter(self, day: int, transit_at_node: np.ndarray, without_shelter_persons: np.ndarray) -> None:
        """People in transit or waiting at each node (agents) and those beyond its shelter capacity (persons)."""
        self.transit_at_node[day] = transit_at_node
        self.without_shelter[day] = without_shelter_persons

    def record_information(self, day: int, node_knowledge: np.ndarray, node_risk_sum: np.ndarray) -> None:
        """Store the people knowing / misinformed per node and topic, and their summed risk perception."""
        self.knowledge[day] = node_knowledge
        self.risk_sum[day] = node_risk_sum

    def state(self) -> dict[str, np.ndarray]:
        """All counters as named arrays (for checkpoints)."""
        out = {f"node_{k}": v for k, v in self.node.items()}
        out.update({f"total_{k}": v for k, v in self.totals.items()})
        out.update(
            link_flow=self.link_flow,
            link_people=self.link_people,
            status=self.status,
            start_people=self.start_people,
            start_status=self.start_status,
            crossing=self.crossing,
            queue=self.queue,
            transit_at_node=self.transit_at_node,
            policy=self.policy,
            without_shelter=self.without_shelter,
            knowledge=self.knowledge,
            risk_sum=self.risk_sum,
            recorded_days=np.array(self.recorded_days),
        )
        return out

    def load(self, saved: dict[str, np.ndarray]) -> None:
        """Restore counters saved by :meth:`state`."""
        for k in self.node:
            self.node[k][:] = saved[f"node_{k}"]
        for k in self.totals:
            self.totals[k][:] = saved[f"total_{k}"]
        self.link_flow[:] = saved["link_flow"]
        self.link_people[:] = saved["link_people"]
        self.status[:] = saved["status"]
        self.start_people[:] = saved["start_people"]
        self.start_status[:] = saved["start_status"]
        self.crossing[:] = saved["crossing"]
        self.queue[:] = saved["queue"]
        self.transit_at_node[:] = saved["transit_at_node"]
        self.policy[:] = saved["policy"]
        self.without_shelter[:] = saved["without_shelter"]
        self.knowledge[:] = saved["knowledge"]
        self.risk_sum[:] = saved["risk_sum"]
        self.recorded_days = int(saved["recorded_days"])

    def tables(self, start_date: dt.date, scale: int) -> dict[str, pd.DataFrame]:
        """Tidy tables in persons: ``nodes``, ``links``, ``countries`` and ``totals``."""
        g = self.graph
        days = self.recorded_days
        dates = pd.to_datetime([start_date + dt.timedelta(days=d) for d in range(days)])
        n = g.n_nodes
        nodes = pd.DataFrame(
            {
                "day": np.repeat(np.arange(days, dtype=np.int32), n),
                "date": np.repeat(dates, n),
                "node_id": np.tile(g.node_ids, days),
                "iso3": np.tile(g.node_iso3, days),
                **{name: self.node[name][:days].ravel() * scale for name in NODE_SERIES},
                "in_transit_or_waiting": self.transit_at_node[:days].ravel() * scale,
                "without_shelter": self.without_shelter[:days].ravel(),
                **{name: self.policy[:days, j].ravel() * scale for j, name in enumerate(POLICY_SERIES)},
            }
        )
        links_n = g.n_links
        directed_ids = [g.link_ids[k // 2] for k in range(links_n)]
        links = pd.DataFrame(
            {
                "day": np.repeat(np.arange(days, dtype=np.int32), links_n),
                "date": np.repeat(dates, links_n),
                "link_id": np.tile(directed_ids, days),
                "from_node": np.tile(np.asarray(g.node_ids)[g.link_src], days),
                "to_node": np.tile(np.asarray(g.node_ids)[g.link_dst], days),
                "flow": self.link_flow[:days].ravel() * scale,
                "people": self.link_people[:days].ravel() * scale,
            }
        )
        countries = (
            nodes.groupby(["day", "date", "iso3"], sort=True)[
                ["people", "arrivals", "departures", "returns", "without_shelter", *POLICY_SERIES]
            ]
            .sum()
            .reset_index()
        )
        status = self.status[:days]
        totals = pd.DataFrame(
            {
                "day": np.arange(days, dtype=np.int32),
                "date": dates,
                "settled": status[:, SETTLED] * scale,
                "in_transit_at_nodes": status[:, IN_TRANSIT] * scale,
                "waiting": status[:, WAITING] * scale,
                "on_links": status[:, ON_LINK] * scale,
                "returned": status[:, RETURNED] * scale,
                "dead": status[:, DEAD] * scale,
                "stayed": status[:, STAYED] * scale,
                "departures_new": self.totals["spawned"][:days] * scale,
                "onward_decisions": self.totals["onward_decisions"][:days] * scale,
                "return_decisions": self.totals["return_decisions"][:days] * scale,
                "arrivals": self.node["arrivals"][:days].sum(axis=1) * scale,
            }
        )
        totals["people_in_system"] = totals[["settled", "in_transit_at_nodes", "waiting", "on_links"]].sum(axis=1)
        crossing = self.crossing[:days]
        totals["regular_crossings"] = crossing[:, :, 0].sum(axis=1) * scale
        totals["irregular_crossings"] = crossing[:, :, 1].sum(axis=1) * scale
        totals["incidents"] = crossing[:, :, 4:8].sum(axis=(1, 2)) * scale
        totals["without_shelter"] = self.without_shelter[:days].sum(axis=1)
        for j, name in enumerate(POLICY_SERIES[:3]):
            totals[name] = self.policy[:days, j].sum(axis=1) * scale
        at = self.node["people"][:days].sum(axis=1)
        for t, topic in enumerate(TOPICS):
            totals[f"share_knowing_{topic}"] = np.divide(
                self.knowledge[:days, :, t, 0].sum(axis=1), at, out=np.zeros(days), where=at > 0
            )
        return {"nodes": nodes, "links": links, "countries": countries, "totals": totals}

    def crossing_table(self, crossings, start_date: dt.date, scale: int) -> pd.DataFrame:
        """Per day and crossing: regular and irregular crossings, people blocked, documents obtained, incidents."""
        days = self.recorded_days
        count = len(crossings.link_ids)
        dates = pd.to_datetime([start_date + dt.timedelta(days=d) for d in range(days)])
        frame = pd.DataFrame(
            {
                "day": np.repeat(np.arange(days, dtype=np.int32), count),
                "date": np.repeat(dates, count),
                "link_id": np.tile(crossings.link_ids, days),
                "crossing": np.tile(crossings.names, days),
                "from_iso3": np.tile(crossings.from_iso3, days),
                "to_iso3": np.tile(crossings.to_iso3, days),
            }
        )
        for j, name in enumerate(TALLY):
            frame[name] = self.crossing[:days, :, j].ravel() * scale
        waiting = self.queue[:days, :, 0]
        frame["waiting"] = waiting.ravel() * scale
        frame["mean_wait_days"] = np.divide(
            self.queue[:days, :, 1], waiting, out=np.zeros(waiting.shape), where=waiting > 0
        ).ravel()
        frame["max_wait_days"] = self.queue[:days, :, 2].ravel()
        return frame

    def information_table(self, start_date: dt.date, scale: int) -> pd.DataFrame:
        """Per day, node and topic: people present, knowing, misinformed, their shares, and mean risk perception."""
        g = self.graph
        days, n, topics = self.recorded_days, g.n_nodes, len(TOPICS)
        dates = pd.to_datetime([start_date + dt.timedelta(days=d) for d in range(days)])
        people = np.repeat(self.node["people"][:days][:, :, None], topics, axis=2)
        knowing = self.knowledge[:days, :, :, 0]
        misinformed = self.knowledge[:days, :, :, 1]
        risk = np.divide(
            self.risk_sum[:days], self.node["people"][:days], out=np.zeros((days, n)), where=self.node["people"][:days] > 0
        )
        return pd.DataFrame(
            {
                "day": np.repeat(np.arange(days, dtype=np.int32), n * topics),
                "date": np.repeat(dates, n * topics),
                "node_id": np.tile(np.repeat(g.node_ids, topics), days),
                "topic": np.tile(TOPICS, days * n),
                "people": people.ravel() * scale,
                "knowing": knowing.ravel() * scale,
                "misinformed": misinformed.ravel() * scale,
                "share_knowing": np.divide(knowing, people, out=np.zeros(people.shape), where=people > 0).ravel(),
                "share_misinformed": np.divide(misinformed, people, out=np.zeros(people.shape), where=people > 0).ravel(),
                "mean_risk_perception": np.repeat(risk, topics, axis=1).ravel() / 100.0,
            }
        )
