"""Every endpoint of ../shared/spec/endpoints-all.txt has a client method and a test against the
sandbox, and docs/client.md's generated table says which (tests/api_index.py derives them).

Regenerate the table after changing the client or its tests:  .venv/bin/python tests/api_index.py --write
"""
import pytest

import api_index

SHARED_MISSING = "../shared/spec/endpoints-all.txt is not present: the list of every endpoint lives in ../shared"


def listed() -> list[str]:
    names = api_index.listed_endpoints()
    if names is None:
        pytest.skip(SHARED_MISSING)
    return names


def test_the_list_names_170_distinct_endpoints():
    names = listed()
    assert len(names) == len(set(names)) == 170
    assert all(api_index.is_endpoint(name) for name in names)


def test_every_endpoint_has_a_client_method():
    """Read from ../shared, or from the committed table on a machine without it."""
    methods = api_index.methods_by_endpoint()
    assert [name for name in api_index.endpoints() if not methods.get(name)] == []


def test_the_client_calls_no_endpoint_beyond_the_list():
    assert sorted(set(api_index.methods_by_endpoint()) - set(listed())) == []


def test_every_call_site_resolves_to_an_endpoint():
    """Each `_call` / `_call_batch` / `_client.call` in console/tim/api is reached from a public
    method and its endpoint argument is understood: nothing escapes the index."""
    an = api_index.analyzer()
    sites = an.all_call_sites()
    assert len(sites) > 100
    assert [site for site in sites if not an.sites.get(site)] == []


def test_every_public_method_calls_an_endpoint():
    an = api_index.analyzer()
    assert len(an.public) > 200
    assert [method for method in an.public if not an.reach[method]] == []


def test_the_index_follows_helpers_constants_and_aliases():
    reach = api_index.analyzer().reach
    # a dict of command names picked by a property: every value
    assert reach["push.push_message"] == {"timpush/push", "all_member_push/im_push"}
    assert reach["push.push_to_users"] == {"timpush/batch"}
    # an endpoint handed to a helper method, inside a lambda given to in_batches
    assert reach["follow.follow_users"] == reach["follow.follow_user"] == {"follow/follow_add"}
    # a method handed on as a value (paginate) and one page method calling another namespace method
    assert reach["moderation.list_libraries"] == {"im_msg_audit_mgr/get_cloud_audit_keywords_ids"}
    assert reach["group.iter_groups"] == {"group_open_http_svc/get_appid_group_list",
                                          "group_open_http_svc/get_group_info"}
    # a class-level alias and a mixin method
    assert reach["group.get_muted_members"] == {"group_open_http_svc/get_group_muted_account"}
    assert reach["group.get_group_attrs"] == {"group_open_attr_http_svc/get_group_attr"}
    assert "push.api" not in reach     # a property, not a method


def test_every_endpoint_has_a_test_against_the_sandbox():
    tests = api_index.tests_by_endpoint()
    assert [name for name in api_index.endpoints() if not tests.get(name)] == []
    named = {tests[name][0] for name in api_index.endpoints()}
    assert all(t.startswith("tests/tim/test_api_") and "examples" not in t for t in named)


def test_calls_refused_before_sending_do_not_count():
    tests = {t.name: t for t in api_index.api_tests()}
    refusing = tests["test_set_no_speaking_needs_a_duration"]     # only pytest.raises(InvalidArgumentError)
    assert refusing.calls == frozenset()
    assert "mute.set_no_speaking" in tests["test_set_and_get_no_speaking"].calls


def test_docs_table_is_current():
    text = api_index.read(api_index.CLIENT_DOC)
    assert api_index.generated_block(text, "docs/client.md") == "\n" + api_index.client_table(), \
        "docs/client.md is stale: run .venv/bin/python tests/api_index.py --write"
    assert "**none**" not in api_index.generated_block(text)
