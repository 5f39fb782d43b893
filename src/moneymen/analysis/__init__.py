"""Analyses over the graph and a scenario: pure functions whose results are data (see DESIGN.md)."""
