"""Tabletop exercises: rounds, teams, injects, an exercise log that survives crashes, and a web app."""
