"""Moderation services: keyword lists (im_msg_audit_mgr/*), content moderation (im_msg_audit/*)
and chat-file ban, unban and signed URLs (im_cos_msg/*).

Facts from Tencent's pages (1047/77827-77833, 269/74777 and the doocs Java SDK's field names):
every `im_msg_audit_mgr` request carries the app's `SdkAppId`; local keywords
(`LocalAuditWords[{Keyword, WordType 1 word | 2 regex, FilterType 1 replace | 2 intercept,
ReplacedContent}]`, ≤ 10 per add or delete, listed with `Id` and `UpdateTime` plus the
`TotalCount`/`TotalRegCount`/`CurCount`/`CurRegCount` counters, `Limit` ≤ 100, `Keyword` a fuzzy
filter); cloud keyword libraries (`Infos[{ID, LibName, Describe, CreateTime, Suggestion}]`, words
`Infos[{ID, Content, CreateTime}]` with an optional fuzzy `Content`, added as
`UserKeywords[{Content, Label}]`, deleted by content ≤ 10 at a time with per-word `Details`);
`Label` is one of Normal/Illegal/Abuse/Polity/Ad/Porn/Sexy/Terror/Composite; every answer has a
`RequestId`. Codes: 2001 internal, 2002 unknown command, 2003 invalid parameter, 2004 not
permitted, 2015 moderation not enabled, 2016 too many words in one request.
`content_moderation` takes `AuditName` (C2C / Group / UserInfo / GroupInfo / GroupMemberInfo /
RelationChain or a custom configuration ID), `ContentType` Text/Image/Audio/Video, `Content`
≤ 8 KB (a URL for files), optional `ExtSender`/`ExtReceiver`; text and images are answered at
once (`Result` Pass/Review/Block, `Score` 0-100, `Label`, `Keywords`), audio and video later by
callback. `batch_content_moderation` takes ≤ 10 `Contents[{ContentId, ContentType Text|Image,
Content}]` with distinct ids and answers `AuditResults` per id. `get_cos_sig` signs
`RawURLs[{ResourceID, RawURL}]` for 15 minutes and reports each file's `Status` (0 normal,
1 banned, 2 missing) with a `Code`/`Desc`.

Sandbox choices: cloud moderation blocks text holding a word of any cloud library (the word's
label, `Review` for words labelled Normal) and files whose URL was banned with
`forbid_illegal_object`; local keywords are the SDK's business and change no verdict here. The
audio/video verdict goes out as a `ContentCallback.ResultNotify` after-callback (the `Ctxcb*`
fields) and the immediate answer has only the `RequestId` and empty verdict fields. At most 10
cloud words per add (2016, as for deletes). The app starts with one library ("default").
Banning is idempotent; any http(s) URL counts as an existing file (`Status` 2 is never given);
a malformed URL is 70402 (the service documents no code for it).
"""
from __future__ import annotations

import hashlib
import re
import uuid

from ..registry import ApiError, endpoint
from .common import integer, items, size

MGR, AUDIT, COS = "im_msg_audit_mgr/", "im_msg_audit/", "im_cos_msg/"
INVALID = 2003
NOT_PERMITTED = 2004
TOO_MANY = 2016
BAD_URL = 70402

MAX_WORDS = 10                # local add/delete, cloud add/delete
MAX_PAGE = 100
MAX_CONTENT_BYTES = 8 * 1024
MAX_BATCH = 10
SIGNED_FOR = 900              # get_cos_sig: signatures last 15 minutes
WORD_TYPES = (1, 2)           # 1 plain word, 2 regular expression
FILTER_TYPES = (1, 2)         # 1 replace, 2 intercept
LABELS = ("Normal", "Illegal", "Abuse", "Polity", "Ad", "Porn", "Sexy", "Terror", "Composite")
CONTENT_TYPES = ("Text", "Image", "Audio", "Video")
BATCH_TYPES = ("Text", "Image")
LATER = ("Audio", "Video")    # verdicts delivered by callback


def _invalid(info: str) -> ApiError:
    return ApiError(INVALID, info)


def _request_id() -> str:
    return str(uuid.uuid4())


def _app(ctx, body: dict) -> None:
    """`SdkAppId` must be this app's."""
    app_id = body.get("SdkAppId")
    if isinstance(app_id, str) and app_id.isdigit():
        app_id = int(app_id)
    if isinstance(app_id, bool) or not isinstance(app_id, int):
        raise _invalid("SdkAppId is missing")
    if app_id != ctx.sandbox.app_id:
        raise ApiError(NOT_PERMITTED, "SdkAppId is not the app this request is signed for")


def _words(body: dict, field: str, kind=None) -> list:
    return items(body, field, INVALID, limit=MAX_WORDS, limit_code=TOO_MANY, kind=kind)


def _text(value, field: str, *, required: bool = True, limit: int | None = None) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise _invalid(f"{field} must be a non-empty string")
    if limit is not None and size(value) > limit:
        raise _invalid(f"{field} is longer than {limit} bytes")
    return value


def _choice(value, field: str, allowed: tuple, default):
    if value is None:
        return default
    if value not in allowed or isinstance(value, bool):
        raise _invalid(f"{field} must be one of {', '.join(map(str, allowed))}")
    return value


def _page(body: dict) -> tuple[int, int]:
    offset = integer(body, "Offset", INVALID, required=False, default=0)
    limit = integer(body, "Limit", INVALID, required=False, default=MAX_PAGE, low=1, high=MAX_PAGE)
    return offset, limit


# ---- local keywords ---------------------------------------------------------------------------

@endpoint(MGR + "add_local_audit_keywords", rate=200)
def add_local_audit_keywords(ctx, body):
    _app(ctx, body)
    words = []
    for entry in _words(body, "LocalAuditWords", dict):
        keyword = _text(entry.get("Keyword"), "Keyword")
        word_type = _choice(entry.get("WordType"), "WordType", WORD_TYPES, 1)
        filter_type = _choice(entry.get("FilterType"), "FilterType", FILTER_TYPES, 2)
        replaced = _text(entry.get("ReplacedContent"), "ReplacedContent", required=False)
        if word_type == 2:
            try:
                re.compile(keyword)
            except re.error:
                raise _invalid(f"{keyword!r} is not a valid regular expression") from None
        words.append((keyword, word_type, filter_type, replaced))
    with ctx.state.lock:
        for word in words:
            ctx.state.social.add_local_keyword(*word, now=ctx.now)
    return {"RequestId": _request_id()}


@endpoint(MGR + "delete_local_audit_keywords", rate=200)
def delete_local_audit_keywords(ctx, body):
    _app(ctx, body)
    targets = []
    for entry in _words(body, "LocalAuditWords", dict):
        word_id = entry.get("Id")
        if word_id is not None and (isinstance(word_id, bool) or not isinstance(word_id, int)):
            raise _invalid("Id must be an integer")
        keyword = entry.get("Keyword")
        if word_id is None:
            keyword = _text(keyword, "Keyword")
        targets.append((word_id, keyword, entry.get("WordType")))
    with ctx.state.lock:
        social = ctx.state.social
        social.local_keywords = [w for w in social.local_keywords if not any(
            (word_id is not None and w["Id"] == word_id) or
            (word_id is None and w["Keyword"] == keyword and word_type in (None, w["WordType"]))
            for word_id, keyword, word_type in targets)]
    return {"RequestId": _request_id()}


@endpoint(MGR + "get_local_audit_keywords", rate=200)
def get_local_audit_keywords(ctx, body):
    _app(ctx, body)
    filter_type = _choice(body.get("FilterType") or None, "FilterType", FILTER_TYPES, None)
    offset, limit = _page(body)
    needle = _text(body.get("Keyword"), "Keyword", required=False)
    with ctx.state.lock:
        every = list(ctx.state.social.local_keywords)
    chosen = [w for w in every if (filter_type is None or w["FilterType"] == filter_type)
              and needle.casefold() in w["Keyword"].casefold()]
    return {"RequestId": _request_id(), "LocalAuditWords": [dict(w) for w in chosen[offset:offset + limit]],
            "TotalCount": len(every), "TotalRegCount": sum(w["WordType"] == 2 for w in every),
            "CurCount": len(chosen), "CurRegCount": sum(w["WordType"] == 2 for w in chosen)}


# ---- cloud keyword libraries ---------------------------------------------------------------------

def _library(ctx, body: dict) -> dict:
    lib_id = _text(body.get("LibID"), "LibID")
    library = ctx.state.social.cloud_libraries.get(lib_id)
    if library is None:
        raise _invalid(f"no keyword library {lib_id}")
    return library


@endpoint(MGR + "get_cloud_audit_keywords_ids", rate=200)
def get_cloud_audit_keywords_ids(ctx, body):
    _app(ctx, body)
    offset, limit = _page(body)
    with ctx.state.lock:
        libraries = list(ctx.state.social.cloud_libraries.values())
    infos = [{k: v for k, v in lib.items() if k != "keywords"} for lib in libraries[offset:offset + limit]]
    return {"RequestId": _request_id(), "TotalCount": len(libraries), "Infos": infos}


@endpoint(MGR + "get_cloud_audit_keywords", rate=200)
def get_cloud_audit_keywords(ctx, body):
    _app(ctx, body)
    offset, limit = _page(body)
    needle = _text(body.get("Content"), "Content", required=False)
    with ctx.state.lock:
        words = [dict(w) for w in _library(ctx, body)["keywords"]]
    chosen = [w for w in words if needle.casefold() in w["Content"].casefold()]
    return {"RequestId": _request_id(), "TotalCount": len(chosen), "Infos": chosen[offset:offset + limit]}


@endpoint(MGR + "add_cloud_audit_keywords", rate=200)
def add_cloud_audit_keywords(ctx, body):
    _app(ctx, body)
    words = []
    for entry in _words(body, "UserKeywords", dict):
        content = _text(entry.get("Content"), "Content")
        words.append((content, _choice(entry.get("Label") or None, "Label", LABELS, "Illegal")))
    with ctx.state.lock:
        library = _library(ctx, body)
        for content, label in words:
            ctx.state.social.add_cloud_keyword(library, content, label, ctx.now)
    return {"RequestId": _request_id()}


@endpoint(MGR + "delete_cloud_audit_keywords", rate=200)
def delete_cloud_audit_keywords(ctx, body):
    _app(ctx, body)
    contents = [_text(c, "Keywords item") for c in _words(body, "Keywords")]
    details = []
    with ctx.state.lock:
        library = _library(ctx, body)
        for content in contents:
            entry = next((w for w in library["keywords"] if w["Content"] == content), None)
            if entry is None:
                details.append({"KeywordID": "", "Keyword": content, "Deleted": False,
                                "ErrorInfo": "no such keyword in the library"})
                continue
            library["keywords"].remove(entry)
            details.append({"KeywordID": entry["ID"], "Keyword": content, "Deleted": True, "ErrorInfo": ""})
    return {"RequestId": _request_id(), "Count": sum(d["Deleted"] for d in details), "Details": details}


# ---- content moderation -----------------------------------------------------------------------

def verdict(state, content_type: str, content: str) -> dict:
    """What cloud moderation says about one piece of content (Result, Score, Label, Keywords)."""
    if content_type == "Text":
        hits = state.social.cloud_hits(content)
        if hits:
            label = hits[0]["Label"]
            result = "Review" if label == "Normal" else "Block"
            return {"Result": result, "Score": 60 if result == "Review" else 100, "Label": label,
                    "Keywords": [h["Content"] for h in hits]}
    elif content in state.social.banned_files:
        return {"Result": "Block", "Score": 100, "Label": "Illegal", "Keywords": []}
    return {"Result": "Pass", "Score": 0, "Label": "Normal", "Keywords": []}


def _content(entry: dict, types: tuple) -> tuple[str, str]:
    content_type = _choice(entry.get("ContentType"), "ContentType", types, None)
    if content_type is None:
        raise _invalid("ContentType is missing")
    return content_type, _text(entry.get("Content"), "Content", limit=MAX_CONTENT_BYTES)


def _ext(body: dict) -> tuple[str, str]:
    return (_text(body.get("ExtSender"), "ExtSender", required=False),
            _text(body.get("ExtReceiver"), "ExtReceiver", required=False))


@endpoint(AUDIT + "content_moderation", rate=200)
def content_moderation(ctx, body):
    scene = _text(body.get("AuditName"), "AuditName")
    content_type, content = _content(body, CONTENT_TYPES)
    sender, receiver = _ext(body)
    request_id = _request_id()
    with ctx.state.lock:
        found = verdict(ctx.state, content_type, content)
    if content_type not in LATER:
        return {"RequestId": request_id, **found}
    ctx.callbacks.after("ContentCallback.ResultNotify", {
        "CallbackCommand": "ContentCallback.ResultNotify", "Scene": scene, "From_Account": sender,
        "ContactItem": {"ContactType": 1, "To_Account": receiver}, "ContentType": content_type,
        "FileURL": content, "CtxcbResult": 1 if found["Result"] == "Block" else 0,
        "CtxcbRequestId": request_id, "CtxcbKeywords": found["Keywords"], "CtxcbSuggestion": found["Result"],
        "CtxcbLabel": found["Label"], "CtxcbSubLabel": "", "EventTime": int(ctx.now * 1000)})
    return {"RequestId": request_id, "Result": "", "Score": 0, "Label": "", "Keywords": []}


@endpoint(AUDIT + "batch_content_moderation", rate=200)
def batch_content_moderation(ctx, body):
    _text(body.get("AuditName"), "AuditName")
    _ext(body)
    entries = items(body, "Contents", INVALID, limit=MAX_BATCH, kind=dict)
    ids = [e.get("ContentId") for e in entries]
    if any(isinstance(i, bool) or not isinstance(i, int) for i in ids) or len(set(ids)) != len(ids):
        raise _invalid("every item needs its own integer ContentId")
    results = []
    for entry in entries:
        request_id = _request_id()
        try:
            content_type, content = _content(entry, BATCH_TYPES)
        except ApiError as err:
            results.append({"ContentId": entry["ContentId"], "ErrorCode": err.code, "ErrorInfo": err.info,
                            "Result": "", "Score": 0, "Label": "", "SubLabel": "", "Keywords": [],
                            "RequestId": request_id})
            continue
        with ctx.state.lock:
            found = verdict(ctx.state, content_type, content)
        results.append({"ContentId": entry["ContentId"], "ErrorCode": 0, "ErrorInfo": "", **found,
                        "SubLabel": "", "RequestId": request_id})
    return {"AuditResults": results}


# ---- chat files -------------------------------------------------------------------------------

def _url(value, field: str = "RawURL") -> str:
    if not isinstance(value, str) or not re.match(r"https?://[^/\s]+", value):
        raise ApiError(BAD_URL, f"{field} must be an http(s) URL")
    return value


@endpoint(COS + "forbid_illegal_object", rate=200)
def forbid_illegal_object(ctx, body):
    url = _url(body.get("RawURL"))
    with ctx.state.lock:
        ctx.state.social.banned_files.setdefault(url, int(ctx.now))
    return {}


@endpoint(COS + "allow_banned_object", rate=200)
def allow_banned_object(ctx, body):
    url = _url(body.get("RawURL"))
    with ctx.state.lock:
        ctx.state.social.banned_files.pop(url, None)
    return {}


def signed(url: str, now: float, app_id: int) -> str:
    """A FULL_CONTROL-style signed URL valid for 15 minutes (the signature is the sandbox's own)."""
    start = int(now)
    window = f"{start};{start + SIGNED_FOR}"
    signature = hashlib.sha1(f"{app_id}\n{url}\n{window}".encode("utf-8")).hexdigest()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}q-sign-algorithm=sha1&q-sign-time={window}&q-signature={signature}"


@endpoint(COS + "get_cos_sig", rate=200)
def get_cos_sig(ctx, body):
    entries = items(body, "RawURLs", BAD_URL, kind=dict)
    out = []
    with ctx.state.lock:
        banned = set(ctx.state.social.banned_files)
    for entry in entries:
        resource = entry.get("ResourceID")
        if isinstance(resource, bool) or not isinstance(resource, int):
            raise ApiError(BAD_URL, "every RawURLs item needs an integer ResourceID")
        try:
            url = _url(entry.get("RawURL"))
        except ApiError as err:
            out.append({"ResourceID": resource, "Code": err.code, "Desc": err.info, "PreSigURL": "",
                        "Status": 2})
            continue
        out.append({"ResourceID": resource, "Code": 0, "Desc": "",
                    "PreSigURL": signed(url, ctx.now, ctx.sandbox.app_id), "Status": 1 if url in banned else 0})
    return {"PreSigURLs": out}
