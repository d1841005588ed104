"""The namespace methods against Tencent's published request/response pairs.

A small local HTTP server answers each endpoint with its published example response (real
HTTP through the real Client); we check that the request we build carries the published
request's fields and values, and that the published response parses into the right typed
items (quirks included: `State` for `Status`, `CurruentSequence`, "Member " with a space).
"""
import glob
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest

from console.tim import Client
from console.tim.api.group import ImportMessage, MemberSpec

RANDOM_FIELDS = {"MsgRandom", "Random"}


class _Canned(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        endpoint = urlparse(self.path).path[len("/v4/"):]
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.seen.append((endpoint, body))
        payload = json.dumps(self.server.examples[endpoint]["response"]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def published(examples_dir):
    examples = {}
    for path in sorted(glob.glob(os.path.join(examples_dir, "rest", "*.json"))):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        examples.setdefault(data["endpoint"], data)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    server.examples, server.seen = examples, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = Client(app_id=1400000001, secret="published-examples", base_url=f"http://127.0.0.1:{server.server_port}",
                    rate_limits=False, max_retries=0)

    def sent(endpoint):
        """Our request body for `endpoint`, after checking it carries the published request's fields."""
        body = [b for e, b in server.seen if e == endpoint][-1]
        expected = {k: v for k, v in examples[endpoint]["request"].items() if k not in RANDOM_FIELDS}
        assert {k: body.get(k) for k in expected} == expected
        return body

    client.sent = sent
    yield client
    client.close()
    server.shutdown()
    server.server_close()


def test_accounts(published):
    deleted = published.account.delete_accounts(["UserID_1", "UserID_2"])
    published.sent("im_open_login_svc/account_delete")
    assert [(i.id, i.ok, i.code) for i in deleted] == [("UserID_1", True, 0), ("UserID_2", False, 70107)]
    checked = published.account.check_accounts(["UserID_1", "UserID_2"])
    published.sent("im_open_login_svc/account_check")
    assert [i.imported for i in checked] == [True, False]
    states = published.account.get_accounts_online_state(["id1", "id2", "id3", "id4"])
    published.sent("openim/query_online_status")
    assert [(i.id, i.status, i.ok) for i in states] == [("id1", "Offline", True), ("id2", "Online", True),
                                                      ("id3", "PushOnline", True), ("id4", "", False)]


def test_profile_and_sns(published):
    profile = published.profile.get_profiles(["id1"], ["Tag_Profile_IM_Nick"])[0]
    published.sent("profile/portrait_get")
    assert profile.attrs == {"Tag_Profile_IM_Nick": "NickNameTest1"}
    check = published.sns.check_friends("id", ["id1", "id2", "id3", "id4", "id5"], "both")
    published.sent("sns/friend_check")
    assert [r.relation for r in check][:3] == ["CheckResult_Type_BothWay", "CheckResult_Type_AWithB",
                                               "CheckResult_Type_BWithA"]
    assert [r.ok for r in check] == [True, True, True, True, False] and check.failed[0].code == 30006
    page = published.sns.fetch_friends("id")
    published.sent("sns/friend_get")
    assert page.total == 20 and not page.has_more and page.standard_sequence == 88
    assert page.items[0].groups == ["Group1", "Group2"] and page.items[0].add_source == "AddSource_Type_Android"
    friends = published.sns.get_friends("UserID_1", ["UserID_2"], ["Tag_Profile_Custom_Test", "Tag_Profile_IM_Image",
                                                                   "Tag_Profile_IM_Nick", "Tag_SNS_Custom_Test",
                                                                   "Tag_SNS_IM_Remark", "Tag_SNS_IM_Group"])
    published.sent("sns/friend_get_list")
    assert friends[0].remark == "remark_2" and friends[0].attrs["Tag_Profile_IM_Nick"] == "nick_2"
    black = published.sns.fetch_blacklist("id", 30, 0, 12)
    published.sent("sns/black_list_get")
    assert [e.id for e in black.items] == ["id1", "id2"] and black.sequence == 13 and not black.has_more
    lists = published.sns.get_groups("id")
    published.sent("sns/group_get")
    assert [(l.name, l.friend_count) for l in lists.lists] == [("group1", 1), ("group2", 2), ("group3", 3)]
    assert published.sns.add_groups("id", ["group1", "group2", "group3"]).sequence == 2
    published.sent("sns/group_add")


def test_c2c(published):
    sent = published.c2c.send_message("lumotuwe2", "hi, beauty", lifetime=60, msg_seq=93847636, sync_other_machine=2,
                                      cloud_custom_data="your cloud custom data", support_extension=False)
    published.sent("openim/sendmsg")
    assert sent.msg_key == "89541_2574206_1572870301" and sent.msg_time == 1572870301
    batch = published.c2c.send_messages(["bonnie", "rong"], "hi, beauty", msg_seq=28360, sync_other_machine=2,
                                        cloud_custom_data="your cloud custom data")
    published.sent("openim/batchsendmsg")
    assert batch.ok and batch.msg_key == "128493_903762_1572870301" and [i.id for i in batch] == ["bonnie", "rong"]
    page = published.c2c.fetch_messages("user2", "user1", min_time=1584669600, max_time=1584673200, max_count=100)
    published.sent("openim/admin_getroammsg")
    assert page.has_more and page.last_msg_key == "549396494_2578554_1584669680"
    assert page.messages[0].body[0]["MsgContent"]["Text"] == "msg 1"
    assert published.c2c.get_unread_message_num("dramon1").total == 12
    published.sent("openim/get_c2c_unread_msg_num")


def test_push_legacy_and_mute_and_operation(published):
    published.push_api = "legacy"
    attrs = published.push.get_user_attrs(["Zhang Xiaohong", "Chen Xiaoming", "abc"])
    published.sent("all_member_push/im_get_attr")
    assert [i.id for i in attrs] == ["Zhang Xiaohong", "Chen Xiaoming", "abc"]       # request order restored
    assert attrs[1].attrs == {"sex": "M", "city": "Shenzhen"} and attrs[2].attrs == {}
    tags = published.push.get_user_tags(["xiaojun012", "xiaojun013"])
    published.sent("all_member_push/im_get_tag")
    assert [t.tags for t in tags] == [["a", "b"], ["a", "c"]]
    published.mute.set_no_speaking("lumotuwe", c2c=4294967295, group=7200)
    published.sent("openconfigsvr/setnospeaking")
    mute = published.mute.get_no_speaking("lumotuwe")
    published.sent("openconfigsvr/getnospeaking")
    assert (mute.c2c, mute.group) == (4294967295, 7196)
    data = published.operation.get_operation_data()
    assert data.days[0]["Date"] == "20160607" and data.days[0]["C2CUpMsgNum"] == "52209"
    files = published.operation.get_history_data("C2C", "2015120121")
    published.sent("open_msg_svc/get_history")
    assert files.files[0].file_size == 65207 and files.files[0].url.endswith(".gz")
    assert published.operation.get_ip_list().ips == ["127.0.0.2", "183.192.202.0/25"]


def test_groups(published):
    ids = published.group.fetch_group_ids()
    assert ids.next == 4454685361 and ids.has_more and ids.total == 2
    info = published.group.get_groups(["@TGS#1NVTZEAE4", "@TGS#1CXTZEAET"])
    published.sent("group_open_http_svc/get_group_info")
    returned = [g for g in info if g.ok]
    assert returned and returned[0].name == "MyFirstGroup" and returned[0].mute_all_member == "On"
    assert returned[0].custom["GroupTestData1"] == "xxxx"
    assert len(info) >= 2                 # nothing dropped, even where the sample's IDs differ from the request
    members = published.group.fetch_members("@TGS#1NVTZEAE4")
    assert members.total == 2 and [m.role for m in members.members] == ["Owner", "Member"]
    assert members.members[0].mute_until == 1431069882
    added = published.group.add_members("@TGS#2J4SZEAEL", ["tommy", "jared"])
    published.sent("group_open_http_svc/add_group_member")
    assert [(i.id, i.result) for i in added] == [("tommy", 1), ("jared", 1)]
    roles = published.group.get_roles_in_group("@TGS#2C5SZEAEF", ["leckie", "peter", "wesley"])
    published.sent("group_open_http_svc/get_role_in_group")
    assert [r.role for r in roles] == ["Owner", "Member", "NotMember"]
    recall = published.group.revoke_messages("@TGS#2J4SZEAEL", [100, 101])
    published.sent("group_open_http_svc/group_msg_recall")
    assert [(i.id, i.ok, i.code) for i in recall] == [(100, False, 10030), (101, True, 0)]
    muted = published.group.get_shutted_up_members("@TGS#1KGZ2RAEU")
    published.sent("group_open_http_svc/get_group_muted_account")
    assert [(m.id, m.muted_until) for m in muted] == [("tommy", 1458115189), ("peter", 1458115189)]
    imported = published.group.import_members("@TGS#2J4SZEAEL", [
        MemberSpec("tommy", role="Admin", join_time=1448357837, unread_msg_num=5),
        MemberSpec("jared", join_time=1448357857, unread_msg_num=2)])
    published.sent("group_open_http_svc/import_group_member")
    assert [i.result for i in imported] == [1, 1]
    history = published.group.fetch_messages("@TGS#15ERQPAER", 2)
    published.sent("group_open_http_svc/group_msg_get_simple")
    assert [m.msg_seq for m in history.messages][0] == 7803321 and history.messages[0].priority == 1
    msgs = published.group.import_messages("@TGS#2C5SZEAEF", [
        ImportMessage("leckie", 1620808101, "red packet", random=8912345),
        ImportMessage("peter", 1620892821, "hello")], recent_contact=True)
    assert [(i.msg_seq, i.ok) for i in msgs] == [(1, True), (2, True)]


def test_conversations(published):
    page = published.conversation.fetch_sessions("id1", assist_flags=7)
    published.sent("recentcontact/get_list")
    assert [(s.type, s.peer or s.group_id, s.pinned) for s in page.sessions] == [
        (1, "id2", True), (2, "id3", True), (1, "id4", False), (2, "id5", False)]
    assert not page.has_more
    published.conversation.delete_session("id1", "id2", "c2c", clear_history=True)
    published.sent("recentcontact/delete")
