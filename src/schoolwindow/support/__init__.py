"""Support: what the school does to help a family — home visits, loans, advocates (issue 11)."""
