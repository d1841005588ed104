"""Accounts domain: the profile field table, validation, CSV parsing, directory queries and the
rules for bulk actions. Plain functions (no Flask request state) so views stay thin and tests
can call them directly.

Field facts come from the IM field reference (standard profile tags, relationship enums).
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import column, delete, func, literal_column, or_, select, table, union
from sqlalchemy.orm import aliased

from console import forms
from console.forms import FormError
from console.models import ACCOUNT_SOURCES, Account
from console.tim import text as tim_text
from console.ui import labels
from console.ui.downloads import csv_stream

MAX_PROFILE_BYTES = 500
MAX_LOCATION_BYTES = 16
UINT32_MAX = 2**32 - 1
IMPORT_BATCH = 100
MAX_CSV_ROWS = 50_000
PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
EXPORT_CHUNK = 1000


nbytes = forms.nbytes


# ---- protected accounts and plan -----------------------------------------------------------

def protected_ids(config: Mapping) -> set[str]:
    """The console's own admin identifier plus the App admins listed in TIM_APP_ADMINS
    (comma or space separated): the console never deletes, kicks or mutes them."""
    return {config.get("TIM_ADMIN") or "administrator", *config.get("TIM_APP_ADMINS", ())}


def is_trial(config: Mapping) -> bool:
    """Whether accounts may be deleted: TIM_TRIAL=1 says the app is on a trial edition
    (IM refuses deletion for other plans with 71000); the sandbox counts as trial."""
    return bool(config.get("TIM_TRIAL"))


#: labels of the account fields (lazy: a CSV of 50,000 rows translates them only for a problem)
ACCOUNT_LABELS = {"user_id": _l("User ID"), "nick": _l("Nickname"), "face_url": _l("Avatar URL")}


def plan_account(user_id: str, nick: str = "", face_url: str = "") -> tuple[str, str | None, str | None]:
    """(user ID, nickname, avatar URL) of an account to import, checked; FormError with every problem."""
    labels = ACCOUNT_LABELS
    user_id, nick, face_url = forms.collect(
        lambda: forms.user_id(user_id, "user_id", labels["user_id"]),
        lambda: forms.text(nick, "nick", labels["nick"], max_bytes=MAX_PROFILE_BYTES),
        lambda: forms.url(face_url, "face_url", labels["face_url"], max_bytes=MAX_PROFILE_BYTES))
    return user_id, nick, face_url


def account_problems(user_id: str, nick: str = "", face_url: str = "") -> list[str]:
    """Everything wrong with an account to import (ID, nickname, avatar URL), as messages."""
    try:
        plan_account(user_id, nick, face_url)
    except FormError as exc:
        return exc.messages
    return []


# ---- bulk actions on the directory ------------------------------------------------------------

MAX_BULK = 1000
#: bulk action -> the role it needs
BULK_ACTIONS = {"check": "operator", "kick": "operator", "mute": "operator", "delete": "admin"}


def plan_bulk(form, sess, config: Mapping) -> tuple[str, list[str], dict]:
    """(job kind, account IDs, job params) of the directory's bulk-action form: the ticked accounts,
    or every account matching the filters (scope=filtered)."""
    action = form.get("action", "")
    if action not in BULK_ACTIONS:
        raise FormError(_l("Choose an action."), "action")
    if form.get("scope") == "filtered":
        ids = matching_ids(sess, ListQuery.from_args(form), MAX_BULK + 1)
        if not ids:
            raise FormError(_l("No account matches the filter."), "scope")
        if len(ids) > MAX_BULK:
            raise FormError(_l("More than %(n)d accounts match: narrow the filter.", n=MAX_BULK), "scope")
    else:
        if not form.getlist("ids"):
            raise FormError(_l("Select at least one account."), "ids")
        ids = forms.user_ids(form.getlist("ids"), "ids", _l("Accounts"), limit=MAX_BULK)
    params: dict = {"source": "imported"}
    if action == "delete":
        if not is_trial(config):
            raise FormError(_l("Accounts can only be deleted on trial editions (set TIM_TRIAL=1 if this app is one)."),
                            "action")
        expected = ngettext("delete %(num)d account", "delete %(num)d accounts", len(ids))
        if form.get("confirm", "").strip() != expected:
            raise FormError(_l("To delete, type exactly: %(text)s", text=expected), "confirm")
    if action == "mute":
        params.update(plan_mute(form))
    return ("directory.check" if action == "check" else f"accounts.{action}"), ids, params


# ---- the profile field table ------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Field:
    tag: str
    label: Any
    kind: str                      # text / int / enum
    max_bytes: int = MAX_PROFILE_BYTES
    choices: tuple = ()            # (value, label) for enums
    help: Any = ""

    def choice_label(self, value) -> str:
        for val, label in self.choices:
            if val == value:
                return str(label)
        return "" if value in (None, "") else str(value)


PROFILE_FIELDS: tuple[Field, ...] = (
    Field("Tag_Profile_IM_Nick", _l("Nickname"), "text"),
    Field("Tag_Profile_IM_Gender", _l("Gender"), "enum", choices=(
        ("Gender_Type_Unknown", _l("Unknown")), ("Gender_Type_Female", _l("Female")),
        ("Gender_Type_Male", _l("Male")))),
    Field("Tag_Profile_IM_BirthDay", _l("Birthday"), "int", help=_l("A number, usually YYYYMMDD, e.g. 19900419.")),
    Field("Tag_Profile_IM_Location", _l("Location"), "text", max_bytes=MAX_LOCATION_BYTES,
          help=_l("At most 16 bytes (apps usually pack country, province, city and district codes).")),
    Field("Tag_Profile_IM_SelfSignature", _l("Signature"), "text"),
    Field("Tag_Profile_IM_AllowType", _l("Friend requests"), "enum", choices=(
        ("AllowType_Type_NeedConfirm", _l("Need confirmation")), ("AllowType_Type_AllowAny", _l("Allow anyone")),
        ("AllowType_Type_DenyAny", _l("Deny everyone")))),
    Field("Tag_Profile_IM_Language", _l("Language"), "int", help=_l("An app-defined language code.")),
    Field("Tag_Profile_IM_Image", _l("Avatar URL"), "text"),
    Field("Tag_Profile_IM_MsgSettings", _l("Message settings"), "int",
          help=_l("Bit 0: 0 receives messages, 1 does not.")),
    Field("Tag_Profile_IM_AdminForbidType", _l("Friend requests by admin"), "enum", choices=(
        ("AdminForbid_Type_None", _l("Allowed")),
        ("AdminForbid_Type_SendOut", _l("Forbidden: may not send friend requests")))),
    Field("Tag_Profile_IM_Level", _l("Level"), "int", help=_l("App-defined.")),
    Field("Tag_Profile_IM_Role", _l("Role"), "int", help=_l("App-defined.")),
)
FIELDS_BY_TAG = {f.tag: f for f in PROFILE_FIELDS}
for _kind, _tag in (("gender", "Tag_Profile_IM_Gender"), ("allow_type", "Tag_Profile_IM_AllowType"),
                    ("admin_forbid", "Tag_Profile_IM_AdminForbidType")):
    labels.define(_kind, dict(FIELDS_BY_TAG[_tag].choices))
STANDARD_TAGS = tuple(FIELDS_BY_TAG)
CUSTOM_PREFIX = "Tag_Profile_Custom_"
_CUSTOM_KEY = re.compile(r"^[A-Za-z0-9_]{1,8}$")


def custom_profile_tags(config: Mapping) -> list[str]:
    """Custom profile fields to read: TIM_PROFILE_CUSTOM lists their keys (IM cannot list them)."""
    return [CUSTOM_PREFIX + k for k in config.get("TIM_PROFILE_CUSTOM", ())]


def custom_fields(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if k.startswith(CUSTOM_PREFIX)}


def field_value_problem(field: Field, raw: str) -> tuple[Any, str | None]:
    """(value to send, problem) for a form value of a standard field (the forms' parsers)."""
    try:
        if field.kind == "int":
            return forms.integer(raw, field.tag, field.label, hi=UINT32_MAX, required=True), None
        if field.kind == "enum":
            return forms.choice(raw, field.tag, field.label, [v for v, _ in field.choices], required=True), None
    except FormError as exc:
        return None, exc.messages[0]
    if nbytes(raw) > field.max_bytes:
        return None, str(_l("%(field)s is longer than %(n)d bytes.", field=field.label, n=field.max_bytes))
    return raw, None


def profile_changes(form: Mapping[str, str], current: Mapping[str, Any]) -> tuple[dict, dict]:
    """(tag -> new value, tag -> problem) from an edit form; unchanged fields are not sent.

    Standard fields are named by tag; existing custom fields too; a new custom field comes as
    `new_custom_key` / `new_custom_value`.
    """
    changes, problems = {}, {}
    for field in PROFILE_FIELDS:
        if field.tag not in form:
            continue
        raw = form[field.tag]
        old = current.get(field.tag)
        if field.kind == "int" and raw.strip() == "" and old in (None, 0, ""):
            continue
        if str(raw) == ("" if old is None else str(old)):
            continue
        value, problem = field_value_problem(field, raw)
        if problem:
            problems[field.tag] = problem
        else:
            changes[field.tag] = value
    for tag in custom_fields(form):
        if str(form[tag]) != str(current.get(tag, "")):
            _custom_change(tag, form[tag], changes, problems)
    key = (form.get("new_custom_key") or "").strip()
    if key:
        _custom_change(CUSTOM_PREFIX + key, form.get("new_custom_value") or "", changes, problems)
    return changes, problems


def plan_profile(form: Mapping[str, str], current: Mapping[str, Any]) -> dict:
    """The profile changes of an edit form (tag -> new value); FormError keyed by the fields' names
    (the tags; `new_custom_key` for a new custom field) when a value is wrong or nothing changed."""
    changes, problems = profile_changes(form, current)
    if problems:
        new_tag = CUSTOM_PREFIX + (form.get("new_custom_key") or "").strip()
        raise FormError({("new_custom_key" if tag == new_tag and tag not in form else tag): problem
                         for tag, problem in problems.items()})
    if not changes:
        raise FormError(_l("Nothing changed."))
    return changes


def _custom_change(tag: str, value: str, changes: dict, problems: dict) -> None:
    if not _CUSTOM_KEY.match(tag[len(CUSTOM_PREFIX):]):
        problems[tag] = str(_l("A custom field name has 1 to 8 letters, digits or underscores."))
    elif nbytes(value) > MAX_PROFILE_BYTES:
        problems[tag] = str(_l("A custom field value is at most %(n)d bytes.", n=MAX_PROFILE_BYTES))
    else:
        changes[tag] = value


# ---- CSV / TSV upload -----------------------------------------------------------------------

ID_HEADERS = {"userid", "user_id", "id", "identifier", "account"}
NICK_HEADERS = {"nick", "nickname", "name"}
FACE_HEADERS = {"faceurl", "face_url", "avatar", "avatar_url", "image"}


@dataclasses.dataclass
class CsvRow:
    line: int
    user_id: str
    nick: str = ""
    face_url: str = ""
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclasses.dataclass
class CsvUpload:
    rows: list[CsvRow]
    error: str | None = None

    @property
    def valid(self) -> list[CsvRow]:
        return [r for r in self.rows if r.ok]

    @property
    def invalid(self) -> list[CsvRow]:
        return [r for r in self.rows if not r.ok]


def parse_accounts_csv(data: bytes, protected: Iterable[str] = ()) -> CsvUpload:
    """Rows of user_id[, nick[, face_url]] from CSV or TSV bytes (UTF-8, header optional),
    each validated; duplicate IDs are reported on their later lines, and `protected` accounts
    (protected_ids: the console admin, App admins) are refused: importing would overwrite
    their nickname and avatar."""
    protected = set(protected)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return CsvUpload([], str(_l("The file is not UTF-8 text.")))
    try:
        reader = forms.csv_rows(tim_text.clean(text), "file", _l("CSV file"))
    except FormError as exc:
        return CsvUpload([], exc.messages[0])
    columns = (0, 1, 2)
    rows: list[CsvRow] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(reader, 1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and any(c.lower() in ID_HEADERS for c in cells):
            columns = _header_columns(cells)
            continue
        if len(rows) >= MAX_CSV_ROWS:
            return CsvUpload(rows, str(_l("The file has more than %(n)d rows.", n=MAX_CSV_ROWS)))
        uid, nick, face = (cells[i] if i is not None and i < len(cells) else "" for i in columns)
        row = CsvRow(number, uid, nick, face, account_problems(uid, nick, face))
        if uid in protected:
            row.problems.append(str(_l("A protected account (the console admin or an App admin): "
                                       "its profile is never overwritten by an import.")))
        if uid in seen:
            row.problems.append(str(_l("Duplicate of line %(n)d.", n=seen[uid])))
        seen.setdefault(uid, number)
        rows.append(row)
    if not rows:
        return CsvUpload([], str(_l("The file has no rows.")))
    return CsvUpload(rows)


def _header_columns(cells: list[str]) -> tuple:
    names = [c.lower() for c in cells]

    def find(options):
        return next((i for i, n in enumerate(names) if n in options), None)
    return find(ID_HEADERS), find(NICK_HEADERS), find(FACE_HEADERS)


# The rows of a previewed upload wait server-side (not in a form field: a big file would exceed
# the form size limit) until the operator starts the import; unclaimed ones expire after a day.
STASH_PREFIX = "accounts.csv:"
STASH_TTL = dt.timedelta(days=1)


def stash_rows(sess, rows: list[CsvRow], operator_id: int | None) -> str:
    """Keep the valid rows of a preview; returns the token the start form sends back."""
    import secrets

    from console.models import Setting, utcnow

    sess.execute(delete(Setting).where(Setting.key.startswith(STASH_PREFIX),
                                       Setting.updated_at < utcnow() - STASH_TTL))
    token = secrets.token_urlsafe(16)
    value = json.dumps({"operator": operator_id, "rows": [[r.user_id, r.nick, r.face_url] for r in rows]},
                       ensure_ascii=False)
    sess.add(Setting(key=STASH_PREFIX + token, value=value, updated_at=utcnow()))
    return token


def take_rows(sess, token: str, operator_id: int | None) -> list[list[str]] | None:
    """The stashed rows of `token` for this operator (removed once taken), or None."""
    from console.models import Setting

    row = sess.get(Setting, STASH_PREFIX + token[:40]) if token else None
    if row is None:
        return None
    data = json.loads(row.value or "{}")
    if data.get("operator") != operator_id:
        return None
    sess.delete(row)
    return data.get("rows") or []


# ---- directory list: filters, sort, keyset pages -------------------------------------------

SORTS = {
    "user_id": (Account.user_id, False),
    "-user_id": (Account.user_id, True),
    "-last_seen": (Account.last_seen, True),
    "last_seen": (Account.last_seen, False),
    "-first_seen": (Account.first_seen, True),
}
SORT_LABELS = {"user_id": _l("User ID A→Z"), "-user_id": _l("User ID Z→A"), "-last_seen": _l("Last seen, newest"),
               "last_seen": _l("Last seen, oldest"), "-first_seen": _l("First seen, newest")}
ONLINE_STATES = ("Online", "PushOnline", "Offline", "unknown")


@dataclasses.dataclass(frozen=True)
class ListQuery:
    q: str = ""
    source: str = ""
    online: str = ""
    muted: str = ""
    deleted: str = ""
    sort: str = "user_id"
    size: int = DEFAULT_PAGE_SIZE
    after: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ListQuery:
        get = lambda k: forms.search(args.get(k), limit=128)  # noqa: E731
        size = int(get("size")) if get("size").isdigit() and int(get("size")) in PAGE_SIZES else DEFAULT_PAGE_SIZE
        return cls(q=get("q"), source=get("source") if get("source") in ACCOUNT_SOURCES else "",
                   online=get("online") if get("online") in ONLINE_STATES else "",
                   muted=get("muted") if get("muted") in ("yes", "no") else "",
                   deleted=get("deleted") if get("deleted") in ("yes", "all") else "",
                   sort=get("sort") if get("sort") in SORTS else "user_id", size=size, after=get("after"))

    def args(self, **changes) -> dict:
        """Non-default parameters for URLs (the cursor is dropped unless given)."""
        data = dataclasses.asdict(dataclasses.replace(self, after="", **changes))
        defaults = dataclasses.asdict(ListQuery())
        return {k: v for k, v in data.items() if v != defaults[k]}

    def filtered(self, stmt, dialect: str = "sqlite"):
        if self.q:
            stmt = stmt.where(search_clause(self.q, dialect))
        if self.source:
            stmt = stmt.where(Account.source == self.source)
        if self.online == "unknown":
            stmt = stmt.where(Account.online_state.is_(None))
        elif self.online:
            stmt = stmt.where(Account.online_state == self.online)
        if self.muted == "yes":
            stmt = stmt.where(or_(Account.muted_c2c.is_(True), Account.muted_group.is_(True)))
        elif self.muted == "no":
            stmt = stmt.where(Account.muted_c2c.isnot(True), Account.muted_group.isnot(True))
        # deleted: deleted through the console and not imported again since
        gone = (Account.deleted_at.isnot(None)) & (Account.imported.isnot(True))
        if self.deleted == "yes":
            stmt = stmt.where(gone)
        elif self.deleted != "all":
            stmt = stmt.where(~gone)
        return stmt


#: the shortest nickname part the trigram indexes can answer (FTS5 trigram, pg_trgm)
TRIGRAM = 3
#: SQLite's FTS5 trigram table over account.nickname (migration 0010_directory_indexes)
NICK_FTS = table("account_nick_fts", column("rowid"))


def search_clause(q: str, dialect: str):
    """Accounts whose user ID starts with `q` (case-sensitive) or whose nickname contains it
    (ignoring case), each answered by an index (migration 0010_directory_indexes).

    - ID prefix / exact ID: the unique user_id index (a range on SQLite, whose LIKE skips the
      index; LIKE 'q%' on PostgreSQL, by the varchar_pattern_ops index).
    - Nickname part of 3 characters or more: the FTS5 trigram table on SQLite (which folds
      Unicode case, where SQLite's LIKE folds only ASCII), the pg_trgm GIN index on
      lower(nickname) on PostgreSQL.
    - Shorter nickname parts no trigram index can answer: the same "contains" test is made on the
      rows in list order, so a page stops as soon as it is full (quick for common parts; a rare
      one or two characters scans the directory).
    """
    if len(q) < TRIGRAM or dialect == "postgresql":
        # PostgreSQL plans the OR itself: a BitmapOr of both indexes for rare matches, the user_id
        # index in page order (stopping when the page is full) for common ones
        return _scan_clause(q, dialect, Account)
    # an FTS5 phrase of trigrams: the nickname contains q, in any case
    by_id = select(Account.id).where(_id_prefix(q, dialect, Account))
    by_nick = select(NICK_FTS.c.rowid).where(literal_column(NICK_FTS.name).op("MATCH")(_fts_phrase(q)))
    return Account.id.in_(union(by_id, by_nick))


def _id_prefix(q: str, dialect: str, entity):
    if dialect == "postgresql":
        return entity.user_id.like(_like_escape(q) + "%", escape="\\")
    return (entity.user_id >= q) & (entity.user_id < q + "\U0010ffff")


def _scan_clause(q: str, dialect: str, entity):
    """The search as a test of each row (no trigram index): ID prefix or nickname part."""
    if dialect == "postgresql":  # the expression of the trigram index
        contains = func.lower(entity.nickname).like("%" + _like_escape(q.lower()) + "%", escape="\\")
    else:  # SQLite's LIKE folds ASCII case only (other letters match as typed)
        contains = entity.nickname.like("%" + _like_escape(q) + "%", escape="\\")
    return or_(_id_prefix(q, dialect, entity), contains)


def _fts_phrase(q: str) -> str:
    return '"' + q.replace('"', '""') + '"'


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def encode_cursor(account: Account, sort: str) -> str:
    column, _desc = SORTS[sort]
    value = getattr(account, column.key)
    value = value.isoformat() if isinstance(value, dt.datetime) else value
    return base64.urlsafe_b64encode(json.dumps([value, account.user_id]).encode()).decode().rstrip("=")


def decode_cursor(token: str, sort: str) -> tuple | None:
    try:
        value, user_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        column, _desc = SORTS[sort]
        if column.key != "user_id":
            value = dt.datetime.fromisoformat(value)
        return value, str(user_id)
    except (ValueError, TypeError, KeyError):
        return None


def _ordered(stmt, query: ListQuery, after: tuple | None):
    column, desc = SORTS[query.sort]
    if after is not None:
        value, user_id = after
        if column.key == "user_id":
            stmt = stmt.where(Account.user_id < user_id if desc else Account.user_id > user_id)
        elif desc:
            stmt = stmt.where(or_(column < value, (column == value) & (Account.user_id < user_id)))
        else:
            stmt = stmt.where(or_(column > value, (column == value) & (Account.user_id > user_id)))
    if column.key == "user_id":
        return stmt.order_by(Account.user_id.desc() if desc else Account.user_id)
    return stmt.order_by(column.desc(), Account.user_id.desc()) if desc else stmt.order_by(column, Account.user_id)


def list_page(sess, query: ListQuery) -> tuple[list[Account], str | None]:
    """One page of the directory and the cursor of the next page (None at the end)."""
    after = decode_cursor(query.after, query.sort) if query.after else None
    dialect = _dialect(sess)
    rows = _probe(sess, query, after, dialect) if _probes(query) else None
    if rows is None:
        stmt = _ordered(query.filtered(select(Account), dialect), query, after).limit(query.size + 1)
        rows = list(sess.scalars(stmt))
    more = len(rows) > query.size
    rows = rows[:query.size]
    return rows, (encode_cursor(rows[-1], query.sort) if more else None)


#: rows of the list order a search looks through before it asks the indexes (see _probe)
PROBE_ROWS = 20_000


def _probes(query: ListQuery) -> bool:
    # ASCII only: there SQLite's LIKE folds case exactly as the trigram index does
    return len(query.q) >= TRIGRAM and query.q.isascii()


def _probe(sess, query: ListQuery, after: tuple | None, dialect: str) -> list[Account] | None:
    """The page of a search, looked for among the next PROBE_ROWS rows of the list order; None
    when fewer than a page and one match are there.

    A common nickname part (thousands of matches in a million accounts) makes the indexes return
    every match, each then fetched and all sorted for one page (PostgreSQL may instead pick a
    bitmap plan of 70-1,300 ms); in list order a full page is found within a few thousand rows.
    The first size+1 matches of a prefix of the order are the first of the whole order, so the
    answer is exact; a rare part falls through to the indexes at the cost of one bounded scan."""
    window = _ordered(dataclasses.replace(query, q="").filtered(select(Account), dialect), query, after)
    acc = aliased(Account, window.limit(PROBE_ROWS).subquery())
    by, desc = SORTS[query.sort]
    keys = [getattr(acc, by.key)] + ([acc.user_id] if by.key != "user_id" else [])
    stmt = select(acc).where(_scan_clause(query.q, dialect, acc)) \
        .order_by(*[k.desc() if desc else k for k in keys]).limit(query.size + 1)
    rows = list(sess.scalars(stmt))
    return rows if len(rows) > query.size else None


def matching_ids(sess, query: ListQuery, limit: int) -> list[str]:
    """User IDs of every account matching the filters (not the page), up to `limit`."""
    stmt = _ordered(query.filtered(select(Account.user_id), _dialect(sess)), query, None).limit(limit)
    return list(sess.scalars(stmt))


def _dialect(sess) -> str:
    return sess.get_bind().dialect.name


COUNT_CAP = 1000


def count(sess, query: ListQuery, cap: int = COUNT_CAP) -> int | None:
    """How many accounts match the filters and the search, up to `cap` + 1 (so a huge directory
    stays quick)."""
    inner = query.filtered(select(Account.id), _dialect(sess)).limit(cap + 1).subquery()
    return sess.scalar(select(func.count()).select_from(inner)) or 0


EXPORT_COLUMNS = ("user_id", "nickname", "source", "online_state", "imported", "muted_c2c", "muted_group",
                  "first_seen", "last_seen", "deleted_at")


def export_csv(sess, query: ListQuery) -> Iterator[str]:
    """Every account matching `query` (all pages) as CSV text chunks."""
    return csv_stream(EXPORT_COLUMNS, ([_export_cell(getattr(acc, c)) for c in EXPORT_COLUMNS]
                                       for acc in _every_match(sess, query)))


def _every_match(sess, query: ListQuery) -> Iterator[Account]:
    page = dataclasses.replace(query, size=EXPORT_CHUNK, after="")
    while True:
        rows, cursor = list_page(sess, page)
        yield from rows
        if not cursor:
            return
        page = dataclasses.replace(page, after=cursor)


def _export_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


# ---- relationships in words -----------------------------------------------------------------

RELATIONS = {
    "CheckResult_Type_BothWay": _l("Friends both ways: each has the other in their friend list."),
    "CheckResult_Type_AWithB": _l("One-way: %(b)s is in %(a)s's friend list, not the other way round."),
    "CheckResult_Type_BWithA": _l("One-way: %(a)s is in %(b)s's friend list, not the other way round."),
    "CheckResult_Type_NoRelation": _l("Not friends: neither list contains the other."),
    "BlackCheckResult_Type_BothWay": _l("Both blocked: each has blocked the other."),
    "BlackCheckResult_Type_AWithB": _l("%(a)s has blocked %(b)s."),
    "BlackCheckResult_Type_BWithA": _l("%(b)s has blocked %(a)s."),
    "BlackCheckResult_Type_NO": _l("No block between them."),
}


def relation_text(relation: str, a: str, b: str) -> str:
    text = RELATIONS.get(relation)
    return str(text % {"a": a, "b": b}) if text is not None else relation


# ---- mute durations ---------------------------------------------------------------------------

MUTE_FOREVER = UINT32_MAX
MUTE_CHOICES = (("0", _l("Not muted")), ("3600", _l("1 hour")), ("86400", _l("1 day")),
                ("604800", _l("7 days")), (str(MUTE_FOREVER), _l("Forever")))


def plan_mute(form: Mapping) -> dict:
    """{"c2c", "group"}: the global mute durations chosen, in seconds (None leaves that mute alone)."""
    c2c, group = forms.collect(
        lambda: forms.integer(form.get("c2c"), "c2c", _l("One-to-one messages"), hi=MUTE_FOREVER),
        lambda: forms.integer(form.get("group"), "group", _l("Group messages"), hi=MUTE_FOREVER))
    if c2c is None and group is None:
        raise FormError(_l("Choose a duration for one-to-one and/or group messages."), "c2c")
    return {"c2c": c2c, "group": group}


USERSIG_EXPIRY = ((3600, _l("1 hour")), (86400, _l("1 day")), (7 * 86400, _l("7 days")),
                  (30 * 86400, _l("30 days")), (180 * 86400, _l("180 days")))
