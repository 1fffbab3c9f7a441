"""Helpers shared by the test suite: real services, per-run names, running hub parts."""
