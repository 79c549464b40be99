from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture
def english() -> Iterator[None]:
    """Reasons are words: read them in English whatever an earlier test left active
    (`pytest.mark.usefixtures("english")`)."""
    with translation.override("en-gb"):
        yield
