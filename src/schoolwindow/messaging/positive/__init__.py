"""Praise and positive notes, and each family's balance of good news, under /families/."""
