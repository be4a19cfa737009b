"""Information campaigns and misinformation sources as scenario events.

A campaign runs from its ``date`` (or ``day``) to its ``end_date`` (or
``end_day``, inclusive; default: the end of the run) through one or more
channels, each of which becomes a *slot* of the information phase with its
own reach mechanics (:mod:`models.information`).  A ``misinformation`` source
has the same form; its messages push knowledge the wrong way.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from models.state import CHANNELS, TOPICS
from simulator.events import Event, register_event
from simulator.schema import Strict


class ChannelSpec(Strict):
    """One channel of a campaign and its reach mechanics."""

    kind: Literal["social_media", "information_centre", "community_outreach", "mass_media", "word_of_mouth"]
    contact_rate_per_day: float = Field(gt=0, le=1, description="chance per day that an eligible person is reached")
    nodes: list[str] | None = Field(default=None, description="where the channel acts (default: the campaign's targets)")
    audience_persons: int | None = Field(default=None, ge=0, description="cap on the unique people reached")
    strength: float | None = Field(default=None, ge=0, le=1, description="share of the gap to the message closed per contact")


class TargetSpec(Strict):
    """Who a campaign targets: places (default: everywhere) and groups (default: all)."""

    nodes: list[str] | None = None
    groups: list[str] | None = None


class Campaign(Event):
    """Base of campaigns and misinformation sources."""

    misinformation: ClassVar[bool] = False
    name: str = Field(min_length=1)
    end_date: dt.date | None = None
    end_day: int | None = Field(default=None, ge=0)
    channels: list[ChannelSpec] = Field(min_length=1)
    targets: TargetSpec = Field(default_factory=TargetSpec)
    messages: list[str] = Field(min_length=1)
    strength: float = Field(default=0.5, ge=0, le=1)
    budget_usd: float | None = Field(default=None, ge=0)

    @field_validator("messages")
    @classmethod
    def _topics(cls, value: list[str]) -> list[str]:
        for topic in value:
            if topic not in TOPICS:
                raise ValueError(f"unknown topic '{topic}'; expected one of {', '.join(TOPICS)}")
        return value

    @model_validator(mode="after")
    def _one_end(self):
        if self.end_date is not None and self.end_day is not None:
            raise ValueError("give at most one of 'end_date' and 'end_day'")
        return self

    def end_in(self, start_date: dt.date, last_day: int) -> int:
        """Last day (inclusive) the campaign runs."""
        if self.end_day is not None:
            return self.end_day
        if self.end_date is not None:
            return (self.end_date - start_date).days
        return last_day

    def resolved(self, resolve) -> Event:
        """Resolve node names in targets and channels."""
        targets = self.targets
        if targets.nodes is not None:
            targets = targets.model_copy(
                update={"nodes": [resolve(n, ("targets", "nodes", i)) for i, n in enumerate(targets.nodes)]}
            )
        channels = [
            ch.model_copy(update={"nodes": [resolve(n, ("channels", j, "nodes", i)) for i, n in enumerate(ch.nodes)]})
            if ch.nodes is not None
            else ch
            for j, ch in enumerate(self.channels)
        ]
        return self.model_copy(update={"targets": targets, "channels": channels})

    def check(self, days: int, start_date: dt.date, groups: list[str], error) -> None:
        """The end is not before the start, and targeted groups exist."""
        from simulator.errors import suggestion

        for i, group in enumerate(self.targets.groups or []):
            if group not in groups:
                raise error(("targets", "groups", i), f"'{group}' is not one of the scenario's groups{suggestion(group, groups)}")
        start = self.day_in(start_date)
        end = self.end_in(start_date, days - 1)
        if end < start:
            field = "end_date" if self.end_date is not None else "end_day"
            raise error((field,), f"the campaign ends (day {end}) before it starts (day {start})")

    def apply(self, model) -> None:
        model.information.start_campaign(self, model)

    def describe(self) -> str:
        kinds = ", ".join(ch.kind.replace("_", " ") for ch in self.channels)
        what = "misinformation" if self.misinformation else "campaign"
        return f"{what} '{self.name}' starts ({kinds}; {', '.join(t.replace('_', ' ') for t in self.messages)})"


register_event("campaign")(Campaign)


@register_event("misinformation")
class Misinformation(Campaign):
    """A misinformation source (smugglers' rumours, false promises): its messages are wrong."""

    misinformation: ClassVar[bool] = True


assert set(CHANNELS) == {"social_media", "information_centre", "community_outreach", "mass_media", "word_of_mouth"}
