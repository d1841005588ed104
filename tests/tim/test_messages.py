"""MsgBody element builders, OfflinePushInfo and their validation (nothing is sent)."""
from __future__ import annotations

import json

import pytest

from console.tim import InvalidArgumentError
from console.tim import messages as m


def test_every_element_type_has_a_builder_producing_valid_elements():
    body = [
        m.text("hello"),
        m.location(29.34, 116.77, desc="office"),
        m.face(1, "smile"),
        m.custom('{"k": 1}', desc="push text", ext="e", sound="dingdong.aiff"),
        m.sound("https://x/s.mp3", "s-1", size=1024, second=3),
        m.image("i-1", [m.image_info(1, "https://x/o.png", 800, 600, size=2048),
                        m.image_info(3, "https://x/t.png", 80, 60)], image_format=3),
        m.file("https://x/f.pdf", "f-1", file_size=99, file_name="f.pdf"),
        m.video("https://x/v.mp4", "v-1", "https://x/t.jpg", "t-1", video_size=10, video_second=2,
                video_format="mp4", thumb_width=64, thumb_height=48, thumb_format="JPG"),
    ]
    assert [e["MsgType"] for e in body] == ["TIMTextElem", "TIMLocationElem", "TIMFaceElem", "TIMCustomElem",
                                            "TIMSoundElem", "TIMImageElem", "TIMFileElem", "TIMVideoFileElem"]
    assert body[0] == {"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}
    assert body[1]["MsgContent"] == {"Desc": "office", "Latitude": 29.34, "Longitude": 116.77}
    assert body[4]["MsgContent"]["Download_Flag"] == 2
    assert body[5]["MsgContent"]["ImageInfoArray"][1] == {"Type": 3, "Width": 80, "Height": 60,
                                                          "URL": "https://x/t.png"}
    assert body[6]["MsgContent"] == {"Url": "https://x/f.pdf", "UUID": "f-1", "FileSize": 99,
                                     "FileName": "f.pdf", "Download_Flag": 2}
    video = body[7]["MsgContent"]
    assert video["VideoDownloadFlag"] == video["ThumbDownloadFlag"] == 2 and "ThumbSize" not in video
    m.validate_body(body)  # the whole message is valid too
    assert m.check_size(body) == len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())


def test_relay_element():
    inner = {"From_Account": "a", "To_Account": "b", "MsgSeq": 1, "MsgRandom": 2, "MsgTimeStamp": 3,
             "MsgBody": [m.text("hi")]}
    elem = m.relay("Chat history", "[Chat history]", ["a: hi"], msg_list=[inner])
    assert elem["MsgContent"]["MsgNum"] == 1 and elem["MsgContent"]["MsgList"] == [inner]
    assert "JsonMsgKey" not in elem["MsgContent"]
    keyed = m.relay("Chat history", "[Chat history]", ["a: hi"], json_msg_key="key-1", msg_num=30)
    assert keyed["MsgContent"]["JsonMsgKey"] == "key-1"
    with pytest.raises(InvalidArgumentError, match="exactly one of MsgList"):
        m.relay("t", "c", [], msg_list=[inner], json_msg_key="k")
    with pytest.raises(InvalidArgumentError, match=r"MsgList\[0\]\.MsgBody\[0\]\.MsgContent\.Text"):
        m.relay("t", "c", [], msg_list=[{**inner, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {}}]}])


@pytest.mark.parametrize("build,message", [
    (lambda: m.text(5), "Text: must be string, got int"),
    (lambda: m.text(None), "Text: is required"),
    (lambda: m.location("north", 1.0), "Latitude: must be integer or number"),
    (lambda: m.face(True), "Index: must be integer, got bool"),
    (lambda: m.image("u", [m.image_info(4, "https://x", 1, 1)]), "Type: must be one of 1, 2, 3, got 4"),
    (lambda: m.image("u", [m.image_info(1, "https://x", 1, 1)], image_format=7), "ImageFormat: must be one of"),
    (lambda: m.image("u", [{"Type": 1}]), r"ImageInfoArray\[0\]\.Width: is required"),
    (lambda: m.image("u", []), "ImageInfoArray: must not be empty"),
    (lambda: m.element("TIMTextElem", Text="x", Colour="red"), r"unknown field\(s\) Colour"),
    (lambda: m.element("TIMStickerElem", Id=1), "unknown element type 'TIMStickerElem'"),
    (lambda: m.element("TIMSoundElem", Url="u", UUID="i", Download_Flag=1), "Download_Flag: must be one of 2"),
])
def test_builders_reject_bad_fields_with_a_useful_message(build, message):
    with pytest.raises(InvalidArgumentError, match=message) as info:
        build()
    assert info.value.code == 0


@pytest.mark.parametrize("body,message", [
    ([], "non-empty list"),
    ({"MsgType": "TIMTextElem"}, "non-empty list"),
    (["hello"], r"MsgBody\[0\]: must be an object"),
    ([{"MsgType": "TIMTextElem", "MsgContent": "hi"}], r"MsgBody\[0\]\.MsgContent: must be an object"),
    ([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "a"}, "Extra": 1}], "beside MsgType"),
    ([m.custom("a"), m.text("b"), m.custom("c")], "at most one TIMCustomElem"),
])
def test_validate_body_rejects_malformed_messages(body, message):
    with pytest.raises(InvalidArgumentError, match=message):
        m.validate_body(body)


def test_lenient_validation_accepts_what_older_clients_send():
    # received messages: sound without Url, file name spelt "fileName", unknown extra fields
    received = [{"MsgType": "TIMSoundElem", "MsgContent": {"UUID": "s", "Size": 3, "Second": 1, "X": 1}},
                {"MsgType": "TIMFileElem", "MsgContent": {"UUID": "f", "fileName": "a.txt", "FileSize": 1}}]
    m.validate_body(received, strict=False)
    with pytest.raises(InvalidArgumentError):
        m.validate_body(received)
    with pytest.raises(InvalidArgumentError, match="Size: must be integer"):
        m.validate_body([{"MsgType": "TIMSoundElem", "MsgContent": {"Size": "3"}}], strict=False)


def test_the_12_kb_limit():
    limit = m.MAX_MESSAGE_BYTES
    overhead = len(json.dumps([m.text("")], separators=(",", ":")))
    fits = [m.text("x" * (limit - overhead))]
    assert m.check_size(fits) == limit
    m.validate_body(fits)
    with pytest.raises(InvalidArgumentError, match=r"12289 bytes as JSON, over the 12288-byte \(12 KB\) limit"):
        m.validate_body([m.text("x" * (limit - overhead + 1))])
    # sizes count UTF-8 bytes, not characters: 3 bytes per CJK character
    with pytest.raises(InvalidArgumentError):
        m.check_size([m.text("汉" * 4200)])


def test_offline_push_info():
    info = m.offline_push_info(0, title="New message", desc="You have mail", ext={"route": "/inbox", "n": 1},
                               android={"HuaWeiImportance": "LOW", "VIVOClassification": 0, "Sound": "a.mp3"},
                               apns={"BadgeMode": 1, "Sound": "b.caf", "MutableContent": 1})
    assert info == {"PushFlag": 0, "Title": "New message", "Desc": "You have mail",
                    "Ext": '{"route":"/inbox","n":1}',
                    "AndroidInfo": {"HuaWeiImportance": "LOW", "VIVOClassification": 0, "Sound": "a.mp3"},
                    "ApnsInfo": {"BadgeMode": 1, "Sound": "b.caf", "MutableContent": 1}}
    assert m.offline_push_info(1) == {"PushFlag": 1}  # 1 really means "no push" (the Go SDK's bug: both 0)
    for kwargs, message in [({"push_flag": 2}, "PushFlag: must be one of 0, 1"),
                            ({"android": {"HuaWeiImportance": "HIGH"}}, "HuaWeiImportance: must be one of"),
                            ({"apns": {"Badge": 1}}, r"ApnsInfo: unknown field\(s\) Badge"),
                            ({"title": 3}, "Title: must be string")]:
        with pytest.raises(InvalidArgumentError, match=message):
            m.offline_push_info(**kwargs)
