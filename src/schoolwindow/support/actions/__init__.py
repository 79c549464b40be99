"""Calls and referrals: the help no other app keeps, the pupil's support timeline across every
kind, and the help linked to a watchlist flag when it is resolved."""
