"""Tencent's published request for every community endpoint that has one (topics; no permission-group
example is published) is recognized and answered with the published response fields, given the
topic-enabled community and topics it names. Same comparison as test_examples.py."""
from __future__ import annotations

import glob
import json
import os
import time

import pytest
from test_examples import _accounts, missing_fields

from testenv import EXAMPLES

COMMUNITY_ENDPOINTS = {
    "million_group_open_http_svc/create_topic", "million_group_open_http_svc/destroy_topic",
    "million_group_open_http_svc/get_topic", "million_group_open_http_svc/modify_topic",
    "group_open_http_svc/import_topic",
    "group_open_http_svc/create_permission_group", "group_open_http_svc/destroy_permission_group",
    "group_open_http_svc/modify_permission_group", "group_open_http_svc/get_permission_group",
    "group_open_http_svc/add_permission_group_member", "group_open_http_svc/delete_permission_group_member",
    "group_open_http_svc/get_permission_group_member_list", "group_open_http_svc/add_topic_permission_group",
    "group_open_http_svc/set_topic_permission_group", "group_open_http_svc/delete_topic_permission_group",
    "group_open_http_svc/get_topic_permission_group",
}


def _examples() -> list[str]:
    chosen = []
    for path in sorted(glob.glob(os.path.join(EXAMPLES, "rest", "*.json"))):
        with open(path, encoding="utf-8") as fh:
            if json.load(fh)["endpoint"] in COMMUNITY_ENDPOINTS:
                chosen.append(os.path.basename(path))
    return chosen


def _prepare(sandbox, endpoint: str, request: dict) -> None:
    """The topic-enabled community the request names and, unless it creates one, the topics it
    names (placed in the state directly: published IDs look assigned, which no custom ID may)."""
    group_id = request["GroupId"]
    creating = endpoint.endswith(("/create_topic", "/import_topic"))
    topics = list(request.get("TopicIdList") or []) + ([request["TopicId"]] if "TopicId" in request else [])
    now = int(time.time())
    with sandbox.state.lock:
        sandbox.state.groups.add_group("Community", "example", now - 86400, group_id=group_id, support_topic=1)
        for topic_id in [] if creating else topics or [group_id + "@TOPIC#_@TOPIC#cRTE3HIM62C5"]:
            sandbox.state.communities.add_topic(group_id, "example topic", now, topic_id=topic_id)


@pytest.mark.parametrize("name", _examples())
def test_published_community_example(name, examples_dir, sandbox, api):
    with open(os.path.join(examples_dir, "rest", name), encoding="utf-8") as fh:
        example = json.load(fh)
    endpoint, request, published = example["endpoint"], example["request"], example["response"]
    for account in dict.fromkeys(_accounts(request)):
        assert sandbox.invoke("im_open_login_svc/account_import", {"UserID": account})["ErrorCode"] == 0
    _prepare(sandbox, endpoint, request)
    ours = api(endpoint, request)
    assert ours.get("ErrorCode") == 0, ours
    if published:
        assert missing_fields(endpoint, published, ours) == [], ours


def test_every_published_community_example_is_run(examples_dir):
    assert len(_examples()) == 5
