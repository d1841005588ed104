"""Shared by the test_groups_*.py files: calls to group_open_http_svc through the `tim` client."""
from __future__ import annotations

import pytest

from console.tim import TimError

SVC = "group_open_http_svc/"


def call(tim, command: str, body: dict, service: str = SVC) -> dict:
    """A group command (or one of `service`) that must succeed; its answer."""
    return tim.call(service + command, body)


def code(tim, command: str, body: dict, service: str = SVC) -> int:
    """The ErrorCode of a group command (or one of `service`) that must fail."""
    with pytest.raises(TimError) as err:
        tim.call(service + command, body)
    return err.value.code


def import_accounts(sandbox, *names: str) -> tuple[str, ...]:
    for name in names:
        sandbox.state.import_account(name)
    return names
