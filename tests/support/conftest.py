from __future__ import annotations

import pytest

from tests.pages.conftest import World, build_pages_world


@pytest.fixture
def world(db: None) -> World:
    return build_pages_world()
