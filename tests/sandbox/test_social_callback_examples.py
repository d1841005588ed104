"""The follow and official-account callbacks the sandbox sends carry every field of Tencent's
published body for that command (read from ../shared/spec/examples/callbacks)."""
from __future__ import annotations

import glob
import json
import os

SVC = "official_account_open_http_svc/"
TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}]


def published_bodies(examples_dir: str, prefixes: tuple) -> dict:
    bodies = {}
    for path in glob.glob(os.path.join(examples_dir, "callbacks", "*.json")):
        with open(path, encoding="utf-8") as fh:
            example = json.load(fh)
        if example["command"].startswith(prefixes):
            bodies[example["command"]] = example["body"]
    return bodies


def test_sandbox_bodies_have_the_published_fields(examples_dir, api, users, sandbox, receiver, settle):
    published = published_bodies(examples_dir, ("Follow.", "OfficialAccount."))
    assert len(published) >= 13
    users("boss", "u1", "u2")
    api("follow/follow_add", {"From_Account": "u1", "FollowItem": [{"To_Account": "u2"}]})
    api("follow/follow_delete", {"From_Account": "u1", "To_Account": ["u2"]})
    channel = api(SVC + "create_official_account", {"Owner_Account": "boss", "Name": "News"})["OfficialAccountUserID"]
    api(SVC + "modify_official_account_base_info", {"Official_Account": channel, "Name": "N", "Introduction": "I",
                                                    "FaceUrl": "https://f/x.png", "Organization": "O",
                                                    "MaxSubscriberNum": 1})
    api(SVC + "add_subscriber", {"Official_Account": channel, "SubscriberList": [{"Subscriber_Account": "u1"}]})
    api(SVC + "delete_subscriber", {"Official_Account": channel, "SubscriberToDel_Account": ["u1"]})
    key = api(SVC + "send_official_account_msg", {"Official_Account": channel, "Random": 1, "MsgBody": TEXT,
                                                  "CloudCustomData": "cc"})["MsgKey"]
    api(SVC + "official_account_msg_recall", {"Official_Account": channel, "MsgKeyList": [key]})
    api(SVC + "destroy_official_account", {"Official_Account": channel})
    settle()
    sent = {}
    for query, body in receiver.calls:
        sent.setdefault(query["CallbackCommand"], body)
    assert set(sent) == set(published)
    missing = {command: sorted(set(body) - set(sent[command])) for command, body in published.items()
               if set(body) - set(sent[command])}
    assert missing == {}
