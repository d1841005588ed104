"""Tencent's published requests for the message-edit, extension and conversation-group endpoints
(issue #16 items 3 and 4) are recognised by the sandbox and answered with the published fields,
given what each request presupposes (the message it names, the group it edits).

The same mechanism as test_examples.py (which covers the seed's endpoints): the published
examples are read from ../shared and the test skips when they are absent."""
from __future__ import annotations

import glob
import json
import os
import time

import pytest
from test_examples import replay

from console.sandbox.messaging import c2c_ext_key
from testenv import EXAMPLES

ENDPOINTS = {
    "openim/modify_c2c_msg", "openim/delete_c2c_msg_ramble", "openim/c2c_msg_read_receipt",
    "openim_msg_ext_http_svc/get_key_values", "openim_msg_ext_http_svc/set_key_values",
    "openim_msg_ext_http_svc/group_get_key_values", "openim_msg_ext_http_svc/group_set_key_values",
    "recentcontact/create_contact_group", "recentcontact/del_contact_group",
    "recentcontact/update_contact_group", "recentcontact/search_contact_group",
    "recentcontact/get_contact_group", "recentcontact/mark_contact",
    "openim_robot_http_svc/create_robot", "openim_robot_http_svc/delete_robot",
    "openim_robot_http_svc/get_all_robots", "openim_robot_http_svc/send_stream_msg",
}
TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]


def _examples() -> list[str]:
    chosen = []
    for path in sorted(glob.glob(os.path.join(EXAMPLES, "rest", "*.json"))):
        with open(path, encoding="utf-8") as fh:
            if json.load(fh)["endpoint"] in ENDPOINTS:
                chosen.append(os.path.basename(path))
    return chosen


def _accounts_named(value) -> set[str]:
    """Every user a request or answer names (To_Account / From_Account / *_Account values)."""
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_Account") and isinstance(item, str):
                found.add(item)
            else:
                found |= _accounts_named(item)
    elif isinstance(value, list):
        for item in value:
            found |= _accounts_named(item)
    return found


def _c2c_message(sandbox, request: dict, *, extensions: bool) -> None:
    """The C2C message a request names by MsgKey (seq_random_time), stored as sent."""
    seq, rnd, ts = (int(x) for x in request["MsgKey"].split("_"))
    sandbox.state.store_c2c(request["From_Account"], request["To_Account"], seq=seq, rnd=rnd, ts=ts, body=TEXT)
    if extensions:
        sandbox.state.messaging.enable_extensions(c2c_ext_key(request["From_Account"], request["To_Account"],
                                                              request["MsgKey"]))


def _group_message(sandbox, request: dict) -> None:
    """A Public group under the published ID whose message MsgSeq takes extensions."""
    sandbox.invoke("im_open_login_svc/account_import", {"UserID": "example_owner"})
    with sandbox.state.lock:
        group = sandbox.state.groups.add_group("Public", "example", int(time.time()), group_id=request["GroupId"],
                                               owner="example_owner")
        group.next_msg_seq = request["MsgSeq"]
    sent = sandbox.invoke("group_open_http_svc/send_group_msg", {
        "GroupId": request["GroupId"], "Random": 1, "MsgBody": TEXT, "SupportMessageExtension": 1})
    assert sent["ErrorCode"] == 0 and sent["MsgSeq"] == request["MsgSeq"], sent


def _prepare(sandbox, endpoint: str, request: dict, published: dict) -> dict:
    command = endpoint.split("/")[1]
    if command == "modify_c2c_msg":
        _c2c_message(sandbox, request, extensions=False)
    elif command in ("get_key_values", "set_key_values"):
        _c2c_message(sandbox, request, extensions=True)
    elif command in ("group_get_key_values", "group_set_key_values"):
        _group_message(sandbox, request)
    if command.endswith("get_key_values"):     # pairs to read back
        target = {k: request[k] for k in ("From_Account", "To_Account", "MsgKey", "GroupId", "MsgSeq") if k in request}
        setter = endpoint.replace("get_key_values", "set_key_values")
        answer = sandbox.invoke(setter, {**target, "OperateType": 1, "ExtensionList": [
            {"Key": e["Key"], "Value": e["Value"]} for e in published["ExtensionList"]]})
        assert answer["ErrorCode"] == 0, answer
    owner = request.get("From_Account")
    if command in ("del_contact_group", "update_contact_group", "search_contact_group", "get_contact_group"):
        name = (request.get("GroupName") or [None])[0] or (request.get("UpdateGroup") or {}).get("OldGroupName") \
            or "example"
        peer = next(iter(sorted(_accounts_named(published) - {owner})), None) or "example_peer"
        sandbox.invoke("im_open_login_svc/account_import", {"UserID": peer})
        group_id = sandbox.state.groups.add_group("Public", "g", int(time.time())).group_id
        contacts = [{"Type": 1, "To_Account": peer}, {"Type": 2, "ToGroupId": group_id}]
        made = sandbox.invoke("recentcontact/create_contact_group", {
            "From_Account": owner, "GroupContactItem": [{"GroupName": name, "ContactItem": contacts}]})
        assert made["ErrorCode"] == 0, made
        marked = sandbox.invoke("recentcontact/mark_contact", {"From_Account": owner, "MarkItem": [
            {"OptType": 3, "ContactItem": c, "SetMark": [1], "CustomMark": "m"} for c in contacts]})
        assert marked["ErrorCode"] == 0, marked
    return request


@pytest.mark.parametrize("name", _examples())
def test_published_example(name, examples_dir, sandbox, api):
    replay(name, examples_dir, sandbox, api, prepare=_prepare)


def test_every_published_example_of_the_area_is_replayed(examples_dir):
    """The endpoints of this area with a published example (11 of the 17) are all picked up."""
    assert {json.load(open(os.path.join(examples_dir, "rest", n), encoding="utf-8"))["endpoint"]
            for n in _examples()} == ENDPOINTS - {
        "openim/delete_c2c_msg_ramble", "openim/c2c_msg_read_receipt", "openim_robot_http_svc/create_robot",
        "openim_robot_http_svc/delete_robot", "openim_robot_http_svc/get_all_robots",
        "openim_robot_http_svc/send_stream_msg"}
