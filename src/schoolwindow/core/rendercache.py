"""Rendered rows kept in memory: one small cache of HTML fragments for the long lists.

The watchlist's rows, the inboxes' rows and the items of a conversation or a pupil's
timeline are each drawn from a template many times a day, by several people, while what
they show changes rarely (a flag once a morning and when someone acts; a message when a
copy's fate does). Each list keeps one `RenderCache` at module level and asks it first.

What is keyed: the caller's `cache_key`, a hash of *everything* the fragment shows (the
reader's language, the record's id and `updated_at`, the names, statuses and flags that
decide what is drawn, and which view it is drawn for: staff or family, with or without the
school's name). A fragment is therefore reused only for exactly the same output; anything
that changes gives a new key, and the old entry simply ages out. Nothing has to be cleared.

Why it is safe:
- It holds HTML, never querysets or model instances, so no data is read through it.
- Nothing specific to one reader goes into a fragment unless it is in the key (the role
  flags such as "may triage" are): permission checks still run on every request before a
  row is chosen, and the cache only replaces the drawing of a row already allowed.
- Links that must carry the page's own address (with its filters) are drawn with
  `NEXT_MARK` in their place and filled in per request with `fill_next`, so a row cached
  from one person's list never carries another's.
- Each process has its own copy, bounded (least recently used first out), guarded by a lock
  for threaded servers. A restart, or another process, just draws the rows again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from urllib.parse import quote

# Stands for the list's own address (with its filters) in cached rows.
NEXT_MARK = "__sw_next__"


class RenderCache:
    """HTML fragments keyed by everything they show, in this process; a bounded LRU."""

    def __init__(self, size: int = 4000) -> None:
        self.size = size
        self.rows: OrderedDict[str, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> str | None:
        """The fragment drawn for this key, if it is still held (and mark it recently used)."""
        with self.lock:
            html = self.rows.get(key)
            if html is not None:
                self.rows.move_to_end(key)
            return html

    def put(self, key: str, html: str) -> None:
        """Keep a drawn fragment, dropping the least recently used beyond `size`."""
        with self.lock:
            self.rows[key] = html
            self.rows.move_to_end(key)
            while len(self.rows) > self.size:
                self.rows.popitem(last=False)


def fill_next(html: str, next_url: str) -> str:
    """Put this request's own address where the cached rows hold `NEXT_MARK`."""
    return html.replace(NEXT_MARK, quote(next_url, safe="/"))
