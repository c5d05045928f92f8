"""The staff chat's id comes from the environment; a wrong value is a clear error."""

from __future__ import annotations

import pytest

from adapters.telegram.staff import staff_chat_id


def test_unset_means_no_staff_chat() -> None:
    assert staff_chat_id({}) is None
    assert staff_chat_id({"TELEGRAM_STAFF_CHAT_ID": "  "}) is None


def test_group_id_is_read() -> None:
    assert staff_chat_id({"TELEGRAM_STAFF_CHAT_ID": "-1001234567890"}) == -1001234567890


def test_bad_value_names_the_variable() -> None:
    with pytest.raises(ValueError, match="TELEGRAM_STAFF_CHAT_ID"):
        staff_chat_id({"TELEGRAM_STAFF_CHAT_ID": "@staffgroup"})
