"""Shared pieces of the groups page tests: a team group in the sandbox, a signed-in operator."""
from __future__ import annotations

import re

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


def links_account(html: str, user_id: str) -> bool:
    """Whether `html` links to the account page of `user_id` (the accounts pages serve /accounts/u/<id>)."""
    return re.search(rf'href="/accounts/(u/)?{re.escape(user_id)}"', html) is not None
