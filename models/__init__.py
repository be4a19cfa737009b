"""Behaviour kernels of migsim: pure functions over arrays, compiled with Numba.

``PARAMETER_SETS`` maps the scenario key under ``parameters:`` to the dataclass
that declares that module's parameters, defaults and units.
"""

from models.crossings import CrossingParams
from models.flee import FleeParams
from models.information import InformationParams
from models.movement import MovementParams

PARAMETER_SETS = {
    "movement": MovementParams,
    "information": InformationParams,
    "crossings": CrossingParams,
    "flee": FleeParams,
}

__all__ = ["PARAMETER_SETS", "CrossingParams", "FleeParams", "InformationParams", "MovementParams"]
