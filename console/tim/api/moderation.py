"""Moderation services: keyword lists (`im_msg_audit_mgr/*`), content moderation
(`im_msg_audit/*`) and chat files (`im_cos_msg/*`: ban, unban, signed URLs).

Facts (Tencent pages 1047/77827-77833, 269/74777, and the doocs Java SDK's field names):
keyword-list requests carry the app's `SdkAppId` (the client adds it); local keywords (the list
the client SDKs filter with) have an `Id`, a `WordType` (1 word, 2 regular expression), a
`FilterType` (1 replace with `ReplacedContent`, 2 intercept) and an `UpdateTime`; cloud keywords
live in keyword libraries (`ID`, `LibName`, `Suggestion` ...) and have an `ID`, `Content`,
`Label` (Normal/Illegal/Abuse/Polity/Ad/Porn/Sexy/Terror/Composite) and `CreateTime`. At most 10
words per add or delete call (longer lists are sent in several calls), list pages of ≤ 100.
`content_moderation` checks one Text/Image/Audio/Video item (≤ 8 KB; a URL for files) under an
`AuditName` scene (C2C, Group, UserInfo, GroupInfo, GroupMemberInfo, RelationChain or a custom
configuration ID); audio and video verdicts arrive later by callback. `batch_content_moderation`
takes ≤ 10 Text/Image items. The cloud services are offered in the Singapore data centre.
`get_cos_sig` returns a 15-minute FULL_CONTROL URL and the status of each chat file (0 normal,
1 banned, 2 missing). Every endpoint allows 200 calls/s.

Results are shaped for diffs: keyword lists come back as lists of dataclasses with their ids
(`list_local_keywords`, `list_cloud_keywords`), in the service's order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from console.tim.api._base import (
    Namespace, check_enum, check_int, check_list, check_str, envelope, in_batches, invalid, items_in_order,
    not_returned, paginate,
)
from console.tim.results import BatchResult, ItemResult, Result

MGR, AUDIT, COS = "im_msg_audit_mgr/", "im_msg_audit/", "im_cos_msg/"
ADD_LOCAL, DELETE_LOCAL, GET_LOCAL = (MGR + "add_local_audit_keywords", MGR + "delete_local_audit_keywords",
                                      MGR + "get_local_audit_keywords")
LIBRARIES, GET_CLOUD = MGR + "get_cloud_audit_keywords_ids", MGR + "get_cloud_audit_keywords"
ADD_CLOUD, DELETE_CLOUD = MGR + "add_cloud_audit_keywords", MGR + "delete_cloud_audit_keywords"
MODERATE, MODERATE_BATCH = AUDIT + "content_moderation", AUDIT + "batch_content_moderation"
BAN, UNBAN, SIGN = COS + "forbid_illegal_object", COS + "allow_banned_object", COS + "get_cos_sig"

MAX_WORDS = 10
MAX_PAGE = 100
MAX_CONTENT_BYTES = 8 * 1024
MAX_BATCH = 10
WORD, REGEX = 1, 2                   # WordType
REPLACE, INTERCEPT = 1, 2            # FilterType
LABELS = ("Normal", "Illegal", "Abuse", "Polity", "Ad", "Porn", "Sexy", "Terror", "Composite")
SCENES = ("C2C", "Group", "UserInfo", "GroupInfo", "GroupMemberInfo", "RelationChain")
CONTENT_TYPES = ("Text", "Image", "Audio", "Video")
BATCH_TYPES = ("Text", "Image")
LATER = ("Audio", "Video")
FILE_STATUS = {0: "normal", 1: "banned", 2: "missing"}
_URL = re.compile(r"https?://[^/\s]+", re.I)


@dataclass
class LocalKeywordSpec:
    """A local keyword to add: `word_type` WORD or REGEX, `filter_type` INTERCEPT or REPLACE
    (with `replacement`)."""
    keyword: str
    word_type: int = WORD
    filter_type: int = INTERCEPT
    replacement: str = ""


@dataclass(kw_only=True)
class LocalKeyword(Result):
    id: int = 0
    keyword: str = ""
    word_type: int = WORD
    filter_type: int = INTERCEPT
    replacement: str = ""
    update_time: str = ""

    @property
    def is_regex(self) -> bool:
        return self.word_type == REGEX


@dataclass(kw_only=True)
class LocalKeywordPage(Result):
    items: list[LocalKeyword] = field(default_factory=list)
    total: int = 0                       # every local keyword of the app
    total_regex: int = 0
    matched: int = 0                     # those the filter_type / keyword filters select
    matched_regex: int = 0
    next_offset: int = 0
    has_more: bool = False
    request_id: str = ""


@dataclass(kw_only=True)
class KeywordLibrary(Result):
    id: str = ""
    name: str = ""
    describe: str = ""
    create_time: str = ""
    suggestion: str = ""


@dataclass(kw_only=True)
class CloudKeyword(Result):
    id: str = ""
    content: str = ""
    label: str = ""
    create_time: str = ""


@dataclass(kw_only=True)
class KeywordPage(Result):
    """A page of libraries (KeywordLibrary) or of one library's words (CloudKeyword)."""
    items: list = field(default_factory=list)
    total: int = 0
    next_offset: int = 0
    has_more: bool = False
    request_id: str = ""


@dataclass(kw_only=True)
class KeywordChange(Result):
    """An add or delete of keywords; one request id per call made."""
    request_ids: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class KeywordDeletion(ItemResult):
    """One cloud word to delete (`id` is its content); `keyword_id` the library's id for it."""
    keyword_id: str = ""


@dataclass(kw_only=True)
class Verdict(ItemResult):
    """A moderation answer. `result` Pass / Review / Block ("" while an audio or video check is
    pending: the verdict then comes by callback, matched by `request_id`)."""
    request_id: str = ""
    result: str = ""
    score: int = 0
    label: str = ""
    sub_label: str = ""
    keywords: list[str] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return self.ok and not self.result

    @property
    def blocked(self) -> bool:
        return self.result == "Block"


@dataclass(kw_only=True)
class SignedFile(ItemResult):
    """`id` is the raw URL; `status` 0 normal, 1 banned, 2 missing; `signed_url` lasts 15 min."""
    signed_url: str = ""
    status: int = 0

    @property
    def banned(self) -> bool:
        return self.status == 1


def _local_spec(entry: Any) -> LocalKeywordSpec:
    spec = LocalKeywordSpec(entry) if isinstance(entry, str) else entry
    if not isinstance(spec, LocalKeywordSpec):
        raise invalid(f"keywords must be strings or LocalKeywordSpec, got {type(entry).__name__}")
    check_str("keyword", spec.keyword)
    check_enum("word_type", spec.word_type, (WORD, REGEX))
    check_enum("filter_type", spec.filter_type, (REPLACE, INTERCEPT))
    check_str("replacement", spec.replacement, allow_empty=True)
    if spec.word_type == REGEX:
        try:
            re.compile(spec.keyword)
        except re.error as exc:
            raise invalid(f"keyword {spec.keyword!r} is not a valid regular expression: {exc}") from None
    return spec


def _local(entry: dict) -> LocalKeyword:
    return LocalKeyword(id=int(entry.get("Id") or 0), keyword=entry.get("Keyword") or "",
                        word_type=int(entry.get("WordType") or WORD), filter_type=int(entry.get("FilterType") or 0),
                        replacement=entry.get("ReplacedContent") or "", update_time=str(entry.get("UpdateTime") or ""),
                        raw=entry)


def _cloud_word(entry: Any) -> tuple[str, str | None]:
    """A word to add: "text", ("text", label) or CloudKeyword."""
    if isinstance(entry, str):
        content, label = entry, None
    elif isinstance(entry, CloudKeyword):
        content, label = entry.content, entry.label or None
    elif isinstance(entry, tuple) and len(entry) == 2:
        content, label = entry
    else:
        raise invalid(f"words must be strings, (content, label) pairs or CloudKeyword, got {entry!r}")
    check_str("word", content)
    if label is not None:
        check_enum("label", label, LABELS)
    return content, label


def _url(name: str, value: Any) -> str:
    check_str(name, value)
    if not _URL.match(value):
        raise invalid(f"{name} must be an http(s) URL, got {value!r}")
    return value


def _content(content_type: Any, content: Any, allowed: tuple) -> tuple[str, str]:
    check_enum("content_type", content_type, allowed)
    check_str("content", content, max_bytes=MAX_CONTENT_BYTES)
    if content_type != "Text":
        _url("content", content)
    return content_type, content


def _verdict(entry: dict, id_: Any = None) -> Verdict:
    code = int(entry.get("ErrorCode") or 0)
    return Verdict(id=id_, ok=code == 0, code=code, info=entry.get("ErrorInfo") or "",
                   request_id=entry.get("RequestId") or "", result=entry.get("Result") or "",
                   score=int(entry.get("Score") or 0), label=entry.get("Label") or "",
                   sub_label=entry.get("SubLabel") or "", keywords=list(entry.get("Keywords") or []), raw=entry)


class ModerationAPI(Namespace):
    name = "moderation"

    def _app(self) -> dict:
        return {"SdkAppId": self._client.app_id}

    def _changes(self, endpoint: str, op: str, field_name: str, values: list, extra: dict | None = None
                 ) -> KeywordChange:
        ids, raws = [], []
        for start in range(0, len(values), MAX_WORDS):
            raw = self._call(endpoint, {**self._app(), **(extra or {}), field_name: values[start:start + MAX_WORDS]},
                             op=op, retry_safe=True)
            ids.append(raw.get("RequestId") or "")
            raws.append(raw)
        return KeywordChange(request_ids=ids, raw=raws[0] if len(raws) == 1 else {"batches": raws})

    # --- local keywords (client-SDK side) ------------------------------------------------------

    def add_local_keywords(self, keywords: Iterable[str | LocalKeywordSpec]) -> KeywordChange:
        """Add local keywords (a string is a plain word that intercepts); 10 per call. Adding a
        keyword that exists with the same type updates its filter and replacement."""
        specs = [_local_spec(k) for k in check_list("keywords", keywords)]
        words = [{"Keyword": s.keyword, "WordType": s.word_type, "FilterType": s.filter_type,
                  "ReplacedContent": s.replacement} for s in specs]
        return self._changes(ADD_LOCAL, "add_local_keywords", "LocalAuditWords", words)

    def delete_local_keywords(self, keywords: Iterable[int | str | LocalKeyword]) -> KeywordChange:
        """Delete local keywords by id (int or LocalKeyword) or by text (every type); 10 per call.
        Keywords that do not exist are ignored."""
        words = []
        for entry in check_list("keywords", keywords):
            if isinstance(entry, LocalKeyword):
                entry = entry.id
            if isinstance(entry, int) and not isinstance(entry, bool):
                words.append({"Id": check_int("keyword id", entry, lo=1, hi=2**63 - 1)})
            else:
                words.append({"Keyword": check_str("keyword", entry)})
        return self._changes(DELETE_LOCAL, "delete_local_keywords", "LocalAuditWords", words)

    def fetch_local_keywords(self, offset: int = 0, limit: int = MAX_PAGE, *, filter_type: int | None = None,
                             keyword: str | None = None) -> LocalKeywordPage:
        """One page of local keywords; `filter_type` and `keyword` (a substring) narrow it."""
        body: dict[str, Any] = {**self._app(), "Offset": check_int("offset", offset),
                                "Limit": check_int("limit", limit, lo=1, hi=MAX_PAGE)}
        if filter_type is not None:
            body["FilterType"] = check_enum("filter_type", filter_type, (REPLACE, INTERCEPT))
        if keyword:
            body["Keyword"] = check_str("keyword", keyword)
        raw = self._call(GET_LOCAL, body, op="fetch_local_keywords", retry_safe=True)
        words = [_local(e) for e in raw.get("LocalAuditWords") or []]
        matched, end = int(raw.get("CurCount") or 0), offset + len(words)
        return LocalKeywordPage(items=words, total=int(raw.get("TotalCount") or 0),
                                total_regex=int(raw.get("TotalRegCount") or 0), matched=matched,
                                matched_regex=int(raw.get("CurRegCount") or 0), next_offset=end,
                                has_more=bool(words) and end < matched, request_id=raw.get("RequestId") or "",
                                raw=raw)

    def iter_local_keywords(self, *, filter_type: int | None = None, keyword: str | None = None,
                            page_size: int = MAX_PAGE) -> Iterator[LocalKeyword]:
        return _offset_pages(lambda offset: self.fetch_local_keywords(offset, page_size, filter_type=filter_type,
                                                                      keyword=keyword))

    def list_local_keywords(self, *, filter_type: int | None = None, keyword: str | None = None
                            ) -> list[LocalKeyword]:
        """Every local keyword (as filtered), in the service's order."""
        return list(self.iter_local_keywords(filter_type=filter_type, keyword=keyword))

    # --- cloud keyword libraries -----------------------------------------------------------------

    def fetch_libraries(self, offset: int = 0, limit: int = MAX_PAGE) -> KeywordPage:
        """One page of the app's cloud keyword libraries."""
        body = {**self._app(), "Offset": check_int("offset", offset), "Limit": check_int("limit", limit, lo=1, hi=MAX_PAGE)}
        raw = self._call(LIBRARIES, body, op="fetch_libraries", retry_safe=True)
        libraries = [KeywordLibrary(id=e.get("ID") or "", name=e.get("LibName") or "", describe=e.get("Describe") or "",
                                    create_time=str(e.get("CreateTime") or ""), suggestion=e.get("Suggestion") or "",
                                    raw=e) for e in raw.get("Infos") or []]
        return _keyword_page(raw, libraries, offset)

    def list_libraries(self) -> list[KeywordLibrary]:
        return list(_offset_pages(self.fetch_libraries))

    def fetch_cloud_keywords(self, library_id: str, offset: int = 0, limit: int = MAX_PAGE,
                             content: str | None = None) -> KeywordPage:
        """One page of a library's words; `content` (a substring) narrows it."""
        body: dict[str, Any] = {**self._app(), "LibID": check_str("library_id", library_id),
                                "Offset": check_int("offset", offset), "Limit": check_int("limit", limit, lo=1, hi=MAX_PAGE)}
        if content:
            body["Content"] = check_str("content", content)
        raw = self._call(GET_CLOUD, body, op="fetch_cloud_keywords", retry_safe=True)
        words = [CloudKeyword(id=str(e.get("ID") or ""), content=e.get("Content") or "", label=e.get("Label") or "",
                              create_time=str(e.get("CreateTime") or ""), raw=e) for e in raw.get("Infos") or []]
        return _keyword_page(raw, words, offset)

    def iter_cloud_keywords(self, library_id: str, content: str | None = None,
                            page_size: int = MAX_PAGE) -> Iterator[CloudKeyword]:
        return _offset_pages(lambda offset: self.fetch_cloud_keywords(library_id, offset, page_size, content))

    def list_cloud_keywords(self, library_id: str, content: str | None = None) -> list[CloudKeyword]:
        """Every word of a library (as filtered), in the service's order."""
        return list(self.iter_cloud_keywords(library_id, content))

    def add_cloud_keywords(self, library_id: str, words: Iterable[str | tuple[str, str] | CloudKeyword]
                           ) -> KeywordChange:
        """Add words to a library ("text" or ("text", label)); 10 per call."""
        lib = check_str("library_id", library_id)
        entries = []
        for content, label in (_cloud_word(w) for w in check_list("words", words)):
            entries.append({"Content": content} if label is None else {"Content": content, "Label": label})
        return self._changes(ADD_CLOUD, "add_cloud_keywords", "UserKeywords", entries, {"LibID": lib})

    def delete_cloud_keywords(self, library_id: str, words: Iterable[str | CloudKeyword]
                              ) -> BatchResult[KeywordDeletion]:
        """Delete words from a library by content (10 per call); a word the library lacks fails."""
        lib = check_str("library_id", library_id)
        contents = [check_str("words item", w.content if isinstance(w, CloudKeyword) else w)
                    for w in check_list("words", words)]
        if len(set(contents)) != len(contents):
            raise invalid("words contains duplicates")

        def delete(chunk: list[str]) -> BatchResult[KeywordDeletion]:
            raw = self._call(DELETE_CLOUD, {**self._app(), "LibID": lib, "Keywords": chunk},
                             op="delete_cloud_keywords", retry_safe=True)
            found = {}
            for entry in raw.get("Details") or []:
                deleted = bool(entry.get("Deleted"))
                found[entry.get("Keyword")] = KeywordDeletion(
                    id=entry.get("Keyword"), ok=deleted, code=0 if deleted else None,
                    info=entry.get("ErrorInfo") or "", keyword_id=str(entry.get("KeywordID") or ""), raw=entry)
            return BatchResult(items=items_in_order(chunk, found, not_returned(KeywordDeletion)), raw=raw,
                               **envelope(raw))
        return in_batches(contents, MAX_WORDS, delete)

    # --- content moderation -----------------------------------------------------------------------

    def moderate(self, content: str, *, content_type: str = "Text", scene: str = "C2C",
                 sender: str | None = None, receiver: str | None = None) -> Verdict:
        """Ask cloud moderation about one item (text, or the URL of an image, audio or video)
        under the `scene` configuration; audio and video are answered `pending`."""
        content_type, content = _content(content_type, content, CONTENT_TYPES)
        body: dict[str, Any] = {"AuditName": check_str("scene", scene), "ContentType": content_type,
                                "Content": content}
        body.update(_ext(sender, receiver))
        raw = self._call(MODERATE, body, op="moderate", retry_safe=content_type not in LATER)
        return _verdict(raw, content)

    def moderate_many(self, contents: Iterable[str | tuple[str, str]], *, scene: str = "C2C",
                      sender: str | None = None, receiver: str | None = None) -> BatchResult[Verdict]:
        """Moderate text or image items ("text" or (content_type, content)); 10 per call. Each
        item's `id` is its position in `contents`."""
        pairs = []
        for entry in check_list("contents", contents):
            pair = ("Text", entry) if isinstance(entry, str) else entry
            if not isinstance(pair, tuple) or len(pair) != 2:
                raise invalid(f"contents items must be text or (content_type, content), got {entry!r}")
            pairs.append(_content(*pair, BATCH_TYPES))
        base: dict[str, Any] = {"AuditName": check_str("scene", scene), **_ext(sender, receiver)}
        positions = list(range(len(pairs)))

        def check(chunk: list[int]) -> BatchResult[Verdict]:
            body = {**base, "Contents": [{"ContentId": i, "ContentType": pairs[i][0], "Content": pairs[i][1]}
                                         for i in chunk]}
            raw = self._call(MODERATE_BATCH, body, op="moderate_many", retry_safe=True)
            found = {}
            for entry in raw.get("AuditResults") or []:
                found[entry.get("ContentId")] = _verdict(entry, entry.get("ContentId"))
            return BatchResult(items=items_in_order(chunk, found, not_returned(Verdict)), raw=raw, **envelope(raw))
        return in_batches(positions, MAX_BATCH, check)

    # --- chat files ------------------------------------------------------------------------------

    def ban_file(self, url: str) -> Result:
        """Ban a chat file (its URL from a rich-media message): SDKs can no longer fetch it."""
        return Result(raw=self._call(BAN, {"RawURL": _url("url", url)}, op="ban_file", retry_safe=True))

    def unban_file(self, url: str) -> Result:
        return Result(raw=self._call(UNBAN, {"RawURL": _url("url", url)}, op="unban_file", retry_safe=True))

    def sign_files(self, urls: Iterable[str]) -> BatchResult[SignedFile]:
        """15-minute full-access URLs (banned files too) and each file's status."""
        checked = [_url("urls item", u) for u in check_list("urls", urls)]
        if len(set(checked)) != len(checked):
            raise invalid("urls contains duplicates")
        body = {"RawURLs": [{"ResourceID": n, "RawURL": u} for n, u in enumerate(checked, 1)]}
        raw = self._call(SIGN, body, op="sign_files", retry_safe=True)
        found = {}
        for entry in raw.get("PreSigURLs") or []:
            number = entry.get("ResourceID")
            if not isinstance(number, int) or not 1 <= number <= len(checked):
                continue
            code = int(entry.get("Code") or 0)
            url = checked[number - 1]
            found[url] = SignedFile(id=url, ok=code == 0, code=code, info=entry.get("Desc") or "",
                                    signed_url=entry.get("PreSigURL") or "", status=int(entry.get("Status") or 0),
                                    raw=entry)
        return BatchResult(items=items_in_order(checked, found, not_returned(SignedFile)), raw=raw, **envelope(raw))


def _ext(sender: str | None, receiver: str | None) -> dict:
    out = {}
    if sender is not None:
        out["ExtSender"] = check_str("sender", sender)
    if receiver is not None:
        out["ExtReceiver"] = check_str("receiver", receiver)
    return out


def _keyword_page(raw: dict, items: list, offset: int) -> KeywordPage:
    total = int(raw.get("TotalCount") or 0)
    end = offset + len(items)
    return KeywordPage(items=items, total=total, next_offset=end, has_more=bool(items) and end < total,
                       request_id=raw.get("RequestId") or "", raw=raw)


def _offset_pages(fetch) -> Iterator:
    """Items of an offset-paged list (pages with `next_offset` and `has_more`), on demand."""
    return paginate(fetch, 0, lambda page: page.items, lambda page: page.next_offset if page.has_more else None)
