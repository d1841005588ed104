"""What every namespace shares: the call helper, argument checks and result parsing.

Checks raise InvalidArgumentError before anything is sent; the message names the argument
and says what is wrong. Limits come from ../shared/spec (endpoints-*.md).
"""
from __future__ import annotations

import contextvars
import functools
import inspect
import random
from typing import Any, Callable, Iterable, Iterator, Sequence

from console.tim.errors import InvalidArgumentError, MalformedResponseError, TimError, error_for
from console.tim.results import BatchResult, ItemResult

MAX_USER_ID_BYTES = 32
MAX_GROUP_ID_BYTES = 96              # topic IDs, the longest group-scoped IDs, are <= 96 bytes
UINT32_MAX = 4294967295
MAX_MSG_LIFETIME = 604800            # 7 days, sendmsg / batchsendmsg / im_push


def invalid(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(message)


def nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


# --- argument checks ---------------------------------------------------------------------------

def check_user_id(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise invalid(f"{name} must be a non-empty user ID string, got {value!r}")
    if nbytes(value) > MAX_USER_ID_BYTES:
        raise invalid(f"{name} {value!r} is longer than {MAX_USER_ID_BYTES} bytes")
    return value


def check_group_id(name: str, value: Any) -> str:
    """A group (or topic) ID argument: a non-empty string of at most 96 bytes."""
    return check_str(name, value, max_bytes=MAX_GROUP_ID_BYTES)


def check_str(name: str, value: Any, *, max_bytes: int | None = None, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise invalid(f"{name} must be a string, got {type(value).__name__}")
    if not value and not allow_empty:
        raise invalid(f"{name} must not be empty")
    if max_bytes is not None and nbytes(value) > max_bytes:
        raise invalid(f"{name} is {nbytes(value)} bytes; the limit is {max_bytes} bytes")
    return value


def check_int(name: str, value: Any, *, lo: int = 0, hi: int = UINT32_MAX) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{name} must be an integer, got {value!r}")
    if not lo <= value <= hi:
        raise invalid(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def check_enum(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    allowed = tuple(allowed)
    if value not in allowed:
        raise invalid(f"{name} must be one of {', '.join(map(str, allowed))}; got {value!r}")
    return value


def check_list(name: str, values: Any, *, max_items: int | None = None, min_items: int = 1) -> list:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise invalid(f"{name} must be a list, got {type(values).__name__}")
    values = list(values)
    if len(values) < min_items:
        raise invalid(f"{name} needs at least {min_items} item(s)")
    if max_items is not None and len(values) > max_items:
        raise invalid(f"{name} has {len(values)} items; the service accepts at most {max_items} per call")
    return values


def check_user_ids(name: str, values: Any, *, max_items: int | None = None, min_items: int = 1) -> list[str]:
    values = check_list(name, values, max_items=max_items, min_items=min_items)
    for value in values:
        check_user_id(f"{name} item", value)
    if len(set(values)) != len(values):
        raise invalid(f"{name} contains duplicate user IDs")
    return values


def chunks(values: list, size: int) -> Iterator[list]:
    """`values` in consecutive slices of at most `size` items (for APIs that cap a call)."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def merged(raws: list[dict], key: str) -> dict:
    """The raw answer of a call split into chunks: the only answer, or `key`'s items of all of them."""
    if len(raws) == 1:
        return raws[0]
    return {key: [item for raw in raws for item in raw.get(key) or []]}


def flag(value: bool) -> int:
    return 1 if value else 0


def new_random() -> int:
    return random.randint(0, UINT32_MAX)


def drop_none(body: dict) -> dict:
    return {key: value for key, value in body.items() if value is not None}


def custom_data(name: str, data: dict | None, *, max_value_bytes: int) -> list[dict] | None:
    """{key: value} -> [{"Key", "Value"}] for AppDefinedData / AppMemberDefinedData."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise invalid(f"{name} must be a dict of key -> string value")
    items = []
    for key, value in data.items():
        check_str(f"{name} key", key, max_bytes=15)
        check_str(f"{name}[{key!r}]", value, max_bytes=max_value_bytes, allow_empty=True)
        items.append({"Key": key, "Value": value})
    return items


def key_values(items: list | None) -> dict[str, Any]:
    return {item.get("Key"): item.get("Value") for item in items or []}


def tag_values(items: list | None) -> dict[str, Any]:
    return {item.get("Tag"): item.get("Value") for item in items or []}


# --- message bodies -----------------------------------------------------------------------------

def msg_body(name: str, body: Any, *, allowed_types: Iterable[str] | None = None) -> list[dict]:
    """Normalise a MsgBody: a str (one text element), one element dict, or a list of elements
    (console.tim.messages builders return element dicts); checked by console.tim.messages."""
    from console.tim import messages

    if isinstance(body, str):
        body = [messages.text(body)]
    elif isinstance(body, dict):
        body = [body]
    elif isinstance(body, tuple):
        body = list(body)
    messages.validate_body(body, name)
    if allowed_types is not None:
        allowed = tuple(allowed_types)
        for el in body:
            if el.get("MsgType") not in allowed:
                raise invalid(f"{name}: {el.get('MsgType')} is not allowed here (allowed: {', '.join(allowed)})")
    return body


FORBID_CALLBACKS = ("ForbidBeforeSendMsgCallback", "ForbidAfterSendMsgCallback")


def check_forbid_callbacks(value: Iterable[str] | None) -> list[str] | None:
    """ForbidCallbackControl values (sendmsg, send_group_msg)."""
    if not value:
        return None
    return [check_enum("forbid_callbacks", v, FORBID_CALLBACKS) for v in check_list("forbid_callbacks", value)]


def offline_push(value: Any) -> dict | None:
    """An OfflinePushInfo dict (see console.tim.messages.offline_push_info), checked."""
    from console.tim import messages

    if value is None:
        return None
    messages.validate_offline_push_info(value)
    return value


def delivery_options(*, forbid_callbacks: Iterable[str] | None = None, offline_push_info: Any = None,
                     cloud_custom_data: str | None = None) -> dict:
    """ForbidCallbackControl, OfflinePushInfo and CloudCustomData of a message, checked (absent
    when not given)."""
    return drop_none({"ForbidCallbackControl": check_forbid_callbacks(forbid_callbacks),
                      "OfflinePushInfo": offline_push(offline_push_info),
                      "CloudCustomData": None if cloud_custom_data is None else
                      check_str("cloud_custom_data", cloud_custom_data, allow_empty=True)})


def check_message_size(name: str, payload: dict) -> None:
    """The JSON of a message request is capped at 12 KB (93000 / 80002 on the service)."""
    from console.tim import messages

    size = messages.encoded_size(payload)
    if size > messages.MAX_MESSAGE_BYTES:
        raise invalid(f"{name} is {size} bytes as JSON, over the {messages.MAX_MESSAGE_BYTES}-byte (12 KB) limit")


# --- parsing ----------------------------------------------------------------------------------

def items_in_order(ids: Sequence[Any], found: dict[Any, ItemResult],
                   missing: Callable[[Any], ItemResult]) -> list[ItemResult]:
    """One item per requested id, in request order; ids the service left out go through `missing`.
    Items the service returned for ids nobody asked for are kept too, at the end."""
    wanted = set(ids)
    return [found[i] if i in found else missing(i) for i in ids] + [
        item for key, item in found.items() if key not in wanted]


def result_items(raw: dict, key: str, ids: Sequence[Any], cls: type[ItemResult] = ItemResult, *,
                 id_key: str = "To_Account", code_key: str = "ResultCode", info_key: str = "ResultInfo",
                 **fields: Callable[[dict], Any]) -> list:
    """Items from a per-item list (ResultItem, InfoItem, UserProfileItem ...), one per requested id in
    request order; `fields` compute the item class's extra attributes from each entry."""
    found = {}
    for entry in raw.get(key) or []:
        code = int(entry.get(code_key) or 0)
        found[entry.get(id_key)] = cls(id=entry.get(id_key), ok=code == 0, code=code,
                                       info=entry.get(info_key) or "", raw=entry,
                                       **{name: fn(entry) for name, fn in fields.items()})
    return items_in_order(ids, found, not_returned(cls))


def outcome_items(raw: dict, key: str, id_key: str, ids: Sequence[Any], cls: type[ItemResult],
                  meanings: dict[int, str]) -> list:
    """Items of a list whose entries carry a `Result` number (0 = failed, other values say what
    was done, e.g. add_group_member or add_subscriber), one per requested id in request order."""
    found = {}
    for entry in raw.get(key) or []:
        result = int(entry.get("Result") or 0)
        found[entry.get(id_key)] = cls(id=entry.get(id_key), ok=result != 0, code=None if result == 0 else 0,
                                       info=meanings.get(result, f"result {result}"), result=result, raw=entry)
    return items_in_order(ids, found, not_returned(cls))


def error_list(raw: dict, cls: type[ItemResult] = ItemResult, id_key: str = "To_Account") -> dict[Any, ItemResult]:
    """Failed items from an `ErrorList` [{To_Account, ErrorCode, ErrorInfo?}], keyed by id."""
    return {e.get(id_key): cls(id=e.get(id_key), ok=False, code=int(e.get("ErrorCode") or 0),
                               info=e.get("ErrorInfo") or "", raw=e) for e in raw.get("ErrorList") or []}


def not_returned(item_cls: type[ItemResult] = ItemResult) -> Callable[[Any], ItemResult]:
    return lambda i: item_cls(id=i, ok=False, code=None, info="not in the service's answer")


#: (endpoint, answer) of the last call that succeeded in this thread or greenlet
_last_answer: contextvars.ContextVar[tuple[str, dict] | None] = contextvars.ContextVar("tim_last_answer",
                                                                                      default=None)
#: what reading an answer of an unexpected shape raises (arguments are checked before any call,
#: with InvalidArgumentError)
_SHAPE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)


def _read_guard(fn):
    """Wrap a public namespace method: an answer IM gave with a field of an unexpected shape
    becomes a MalformedResponseError (a TimError, which every page shows as an IM error) instead of
    whatever reading it raised. Only errors after a successful call are converted: a bug before
    the call stays what it is."""
    def converted(exc, mark):
        answered = _last_answer.get()
        if isinstance(exc, TimError) or not isinstance(exc, _SHAPE_ERRORS) or answered is mark \
                or answered is None:
            return exc
        endpoint, response = answered
        return MalformedResponseError(f"the answer has a field of an unexpected shape ({type(exc).__name__}: "
                                      f"{str(exc)[:200]})", endpoint, response)

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def reading(self, *args, **kwargs):
            mark = _last_answer.get()
            try:
                yield from fn(self, *args, **kwargs)
            except Exception as exc:
                error = converted(exc, mark)
                if error is exc:
                    raise
                raise error from exc
        reading.read_guarded = True
        return reading

    @functools.wraps(fn)
    def reading(self, *args, **kwargs):
        mark = _last_answer.get()
        try:
            return fn(self, *args, **kwargs)
        except Exception as exc:
            error = converted(exc, mark)
            if error is exc:
                raise
            raise error from exc
    reading.read_guarded = True
    return reading


class Namespace:
    """Base of every namespace: holds the client and wraps its `call`. Every public method of a
    namespace reads IM's answer under `_read_guard`."""

    name = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for attr in dir(cls):  # the class's own methods and those of its mixins
            value = inspect.getattr_static(cls, attr)
            if not attr.startswith("_") and inspect.isfunction(value) and not hasattr(value, "read_guarded"):
                setattr(cls, attr, _read_guard(value))

    def __init__(self, client):
        self._client = client

    def _call(self, endpoint: str, body: dict, *, op: str, retry_safe: bool = False,
              query: dict | None = None) -> dict:
        extra = {"query": query} if query else {}
        answer = self._client.call(endpoint, body, retry_safe=retry_safe, operation=f"{self.name}.{op}", **extra)
        _last_answer.set((endpoint, answer))
        return answer

    def _call_batch(self, endpoint: str, body: dict, *, op: str, retry_safe: bool = False,
                    item_keys: Sequence[str] = ("ErrorList",)) -> dict:
        """Like _call, but a request-level failure that still lists items comes back as a response.

        See console.tim.results: such answers become all-failed BatchResults, not exceptions.
        """
        try:
            return self._call(endpoint, body, op=op, retry_safe=retry_safe)
        except TimError as exc:
            response = getattr(exc, "response", None)
            if isinstance(response, dict) and any(response.get(key) for key in item_keys):
                _last_answer.set((endpoint, response))
                return response
            raise

    def _one(self, batch: BatchResult, endpoint: str) -> ItemResult:
        """The single item of a one-item batch; raises the matching TimError if it failed."""
        item = batch.items[0]
        if item.ok:
            return item
        if item.code is None:     # the service named no code for this item
            raise TimError(batch.code, item.info or batch.info, endpoint, batch.raw)
        raise error_for(item.code, item.info or batch.info, endpoint, batch.raw)


def envelope(raw: dict) -> dict:
    return {"code": int(raw.get("ErrorCode") or 0), "info": str(raw.get("ErrorInfo") or "")}


def paginate(fetch: Callable[[Any], Any], first_cursor: Any, items_of: Callable[[Any], list],
             next_cursor: Callable[[Any], Any]) -> Iterator:
    """Yield items page by page; the next page is requested only when the consumer wants more.

    `next_cursor(page)` returns None when there are no more pages.
    """
    cursor = first_cursor
    while True:
        page = fetch(cursor)
        yield from items_of(page)
        cursor = next_cursor(page)
        if cursor is None:
            return


def in_batches(ids: Sequence[Any], size: int, call: Callable[[list], BatchResult]) -> BatchResult:
    """Run `call` on consecutive slices of at most `size` ids and merge the per-item results.

    For endpoints that cap the items of one call: the caller gets one BatchResult in request
    order whatever the number of calls made. `raw` is the answer itself for a single call, else
    {"batches": [answer, ...]}; `code`/`info` are the first non-zero envelope (0 when all passed).
    A call that raises stops the loop: the items of earlier slices have been applied.
    """
    results = [call(list(ids[start:start + size])) for start in range(0, len(ids), size)]
    if len(results) == 1:
        return results[0]
    failed = next((r for r in results if r.code), None)
    return BatchResult(items=[item for r in results for item in r.items],
                       raw={"batches": [r.raw for r in results]},
                       code=failed.code if failed else 0, info=failed.info if failed else "")
