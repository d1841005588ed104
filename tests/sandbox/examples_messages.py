"""What the published requests of the message-edit, extension and conversation-group endpoints
presuppose (issue #16 items 3 and 4), for test_examples.py: the message a MsgKey names, a group
message at the published MsgSeq sent with extensions, pairs to read back, the conversation group
a request edits. `PREPARE` maps an endpoint to prepare(sandbox, request, published), which puts
that in place and returns the request to send."""
from __future__ import annotations

import time

from console.sandbox.messaging import c2c_ext_key

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]
EXT = "openim_msg_ext_http_svc/"


def _import(sandbox, *accounts: str) -> None:
    for account in accounts:
        assert sandbox.invoke("im_open_login_svc/account_import", {"UserID": account})["ErrorCode"] == 0


def _c2c_message(sandbox, request: dict, extensions: bool) -> None:
    """The C2C message a request names by MsgKey (seq_random_time), stored as sent."""
    seq, rnd, ts = (int(x) for x in request["MsgKey"].split("_"))
    sandbox.state.store_c2c(request["From_Account"], request["To_Account"], seq=seq, rnd=rnd, ts=ts, body=TEXT)
    if extensions:
        sandbox.state.messaging.enable_extensions(c2c_ext_key(request["From_Account"], request["To_Account"],
                                                              request["MsgKey"]))


def _group_message(sandbox, request: dict) -> None:
    """A Public group under the published ID whose message at MsgSeq was sent with extensions."""
    _import(sandbox, "example_owner")
    with sandbox.state.lock:
        group = sandbox.state.groups.add_group("Public", "example", int(time.time()), group_id=request["GroupId"],
                                               owner="example_owner")
        group.next_msg_seq = request["MsgSeq"]
    sent = sandbox.invoke("group_open_http_svc/send_group_msg", {
        "GroupId": request["GroupId"], "Random": 1, "MsgBody": TEXT, "SupportMessageExtension": 1})
    assert sent["ErrorCode"] == 0 and sent["MsgSeq"] == request["MsgSeq"], sent


def _pairs_to_read(sandbox, endpoint: str, request: dict, published: dict) -> None:
    target = {k: request[k] for k in ("From_Account", "To_Account", "MsgKey", "GroupId", "MsgSeq") if k in request}
    answer = sandbox.invoke(endpoint.replace("get_key_values", "set_key_values"), {
        **target, "OperateType": 1,
        "ExtensionList": [{"Key": e["Key"], "Value": e["Value"]} for e in published.get("ExtensionList") or []]})
    assert answer["ErrorCode"] == 0, answer


def _named_users(value) -> set[str]:
    """The users a published answer names (*_Account string values)."""
    if isinstance(value, dict):
        return set().union(*(({v} if k.endswith("_Account") and isinstance(v, str) else _named_users(v))
                             for k, v in value.items()))
    if isinstance(value, list):
        return set().union(*map(_named_users, value))
    return set()


def _conversation_group(sandbox, request: dict, published: dict) -> dict:
    """The request's conversation group (named by GroupName or OldGroupName, else "example") with a
    C2C and a group conversation, both marked."""
    owner = request["From_Account"]
    name = (request.get("GroupName") or [None])[0] or (request.get("UpdateGroup") or {}).get("OldGroupName") \
        or "example"
    peer = min(_named_users(published) - {owner}, default="example_peer")
    _import(sandbox, peer)
    group_id = sandbox.state.groups.add_group("Public", "g", int(time.time())).group_id
    contacts = [{"Type": 1, "To_Account": peer}, {"Type": 2, "ToGroupId": group_id}]
    made = sandbox.invoke("recentcontact/create_contact_group", {
        "From_Account": owner, "GroupContactItem": [{"GroupName": name, "ContactItem": contacts}]})
    assert made["ErrorCode"] == 0, made
    marked = sandbox.invoke("recentcontact/mark_contact", {"From_Account": owner, "MarkItem": [
        {"OptType": 3, "ContactItem": c, "SetMark": [1], "CustomMark": "m"} for c in contacts]})
    assert marked["ErrorCode"] == 0, marked
    return request


def _modify(sandbox, request, published):
    _c2c_message(sandbox, request, extensions=False)
    return request


def _c2c_set(sandbox, request, published):
    _c2c_message(sandbox, request, extensions=True)
    return request


def _c2c_get(sandbox, request, published):
    _c2c_message(sandbox, request, extensions=True)
    _pairs_to_read(sandbox, EXT + "get_key_values", request, published)
    return request


def _group_set(sandbox, request, published):
    _group_message(sandbox, request)
    return request


def _group_get(sandbox, request, published):
    _group_message(sandbox, request)
    _pairs_to_read(sandbox, EXT + "group_get_key_values", request, published)
    return request


PREPARE = {
    "openim/modify_c2c_msg": _modify,
    EXT + "get_key_values": _c2c_get,
    EXT + "set_key_values": _c2c_set,
    EXT + "group_get_key_values": _group_get,
    EXT + "group_set_key_values": _group_set,
    **{f"recentcontact/{command}": _conversation_group
       for command in ("del_contact_group", "update_contact_group", "search_contact_group", "get_contact_group")},
}
