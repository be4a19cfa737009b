"""The ``exercise:`` section of a scenario: round length, teams and their levers, scripted injects.

::

    exercise:
      round_days: 7
      teams:
        - id: panama
          name: Government of Panama
          levers:
            - events: [close_node, open_node, set_shelter_capacity]
              nodes: [PA_ERMD]
            - events: [close_crossing, open_crossing]
              links: [L047]
      injects:
        - date: 2024-02-05
          title: Landslide near the Darién reception stations
          message: Heavy rain closes the road from Bajo Chiquito; canoes only.
          event: {type: close_link, link: L049}

A lever lets a team use some event types, on some nodes and links (all of
them when none are listed).  A team's move outside its levers is refused on
the server.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
from pydantic import Field

from simulator.events import EVENT_TYPES
from simulator.schema import Strict
from simulator.validation import located_error

FACILITATOR = "facilitator"


class LeverSpec(Strict):
    """Event types a team may use, and on which nodes and links (all when not listed)."""

    events: list[str] = Field(min_length=1)
    nodes: list[str] | None = None
    links: list[str] | None = None


class TeamSpec(Strict):
    """One team of the exercise."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1)
    description: str = ""
    levers: list[LeverSpec] = Field(default_factory=list)


class InjectSpec(Strict):
    """A scripted inject: announced on its day, with an optional event that takes effect then."""

    date: dt.date | None = None
    day: int | None = Field(default=None, ge=0)
    title: str = Field(min_length=1)
    message: str = ""
    event: dict[str, Any] | None = None


class ExerciseSpec(Strict):
    """The ``exercise:`` section."""

    round_days: int = Field(default=7, ge=1, le=365)
    teams: list[TeamSpec] = Field(default_factory=list)
    injects: list[InjectSpec] = Field(default_factory=list)

    def team(self, team_id: str) -> TeamSpec | None:
        """The team with this id, or None."""
        return next((t for t in self.teams if t.id == team_id), None)

    def inject_day(self, inject: InjectSpec, start_date: dt.date) -> int:
        """The simulation day of a scripted inject."""
        return inject.day if inject.day is not None else (inject.date - start_date).days


def parse_exercise(raw: Any, lines, names, link_ids: dict[str, bool], start_date: dt.date, days: int) -> dict[str, Any]:
    """Validate the ``exercise:`` section; returns it as plain data with node references resolved."""
    from simulator.errors import suggestion
    from simulator.scenario import parse_event

    where = ("exercise",)
    try:
        spec = ExerciseSpec.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise located_error(exc, lines, where, ExerciseSpec) from None
    seen = set()
    teams = []
    for i, team in enumerate(spec.teams):
        if team.id in seen or team.id == FACILITATOR:
            raise lines.error((*where, "teams", i, "id"), f"team id '{team.id}' is used twice or reserved")
        seen.add(team.id)
        levers = []
        for j, lever in enumerate(team.levers):
            path = (*where, "teams", i, "levers", j)
            for k, kind in enumerate(lever.events):
                if kind not in EVENT_TYPES:
                    raise lines.error((*path, "events", k), f"unknown event type '{kind}'{suggestion(kind, EVENT_TYPES)}")
            nodes = None
            if lever.nodes is not None:
                nodes = [names.resolve(ref, lines.error((*path, "nodes", k), "")) for k, ref in enumerate(lever.nodes)]
            for k, link in enumerate(lever.links or []):
                if link not in link_ids:
                    raise lines.error((*path, "links", k), f"'{link}' is not a link{suggestion(link, link_ids)}")
            levers.append(lever.model_copy(update={"nodes": nodes}))
        teams.append(team.model_copy(update={"levers": levers}))
    injects = []
    for i, inject in enumerate(spec.injects):
        path = (*where, "injects", i)
        if (inject.date is None) == (inject.day is None):
            raise lines.error(path, "give exactly one of 'date' and 'day'")
        day = spec.inject_day(inject, start_date)
        if not 0 <= day < days:
            raise lines.error((*path, "date" if inject.date else "day"), f"day {day} is outside the run (0 to {days - 1})")
        event = None
        if inject.event is not None:
            if "date" in inject.event or "day" in inject.event:
                raise lines.error((*path, "event"), "an inject's event takes no date or day: it happens on the inject's day")
            parsed = parse_event({**inject.event, "day": day}, (*path, "event"), lines, names, link_ids)
            event = {k: v for k, v in parsed.to_dict().items() if k not in ("day", "date")}
        injects.append(inject.model_copy(update={"event": event}))
    return spec.model_copy(update={"teams": teams, "injects": injects}).model_dump(mode="json", exclude_none=True)
