"""The information phase of a run: campaign slots, audience caps, word of mouth, and what it records.

Each (campaign, channel) pair that starts becomes a *slot* with a bit in every
agent's ``reached`` mask, so a slot's unique reach is exact.  A run can hold
at most 32 slots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import information as info
from models.rng import day_key
from models.state import CHANNELS, TOPICS
from simulator.errors import MigsimError

MAX_SLOTS = 32


@dataclass
class Slot:
    """One channel of one campaign."""

    campaign: str
    channel: str
    kind: int
    probability: float
    nodes: np.ndarray  # uint8 per node: where it acts
    groups: int  # bit mask of groups
    messages: np.ndarray  # int8 per topic: +100, -100 or 0
    strength: float
    cap_agents: int  # -1: no cap
    start_day: int
    end_day: int
    budget_usd: float | None
    reached_agents: int = 0


class InformationState:
    """Campaign slots and the shares word of mouth draws on; records reach per day."""

    def __init__(self, model):
        self.slots: list[Slot] = []
        self.days = model.days
        n = model.graph.n_nodes
        self.node_shares = np.zeros((n, len(TOPICS), 2))
        self.community_shares = np.zeros((n, len(TOPICS), 2))
        self.route_shares = np.ones(n)  # share of people at each node who know of the latest closures
        self.reach_rows: list[tuple] = []  # (day, slot index, new agents, exposures)
        self.conversations = np.zeros(model.days, dtype=np.int64)
        self.update_fading(model.params["information"])

    def update_fading(self, params) -> None:
        """Table of (1 - forgetting rate) ** days, for lazy fading."""
        from models.census import knowledge_thresholds

        self.fade_pow = (1.0 - params.forgetting_rate_per_day) ** np.arange(self.days + 2, dtype=np.float64)
        self.knowledge_thresholds = knowledge_thresholds(self.fade_pow)

    def start_campaign(self, campaign, model) -> None:
        """Open one slot per channel of ``campaign``."""
        g = model.graph
        groups = model.scenario.groups
        target_groups = campaign.targets.groups or groups
        group_mask = sum(1 << groups.index(name) for name in target_groups)
        start = model.day
        end = campaign.end_in(model.scenario.start_date, model.days - 1)
        messages = np.zeros(len(TOPICS), dtype=np.int8)
        for topic in campaign.messages:
            messages[TOPICS.index(topic)] = -100 if campaign.misinformation else 100
        for channel in campaign.channels:
            if len(self.slots) >= MAX_SLOTS:
                raise MigsimError(f"more than {MAX_SLOTS} campaign channels in one run")
            where = channel.nodes if channel.nodes is not None else campaign.targets.nodes
            nodes = np.ones(g.n_nodes, dtype=np.uint8)
            if where is not None:
                nodes[:] = 0
                nodes[[g.index(n) for n in where]] = 1
            cap = -1 if channel.audience_persons is None else channel.audience_persons // model.scale
            self.slots.append(
                Slot(
                    campaign=campaign.name,
                    channel=channel.kind,
                    kind=CHANNELS.index(channel.kind),
                    probability=channel.contact_rate_per_day,
                    nodes=nodes,
                    groups=group_mask,
                    messages=messages,
                    strength=campaign.strength if channel.strength is None else channel.strength,
                    cap_agents=cap,
                    start_day=start,
                    end_day=end,
                    budget_usd=campaign.budget_usd,
                )
            )

    def phase(self, model, day: int) -> None:
        """Campaign exposure then word of mouth for ``day``."""
        pop = model.population
        params = model.params["information"]
        active = [k for k, s in enumerate(self.slots) if s.start_day <= day <= s.end_day]
        if active:
            slots = [self.slots[k] for k in active]
            agents, local, draws = info.exposure_candidates(
                pop.status,
                pop.node,
                pop.origin,
                pop.flags,
                pop.group,
                pop.trust,
                np.array([s.kind for s in slots], dtype=np.int8),
                np.array([s.probability for s in slots]),
                np.stack([s.nodes for s in slots]),
                np.array([s.groups for s in slots], dtype=np.uint32),
                day_key(model.seed_value, "information", day),
                model.n_chunks,
            )
            slot_index = np.asarray(active, dtype=np.int32)[local]
            keep = np.ones(len(agents), dtype=bool)
            for k in active:
                slot = self.slots[k]
                mine = np.flatnonzero(slot_index == k)
                already = ((pop.reached[agents[mine]] >> np.uint32(k)) & 1).astype(bool)
                new = mine[~already]
                if slot.cap_agents >= 0:
                    room = max(slot.cap_agents - slot.reached_agents, 0)
                    if len(new) > room:
                        # Audience cap: the people with the smallest draws are reached, a deterministic choice.
                        order = np.lexsort((agents[new], draws[new]))
                        keep[new[order[room:]]] = False
                        new = new[order[:room]]
                slot.reached_agents += len(new)
                self.reach_rows.append((day, k, len(new), int(keep[mine].sum())))
            agents, slot_index = agents[keep], slot_index[keep]
            info.deliver(
                agents,
                slot_index,
                pop.flags,
                pop.knowledge,
                pop.info_day,
                pop.trust,
                pop.reached,
                np.uint16(day),
                self.fade_pow,
                np.array([s.kind for s in self.slots], dtype=np.int8),
                np.stack([s.messages for s in self.slots]),
                np.array([s.strength for s in self.slots]),
            )
        if params.word_of_mouth_contacts_per_day > 0:
            self.conversations[day] = info.word_of_mouth(
                pop.status,
                pop.node,
                pop.origin,
                pop.flags,
                pop.knowledge,
                pop.info_day,
                pop.trust,
                np.uint16(day),
                self.fade_pow,
                self.node_shares,
                self.community_shares,
                self.route_shares,
                params.word_of_mouth_contacts_per_day,
                params.word_of_mouth_strength,
                day_key(model.seed_value, "word_of_mouth", day),
                model.n_chunks,
            )

    def update_shares(self, at_node, node_knowledge, community_knowledge, members, knows_routes=None) -> None:
        """Shares knowing / misinformed per node and community, from the census, for tomorrow's word of mouth."""
        with np.errstate(invalid="ignore", divide="ignore"):
            if knows_routes is not None:
                self.route_shares = np.nan_to_num(knows_routes / at_node.astype(float), nan=1.0)
            self.node_shares = np.nan_to_num(node_knowledge / at_node[:, None, None].astype(float))
            if members.any():  # community counts are taken only on refresh days
                self.community_shares = np.nan_to_num(community_knowledge / members[:, None, None].astype(float))

    def state(self) -> dict:
        """JSON-able state for checkpoints (slots, reach records)."""
        return {
            "slots": [
                {
                    **{
                        k: getattr(s, k)
                        for k in (
                            "campaign",
                            "channel",
                            "kind",
                            "probability",
                            "groups",
                            "strength",
                            "cap_agents",
                            "start_day",
                            "end_day",
                            "budget_usd",
                            "reached_agents",
                        )
                    },
                    "nodes": s.nodes.tolist(),
                    "messages": s.messages.tolist(),
                }
                for s in self.slots
            ],
            "reach_rows": [list(map(int, r)) for r in self.reach_rows],
            "conversations": self.conversations.tolist(),
            "node_shares": self.node_shares.tolist(),
            "community_shares": self.community_shares.tolist(),
            "route_shares": self.route_shares.tolist(),
        }

    def load(self, saved: dict) -> None:
        """Restore :meth:`state`."""
        self.slots = [
            Slot(**{**s, "nodes": np.array(s["nodes"], dtype=np.uint8), "messages": np.array(s["messages"], dtype=np.int8)})
            for s in saved["slots"]
        ]
        self.reach_rows = [tuple(r) for r in saved["reach_rows"]]
        self.conversations = np.array(saved["conversations"], dtype=np.int64)
        self.node_shares = np.array(saved["node_shares"])
        self.community_shares = np.array(saved["community_shares"])
        self.route_shares = np.array(saved["route_shares"])
