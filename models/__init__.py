"""Behaviour kernels of migsim: pure functions over arrays, compiled with Numba.

``PARAMETER_SETS`` maps the scenario key under ``parameters:`` to the dataclass
that declares that module's parameters, defaults and units.
"""

from models.movement import MovementParams

PARAMETER_SETS = {
    "movement": MovementParams,
}

__all__ = ["PARAMETER_SETS", "MovementParams"]
