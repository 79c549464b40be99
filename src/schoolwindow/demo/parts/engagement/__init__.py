"""The demo's engagement history: a year and a term of signals, the daily facts, risk models
and flags (see part.py). One seeded generator of its own, so the roster's draws are untouched."""
