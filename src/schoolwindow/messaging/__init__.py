"""Talking with families: one Django app (one set of models and migrations), in parts by concern.

conversations/, delivery/, broadcasts/, summaries/, positive/, translation/ and settings/ each
hold their services, selectors and views. Other apps use only `messaging.api`.
"""
