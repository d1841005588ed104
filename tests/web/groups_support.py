"""Shared pieces of the groups page tests: a team group in the sandbox, a signed-in operator."""
from __future__ import annotations

import pytest


def team(sandbox, tim, users: list[str]):
    """Import `users`, create the Public group "team" (owner alice, members bob and carol);
    return the sandbox's group state."""
    tim.account.import_accounts(users)
    tim.group.create_group("Public", "Team", group_id="team", owner="alice", members=["bob", "carol"])
    return sandbox.state.groups


@pytest.fixture
def op(signed_in, im):
    """A browser signed in as an operator (after the module's `im` fixture set the sandbox up)."""
    return signed_in("operator")
