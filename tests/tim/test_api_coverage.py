"""The seed's 92 methods: each exists on Client under its seed-methods.tsv name, is exercised by a
sandbox test that checks its effect, and docs/client.md's coverage table says so accurately.

Regenerate the table after changing tests:  .venv/bin/python tests/tim/test_api_coverage.py --write
"""
from __future__ import annotations

import ast
import csv
import inspect
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, ROOT)

from console.tim.api import NAMESPACES  # noqa: E402

SEED = os.path.join(ROOT, "..", "shared", "spec", "seed-methods.tsv")
DOC = os.path.join(ROOT, "docs", "client.md")
TESTS = os.path.dirname(os.path.abspath(__file__))

# python method -> endpoint(s) it calls (push: current timpush / legacy all_member_push)
ENDPOINTS = {
    "account.import_account": "im_open_login_svc/account_import",
    "account.import_accounts": "im_open_login_svc/multiaccount_import",
    "account.delete_account": "im_open_login_svc/account_delete",
    "account.delete_accounts": "im_open_login_svc/account_delete",
    "account.check_account": "im_open_login_svc/account_check",
    "account.check_accounts": "im_open_login_svc/account_check",
    "account.kick_account": "im_open_login_svc/kick",
    "account.get_account_online_state": "openim/query_online_status",
    "account.get_accounts_online_state": "openim/query_online_status",
    "profile.set_profile": "profile/portrait_set",
    "profile.get_profiles": "profile/portrait_get",
    "sns.add_friend": "sns/friend_add",
    "sns.add_friends": "sns/friend_add",
    "sns.import_friend": "sns/friend_import",
    "sns.import_friends": "sns/friend_import",
    "sns.update_friend": "sns/friend_update",
    "sns.update_friends": "sns/friend_update",
    "sns.delete_friend": "sns/friend_delete",
    "sns.delete_friends": "sns/friend_delete",
    "sns.delete_all_friends": "sns/friend_delete_all",
    "sns.check_friend": "sns/friend_check",
    "sns.check_friends": "sns/friend_check",
    "sns.fetch_friends": "sns/friend_get",
    "sns.iter_friends": "sns/friend_get",
    "sns.get_friend": "sns/friend_get_list",
    "sns.get_friends": "sns/friend_get_list",
    "sns.add_blacklist": "sns/black_list_add",
    "sns.delete_blacklist": "sns/black_list_delete",
    "sns.fetch_blacklist": "sns/black_list_get",
    "sns.iter_blacklist": "sns/black_list_get",
    "sns.check_blacklist": "sns/black_list_check",
    "sns.add_groups": "sns/group_add",
    "sns.delete_groups": "sns/group_delete",
    "sns.get_groups": "sns/group_get",
    "c2c.send_message": "openim/sendmsg",
    "c2c.send_messages": "openim/batchsendmsg",
    "c2c.import_message": "openim/importmsg",
    "c2c.fetch_messages": "openim/admin_getroammsg",
    "c2c.iter_messages": "openim/admin_getroammsg",
    "c2c.revoke_message": "openim/admin_msgwithdraw",
    "c2c.set_message_read": "openim/admin_set_msg_read",
    "c2c.get_unread_message_num": "openim/get_c2c_unread_msg_num",
    "push.push_message": "timpush/push · all_member_push/im_push",
    "push.set_attr_names": "timpush/set_attr_name · all_member_push/im_set_attr_name",
    "push.get_attr_names": "timpush/get_attr_name · all_member_push/im_get_attr_name",
    "push.get_user_attrs": "timpush/get_attr · all_member_push/im_get_attr",
    "push.set_user_attrs": "timpush/set_attr · all_member_push/im_set_attr",
    "push.delete_user_attrs": "timpush/remove_attr · all_member_push/im_remove_attr",
    "push.get_user_tags": "timpush/get_tag · all_member_push/im_get_tag",
    "push.add_user_tags": "timpush/add_tag · all_member_push/im_add_tag",
    "push.delete_user_tags": "timpush/remove_tag · all_member_push/im_remove_tag",
    "push.delete_user_all_tags": "timpush/clear_all_tags · all_member_push/im_remove_all_tags",
    "mute.set_no_speaking": "openconfigsvr/setnospeaking",
    "mute.get_no_speaking": "openconfigsvr/getnospeaking",
    "operation.get_operation_data": "openconfigsvr/getappinfo",
    "operation.get_history_data": "open_msg_svc/get_history",
    "operation.get_ip_list": "ConfigSvc/GetIPList",
    "group.fetch_group_ids": "group_open_http_svc/get_appid_group_list",
    "group.fetch_groups": "group_open_http_svc/get_appid_group_list + get_group_info",
    "group.iter_groups": "group_open_http_svc/get_appid_group_list + get_group_info",
    "group.create_group": "group_open_http_svc/create_group",
    "group.get_group": "group_open_http_svc/get_group_info",
    "group.get_groups": "group_open_http_svc/get_group_info",
    "group.fetch_members": "group_open_http_svc/get_group_member_info",
    "group.iter_members": "group_open_http_svc/get_group_member_info",
    "group.update_group": "group_open_http_svc/modify_group_base_info",
    "group.add_members": "group_open_http_svc/add_group_member",
    "group.delete_members": "group_open_http_svc/delete_group_member",
    "group.update_member": "group_open_http_svc/modify_group_member_info",
    "group.destroy_group": "group_open_http_svc/destroy_group",
    "group.fetch_member_groups": "group_open_http_svc/get_joined_group_list",
    "group.iter_member_groups": "group_open_http_svc/get_joined_group_list",
    "group.get_roles_in_group": "group_open_http_svc/get_role_in_group",
    "group.forbid_send_message": "group_open_http_svc/forbid_send_msg",
    "group.allow_send_message": "group_open_http_svc/forbid_send_msg",
    "group.get_shutted_up_members": "group_open_http_svc/get_group_muted_account",
    "group.send_message": "group_open_http_svc/send_group_msg",
    "group.send_notification": "group_open_http_svc/send_group_system_notification",
    "group.change_group_owner": "group_open_http_svc/change_group_owner",
    "group.revoke_message": "group_open_http_svc/group_msg_recall",
    "group.revoke_messages": "group_open_http_svc/group_msg_recall",
    "group.import_group": "group_open_http_svc/import_group",
    "group.import_members": "group_open_http_svc/import_group_member",
    "group.set_member_unread_msg_num": "group_open_http_svc/set_unread_msg_num",
    "group.revoke_member_messages": "group_open_http_svc/delete_group_msg_by_sender",
    "group.fetch_messages": "group_open_http_svc/group_msg_get_simple",
    "group.iter_messages": "group_open_http_svc/group_msg_get_simple",
    "group.get_online_member_num": "group_open_http_svc/get_online_member_num",
    "group.import_messages": "group_open_http_svc/import_group_msg",
    "conversation.fetch_sessions": "recentcontact/get_list",
    "conversation.iter_sessions": "recentcontact/get_list",
    "conversation.delete_session": "recentcontact/delete",
}


def seed_methods() -> list[tuple[str, str]]:
    """(seed method, python method) rows from ../shared; on a user's machine, where ../shared is
    absent, from the coverage table committed in docs/client.md (checked against ../shared in CI)."""
    if os.path.exists(SEED):
        with open(SEED, encoding="utf-8") as fh:
            return [(row["seed_method"], row["python_method"]) for row in csv.DictReader(fh, delimiter="\t")]
    with open(DOC, encoding="utf-8") as fh:
        table = fh.read().split("## Coverage", 1)[1]
    return re.findall(r"^\| \d+ \| `([\w.]+)` \| `client\.([\w.]+)` \|", table, flags=re.M)


def _calls_in(node: ast.AST) -> set[str]:
    """"ns.method" for every `<x>.<ns>.<method>` (or `push.<method>` on the push fixture) in `node`."""
    found = set()
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Attribute):
            continue
        owner = sub.value
        if isinstance(owner, ast.Attribute) and owner.attr in NAMESPACES:
            found.add(f"{owner.attr}.{sub.attr}")
        elif isinstance(owner, ast.Name) and owner.id in NAMESPACES:
            found.add(f"{owner.id}.{sub.attr}")
    return found


NOT_SANDBOX = {os.path.basename(__file__), "test_api_examples.py"}   # canned answers, not the sandbox


def exercising_tests() -> dict[str, list[str]]:
    """python method -> sandbox tests calling it (tests of argument checks alone are not counted)."""
    tests: dict[str, list[str]] = {}
    for name in sorted(os.listdir(TESTS)):
        if not (name.startswith("test_api_") and name.endswith(".py")) or name in NOT_SANDBOX:
            continue
        tree = ast.parse(open(os.path.join(TESTS, name), encoding="utf-8").read())
        for fn in tree.body:
            if not isinstance(fn, ast.FunctionDef) or not fn.name.startswith("test_"):
                continue
            if "arguments_checked" in fn.name:
                continue
            for method in _calls_in(fn):
                tests.setdefault(method, []).append(f"tests/tim/{name}::{fn.name}")
    return tests


def _best(method: str, candidates: list[str]) -> str:
    """The test named after the method if there is one, else the first that calls it."""
    short = method.split(".")[1]
    for test in candidates:
        if short in test.split("::")[1]:
            return test
    return candidates[0]


def coverage_table() -> str:
    tests = exercising_tests()
    lines = ["| # | seed method | Python method | endpoint | test |", "|---|---|---|---|---|"]
    for n, (seed, py) in enumerate(seed_methods(), 1):
        test = _best(py, tests[py]) if py in tests else "**none**"
        lines.append(f"| {n} | `{seed}` | `client.{py}` | `{ENDPOINTS[py]}` | `{test}` |")
    return "\n".join(lines) + "\n"


COVERAGE_INTRO = """\
Every method of the seed's Go SDK (`../shared/spec/seed-methods.tsv`, 92 rows) exists on
`Client` under exactly the name below; all are exercised against the sandbox over HTTP by the
named test, which reads the effect back (another API call or `sandbox.state`). Run them with
`.venv/bin/pytest tests/tim/test_api_*.py`. This table is generated by
`.venv/bin/python tests/tim/test_api_coverage.py --write`, and a test fails when it is stale.
`tests/tim/test_api_examples.py` also replays Tencent's published request/response pairs
through a local HTTP server: our requests carry the published fields and values, and the
published answers (with their quirks) parse into the right items.

Conventions of the namespace methods (`console/tim/api/`, results in `console/tim/results.py`):
- Arguments are checked before sending (required fields, batch sizes, enum values, lengths,
  the 12 KB message limit via `console.tim.messages`); a failure raises `InvalidArgumentError`
  naming the argument and the limit, and nothing is sent.
- Results are dataclasses keeping the raw response in `.raw`. Batch methods return a
  `BatchResult`: one item per requested id, in request order, with `id`, `ok`, `code`, `info`
  (`.failed`, `.succeeded`, `.by_id()`). Failed items are never dropped; an item the service
  left out of its answer comes back failed with `code=None`.
- When the service fails a whole batch (non-zero `ErrorCode`) but still lists the items
  (`openim/batchsendmsg`, `openim/query_online_status` when every target failed), the method
  returns an all-failed `BatchResult` whose `code`/`info` hold the request-level code, rather
  than raising: per-recipient outcomes are handled in one place. Any other non-zero answer
  raises the `TimError` subclass from `client.call`.
- Single-item seed methods (`delete_account`, `add_friend`, `get_group`, `revoke_message`, ...)
  raise the matching `TimError` when their item failed (`add_friend` returns the pending item,
  code 30539, for a target that must confirm).
- `iter_*` are generators: nothing is fetched until the first item is asked for, the next page
  only when the current one is used up; stop whenever you like. `iter_groups` follows `Next`
  to the end and `iter_members` uses the `Next` cursor for Community groups (the Go SDK stopped
  after one page, or looped forever with limit 0).
- `retry_safe=True` only for reads and idempotent sets; sends, adds, deletes and recalls are
  never repeated by the client except where the service provably refused them (rate limit).
- `push.*` speak `timpush/*` (default) or `all_member_push/im_*` per `Client(push_api=...)`;
  `tags_not`, `online_only` and attribute types need `timpush`.
- `group.get_shutted_up_members` (alias `get_group_muted_account`, `get_muted_members`) uses
  the current `get_group_muted_account`. `conversation.delete_session` sends `Type` and, for
  group conversations, `ToGroupid` (the Go SDK sent `type` and never the group ID).
- Extras beside the seed: `profile.get_profile`, `group.set_member_name_card`,
  `group.set_member_role`, `conversation.delete_c2c_session` / `delete_group_session`.

"""


def coverage_section() -> str:
    return "## Coverage\n\n" + COVERAGE_INTRO + coverage_table()


def write_doc() -> None:
    text = open(DOC, encoding="utf-8").read() if os.path.exists(DOC) else ""
    head = text.split("## Coverage")[0] if "## Coverage" in text else (text + "\n" if text else "")
    with open(DOC, "w", encoding="utf-8") as fh:
        fh.write(head + coverage_section())


# --- tests ------------------------------------------------------------------------------------

def test_every_seed_method_exists_under_its_name():
    rows = seed_methods()
    assert len(rows) == 92
    for seed, py in rows:
        ns, method = py.split(".")
        assert callable(getattr(NAMESPACES[ns], method, None)), f"{seed} -> client.{py} is missing"


def test_client_declares_every_namespace_as_a_typed_attribute():
    """Editors and type checkers see the namespaces: each is a class-level annotation of Client
    and an instance attribute of that class, and none is missing from NAMESPACES."""
    from typing import get_type_hints

    from console.tim import Client
    from console.tim.api._base import Namespace
    declared = {name: hint for name, hint in get_type_hints(Client).items()
                if isinstance(hint, type) and issubclass(hint, Namespace)}
    assert declared == NAMESPACES
    client = Client(app_id=1400000001, secret="k", base_url="http://127.0.0.1:9")
    try:
        for name, cls in NAMESPACES.items():
            assert type(getattr(client, name)) is cls
            assert name in vars(client)
    finally:
        client.close()


def test_iter_methods_are_generators_of_items():
    for _, py in seed_methods():
        ns, method = py.split(".")
        if method.startswith("iter_"):
            assert "Iterator" in str(inspect.signature(getattr(NAMESPACES[ns], method)).return_annotation)


def test_every_seed_method_is_exercised_by_a_sandbox_test():
    tests = exercising_tests()
    missing = [py for _, py in seed_methods() if py not in tests]
    assert missing == []


def test_endpoint_column_matches_the_code():
    for _, py in seed_methods():
        ns = py.split(".")[0]
        source = open(os.path.join(ROOT, "console", "tim", "api", f"{ns}.py"), encoding="utf-8").read()
        for endpoint in re.split(r" · | \+ ", ENDPOINTS[py]):
            command = endpoint.split("/")[-1]
            assert f'"{command}"' in source or f'"{endpoint}"' in source, f"{py}: {endpoint} not in {ns}.py"


def test_docs_coverage_table_is_current():
    text = open(DOC, encoding="utf-8").read()
    assert "## Coverage" in text
    assert text.split("## Coverage")[1] == coverage_section()[len("## Coverage"):], \
        "docs/client.md is stale: run .venv/bin/python tests/tim/test_api_coverage.py --write"


if __name__ == "__main__":
    if "--write" in sys.argv:
        write_doc()
    else:
        print(coverage_section())
