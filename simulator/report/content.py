"""Everything one run's or one ensemble's report shows, computed once: figures with bands, dates, names."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from models.state import TOPICS
from simulator.report import indicators
from simulator.report.bands import derived, direct
from simulator.report.folder import Results
from simulator.report.geo import country_names
from simulator.report.places import Places, load_places

FLOW_WINDOW_DAYS = 30
"""Link widths on the map show the people who set out along a link in the 30 days up to the map's date."""

TOPIC_LABELS = {
    "regular_channels": "regular channels and documents",
    "route_risks": "risks on the route",
    "local_alternatives": "alternatives where they are",
    "destination_services": "services at the destination",
}


@dataclass
class Content:
    """The figures of one run or ensemble, with names and dates for a reader."""

    results: Results
    places: Places | None
    map_dates: list[pd.Timestamp]

    @property
    def banded(self) -> bool:
        """Whether figures have bands (more than one replicate)."""
        return self.results.banded

    @cached_property
    def dates(self) -> pd.DatetimeIndex:
        """Every simulated date."""
        totals = self.results.replicates[0]["totals"]
        return pd.DatetimeIndex(pd.to_datetime(totals["date"]).sort_values().unique())

    @property
    def start(self) -> pd.Timestamp:
        """First simulated date."""
        return self.dates[0]

    @property
    def end(self) -> pd.Timestamp:
        """Last simulated date."""
        return self.dates[-1]

    @cached_property
    def country_names(self) -> dict[str, str]:
        """iso3 -> country name (the scenario's, else Natural Earth's)."""
        names = country_names()
        if self.places is not None and "country" in self.places.nodes:
            for iso3, name in zip(self.places.nodes["iso3"], self.places.nodes["country"], strict=True):
                if isinstance(name, str) and name:
                    names[iso3] = name
        return names

    def country(self, iso3: str) -> str:
        """A country's name."""
        return self.country_names.get(iso3, iso3)

    def node(self, node_id: str) -> str:
        """A place's name."""
        return self.places.node_name(node_id) if self.places is not None else node_id

    @cached_property
    def arrivals(self) -> pd.DataFrame:
        """Arrivals so far per destination country and day."""
        return derived(self.results, indicators.arrivals_so_far)

    @cached_property
    def arrivals_monthly(self) -> pd.DataFrame:
        """Arrivals per destination country and calendar month."""
        return derived(self.results, indicators.arrivals_by_month)

    @cached_property
    def waiting(self) -> pd.DataFrame:
        """People waiting per crossing and day."""
        return direct(self.results, "crossings", "waiting")

    @cached_property
    def shelter_nodes(self) -> pd.DataFrame:
        """People without shelter per place and day."""
        return direct(self.results, "nodes", "without_shelter")

    @cached_property
    def shelter_total(self) -> pd.DataFrame:
        """People without shelter, all places together, per day."""
        return direct(self.results, "totals", "without_shelter")

    @cached_property
    def so_far(self) -> pd.DataFrame:
        """Irregular crossings and incidents so far, all crossings together (``measure``), per day."""
        return derived(self.results, indicators.totals_so_far)

    @cached_property
    def crossing_totals(self) -> pd.DataFrame:
        """Per crossing over the run: regular, irregular, incidents, most waiting (``measure``)."""
        return derived(self.results, indicators.crossing_totals)

    @cached_property
    def knowledge(self) -> pd.DataFrame:
        """Share of people on the move who know each topic (``topic``), per day."""
        frames = [direct(self.results, "totals", f"share_knowing_{t}").assign(topic=t) for t in TOPICS]
        return pd.concat(frames, ignore_index=True)

    @cached_property
    def reach(self) -> pd.DataFrame:
        """People reached so far per campaign and channel, per day."""
        return derived(self.results, indicators.campaign_reach_so_far)

    @cached_property
    def misinformation_sources(self) -> set[str]:
        """Names of the "campaigns" that are misinformation sources."""
        c = self.results.replicates[0]["campaigns"]
        if c.empty or "misinformation" not in c:
            return set()
        return set(c.loc[c["misinformation"].astype(bool), "campaign"])

    def campaign_label(self, campaign: str, channel: str) -> str:
        """``Migrar Informados (social media)``, or ``Smugglers' offers (misinformation, word of mouth)``."""
        kind = "misinformation, " if campaign in self.misinformation_sources else ""
        return f"{campaign} ({kind}{channel.replace('_', ' ')})"

    @cached_property
    def node_people(self) -> pd.DataFrame:
        """People present per place and day."""
        return direct(self.results, "nodes", "people")

    @cached_property
    def link_flow(self) -> pd.DataFrame:
        """People setting out along each link in the 30 days up to each map date."""
        dates = self.map_dates
        return derived(self.results, lambda t: indicators.link_flow_window(t, dates, FLOW_WINDOW_DAYS))


def default_map_dates(dates: pd.DatetimeIndex, count: int = 3) -> list[pd.Timestamp]:
    """``count`` dates spread over the run, the last one being its end."""
    n = len(dates)
    picks = sorted({round((n - 1) * (i + 1) / count) for i in range(count)})
    return [dates[i] for i in picks]


def build_content(results: Results, map_dates: list | None = None) -> Content:
    """The content of a run's or an ensemble's report; ``map_dates`` default to three dates over the run."""
    from simulator.errors import MigsimError

    places = load_places(results.scenario, results.first_record)
    content = Content(results=results, places=places, map_dates=[])
    if map_dates:
        chosen = [pd.Timestamp(d) for d in map_dates]
        outside = [d for d in chosen if d not in content.dates]
        if outside:
            raise MigsimError(f"--dates: {outside[0].date()} is outside the run ({content.start.date()} to {content.end.date()})")
        content.map_dates = sorted(set(chosen))
    else:
        content.map_dates = default_map_dates(content.dates)
    return content
