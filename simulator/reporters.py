"""Module-level model reporters for Mesa's DataCollector (values in persons)."""

from __future__ import annotations

from models.crossings import T_IRREGULAR
from models.state import IN_TRANSIT, ON_LINK, RETURNED, SETTLED, WAITING


def _status_count(model, code: int) -> int:
    day = model.day - 1
    counts = model.recorder.status[day] if day >= 0 else model.recorder.start_status
    return int(counts[code]) * model.scale


def people_settled(model) -> int:
    """Persons settled at a node at the end of the last simulated day."""
    return _status_count(model, SETTLED)


def people_in_transit(model) -> int:
    """Persons on the move: on links, in transit at nodes, or waiting."""
    return sum(_status_count(model, code) for code in (IN_TRANSIT, ON_LINK, WAITING))


def people_returned(model) -> int:
    """Persons who have gone back to their origin so far."""
    return _status_count(model, RETURNED)


def arrivals_today(model) -> int:
    """Persons who reached their destination on the last simulated day."""
    day = model.day - 1
    return int(model.recorder.node["arrivals"][day].sum()) * model.scale if day >= 0 else 0


def people_waiting(model) -> int:
    """Persons queuing at crossings at the end of the last simulated day."""
    return _status_count(model, WAITING)


def irregular_crossings_today(model) -> int:
    """Irregular border crossings on the last simulated day (persons)."""
    day = model.day - 1
    return int(model.recorder.crossing[day, :, T_IRREGULAR].sum()) * model.scale if day >= 0 else 0


def people_without_shelter(model) -> int:
    """Persons beyond the shelter places of the nodes where they wait or stop, at the end of the last day."""
    day = model.day - 1
    return int(model.recorder.without_shelter[day].sum()) if day >= 0 else 0


MODEL_REPORTERS = {
    "settled": people_settled,
    "in_transit": people_in_transit,
    "returned": people_returned,
    "arrivals": arrivals_today,
    "waiting": people_waiting,
    "irregular_crossings": irregular_crossings_today,
    "without_shelter": people_without_shelter,
}
