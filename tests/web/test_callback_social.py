"""The sandbox's follow, official-account and moderation callbacks reach the console's /callback
over real HTTP, signed, and are acked and stored with their accounts (issue 16, api-social)."""
from __future__ import annotations

import json
import threading

import pytest
from events_support import stored_events
from werkzeug.serving import make_server

from console.tim.callbacks import COMMANDS

COMMANDS_SENT = [
    "Follow.CallbackAfterFollowAdd", "Follow.CallbackAfterFollowDelete",
    "OfficialAccount.CallbackBeforeCreateOfficialAccount", "OfficialAccount.CallbackAfterCreateOfficialAccount",
    "OfficialAccount.CallbackAfterOfficialAccountInfoChanged", "OfficialAccount.CallbackBeforeAddSubscriber",
    "OfficialAccount.CallbackAfterAddSubscriber", "OfficialAccount.CallbackAfterOfficialAccountFull",
    "OfficialAccount.CallbackAfterDeleteSubscriber", "OfficialAccount.CallbackBeforeSendMsg",
    "OfficialAccount.CallbackAfterSendMsg", "OfficialAccount.CallbackAfterMsgWithDraw",
    "OfficialAccount.CallbackAfterOfficialAccountDestroyed", "ContentCallback.ResultNotify",
]


@pytest.fixture
def console_url(app):
    """The console served over HTTP (werkzeug, threaded), for the sandbox to call."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/callback"
    server.shutdown()
    server.server_close()


def test_social_callbacks_from_the_sandbox_are_stored(app, sandbox, tim, console_url):
    assert set(COMMANDS_SENT) <= set(COMMANDS)          # the client's table knows every one
    sandbox.callbacks.configure(console_url, app.config["TIM_CALLBACK_TOKEN"])
    tim.account.import_accounts(["ann", "bob", "cat"])
    tim.follow.follow_users("ann", ["bob", "cat"])
    tim.follow.unfollow_user("ann", "cat")
    channel = tim.official_account.create("ann", "Notices").account_id
    tim.official_account.update(channel, introduction="all the notices", max_subscribers=1)
    tim.official_account.add_subscribers(channel, ["bob"])
    tim.official_account.delete_subscribers(channel, ["bob"])
    sent = tim.official_account.send_message(channel, "hello subscribers")
    tim.official_account.revoke_message(channel, sent.msg_key)
    tim.official_account.destroy(channel)
    tim.moderation.moderate("https://cos.example.com/a.mp4", content_type="Video", sender="ann", receiver="bob")
    assert sandbox.callbacks.flush(10)
    assert sum(sandbox.callbacks.failed.values()) == 0, sandbox.callbacks.failed

    rows = stored_events(app)
    assert sorted(r.command for r in rows) == sorted(COMMANDS_SENT)
    by_command = {r.command: r for r in rows}
    for row in rows:
        assert row.sign_status == "verified" and json.loads(row.ack)["ErrorCode"] == 0
    assert by_command["Follow.CallbackAfterFollowAdd"].category == "Follow"
    assert "|ann|" in by_command["Follow.CallbackAfterFollowAdd"].accounts
    assert "|cat|" in by_command["Follow.CallbackAfterFollowDelete"].accounts
    added = by_command["OfficialAccount.CallbackAfterAddSubscriber"]
    assert added.category == "OfficialAccount" and "|bob|" in added.accounts and channel not in added.accounts
    assert json.loads(by_command["OfficialAccount.CallbackAfterSendMsg"].payload)["MsgKey"] == sent.msg_key
    assert by_command["ContentCallback.ResultNotify"].category == "ContentCallback"
