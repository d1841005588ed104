"""One validation path for every form: `FormError`, one parser per kind of field, `page`.

- A parser takes the submitted value, the field's name and its label (translated), and returns
  the clean value or raises `FormError({name: message})`; the message names the label.
- Domain `plan_*` functions parse whole forms with these parsers and raise `FormError` with every
  problem they found (`collect` runs several parsers and gathers their problems).
- Views do not parse. `console.errors` answers a `FormError` for them: an htmx request gets the
  problems in its target, and the page puts each one beside its field (static/js/app.js, from
  the `form-problems` event); a full-page form decorated with `page(...)` is shown again with the
  submitted values and the problems beside the fields (400); any other request gets a 400 page.

Limits come from the IM client (console.tim), so the console refuses what the client would.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from flask import g
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from console.i18n import local_zone
from console.tim import text as tim_text
from console.tim.api._base import MAX_USER_ID_BYTES, UINT32_MAX
from console.tim.api.group import COMMUNITY_PREFIX, MAX_GROUP_ID_BYTES

T = TypeVar("T")

INT64_MAX = 2**63 - 1
#: characters of pasted ID lists read at most (a list longer than any limit is refused unread)
MAX_LIST_TEXT = 2_000_000
_SEPARATORS = re.compile(r"[\s,;]+")
_URL = re.compile(r"^https?://\S+$")

__all__ = ["FormError", "collect", "page", "text", "integer", "choice", "flag", "url", "user_id",
           "user_ids", "group_id", "local_time", "split_list", "INT64_MAX", "UINT32_MAX",
           "bounded_int", "query_int", "search", "json_value", "csv_rows", "CleanParameters"]


class FormError(ValueError):
    """What is wrong with a submitted form: field name -> message (already translated).

    A problem of the whole form has the field name "". Raise it with a mapping, or with one
    message and the field it belongs to.
    """

    def __init__(self, problems: Mapping[str, object] | str, field: str = ""):
        if isinstance(problems, Mapping):
            self.problems = {str(k): str(v) for k, v in problems.items()}
        else:
            self.problems = {field: str(problems)}
        super().__init__("; ".join(self.problems.values()))

    @property
    def messages(self) -> list[str]:
        return list(self.problems.values())


def collect(*steps: Callable[[], T]) -> list[T]:
    """Run every step (a parser call wrapped in a lambda) and return their values; if any raised
    FormError, raise one FormError with the problems of all of them."""
    values, problems = [], {}
    for step in steps:
        try:
            values.append(step())
        except FormError as exc:
            values.append(None)
            for key, message in exc.problems.items():
                problems.setdefault(key, message)
    if problems:
        raise FormError(problems)
    return values


def page(template: str, context: Callable[[], dict] | None = None):
    """Decorate a full-page form view: when it raises FormError, `template` is rendered again with
    `context()`, the submitted `form` and the `problems`, with status 400."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            g.form_page = (template, context or dict)
            return view(*args, **kwargs)
        return wrapper
    return decorator


# ---- one parser per kind of field -----------------------------------------------------------

def _clean(value) -> str:
    return (value if isinstance(value, str) else "" if value is None else str(value)).strip()


def _missing(name: str, label, required: bool):
    if required:
        raise FormError(_("%(field)s is required.", field=label), name)
    return None


def nbytes(value: str) -> int:
    return len(value.encode("utf-8"))


def text(value, name: str, label, *, max_bytes: int, required: bool = False) -> str | None:
    """Trimmed text of at most `max_bytes` UTF-8 bytes; None when empty."""
    value = _clean(value)
    if not value:
        return _missing(name, label, required)
    if nbytes(value) > max_bytes:
        raise FormError(_("%(field)s is longer than %(n)d bytes (a CJK character counts 3).",
                          field=label, n=max_bytes), name)
    return value


def integer(value, name: str, label, *, lo: int = 0, hi: int = INT64_MAX, required: bool = False) -> int | None:
    """A whole number from `lo` to `hi`; None when empty. Any length of digits is read and
    compared as a Python int, so a huge number is refused, never an OverflowError later."""
    value = _clean(value)
    if not value:
        return _missing(name, label, required)
    if not re.fullmatch(r"-?\d{1,40}", value):
        raise FormError(_("%(field)s must be a whole number.", field=label), name)
    number = int(value)
    if not lo <= number <= hi:
        if hi == INT64_MAX:
            raise FormError(_("%(field)s must be a whole number of at least %(lo)d.", field=label, lo=lo), name)
        raise FormError(_("%(field)s must be a whole number between %(lo)d and %(hi)d.", field=label, lo=lo, hi=hi),
                        name)
    return number


def choice(value, name: str, label, choices: Iterable[str], *, required: bool = False) -> str | None:
    """One of `choices`; None when empty."""
    value = _clean(value)
    if not value:
        return _missing(name, label, required)
    if value not in tuple(choices):
        raise FormError(_("%(field)s: choose one of the listed values.", field=label), name)
    return value


def flag(value) -> bool:
    """A checkbox: ticked when it sent 1, on, true or yes."""
    return _clean(value).lower() in ("1", "on", "true", "yes")


def url(value, name: str, label, *, required: bool = False, max_bytes: int = 1024) -> str | None:
    """An http(s) URL without spaces; None when empty."""
    value = _clean(value)
    if not value:
        return _missing(name, label, required)
    if not _URL.match(value) or nbytes(value) > max_bytes:
        raise FormError(_("%(field)s must be an http(s) URL.", field=label), name)
    return value


def user_id(value, name: str, label, *, required: bool = True) -> str | None:
    """One IM user ID: no spaces or control characters, at most the client's byte limit."""
    value = value if isinstance(value, str) else _clean(value)
    if not value.strip():
        return _missing(name, label, required)
    problem = user_id_problem(value)
    if problem:
        raise FormError(f"{label}: {problem}", name)
    return value


def user_id_problem(value: str) -> str | None:
    """Why `value` cannot be an IM user ID (translated), or None."""
    if not value:
        return _("The user ID is empty.")
    if value != value.strip() or any(c.isspace() or ord(c) < 32 for c in value):
        return _("The user ID must not contain spaces or control characters.")
    if nbytes(value) > MAX_USER_ID_BYTES:
        return _("The user ID is longer than %(n)d bytes.", n=MAX_USER_ID_BYTES)
    return None


def split_list(value) -> list[str]:
    """Items separated by new lines, commas, semicolons or spaces; duplicates dropped, order kept."""
    return list(dict.fromkeys(p for p in _SEPARATORS.split(_clean(value)[:MAX_LIST_TEXT]) if p))


def user_ids(value, name: str, label, *, limit: int | None = None, required: bool = True) -> list[str]:
    """User IDs pasted one per line or separated by commas, semicolons or spaces (or a list of
    such values, e.g. ticked checkboxes); duplicates dropped, at most `limit` of them."""
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    if len(value or "") > MAX_LIST_TEXT:
        raise FormError(_("%(field)s is too long.", field=label), name)
    ids = split_list(value)
    if not ids:
        if required:
            raise FormError(_("%(field)s: give at least one user ID.", field=label), name)
        return []
    if limit is not None and len(ids) > limit:
        raise FormError(_("%(field)s: at most %(n)d user IDs at a time.", field=label, n=limit), name)
    for uid in ids:
        problem = user_id_problem(uid)
        if problem:
            raise FormError(f"{label}: {uid[:40]}: {problem}", name)
    return ids


def group_id(value, name: str, label, *, group_type: str | None = None, required: bool = False) -> str | None:
    """An IM group ID: printable ASCII within the client's limit. With `group_type`, a custom ID
    for a new group: a Community's starts with @TGS#_, any other's must not start with @TGS#."""
    value = _clean(value)
    if not value:
        return _missing(name, label, required)
    if nbytes(value) > MAX_GROUP_ID_BYTES or any(not 0x20 <= ord(c) <= 0x7E for c in value):
        raise FormError(_("%(field)s: printable ASCII only, at most %(n)d characters.",
                          field=label, n=MAX_GROUP_ID_BYTES), name)
    if group_type == "Community" and not value.startswith(COMMUNITY_PREFIX):
        raise FormError(_("%(field)s: a Community's ID must start with %(p)s.", field=label, p=COMMUNITY_PREFIX),
                        name)
    if group_type not in (None, "Community") and value.startswith("@TGS#"):
        raise FormError(_("%(field)s: a custom ID must not start with @TGS# (IM's own IDs do).", field=label),
                        name)
    return value


def local_datetime(value, name: str, label, *, required: bool = False) -> dt.datetime | None:
    """A date and time typed in the operator's time zone (a datetime-local input, a date, or with
    its own UTC offset) or Unix seconds, as an aware datetime; None when empty."""
    value = _clean(value)
    if not value:
        return _missing(name, label, required)
    try:
        if value.isdigit():
            return dt.datetime.fromtimestamp(integer(value, name, label, hi=UINT32_MAX), dt.timezone.utc)
        when = dt.datetime.fromisoformat(value)
    except (ValueError, OverflowError, OSError):
        raise FormError(_("%(field)s: use a date and time like 2024-05-01 12:30, or Unix seconds.",
                          field=label), name) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=local_zone())


def local_time(value, name: str, label, *, required: bool = False) -> int | None:
    """`local_datetime` as Unix seconds."""
    when = local_datetime(value, name, label, required=required)
    return None if when is None else int(when.timestamp())


# ---- hostile input: bounded numbers, search text, JSON and CSV -------------------------------
# Every paging parameter, search box, JSON field and CSV upload goes through one of these, so a
# 30-digit number, a 100,000-character prefix, JSON nested 100,000 deep or a 1 MB CSV field gets
# a clear message (or is bounded), never an OverflowError, RecursionError or csv.Error later.

#: characters of a search box used at most (SQLite refuses LIKE patterns over 50,000 bytes)
MAX_SEARCH = 200
#: bytes of one CSV field read at most
MAX_CSV_FIELD = 64 * 1024


def bounded_int(value) -> int:
    """`int(value)` for `request.args.get(name, type=...)`: a ValueError (so the default is used)
    for anything but a whole number within a signed 64-bit column."""
    text_value = _clean(value)
    if not re.fullmatch(r"[+-]?\d{1,19}", text_value):
        raise ValueError("not a whole number")
    number = int(text_value)
    if not -INT64_MAX - 1 <= number <= INT64_MAX:
        raise ValueError("out of range")
    return number


def query_int(args: Mapping, name: str, label=None, *, default: int | None = None, lo: int = 0,
              hi: int = INT64_MAX, clamp: bool = False) -> int | None:
    """A whole number from the query string (`before`, `offset`, `size`...): `default` when absent
    or empty; FormError (a 400 naming the parameter) when it is not a whole number from `lo` to
    `hi`, or with `clamp` (a page size, an offset) the nearest bound for any whole number."""
    raw = args.get(name)
    if raw is None or not _clean(raw):
        return default
    if clamp and re.fullmatch(r"[+-]?\d{1,4000}", _clean(raw)):
        value = _clean(raw)
        if len(value.lstrip("+-")) > 19:
            return lo if value.startswith("-") else hi
        return max(lo, min(hi, int(value)))
    return integer(raw, name, label or name, lo=lo, hi=hi)


def search(value, *, limit: int = MAX_SEARCH) -> str:
    """Search-box text: trimmed, at most `limit` characters (a longer one is cut, never sent to
    the database whole)."""
    return _clean(value if not isinstance(value, str) else value[: limit * 4])[:limit].strip()


def json_value(value, name: str, label, *, required: bool = False, max_depth: int | None = None):
    """A JSON value typed in a field: FormError when it is not JSON or nests too deep; text that
    is not valid Unicode is cleaned (console.tim.text). None when empty."""
    raw = _clean(value)
    if not raw:
        return _missing(name, label, required)
    try:
        return tim_text.loads(raw, max_depth=max_depth or tim_text.MAX_DEPTH)
    except tim_text.TooDeep:
        raise FormError(_("%(field)s: the JSON is nested more than %(n)d deep.", field=label,
                          n=max_depth or tim_text.MAX_DEPTH), name) from None
    except ValueError as exc:
        raise FormError(_("%(field)s: the JSON is not valid: %(error)s", field=label, error=str(exc)),
                        name) from None


def csv_rows(text_value: str, name: str, label) -> list[list[str]]:
    """The rows of a CSV text (its delimiter guessed from the first line: tab, semicolon or
    comma): FormError naming the line when the CSV is malformed or a field is longer than the
    csv module's limit (128 KiB)."""
    first = text_value.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first else ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text_value), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error:
        raise FormError(_("%(field)s: line %(n)d is not valid CSV, or has a field longer than %(max)d "
                          "characters.", field=label, n=reader.line_num, max=csv.field_size_limit()),
                        name) from None


class CleanParameters(ImmutableMultiDict):
    """The request's query and form values (`Request.parameter_storage_class`, installed by
    `console.errors.clean_requests`): every key and value cleaned once by console.tim.text (a NUL
    or lone surrogate becomes U+FFFD), and `get(name, type=int)` bounded by `bounded_int`, so
    every `type=int` of every view gets its default for a 30-digit number instead of an
    OverflowError in the database."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            pairs = mapping.items(multi=True)
        elif isinstance(mapping, Mapping):
            pairs = [(k, v) for k, vs in mapping.items()
                     for v in (vs if isinstance(vs, (list, tuple, set)) else [vs])]
        else:
            pairs = mapping
        super().__init__([(_clean_str(k), _clean_str(v)) for k, v in pairs])

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        return super().get(key, default, bounded_int if type is int else type)

    def getlist(self, key, type=None):  # noqa: A002
        return super().getlist(key, bounded_int if type is int else type)


def _clean_str(value):
    return tim_text.clean(value) if isinstance(value, str) else value


def typed_confirmation(value, expected: str, name: str = "confirm") -> None:
    """An irreversible action goes ahead only when the operator typed `expected` (the target's ID,
    or words naming the count) exactly; FormError otherwise."""
    if _clean(value) != expected:
        raise FormError(_("To confirm, type %(expected)s exactly.", expected=expected), name)
