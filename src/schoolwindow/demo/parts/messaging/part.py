"""The last weeks' messaging with families as a demo part (demo/parts/__init__.py)."""

from __future__ import annotations

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.parts import DemoPart
from schoolwindow.demo.parts.messaging._old_conversations import ConversationsBuilder


def messaging_build(ctx: DemoContext) -> None:
    # The last weeks' messaging tells the same stories, so it needs the history.
    ctx.counts["messaging"] = ConversationsBuilder(ctx).build()


PART = DemoPart(name="messaging", build=messaging_build, history=True)
