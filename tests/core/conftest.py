"""What the core's tests share: the bundled assistant (loaded once per module) and an in-memory database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assistant.storage import open_storage


@pytest.fixture(scope="module")
def assistant() -> Any:
    from assistant.engine import Assistant

    return Assistant.load()


@pytest.fixture
def storage() -> Iterator[Any]:
    with open_storage("sqlite://") as store:
        yield store
