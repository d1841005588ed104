"""Moderation services (im_msg_audit_mgr/*, im_msg_audit/*, im_cos_msg/*): answers, codes, callbacks."""
from __future__ import annotations

from console.tim.callbacks import ModerationEvent, parse

APP = {"SdkAppId": 1400000001}
FILE = "https://cos.ap-singapore.myqcloud.com/b-1/1400000001/clip.mp4"


def library_id(api) -> str:
    return api("im_msg_audit_mgr/get_cloud_audit_keywords_ids", {**APP, "Offset": 0, "Limit": 10})["Infos"][0]["ID"]


def test_every_keyword_call_needs_this_apps_id(api):
    assert api("im_msg_audit_mgr/get_local_audit_keywords", {"Offset": 0, "Limit": 10})["ErrorCode"] == 2003
    assert api("im_msg_audit_mgr/get_local_audit_keywords",
               {"SdkAppId": 1400999999, "Offset": 0, "Limit": 10})["ErrorCode"] == 2004


def test_local_keywords_limits_and_counters(api):
    eleven = [{"Keyword": f"w{i}", "WordType": 1, "FilterType": 2} for i in range(11)]
    assert api("im_msg_audit_mgr/add_local_audit_keywords", {**APP, "LocalAuditWords": eleven})["ErrorCode"] == 2016
    assert api("im_msg_audit_mgr/add_local_audit_keywords", {**APP, "LocalAuditWords": [
        {"Keyword": "(", "WordType": 2}]})["ErrorCode"] == 2003
    added = api("im_msg_audit_mgr/add_local_audit_keywords", {**APP, "LocalAuditWords": [
        {"Keyword": "foo", "WordType": 1, "FilterType": 1, "ReplacedContent": "***"},
        {"Keyword": "b[a]r", "WordType": 2, "FilterType": 2}]})
    assert added["ErrorCode"] == 0 and added["RequestId"]
    listed = api("im_msg_audit_mgr/get_local_audit_keywords", {**APP, "FilterType": 2, "Offset": 0, "Limit": 10})
    assert (listed["TotalCount"], listed["TotalRegCount"], listed["CurCount"], listed["CurRegCount"]) == (2, 1, 1, 1)
    word = listed["LocalAuditWords"][0]
    assert set(word) == {"Id", "Keyword", "WordType", "FilterType", "ReplacedContent", "UpdateTime"}
    api("im_msg_audit_mgr/delete_local_audit_keywords", {**APP, "LocalAuditWords": [{"Id": word["Id"]}]})
    assert api("im_msg_audit_mgr/get_local_audit_keywords", {**APP, "Offset": 0, "Limit": 10})["TotalCount"] == 1


def test_cloud_keywords_and_deletion_details(api):
    lib = library_id(api)
    assert api("im_msg_audit_mgr/add_cloud_audit_keywords", {**APP, "LibID": lib, "UserKeywords": [
        {"Content": "x", "Label": "Rude"}]})["ErrorCode"] == 2003
    assert api("im_msg_audit_mgr/add_cloud_audit_keywords", {**APP, "LibID": "nope", "UserKeywords": [
        {"Content": "x"}]})["ErrorCode"] == 2003
    api("im_msg_audit_mgr/add_cloud_audit_keywords", {**APP, "LibID": lib, "UserKeywords": [
        {"Content": "lottery", "Label": "Ad"}]})
    words = api("im_msg_audit_mgr/get_cloud_audit_keywords", {**APP, "LibID": lib, "Offset": 0, "Limit": 10})
    assert words["TotalCount"] == 1 and set(words["Infos"][0]) >= {"ID", "Content", "CreateTime"}
    gone = api("im_msg_audit_mgr/delete_cloud_audit_keywords", {**APP, "LibID": lib, "Keywords": ["lottery", "no"]})
    assert gone["Count"] == 1 and [d["Deleted"] for d in gone["Details"]] == [True, False]
    assert gone["Details"][0]["KeywordID"] == words["Infos"][0]["ID"]


def test_text_verdicts_follow_the_cloud_libraries(api):
    lib = library_id(api)
    api("im_msg_audit_mgr/add_cloud_audit_keywords", {**APP, "LibID": lib, "UserKeywords": [
        {"Content": "lottery", "Label": "Ad"}]})
    bad = api("im_msg_audit/content_moderation", {"AuditName": "C2C", "ContentType": "Text",
                                                   "Content": "win the LOTTERY", "ExtSender": "a"})
    assert (bad["Result"], bad["Label"], bad["Keywords"], bad["Score"]) == ("Block", "Ad", ["lottery"], 100)
    good = api("im_msg_audit/content_moderation", {"AuditName": "custom-cfg", "ContentType": "Text", "Content": "hi"})
    assert good["Result"] == "Pass" and good["RequestId"] != bad["RequestId"]
    assert api("im_msg_audit/content_moderation", {"AuditName": "C2C", "ContentType": "Text",
                                                    "Content": "x" * 8193})["ErrorCode"] == 2003


def test_video_verdict_comes_by_callback(api, receiver, settle):
    api("im_cos_msg/forbid_illegal_object", {"RawURL": FILE})
    answer = api("im_msg_audit/content_moderation", {"AuditName": "Group", "ContentType": "Video", "Content": FILE,
                                                      "ExtSender": "ann", "ExtReceiver": "bob"})
    assert answer["ErrorCode"] == 0 and answer["Result"] == "" and answer["RequestId"]
    settle()
    query, body = receiver.calls[-1]
    event = parse(query, body)
    assert isinstance(event, ModerationEvent) and query["CallbackCommand"] == "ContentCallback.ResultNotify"
    assert (event.blocked, event.request_id, event.file_url, event.scene) == (1, answer["RequestId"], FILE, "Group")
    assert event.accounts() == ["ann", "bob"]


def test_batch_moderation_per_item(api):
    answer = api("im_msg_audit/batch_content_moderation", {"AuditName": "Group", "Contents": [
        {"ContentId": 7, "ContentType": "Text", "Content": "fine"},
        {"ContentId": 8, "ContentType": "Video", "Content": FILE}]})
    assert [(r["ContentId"], r["ErrorCode"], r["Result"]) for r in answer["AuditResults"]] == [
        (7, 0, "Pass"), (8, 2003, "")]
    twice = api("im_msg_audit/batch_content_moderation", {"AuditName": "Group", "Contents": [
        {"ContentId": 1, "ContentType": "Text", "Content": "a"}, {"ContentId": 1, "ContentType": "Text", "Content": "b"}]})
    assert twice["ErrorCode"] == 2003
    eleven = [{"ContentId": i, "ContentType": "Text", "Content": "t"} for i in range(11)]
    assert api("im_msg_audit/batch_content_moderation", {"AuditName": "C2C", "Contents": eleven})["ErrorCode"] == 2003


def test_chat_files_ban_sign_and_bad_urls(api, sandbox):
    assert api("im_cos_msg/forbid_illegal_object", {"RawURL": "not a url"})["ErrorCode"] == 70402
    api("im_cos_msg/forbid_illegal_object", {"RawURL": FILE})
    signed = api("im_cos_msg/get_cos_sig", {"RawURLs": [{"ResourceID": 1, "RawURL": FILE},
                                                        {"ResourceID": 2, "RawURL": "nope"}]})["PreSigURLs"]
    assert [(s["ResourceID"], s["Code"], s["Status"]) for s in signed] == [(1, 0, 1), (2, 70402, 2)]
    assert signed[0]["PreSigURL"].startswith(FILE + "?q-sign-algorithm=sha1&q-sign-time=")
    api("im_cos_msg/allow_banned_object", {"RawURL": FILE})
    assert sandbox.state.social.banned_files == {}


def test_non_admin_gets_2004_and_state_round_trips(api, users, sandbox, tmp_path):
    users("ann")
    denied = api("im_msg_audit/content_moderation", {"AuditName": "C2C", "ContentType": "Text", "Content": "x"},
                 identifier="ann", usersig=sandbox.make_usersig("ann"))
    assert denied["ErrorCode"] == 2004
    api("im_msg_audit_mgr/add_local_audit_keywords", {**APP, "LocalAuditWords": [{"Keyword": "kept"}]})
    api("im_cos_msg/forbid_illegal_object", {"RawURL": FILE})
    lib = library_id(api)
    path = str(tmp_path / "state.json")
    sandbox.state.save(path)
    sandbox.reset()
    sandbox.state.load_file(path)
    assert [w["Keyword"] for w in sandbox.state.social.local_keywords] == ["kept"]
    assert FILE in sandbox.state.social.banned_files and library_id(api) == lib
