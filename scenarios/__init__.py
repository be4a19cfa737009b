"""Scenario files (YAML) and their data tables (CSV); data only, no code."""
