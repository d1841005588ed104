"""Message model: builders and checks for `MsgBody` elements and `OfflinePushInfo`.

Each element type is described once, as a table of fields (spec §5, endpoints-users-
messages.md §0.4/§0.5); the builders are thin wrappers over `element()`, and
`validate_body()` checks a whole MsgBody the way the service would, before sending.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from .errors import InvalidArgumentError

MAX_MESSAGE_BYTES = 12 * 1024  # one message, JSON-encoded (product limit; server code 93000)

_NUM = (int, float)


@dataclass(frozen=True)
class Field:
    name: str
    types: type | tuple[type, ...]
    required: bool = False
    choices: tuple = ()
    spec: tuple["Field", ...] | None = None  # for a dict value, or each dict in a list value


def F(name, types, required=False, choices=(), spec=None) -> Field:  # noqa: N802 - table shorthand
    return Field(name, types, required, tuple(choices), spec)


IMAGE_INFO = (F("Type", int, True, (1, 2, 3)), F("Size", int), F("Width", int, True),
              F("Height", int, True), F("URL", str, True))

# MsgType -> MsgContent fields. "required" = what REST needs to send the element.
ELEMENTS: dict[str, tuple[Field, ...]] = {
    "TIMTextElem": (F("Text", str, True),),
    "TIMLocationElem": (F("Desc", str), F("Latitude", _NUM, True), F("Longitude", _NUM, True)),
    "TIMFaceElem": (F("Index", int, True), F("Data", str)),
    "TIMCustomElem": (F("Data", str, True), F("Desc", str), F("Ext", str), F("Sound", str)),
    "TIMSoundElem": (F("Url", str, True), F("UUID", str, True), F("Size", int), F("Second", int),
                     F("Download_Flag", int, True, (2,))),
    "TIMImageElem": (F("UUID", str, True), F("ImageFormat", int, True, (1, 2, 3, 4, 255)),
                     F("ImageInfoArray", list, True, spec=IMAGE_INFO)),
    # The docs spell the file name both "FileName" and "fileName"; we send the former, accept both.
    "TIMFileElem": (F("Url", str, True), F("UUID", str, True), F("FileSize", int), F("FileName", str),
                    F("fileName", str), F("Download_Flag", int, True, (2,))),
    "TIMVideoFileElem": (F("VideoUrl", str, True), F("VideoUUID", str, True), F("VideoSize", int),
                         F("VideoSecond", int), F("VideoFormat", str), F("VideoDownloadFlag", int, True, (2,)),
                         F("ThumbUrl", str, True), F("ThumbUUID", str, True), F("ThumbSize", int),
                         F("ThumbWidth", int), F("ThumbHeight", int), F("ThumbFormat", str),
                         F("ThumbDownloadFlag", int, True, (2,))),
    "TIMRelayElem": (F("Title", str, True), F("MsgNum", int, True), F("CompatibleText", str, True),
                     F("AbstractList", list, True), F("MsgList", list), F("JsonMsgKey", str)),
}

RELAY_ITEM = (F("From_Account", str), F("To_Account", str), F("GroupId", str), F("MsgSeq", int),
              F("MsgRandom", int), F("MsgTimeStamp", int), F("MsgBody", list, True), F("CloudCustomData", str))

_ANDROID = (F("Sound", str), F("HuaWeiChannelID", str), F("XiaoMiChannelID", str), F("OPPOChannelID", str),
            F("GoogleChannelID", str), F("VIVOClassification", int, choices=(0, 1)),
            F("HuaWeiImportance", str, choices=("LOW", "NORMAL")), F("ExtAsHuaweiIntentParam", int, choices=(0, 1)),
            F("HuaWeiCategory", str), F("VIVOCategory", str), F("HuaWeiImage", str), F("HonorImage", str),
            F("HonorImportance", str), F("GoogleImage", str), F("PushStyle", (int, str)))
_APNS = (F("Sound", str), F("BadgeMode", int, choices=(0, 1)), F("Title", str), F("SubTitle", str),
         F("Image", str), F("MutableContent", int, choices=(0, 1)), F("InterruptionLevel", str),
         F("ContentAvailable", int, choices=(0, 1)))
OFFLINE_PUSH = (F("PushFlag", int, choices=(0, 1)), F("Title", str), F("Desc", str), F("Ext", str),
                F("AndroidInfo", dict, spec=_ANDROID), F("ApnsInfo", dict, spec=_APNS))


def _fail(path: str, problem: str):
    raise InvalidArgumentError(f"{path}: {problem}")


def _type_name(types) -> str:
    types = types if isinstance(types, tuple) else (types,)
    return " or ".join("number" if t is float else {int: "integer", str: "string"}.get(t, t.__name__)
                       for t in types)


def check_fields(data: object, spec: tuple[Field, ...], path: str, *, strict: bool = True) -> None:
    """Raise InvalidArgumentError unless `data` is a dict matching `spec`.

    strict: required fields present and no unknown fields (what we send);
    otherwise only the types of the known fields present (what we receive).
    """
    if not isinstance(data, dict):
        _fail(path, f"must be an object, got {type(data).__name__}")
    known = {f.name for f in spec}
    if strict:
        unknown = sorted(set(data) - known)
        if unknown:
            _fail(path, f"unknown field(s) {', '.join(unknown)}; expected some of {', '.join(sorted(known))}")
    for f in spec:
        where = f"{path}.{f.name}"
        if f.name not in data or data[f.name] is None:
            if strict and f.required:
                _fail(where, "is required")
            continue
        value = data[f.name]
        if isinstance(value, bool) or not isinstance(value, f.types):
            _fail(where, f"must be {_type_name(f.types)}, got {type(value).__name__} {value!r:.40}")
        if f.choices and value not in f.choices:
            _fail(where, f"must be one of {', '.join(map(repr, f.choices))}, got {value!r}")
        if f.spec is not None and f.required and value == []:
            _fail(where, "must not be empty")
        if f.spec is not None:
            for i, item in enumerate(value if isinstance(value, list) else [value]):
                check_fields(item, f.spec, f"{where}[{i}]" if isinstance(value, list) else where, strict=strict)


def validate_element(elem: object, path: str = "MsgBody[0]", *, strict: bool = True) -> None:
    if not isinstance(elem, dict):
        _fail(path, f"must be an object with MsgType and MsgContent, got {type(elem).__name__}")
    msg_type = elem.get("MsgType")
    if msg_type not in ELEMENTS:
        _fail(f"{path}.MsgType", f"unknown element type {msg_type!r}; expected one of {', '.join(ELEMENTS)}")
    extra = sorted(set(elem) - {"MsgType", "MsgContent"})
    if strict and extra:
        _fail(path, f"unknown field(s) {', '.join(extra)} beside MsgType and MsgContent")
    content = elem.get("MsgContent")
    check_fields(content, ELEMENTS[msg_type], f"{path}.MsgContent", strict=strict)
    if msg_type == "TIMRelayElem" and strict:
        _check_relay(content, f"{path}.MsgContent")


def _check_relay(content: dict, path: str) -> None:
    if ("MsgList" in content) == ("JsonMsgKey" in content):
        _fail(path, "needs exactly one of MsgList (total up to 12 KB) or JsonMsgKey (larger)")
    if not all(isinstance(a, str) for a in content["AbstractList"]):
        _fail(f"{path}.AbstractList", "must be a list of strings")
    for i, item in enumerate(content.get("MsgList") or ()):
        check_fields(item, RELAY_ITEM, f"{path}.MsgList[{i}]")
        validate_body(item["MsgBody"], f"{path}.MsgList[{i}].MsgBody", check_length=False)


def validate_body(msg_body: object, path: str = "MsgBody", *, strict: bool = True,
                  check_length: bool = True) -> None:
    """Check a whole MsgBody: a non-empty list of valid elements, at most one custom
    element, within the 12 KB message limit."""
    if not isinstance(msg_body, list) or not msg_body:
        _fail(path, "must be a non-empty list of elements")
    for i, elem in enumerate(msg_body):
        validate_element(elem, f"{path}[{i}]", strict=strict)
    if sum(1 for e in msg_body if e.get("MsgType") == "TIMCustomElem") > 1:
        _fail(path, "a message may hold at most one TIMCustomElem")
    if check_length:
        check_size(msg_body)


def encoded_size(data: object) -> int:
    """Bytes of `data` as compact UTF-8 JSON, the way the client sends it."""
    return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def check_size(msg_body: object, limit: int = MAX_MESSAGE_BYTES) -> int:
    """Raise InvalidArgumentError if the message is over 12 KB; return its size in bytes."""
    size = encoded_size(msg_body)
    if size > limit:
        raise InvalidArgumentError(
            f"message is {size} bytes as JSON, over the {limit}-byte (12 KB) limit; shorten the text, "
            "send it in several messages, or put large content in a file and send its URL")
    return size


# ---- builders ----------------------------------------------------------------------------

def element(msg_type: str, **content) -> dict:
    """One MsgBody element; fields given as None are left out. Validated."""
    elem = {"MsgType": msg_type, "MsgContent": {k: v for k, v in content.items() if v is not None}}
    validate_element(elem, msg_type)
    return elem


def text(text: str) -> dict:
    return element("TIMTextElem", Text=text)


def location(latitude: float, longitude: float, desc: str = "") -> dict:
    return element("TIMLocationElem", Desc=desc, Latitude=latitude, Longitude=longitude)


def face(index: int, data: str = "") -> dict:
    return element("TIMFaceElem", Index=index, Data=data)


def custom(data: str, desc: str | None = None, ext: str | None = None, sound: str | None = None) -> dict:
    return element("TIMCustomElem", Data=data, Desc=desc, Ext=ext, Sound=sound)


def sound(url: str, uuid: str, size: int | None = None, second: int | None = None) -> dict:
    return element("TIMSoundElem", Url=url, UUID=uuid, Size=size, Second=second, Download_Flag=2)


def image_info(type: int, url: str, width: int, height: int, size: int | None = None) -> dict:  # noqa: A002
    """One ImageInfoArray entry: type 1 original, 2 large, 3 thumbnail."""
    return {k: v for k, v in {"Type": type, "Size": size, "Width": width, "Height": height,
                              "URL": url}.items() if v is not None}


def image(uuid: str, images: list[dict], image_format: int = 255) -> dict:
    """images: image_info(...) entries; image_format 1 JPG, 2 GIF, 3 PNG, 4 BMP, 255 other."""
    return element("TIMImageElem", UUID=uuid, ImageFormat=image_format, ImageInfoArray=list(images))


def file(url: str, uuid: str, file_size: int | None = None, file_name: str | None = None) -> dict:
    return element("TIMFileElem", Url=url, UUID=uuid, FileSize=file_size, FileName=file_name, Download_Flag=2)


def video(video_url: str, video_uuid: str, thumb_url: str, thumb_uuid: str, *,
          video_size: int | None = None, video_second: int | None = None, video_format: str | None = None,
          thumb_size: int | None = None, thumb_width: int | None = None, thumb_height: int | None = None,
          thumb_format: str | None = None) -> dict:
    return element("TIMVideoFileElem", VideoUrl=video_url, VideoUUID=video_uuid, VideoSize=video_size,
                   VideoSecond=video_second, VideoFormat=video_format, VideoDownloadFlag=2,
                   ThumbUrl=thumb_url, ThumbUUID=thumb_uuid, ThumbSize=thumb_size, ThumbWidth=thumb_width,
                   ThumbHeight=thumb_height, ThumbFormat=thumb_format, ThumbDownloadFlag=2)


def relay(title: str, compatible_text: str, abstract_list: list[str], *, msg_list: list[dict] | None = None,
          json_msg_key: str | None = None, msg_num: int | None = None) -> dict:
    """A merged-forward element: pass msg_list (messages up to 12 KB in total) or json_msg_key."""
    if msg_num is None:
        msg_num = len(msg_list or ())
    return element("TIMRelayElem", Title=title, MsgNum=msg_num, CompatibleText=compatible_text,
                   AbstractList=list(abstract_list), MsgList=msg_list, JsonMsgKey=json_msg_key)


def offline_push_info(push_flag: int = 0, title: str | None = None, desc: str | None = None,
                      ext: str | dict | None = None, android: dict | None = None,
                      apns: dict | None = None) -> dict:
    """OfflinePushInfo. push_flag 0 = push normally, 1 = no offline push. `ext` may be a dict
    (sent as a JSON string); `android` / `apns` use the documented field names
    (e.g. {"HuaWeiImportance": "LOW"}, {"BadgeMode": 1})."""
    if isinstance(ext, dict):
        ext = json.dumps(ext, ensure_ascii=False, separators=(",", ":"))
    info = {k: v for k, v in {"PushFlag": push_flag, "Title": title, "Desc": desc, "Ext": ext,
                              "AndroidInfo": android, "ApnsInfo": apns}.items() if v is not None}
    validate_offline_push_info(info)
    return info


def validate_offline_push_info(info: object, path: str = "OfflinePushInfo") -> None:
    check_fields(info, OFFLINE_PUSH, path)


# ---- showing what IM sends -------------------------------------------------------------------
# Any IM user with a custom client can send elements of any shape. Renderers never read a
# MsgBody directly: `view_body` gives them elements whose known fields have the documented types,
# and turns everything else into an "unrecognised" element carrying its raw JSON.

#: a number a page can do arithmetic on (a size in KB, a duration); anything larger is malformed
_MAX_SHOWN_NUMBER = 2**63


def received_body(value: object) -> list:
    """A MsgBody as IM answered it, as a list (not checked: `view_body` does that when showing
    it): a list as it is, nothing as [], anything else as its one (unrecognised) element."""
    if isinstance(value, list):
        return value
    return [value] if value else []


def received_int(value: object, hi: int = 2**63 - 1) -> int:
    """A number of a received message (MsgSeq, MsgTimeStamp...): 0 unless it is a whole number
    (or its digits) from 0 to `hi`."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 20:
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= hi:
        return 0
    return value


def received_text(value: object) -> str:
    """A text of a received message (an account, a key): a number as its digits, else ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def body_text(body: object, sep: str = "") -> str:
    """The text of a received MsgBody's well-formed text elements, joined by `sep` (what an edit
    form starts from); anything else in it is skipped."""
    return sep.join(e["MsgContent"].get("Text") or "" for e in view_body(body)
                    if e["MsgType"] == "TIMTextElem" and not e.get("unrecognised"))


def view_body(body: object) -> list[dict]:
    """A received MsgBody as a list of elements to show: each one either as sent (its shape is
    the documented one: `validate_element(strict=False)`, numbers finite and within 64 bits) or
    `unrecognised(elem)`. Never raises."""
    if not isinstance(body, list):
        return [unrecognised(body)] if body else []
    return [view_element(elem) for elem in body]


def view_element(elem: object) -> dict:
    try:
        validate_element(elem, strict=False)
    except (InvalidArgumentError, TypeError):  # TypeError: an unhashable MsgType
        return unrecognised(elem)
    if not _plain_numbers(elem["MsgContent"]):
        return unrecognised(elem)
    return elem


def unrecognised(elem: object) -> dict:
    """What a page shows for an element it cannot read: its type when it names one, its raw JSON."""
    msg_type = elem.get("MsgType") if isinstance(elem, dict) else None
    try:
        raw = json.dumps(elem, ensure_ascii=False, indent=2, default=repr)
    except (ValueError, RecursionError):
        raw = repr(elem)[:2000]
    return {"MsgType": msg_type if isinstance(msg_type, str) else "", "MsgContent": {},
            "unrecognised": True, "raw": raw}


def _plain_numbers(content: dict) -> bool:
    """Every number in `content` (one level of lists and dicts deep) is finite and within 64 bits."""
    values = list(content.values())
    for value in list(values):
        if isinstance(value, list):
            values.extend(v for item in value for v in (item.values() if isinstance(item, dict) else [item]))
    for value in values:
        if isinstance(value, float) and not (value == value and abs(value) < _MAX_SHOWN_NUMBER):
            return False
        if isinstance(value, int) and abs(value) >= _MAX_SHOWN_NUMBER:
            return False
    return True
