"""The report of a results folder: one self-contained HTML page for decision makers, and GIS/CSV exports.

    from simulator.report import write_report
    write_report("runs/venezuela_2024-...")          # -> runs/.../report.html, runs/.../exports/

One module per part: ``folder`` (reading the results), ``bands`` and
``indicators`` (figures with bands), ``content`` (what a report shows),
``headline``, ``mapplot``, ``charts``, ``tables``, ``methods``, ``exports``,
``comparison``, ``page`` (HTML) and ``build`` (``write_report``).
"""

from simulator.report.build import write_report

__all__ = ["write_report"]
