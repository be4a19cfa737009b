"""Flee-format scenarios: importing Flee's CSV folders, and the ``flee`` ruleset that runs them.

* :mod:`simulator.flee.reader` reads a Flee input folder, validation folder and
  settings file, with file:line errors;
* :mod:`simulator.flee.convert` maps them to a migsim scenario, warning about
  anything it cannot map; :mod:`simulator.flee.write` writes it atomically;
* :mod:`simulator.flee.section` is the scenario's ``flee:`` section (location
  types, populations, capacities, spawning);
* :mod:`simulator.flee.events` registers the ``conflict``,
  ``set_location_type`` and ``set_camp_capacity`` events;
* :mod:`simulator.flee.ruleset` runs a day with Flee's default rules
  (kernels in :mod:`models.flee`).
"""
