"""Fingerprints of imported records, so an unchanged row is recognised and not written again."""

from __future__ import annotations

import hashlib
import itertools
from array import array
from collections.abc import Iterable


def row_hash(values: Iterable[object]) -> str:
    """A stable 32-character fingerprint of the values we would write for one record."""
    text = "\x1f".join("" if value is None else str(value) for value in values)
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def link_hash(flag: bool, source_id: str) -> str:
    """row_hash for the two values of an enrolment, written out: it runs two million times."""
    text = f"{'1' if flag else '0'}\x1f{source_id}"
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class RepeatFinder:
    """Spots keys that occur twice among millions, keeping 8 bytes per key.

    Python's string hash is stable within one process, which is all we need: keys whose hashes
    collide are only *suspects*, and the caller confirms them by reading the file again.
    """

    PARTS = 64  # sorted a part at a time, so only 1/64 of the keys are ever Python ints at once

    def __init__(self) -> None:
        self._parts = [array("q") for _ in range(self.PARTS)]

    def add(self, key: str) -> None:
        digest = hash(key)
        self._parts[digest % self.PARTS].append(digest)

    def suspects(self) -> set[int]:
        found: set[int] = set()
        for part in self._parts:
            ordered = sorted(part)
            found.update(a for a, b in itertools.pairwise(ordered) if a == b)
        return found
